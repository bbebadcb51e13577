"""Block Kit for ``/acc status``: the watcher's own health, one line per thing to check."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.actions.context import Actor
from accbot.actions.results import ReplicaCycle, WatcherStatus
from accbot.commands.durations import rough_duration_text
from accbot.slack.views import format as fmt
from accbot.slack.views.blocks import line_sections
from accbot.slack.views.phrase import channel, code
from accbot.slack.views.reply import Reply

BEHIND_ICON = ":hourglass:"
OK_ICON = ":large_green_circle:"
DOWN_ICON = ":red_circle:"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}s"


def replica_line(replica: ReplicaCycle, status: WatcherStatus) -> str:
    name = code(replica.holder) + (" (this replica)" if replica.this_replica else "")
    if replica.shards:
        shards = ", ".join(str(s) for s in replica.shards)
        held = f"shards {shards} of {status.shard_count}"
    else:
        held = "standby (no shard)" if replica.live else "gone"
    if replica.last_cycle_end is None:
        cycle = "no cycle yet"
    else:
        cycle = (
            f"last cycle ended {fmt.when(replica.last_cycle_end)}, "
            f"took {_seconds(replica.cycle_seconds)}"
        )
    line = f"{name} · {held} · {cycle}"
    if replica.behind:
        lag = status.now - (replica.last_cycle_end or status.now)
        line = f"{BEHIND_ICON} {line} · *behind by {rough_duration_text(lag)}*"
    return line


def render_watcher_status(status: WatcherStatus, actor: Actor) -> Reply:
    behind = any(r.behind for r in status.replicas)
    last = status.last_cycle_end
    if last is None:
        headline = "No watcher cycle has ended yet."
    else:
        ago = rough_duration_text(max(status.now - last, timedelta(0)))
        headline = f"Last cycle ended {fmt.when(last)} ({ago} ago); a cycle every {status.poll_seconds:g}s."
    if behind:
        headline = f"{BEHIND_ICON} *The watcher is behind.* " + headline
    live = sum(1 for r in status.replicas if r.live)
    replicas = [replica_line(r, status) for r in status.replicas] or ["No watcher replica has run."]
    if status.pending_total:
        waiting = ", ".join(f"{channel(c)} {n:,}" for c, n in status.pending.items())
        backlog = f"*{status.pending_total:,} alert(s) waiting to be posted*: {waiting}"
    else:
        backlog = "No alert is waiting to be posted."
    health = " · ".join(
        f"{OK_ICON if b.reachable else DOWN_ICON} {b.name} {'answers' if b.reachable else 'unreachable'}"
        for b in status.backends
    )
    blocks: list[Block] = [
        HeaderBlock(text="Watcher status"),
        SectionBlock(text=headline),
        *line_sections(replicas),
        SectionBlock(text=backlog),
        SectionBlock(text=health),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{live} live replica(s) share {status.shard_count} shard(s) · "
                    "behind: no cycle ended for 3 intervals"
                )
            ]
        ),
    ]
    text = "Watcher status: " + ("behind" if behind else "ok")
    return Reply(text=text, blocks=blocks)
