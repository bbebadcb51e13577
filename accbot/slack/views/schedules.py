"""Block Kit for schedules: each with its cron, ACC's description, zone, next and last
run, and the buttons the asker's role allows (Enable/Disable, Run now, Delete)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.acc.models import Schedule
from accbot.actions.context import Actor
from accbot.actions.results import ScheduleList
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import code
from accbot.slack.views.reply import Reply

# Two blocks per schedule, and a message holds at most 50 blocks.
MAX_SCHEDULES = 22


def schedule_text(schedule: Schedule) -> str:
    state = ":large_green_circle: Enabled" if schedule.is_enabled else ":white_circle: Disabled"
    status = schedule.status.label if schedule.status is not None else "—"
    description = fmt.escape(schedule.cron_description or "no description from ACC")
    lines = [
        f"{code(schedule.cron)} — {description}",
        f"{state} · zone {fmt.escape(schedule.time_zone_id or '—')}"
        f" · next run {fmt.when(schedule.next_run_time)}",
        f"Status {status} · last run {fmt.when(schedule.last_run_time)} · ID {code(schedule.schedule_id)}",
    ]
    if schedule.error_message:
        lines.append(f"> {fmt.escape(fmt.truncate(schedule.error_message, 300))}")
    return fmt.truncate("\n".join(lines), 3000)


def schedule_buttons(
    schedule: Schedule, label: str, *, can_operate: bool, can_delete: bool
) -> list[ButtonElement]:
    sid = schedule.schedule_id
    buttons = []
    if can_operate:
        if schedule.is_enabled:
            buttons.append(ButtonElement(text="Disable", action_id=ids.SCHEDULE_DISABLE, value=sid))
        else:
            buttons.append(
                ButtonElement(
                    text="Enable", action_id=ids.SCHEDULE_ENABLE, value=sid, style="primary"
                )
            )
        buttons.append(ButtonElement(text="Run now", action_id=ids.SCHEDULE_RUN, value=sid))
    if can_delete:
        buttons.append(
            ButtonElement(
                text="Delete",
                action_id=ids.SCHEDULE_DELETE,
                value=sid,
                style="danger",
                confirm=ConfirmObject(
                    title="Delete this schedule?",
                    text=fmt.plain(
                        f"The schedule {schedule.cron} of {label} is deleted for good.", 300
                    ),
                    confirm="Delete",
                    deny="Cancel",
                ),
            )
        )
    return buttons


def render_schedule_list(result: ScheduleList, actor: Actor) -> Reply:
    label = result.agent_label
    title = f"Schedules of {label}"
    if not result.schedules:
        example = f'/acc schedule add {label} "0 0 6 * * ?" --tz Europe/London'
        text = f"{code(label)} has no schedules. Add one with {code(example)}."
        return Reply(
            text=fmt.escape(f"{label} has no schedules."), blocks=[SectionBlock(text=text)]
        )
    blocks: list = [HeaderBlock(text=fmt.plain(title, 150))]
    for schedule in result.schedules[:MAX_SCHEDULES]:
        blocks.append(SectionBlock(text=schedule_text(schedule)))
        buttons = schedule_buttons(
            schedule, label, can_operate=result.can_operate, can_delete=result.can_delete
        )
        if buttons:
            blocks.append(
                ActionsBlock(block_id=f"schedule:{schedule.schedule_id}"[:255], elements=buttons)
            )
    notes = []
    hidden = len(result.schedules) - MAX_SCHEDULES
    if hidden > 0:
        notes.append(f"{hidden} more not shown")
    if not result.can_operate:
        notes.append("operators can enable, disable and run schedules; admins can delete them")
    elif not result.can_delete:
        notes.append("admins can delete schedules")
    if result.portal_url:
        notes.append(fmt.link(result.portal_url, "Open ACC"))
    if notes:
        text = " · ".join(notes)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=text[:1].upper() + text[1:])]))
    count = len(result.schedules)
    return Reply(
        text=fmt.escape(f"{title}: {count} schedule{'' if count == 1 else 's'}"), blocks=blocks
    )
