"""Block Kit for what actions did: changes announced in the channel, started runs,
fetched files, notices, and the confirmation a destructive bulk command waits for."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.actions import results as r
from accbot.actions.context import Actor
from accbot.actions.phrases import Code, joined, say
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.blocks import SECTION_TEXT_LIMIT
from accbot.slack.views.phrase import mrkdwn, user
from accbot.slack.views.reply import Reply, Upload
from accbot.slack.views.runs import run_buttons

MAX_QUOTED_CHARS = 2800
MAX_FILES_LISTED = 20
CONFIRM_HINT = "Click Confirm to go ahead."


def text_reply(text: str, *, announce: bool = False) -> Reply:
    """A reply of one section; ``text`` is mrkdwn the caller has already escaped."""
    return Reply(
        text=text,
        blocks=[SectionBlock(text=fmt.truncate(text, SECTION_TEXT_LIMIT))],
        announce=announce,
    )


def render_mutation(result: r.Mutation, actor: Actor) -> Reply:
    text = f"{user(actor.user_id)} {mrkdwn(result.summary)}"
    blocks = [SectionBlock(text=fmt.truncate(text, SECTION_TEXT_LIMIT))]
    if result.detail:
        detail = fmt.truncate(mrkdwn(result.detail), SECTION_TEXT_LIMIT)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=detail)]))
    return Reply(text=text, blocks=blocks, announce=True)


def render_started(result: r.StartedRun, actor: Actor) -> Reply:
    text = f"{user(actor.user_id)} {mrkdwn(result.summary)}"
    lines = [text]
    if result.run_ids and result.outcome is None:
        lines.append(mrkdwn(say("Run ID: ", joined([Code(i) for i in result.run_ids]))))
    blocks = [SectionBlock(text=fmt.truncate("\n".join(lines), SECTION_TEXT_LIMIT))]
    uploads = []
    if result.outcome is not None:
        run = result.outcome
        if run.status_message:
            blocks.append(
                SectionBlock(text=f"> {fmt.escape(fmt.truncate(run.status_message, 500))}")
            )
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{fmt.run_status(run)} · {fmt.count(run.errors)} errors · "
                        f"{fmt.count(run.data_count)} rows · {fmt.duration(run.run_time)}"
                    )
                ]
            )
        )
        blocks.append(run_buttons(run))
    if result.data is not None and result.data.too_large:
        blocks.append(too_large_block(result.data))
    elif result.data is not None:
        uploads.append(Upload(result.data.filename, result.data.content, result.data.title))
    return Reply(text=text, blocks=blocks, announce=True, uploads=uploads)


def too_large_block(result: r.FileResult) -> SectionBlock:
    """A file over the download limit: said instead of uploaded."""
    return SectionBlock(
        text=f":warning: *{fmt.escape(result.title)}* — {fmt.escape(result.summary)}."
    )


def quoted_block(lines: list[str]) -> str:
    """Log lines in a code block: escaped like any other text (Slack parses mentions and
    links inside code blocks too), with a ``` inside turned into ''' so it cannot end it."""
    quoted = fmt.truncate("\n".join(lines), MAX_QUOTED_CHARS).replace("```", "'''")
    return "```" + fmt.escape(quoted) + "```"


def render_file(result: r.FileResult, actor: Actor) -> Reply:
    if result.too_large:
        return Reply(
            text=fmt.escape(f"{result.title}: {result.summary}."), blocks=[too_large_block(result)]
        )
    lines = [f"*{fmt.escape(result.title)}* — {fmt.escape(result.summary)}"]
    if result.quoted_lines:
        lines.append(quoted_block(result.quoted_lines))
    if result.files_inside:
        names = [Code(name) for name in result.files_inside[:MAX_FILES_LISTED]]
        lines.append(mrkdwn(say("Files: ", joined(names))))
    text = "\n".join(lines)
    return Reply(
        text=fmt.escape(f"{result.title}: {result.summary}"),
        blocks=[SectionBlock(text=fmt.truncate(text, SECTION_TEXT_LIMIT))],
        uploads=[Upload(result.filename, result.content, result.title)],
    )


def render_confirmation(result: r.ConfirmationRequired, actor: Actor) -> Reply:
    prompt = f"{mrkdwn(result.prompt)} {CONFIRM_HINT}"
    return Reply(
        text=prompt,
        blocks=[
            SectionBlock(text=fmt.truncate(f":warning: {prompt}", SECTION_TEXT_LIMIT)),
            ActionsBlock(
                block_id="confirm",
                elements=[
                    ButtonElement(
                        text="Confirm",
                        action_id=ids.CONFIRM_COMMAND,
                        value=result.confirmation_id or "",  # held on the server
                        style="danger",
                    ),
                    ButtonElement(
                        text="Cancel",
                        action_id=ids.CANCEL_COMMAND,
                        value=result.confirmation_id or "",
                    ),
                ],
            ),
        ],
    )


def render_notice(result: r.Notice, actor: Actor) -> Reply:
    text = "\n".join(mrkdwn(p) for p in [result.text, *result.lines])
    if result.announce:
        text = f"{user(actor.user_id)} {text}"
    return text_reply(text, announce=result.announce)


def render_open_modal(result: r.OpenModal, actor: Actor) -> Reply:
    """Only reached when no form can be opened (no trigger): say where it works."""
    return text_reply(":warning: That needs a Slack form: type the command in Slack to open it.")
