"""Block Kit for the admin answers: a server's health and the audit log."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from accbot.actions.context import Actor
from accbot.actions.results import AuditEntryView, AuditList, ServerReport
from accbot.slack.views import format as fmt
from accbot.slack.views.blocks import line_sections
from accbot.slack.views.phrase import code, user
from accbot.slack.views.reply import Reply

RESULT_ICONS = {"ok": ":white_check_mark:", "refused": ":no_entry:", "error": ":x:"}
ARGUMENT_CHARS = 40
ARGUMENTS_CHARS = 140
DETAIL_CHARS = 160


def _usage(value: str | None, threshold: int | None = None) -> str:
    text = fmt.escape(value.strip()) if value and value.strip() else "—"
    return f"{text} (threshold {threshold}%)" if threshold else text


def render_server(result: ServerReport, actor: Actor) -> Reply:
    status = result.status
    if status.is_error:
        headline = (
            f":red_circle: *Problem*: {fmt.escape(status.message or 'ACC reported an error')}"
        )
    else:
        headline = f":large_green_circle: {fmt.escape(status.message or 'The server answered.')}"
    fields = [
        MarkdownTextObject(text=f"*CPU*\n{_usage(status.cpu_usages, status.cpu_threshold)}"),
        MarkdownTextObject(
            text=f"*Memory*\n{_usage(status.memory_usages, status.memory_threshold)}"
        ),
        MarkdownTextObject(text=f"*Disk*\n{_usage(status.disc_usages)}"),
        MarkdownTextObject(text=f"*Address*\n{code(result.address)}"),
    ]
    title = f"Server {result.name}"
    blocks = [
        HeaderBlock(text=fmt.plain(title, 150)),
        SectionBlock(text=fmt.truncate(headline, 3000), fields=fields),
    ]
    verdict = "ERROR" if status.is_error else "OK"
    return Reply(
        text=fmt.escape(f"{title} ({result.address}): {verdict} — {status.message}"), blocks=blocks
    )


def short_arguments(arguments: dict[str, Any]) -> str:
    """``k=v`` for the arguments that say something, each and all of them cut short."""
    parts = []
    for key, value in arguments.items():
        if value is None or value is False or value in ("", [], {}):
            continue
        if isinstance(value, dict):
            value = " ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ",".join(str(v) for v in value)
        parts.append(f"{key}={fmt.truncate(str(value), ARGUMENT_CHARS)}")
    return fmt.truncate(" ".join(parts), ARGUMENTS_CHARS)


def audit_line(entry: AuditEntryView) -> str:
    arguments = short_arguments(entry.arguments)
    line = (
        f"{fmt.when(entry.at)} · {user(entry.user_id)} · *{fmt.escape(entry.action)}*"
        + (f" {code(arguments)}" if arguments else "")
        + f" · {RESULT_ICONS.get(entry.result, '')} {fmt.escape(entry.result)}"
    )
    if entry.detail:
        line += f" — {fmt.escape(fmt.truncate(' '.join(entry.detail.split()), DETAIL_CHARS))}"
    return line


def render_audit(result: AuditList, actor: Actor) -> Reply:
    if not result.entries:
        text = "No changes have been recorded yet."
        return Reply(text=text, blocks=[SectionBlock(text=text)])
    title = f"Latest {len(result.entries)} change{'' if len(result.entries) == 1 else 's'}"
    blocks = [
        HeaderBlock(text=title),
        *line_sections([audit_line(e) for e in result.entries]),
        ContextBlock(
            elements=[MarkdownTextObject(text="Newest first · who, what, arguments, result")]
        ),
    ]
    return Reply(text=title, blocks=blocks)
