"""What the App Home shows: a dashboard gathered from the store, the roles and the watcher.

For the person who opens it: their roles; every watched agent with the last status the
watcher saw (failing agents first); the mutes and schedule pauses in force with their end
times; the approval requests waiting for a decision (to approvers only, who get the
buttons); the watcher's own health line; and the latest changes. Nothing here asks ACC:
the tab opens as fast as the database answers, however many agents are watched.

The Slack view only lays this out and escapes it; it fetches nothing itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from accbot.actions.approvals.cards import RequestView
from accbot.actions.context import Services
from accbot.actions.health import WatcherState
from accbot.actions.pauses import view_of
from accbot.actions.results import PauseView
from accbot.commands.model import AgentRef
from accbot.commands.roles import Role
from accbot.store import approvals, audit, cursors, mutes, pauses, watches
from accbot.watching.latest import LastRun

logger = logging.getLogger("accbot.actions")

RECENT_CHANGES = 5
MAX_LISTED = 40  # watched agents, mutes, pauses and approvals each: the tab stays readable


@dataclass(frozen=True)
class WatchLine:
    """One watched agent: where its alerts go, and the newest run the watcher saw."""

    agent: str  # path, or sas:<agentId>
    channel_ids: tuple[str, ...]
    all_states: bool
    last: LastRun | None = None  # None: no run seen yet (never run, or not polled)

    @property
    def failing(self) -> bool:
        return self.last is not None and self.last.is_failure

    @property
    def channel_id(self) -> str:
        return self.channel_ids[0]


@dataclass(frozen=True)
class MuteLine:
    agent: str
    until: datetime


@dataclass(frozen=True)
class WatcherHealth:
    """The watcher of this process as it reports itself (``WatcherService.snapshot``)."""

    state: WatcherState  # ok | behind | standby
    poll_seconds: float
    last_cycle_at: datetime | None
    last_cycle_seconds: float | None
    backlog: int  # posts queued, not yet made
    shards_held: int
    shards_total: int


@dataclass(frozen=True)
class HomeSummary:
    roles: list[str]
    admins_configured: bool
    watches: list[WatchLine] = field(default_factory=list)
    recent: list[tuple[str, str, str]] = field(default_factory=list)  # user, action, result
    portal_url: str = ""
    mutes: list[MuteLine] = field(default_factory=list)
    pauses: list[PauseView] = field(default_factory=list)
    # Requests waiting for a decision; None: this person may not decide (no buttons).
    approvals: list[RequestView] | None = None
    watcher: WatcherHealth | None = None  # None: no watcher runs in this process
    more_watches: int = 0  # watched agents beyond those listed


def home_summary(services: Services, user_id: str) -> HomeSummary:
    held = services.roles.roles_of(user_id)
    roles = [role.value for role in (Role.OPERATOR, Role.APPROVER, Role.ADMIN) if role in held]
    now = services.clock()
    with services.db.session() as session:
        watch_lines = _watch_lines(session, watches.list_watches(session))
        mute_lines = [
            MuteLine(str(AgentRef(m.kind, m.agent_ref)), m.until)  # type: ignore[arg-type]
            for m in mutes.active_mutes(session, now)[:MAX_LISTED]
        ]
        pause_views = [view_of(p) for p in pauses.active(session)[:MAX_LISTED]]
        requests = (
            [RequestView.of(r) for r in approvals.pending_requests(session)[:MAX_LISTED]]
            if Role.APPROVER in held
            else None
        )
        recent = [(e.user_id, e.action, e.result) for e in audit.recent(session, RECENT_CHANGES)]
    return HomeSummary(
        roles=roles,
        admins_configured=services.roles.admins_configured,
        watches=watch_lines[:MAX_LISTED],
        more_watches=max(0, len(watch_lines) - MAX_LISTED),
        recent=recent,
        portal_url=services.acc_link(),
        mutes=mute_lines,
        pauses=pause_views,
        approvals=requests,
        watcher=watcher_health(services),
    )


def _watch_lines(session, rows) -> list[WatchLine]:
    """One line per watched agent (its channels together), failing agents first."""
    by_agent: dict[tuple[str, str], list] = {}
    for row in rows:
        by_agent.setdefault((row.kind, row.agent_id), []).append(row)
    last_runs = cursors.last_runs_of(session, by_agent)
    lines = []
    for key, group in by_agent.items():
        first = group[0]
        lines.append(
            WatchLine(
                agent=str(AgentRef(first.kind, first.agent_ref)),  # type: ignore[arg-type]
                channel_ids=tuple(dict.fromkeys(w.channel_id for w in group)),
                all_states=any(w.all_states for w in group),
                last=LastRun.of(last_runs.get(key)),
            )
        )
    return sorted(lines, key=lambda line: (not line.failing, line.agent.lower()))


def watcher_health(services: Services) -> WatcherHealth | None:
    probe = services.watcher_probe
    if probe is None:
        return None
    snapshot = probe()
    return WatcherHealth(
        state=snapshot.state(time.monotonic()),
        poll_seconds=snapshot.poll_seconds,
        last_cycle_at=snapshot.last_cycle_at,
        last_cycle_seconds=snapshot.last_cycle_seconds,
        backlog=snapshot.backlog,
        shards_held=len(snapshot.shards_held),
        shards_total=snapshot.shards_total,
    )
