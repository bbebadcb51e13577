"""The App Home tab as a dashboard: roles, watched agents (failing first) with their last
status, mutes and pauses with their end times, approvals waiting (with their buttons, for
approvers), the watcher's health and the latest changes.

Everything shown that accbot did not write (agent paths, statuses, run ids, actions) is
escaped; people and channels are mentions built from their ids only.
"""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from accbot.actions.approvals.cards import RequestView
from accbot.actions.home import HomeSummary, WatcherHealth, WatchLine
from accbot.actions.results import PauseView
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import channel, code, user

FAILING_ICON = ":x:"
OK_ICON = ":white_check_mark:"
UNKNOWN_ICON = ":grey_question:"
SECTION_CHARS = 3000
MAX_BLOCKS = 100  # Slack's limit for a Home tab
WATCHER_WORDS = {
    "ok": ":large_green_circle: polling",
    "behind": ":warning: *behind*",
    "standby": ":double_vertical_bar: standby (another replica polls)",
}


def home_view(summary: HomeSummary) -> dict:
    """The Home tab for one person, from what ``actions.home.home_summary`` gathered."""
    roles = ", ".join(summary.roles) if summary.roles else "viewer"
    blocks: list[Block] = [
        HeaderBlock(text="accbot — Agent Control Center in Slack"),
        SectionBlock(
            text=f"Your roles: *{fmt.escape(roles)}*.\nType `/acc help` for every command, "
            "`/acc agent &lt;agentPath&gt;` to look at an agent."
        ),
    ]
    if not summary.admins_configured:
        blocks.append(
            SectionBlock(
                text=":lock: No admins are configured (`ACCBOT_ADMINS`): changes are disabled."
            )
        )
    blocks.append(_watcher_block(summary.watcher))
    blocks.append(DividerBlock())
    blocks.append(_section("*Watching*", _watch_lines(summary), _nothing_watched()))
    blocks.append(
        _section(
            "*Muted*",
            [f"• {code(m.agent)} until {fmt.when(m.until)}" for m in summary.mutes],
            "Nothing is muted.",
        )
    )
    blocks.append(
        _section(
            "*Paused schedules*",
            [_pause_line(p) for p in summary.pauses],
            "No schedule is paused. `/acc schedule off &lt;scheduleId&gt; for 2h` pauses one.",
        )
    )
    if summary.approvals is not None:
        blocks += _approval_blocks(summary.approvals)
    if summary.recent:
        lines = [f"{user(u)} {fmt.escape(a)} — {fmt.escape(r)}" for u, a, r in summary.recent]
        blocks.append(_section("*Recent changes*", lines, ""))
    if summary.portal_url:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=fmt.link(summary.portal_url, "Open ACC"))]
            )
        )
    return View(type="home", blocks=blocks[:MAX_BLOCKS]).to_dict()


def _section(title: str, lines: list[str], empty: str) -> SectionBlock:
    body = "\n".join(lines) if lines else empty
    return SectionBlock(text=fmt.truncate(f"{title}\n{body}", SECTION_CHARS))


def _watch_lines(summary: HomeSummary) -> list[str]:
    lines = [_watch_line(w) for w in summary.watches]
    if summary.more_watches:
        lines.append(f"… and {summary.more_watches} more: `/acc watching` lists them all.")
    return lines


def _watch_line(line: WatchLine) -> str:
    channels = ", ".join(channel(c) for c in line.channel_ids)
    last = line.last
    if last is None:
        status = f"{UNKNOWN_ICON} no run seen yet"
    else:
        icon = FAILING_ICON if last.is_failure else OK_ICON
        status = f"{icon} {fmt.escape(last.status)} · run {code(last.run_id)} · {fmt.when(last.at)}"
    extra = " (all end states)" if line.all_states else ""
    return f"• {code(line.agent)} → {channels}{extra}\n      {status}"


def _nothing_watched() -> str:
    return "Nothing yet. An admin can `/acc watch &lt;agentPath&gt;`."


def _pause_line(pause: PauseView) -> str:
    if pause.agent_path is None:
        what = f"schedule {code(', '.join(pause.schedule_ids))}"
    else:
        n = len(pause.schedule_ids)
        what = f"{n} schedule{'' if n == 1 else 's'} of {code(pause.agent_path)}"
    return (
        f"• #{pause.pause_id}: {what} back on at {fmt.when(pause.ends_at)}"
        f" (by {user(pause.paused_by)})"
    )


def _approval_blocks(requests: list[RequestView]) -> list[Block]:
    if not requests:
        return [SectionBlock(text="*Waiting for approval*\nNo request is waiting.")]
    blocks: list[Block] = [SectionBlock(text=f"*Waiting for approval* ({len(requests)})")]
    for request in requests:
        text = (
            f"{code(request.agent_path)} · asked by {user(request.requested_by)}"
            f" {fmt.when(request.created_at)} in {channel(request.channel_id)}"
        )
        if request.note:
            text += f"\n> {fmt.escape(fmt.truncate(request.note, 500))}"
        value = str(request.id)
        blocks += [
            SectionBlock(text=fmt.truncate(text, SECTION_CHARS)),
            ActionsBlock(
                block_id=f"home_approval:{request.id}",
                elements=[
                    ButtonElement(
                        text="Approve", action_id=ids.APPROVAL_APPROVE, value=value, style="primary"
                    ),
                    ButtonElement(
                        text="Disapprove",
                        action_id=ids.APPROVAL_DISAPPROVE,
                        value=value,
                        style="danger",
                    ),
                ],
            ),
        ]
    return blocks


def _watcher_block(health: WatcherHealth | None) -> ContextBlock:
    if health is None:
        text = ":information_source: The watcher does not run in this process."
    else:
        if health.last_cycle_at is None:
            cycle = "no cycle has ended yet"
        else:
            took = fmt.duration(timedelta(seconds=health.last_cycle_seconds or 0.0))
            cycle = f"last cycle ended {fmt.when(health.last_cycle_at)}, took {took}"
        text = (
            f"*Watcher*: {WATCHER_WORDS[health.state]} every {health.poll_seconds:g}s · {cycle}"
            f" · {health.backlog} post{'' if health.backlog == 1 else 's'} waiting"
            f" · shard leases {health.shards_held} of {health.shards_total}"
        )
    return ContextBlock(elements=[MarkdownTextObject(text=text)])
