"""Result -> Reply: one renderer per action result type."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.actions import results as r
from accbot.actions.context import Actor
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.reply import Reply, Upload
from accbot.slack.views.runs import render_agent, render_run_detail, render_run_list, run_buttons

MAX_QUOTED_CHARS = 2800

_RENDERERS: dict[type, Callable[[r.Result, Actor], Reply]] = {}


def renders(result_type: type) -> Callable:
    def register(func: Callable[[r.Result, Actor], Reply]) -> Callable:
        _RENDERERS[result_type] = func
        return func

    return register


def render(result: r.Result, actor: Actor) -> Reply:
    for klass in type(result).__mro__:
        if klass in _RENDERERS:
            return _RENDERERS[klass](result, actor)
    raise LookupError(f"no view renders {type(result).__name__}")


def text_reply(text: str, *, announce: bool = False) -> Reply:
    return Reply(text=text, blocks=[SectionBlock(text=fmt.truncate(text, 3000))], announce=announce)


@renders(r.HelpResult)
def _help(result: r.HelpResult, actor: Actor) -> Reply:
    return text_reply(result.text)


@renders(r.AgentOverview)
def _agent(result: r.AgentOverview, actor: Actor) -> Reply:
    return render_agent(result)


@renders(r.RunList)
def _runs(result: r.RunList, actor: Actor) -> Reply:
    return render_run_list(result)


@renders(r.RunDetail)
def _run(result: r.RunDetail, actor: Actor) -> Reply:
    return render_run_detail(result)


@renders(r.Mutation)
def _mutation(result: r.Mutation, actor: Actor) -> Reply:
    text = f"<@{actor.user_id}> {result.summary}"
    blocks = [SectionBlock(text=fmt.truncate(text, 3000))]
    if result.detail:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=fmt.truncate(result.detail, 3000))]))
    return Reply(text=text, blocks=blocks, announce=True)


@renders(r.StartedRun)
def _started(result: r.StartedRun, actor: Actor) -> Reply:
    text = f"<@{actor.user_id}> {result.summary}"
    lines = [text]
    if result.run_ids and result.outcome is None:
        lines.append("Run ID: " + ", ".join(f"`{i}`" for i in result.run_ids))
    blocks = [SectionBlock(text=fmt.truncate("\n".join(lines), 3000))]
    uploads = []
    if result.outcome is not None:
        run = result.outcome
        if run.status_message:
            blocks.append(SectionBlock(text=f"> {fmt.escape(fmt.truncate(run.status_message, 500))}"))
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
    if result.data is not None:
        uploads.append(Upload(result.data.filename, result.data.content, result.data.title))
    return Reply(text=text, blocks=blocks, announce=True, uploads=uploads)


@renders(r.FileResult)
def _file(result: r.FileResult, actor: Actor) -> Reply:
    lines = [f"*{fmt.escape(result.title)}* — {fmt.escape(result.summary)}"]
    if result.quoted_lines:
        quoted = "\n".join(result.quoted_lines)
        lines.append("```" + fmt.truncate(quoted, MAX_QUOTED_CHARS).replace("```", "'''") + "```")
    if result.files_inside:
        lines.append("Files: " + ", ".join(f"`{fmt.escape(n)}`" for n in result.files_inside[:20]))
    text = "\n".join(lines)
    return Reply(
        text=f"{result.title}: {result.summary}",
        blocks=[SectionBlock(text=fmt.truncate(text, 3000))],
        uploads=[Upload(result.filename, result.content, result.title)],
    )


@renders(r.ConfirmationRequired)
def _confirm(result: r.ConfirmationRequired, actor: Actor) -> Reply:
    return Reply(
        text=result.prompt,
        blocks=[
            SectionBlock(text=fmt.truncate(f":warning: {result.prompt}", 3000)),
            ActionsBlock(
                block_id="confirm",
                elements=[
                    ButtonElement(
                        text="Confirm",
                        action_id=ids.CONFIRM_COMMAND,
                        value=fmt.truncate(result.command_text, 2000),
                        style="danger",
                    ),
                    ButtonElement(text="Cancel", action_id=ids.CANCEL_COMMAND, value="cancel"),
                ],
            ),
        ],
    )


@renders(r.Notice)
def _notice(result: r.Notice, actor: Actor) -> Reply:
    text = result.text if not result.lines else result.text + "\n" + "\n".join(result.lines)
    if result.announce:
        text = f"<@{actor.user_id}> {text}"
    return text_reply(text, announce=result.announce)


def register_more() -> None:
    """Views for the other result types live in their own modules; import them once."""
    import importlib
    import importlib.util

    for module in (
        "accbot.slack.views.jobs",
        "accbot.slack.views.schedules",
        "accbot.slack.views.admin",
        "accbot.slack.views.approvals",
        "accbot.slack.views.sas",
        "accbot.slack.views.csv_inputs",
    ):
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


register_more()
