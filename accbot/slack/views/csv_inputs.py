"""The ``/acc inputs csv`` form (a file name and a multi-line field for the rows) and the
announcement once the rows are saved in ACC."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.blocks.block_elements import PlainTextInputElement
from slack_sdk.models.views import View

from accbot.actions.context import Actor
from accbot.actions.results import CsvForm, CsvUploaded
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.inputs import UploadTarget
from accbot.slack.views.phrase import user
from accbot.slack.views.reply import Reply

NAME_BLOCK = "name"
ROWS_BLOCK = "rows"
VALUE = "value"
ERROR_LIMIT = 150


def csv_modal(result: CsvForm, actor: Actor) -> dict:
    target = UploadTarget(result.agent_path, result.agent_id, actor.channel_id)
    view = View(
        type="modal",
        callback_id=ids.CSV_MODAL,
        title="Paste CSV input",
        submit="Upload",
        close="Cancel",
        private_metadata=target.dumps(),
        blocks=[
            SectionBlock(
                text=fmt.truncate(
                    f"CSV input data for agent `{fmt.escape(result.agent_path)}`", 3000
                )
            ),
            InputBlock(
                block_id=NAME_BLOCK,
                label="File name",
                element=PlainTextInputElement(
                    action_id=VALUE, initial_value=result.filename, max_length=200
                ),
            ),
            InputBlock(
                block_id=ROWS_BLOCK,
                label="CSV rows",
                element=PlainTextInputElement(
                    action_id=VALUE,
                    multiline=True,
                    max_length=result.max_chars or None,
                    placeholder="URL\nhttps://example.com/1",
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"At most {result.max_chars:,} characters. Input data with the same "
                        "name is replaced. Start a run with it: `/acc start &lt;agentPath&gt; --files &lt;name&gt;`."
                    )
                ]
            ),
        ],
    )
    return view.to_dict()  # validates Block Kit limits


def submitted(view: dict[str, Any]) -> tuple[str, str]:
    """(file name, rows) as submitted; the name trimmed, the rows exactly as pasted."""
    values = (view.get("state") or {}).get("values") or {}
    name = ((values.get(NAME_BLOCK) or {}).get(VALUE) or {}).get("value") or ""
    rows = ((values.get(ROWS_BLOCK) or {}).get(VALUE) or {}).get("value") or ""
    return name.strip(), rows


def submission_errors(name_problem: str | None, rows_problem: str | None) -> dict[str, str]:
    errors = {}
    if name_problem:
        errors[NAME_BLOCK] = fmt.truncate(name_problem[:1].upper() + name_problem[1:], ERROR_LIMIT)
    if rows_problem:
        errors[ROWS_BLOCK] = fmt.truncate(rows_problem, ERROR_LIMIT)
    return errors


def render_csv_uploaded(result: CsvUploaded, actor: Actor) -> Reply:
    rows = f"{result.rows} row{'' if result.rows == 1 else 's'}"
    text = (
        f"{user(actor.user_id)} uploaded CSV input data `{fmt.escape(result.filename)}` ({rows}) "
        f"to agent `{fmt.escape(result.agent_path)}`"
    )
    blocks: list[Any] = [SectionBlock(text=fmt.truncate(text, 3000))]
    hint = f"Use it: `/acc start {fmt.escape(result.agent_path)} --files {fmt.escape(result.filename)}`"
    if result.portal_url:
        hint += f" · {fmt.link(result.portal_url, 'Open ACC')}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=fmt.truncate(hint, 3000))]))
    return Reply(text=text, blocks=blocks, announce=True)
