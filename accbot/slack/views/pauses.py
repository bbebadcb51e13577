"""Block Kit for schedule pauses: the pause announced, the reminder with "Turn back on
now" and "Extend 1h", the end ("turned back on"), and ``/acc paused``.

Agent paths come from the person who typed them and schedule IDs from ACC: both are
escaped; times are Slack date tokens, shown in each reader's own zone.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.actions.context import Actor
from accbot.actions.results import PauseEnded, PauseExtended, PauseList, PauseStarted, PauseView
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import channel, user
from accbot.slack.views.reply import Reply

MAX_LISTED = 40  # two blocks per pause; a message holds 50
MAX_IDS_SHOWN = 10


def who(user_id: str | None) -> str:
    """A Slack user as a mention; the CLI's ``cli:<login>`` as plain (escaped) text."""
    return user(user_id) if user_id else "someone"


def what(pause: PauseView) -> str:
    """``schedule `id` `` or ``3 schedules of `agent` ``, escaped."""
    if pause.agent_path is None:
        return "schedule " + ", ".join(f"`{fmt.escape(s)}`" for s in pause.schedule_ids)
    count = len(pause.schedule_ids)
    noun = "schedule" if count == 1 else "schedules"
    return f"{count} {noun} of `{fmt.escape(pause.agent_path)}`"


def ids_line(pause: PauseView) -> str:
    shown = ", ".join(f"`{fmt.escape(s)}`" for s in pause.schedule_ids[:MAX_IDS_SHOWN])
    more = len(pause.schedule_ids) - MAX_IDS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def resume_button(pause: PauseView) -> ButtonElement:
    return ButtonElement(
        text="Turn back on now",
        action_id=ids.PAUSE_RESUME,
        value=str(pause.pause_id),
        style="primary",
    )


def extend_button(pause: PauseView) -> ButtonElement:
    return ButtonElement(text="Extend 1h", action_id=ids.PAUSE_EXTEND_1H, value=str(pause.pause_id))


def _buttons(pause: PauseView, *, extend: bool = False) -> ActionsBlock:
    elements = [resume_button(pause)] + ([extend_button(pause)] if extend else [])
    return ActionsBlock(block_id=f"pause:{pause.pause_id}", elements=elements)


def render_pause_started(result: PauseStarted, actor: Actor) -> Reply:
    pause = result.pause
    text = (
        f"{who(actor.user_id)} turned off {what(pause)} until {fmt.when(pause.ends_at)}; "
        "accbot turns them back on then."
    )
    notes = []
    if pause.agent_path is not None:
        notes.append(f"Paused: {ids_line(pause)}")
    if result.already_off:
        notes.append(f"{result.already_off} already off, left off")
    if result.failed:
        notes.append(
            "ACC would not turn off " + ", ".join(f"`{fmt.escape(s)}`" for s in result.failed)
        )
    blocks: list[Any] = [SectionBlock(text=fmt.truncate(text, 3000))]
    if notes:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=fmt.truncate(" · ".join(notes), 3000))])
        )
    blocks.append(_buttons(pause))
    return Reply(text=text, blocks=blocks, announce=True)


def ended_text(result: PauseEnded) -> str:
    pause = result.pause
    if result.reason == "resumed":
        return f"{who(result.by)} turned {what(pause)} back on now, before the pause ended."
    if result.reason == "by_hand":
        return f"The pause of {what(pause)} is over: they were turned back on by hand."
    return (
        f"Pause over: turned {what(pause)} back on "
        f"(paused by {who(pause.paused_by)} {fmt.when(pause.paused_at)})."
    )


def render_pause_ended(result: PauseEnded, actor: Actor) -> Reply:
    return ended_message(result)


def ended_message(result: PauseEnded) -> Reply:
    text = ended_text(result)
    blocks: list[Any] = [SectionBlock(text=fmt.truncate(text, 3000))]
    if result.missing:
        gone = ", ".join(f"`{fmt.escape(s)}`" for s in result.missing)
        note = f"ACC no longer has {gone}: deleted while paused."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=fmt.truncate(note, 3000))]))
    return Reply(text=text, blocks=blocks, announce=True)


def reminder_message(pause: PauseView) -> Reply:
    text = (
        f"Reminder: {what(pause)} turn back on {fmt.when(pause.ends_at)} "
        f"(paused by {who(pause.paused_by)})."
    )
    return Reply(
        text=text,
        blocks=[SectionBlock(text=fmt.truncate(text, 3000)), _buttons(pause, extend=True)],
        announce=True,
    )


def render_pause_extended(result: PauseExtended, actor: Actor) -> Reply:
    pause = result.pause
    text = (
        f"{who(actor.user_id)} extended the pause of {what(pause)} until {fmt.when(pause.ends_at)}."
    )
    return Reply(
        text=text,
        blocks=[SectionBlock(text=fmt.truncate(text, 3000)), _buttons(pause)],
        announce=True,
    )


def render_pause_list(result: PauseList, actor: Actor) -> Reply:
    if not result.pauses:
        text = "No schedules are paused. Pause some with `/acc schedule off &lt;scheduleId&gt; for 2h`."
        return Reply(text=text, blocks=[SectionBlock(text=text)])
    blocks: list[Any] = [HeaderBlock(text="Paused schedules")]
    for pause in result.pauses[:MAX_LISTED]:
        line = (
            f"{what(pause)} — back on {fmt.when(pause.ends_at)}\n"
            f"Paused by {who(pause.paused_by)} {fmt.when(pause.paused_at)}"
            + (f" in {channel(pause.channel_id)}" if pause.channel_id else "")
        )
        if pause.agent_path is not None:
            line += f"\n{ids_line(pause)}"
        blocks.append(SectionBlock(text=fmt.truncate(line, 3000)))
        if result.can_operate:
            blocks.append(_buttons(pause))
    hidden = len(result.pauses) - MAX_LISTED
    if hidden > 0:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"{hidden} more not shown")]))
    count = len(result.pauses)
    return Reply(text=f"{count} pause{'' if count == 1 else 's'}", blocks=blocks)
