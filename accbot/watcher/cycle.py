"""One watcher cycle: load the watches, poll every history, record, then post.

1. Load the watches (grouped per agent), the cursors and the active mutes.
2. Poll each watched agent's streams once, concurrently, skipping a backend that is
   backing off after an outage.
3. Per agent, in one transaction: detect, reserve alerts, mark recoveries, move the cursor.
4. Count the cycle as failed or good for each backend; announce outages once.
5. Post every pending alert (and what earlier cycles left pending), then owed recoveries.

Recording always comes before posting, so a crash anywhere loses nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from accbot.commands.model import AgentRef
from accbot.store import cursors, mutes, watches
from accbot.watcher.detect import Subscriber
from accbot.watcher.notify import Notifier
from accbot.watcher.outage import BackendHealth, OutageNotices
from accbot.watcher.poll import DEFAULT_CONCURRENCY, Fetched, Target, poll
from accbot.watcher.publish import Published, Publisher
from accbot.watcher.record import WatchedAgent, record
from accbot.watcher.sources import UnknownWatchKind, watch_kind

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")


@dataclass
class CycleReport:
    agents: int = 0
    requests: int = 0
    reserved: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    baselined: list[str] = field(default_factory=list)  # agent ids first seen now
    unavailable: list[str] = field(default_factory=list)  # backends that did not answer
    backing_off: list[str] = field(default_factory=list)  # backends not asked this cycle
    published: Published = field(default_factory=Published)
    recoveries_posted: int = 0


@dataclass(frozen=True)
class _Plan:
    agents: list[WatchedAgent]
    seen: dict[tuple[str, str], frozenset[str] | None]  # None: no cursor yet
    muted: frozenset[str]
    channels: frozenset[str]


class WatchCycle:
    def __init__(
        self,
        services: Services,
        notifier: Notifier,
        *,
        poll_seconds: float,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.services = services
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.publisher = Publisher(services, notifier)
        self.notices = OutageNotices(services.db, notifier)
        self.health: dict[str, BackendHealth] = {}
        self._lock = threading.Lock()

    def run(self) -> CycleReport:
        with self._lock:  # one cycle at a time, however it was started
            return self._run()

    def _run(self) -> CycleReport:
        now = self.services.clock()
        plan = self._plan(now)
        report = CycleReport(agents=len(plan.agents))
        targets = self._targets(plan, report)
        fetched = poll(self.services, targets, concurrency=self.concurrency)
        report.requests = sum(f.requests for f in fetched)
        self._record(plan, fetched, now, report)
        self._track_backends(fetched, plan.channels, now, report)
        report.published = self.publisher.publish_pending(report.reserved)
        report.recoveries_posted = self.publisher.publish_recoveries()
        return report

    # ----------------------------------------------------------------- steps

    def _plan(self, now: datetime) -> _Plan:
        grouped: dict[tuple[str, str], list[Subscriber]] = {}
        with self.services.db.session() as session:
            for watch in watches.list_watches(session):
                ref = str(AgentRef(watch.kind, watch.agent_ref))  # type: ignore[arg-type]
                grouped.setdefault((watch.kind, watch.agent_id), []).append(
                    Subscriber(
                        channel_id=watch.channel_id, agent_ref=ref, all_states=watch.all_states
                    )
                )
            seen: dict[tuple[str, str], frozenset[str] | None] = {}
            for kind, agent_id in grouped:
                cursor = cursors.get_cursor(session, kind, agent_id)
                seen[(kind, agent_id)] = None if cursor is None else frozenset(cursor.seen_keys)
            muted = frozenset(
                str(AgentRef(m.kind, m.agent_ref)).lower()  # type: ignore[arg-type]
                for m in mutes.active_mutes(session, now)
            )
        channels = {s.channel_id for subscribers in grouped.values() for s in subscribers}
        if self.services.settings.ACCBOT_ALERT_CHANNEL:
            channels.add(self.services.settings.ACCBOT_ALERT_CHANNEL)
        agents = [WatchedAgent(k, a, tuple(subs)) for (k, a), subs in grouped.items()]
        return _Plan(agents=agents, seen=seen, muted=muted, channels=frozenset(channels))

    def _targets(self, plan: _Plan, report: CycleReport) -> list[Target]:
        targets: list[Target] = []
        allowed: dict[str, bool] = {}
        for agent in plan.agents:
            try:
                kind = watch_kind(agent.kind)
            except UnknownWatchKind as exc:
                logger.warning("watcher: %s; %s stays unpolled", exc, agent.agent_id)
                continue
            seen = plan.seen[(agent.kind, agent.agent_id)] or frozenset()
            for stream in kind.streams:
                backend = stream.backend
                if backend not in allowed:
                    allowed[backend] = self._health(backend).may_poll()
                    if not allowed[backend]:
                        report.backing_off.append(backend)
                if allowed[backend]:
                    targets.append(Target(agent.kind, agent.agent_id, stream, seen))
        return targets

    def _record(
        self, plan: _Plan, fetched: list[Fetched], now: datetime, report: CycleReport
    ) -> None:
        by_agent: dict[tuple[str, str], list[Fetched]] = {}
        for item in fetched:
            by_agent.setdefault((item.target.kind, item.target.agent_id), []).append(item)
        portal = self.services.acc_link()
        for agent in plan.agents:
            results = by_agent.get((agent.kind, agent.agent_id))
            if not results:
                continue
            first_time = plan.seen[(agent.kind, agent.agent_id)] is None
            if first_time and not all(r.ok for r in results):
                continue  # a first look must see every stream, or it would alert old runs later
            histories = [r.observations for r in results if r.observations is not None]
            if not histories:
                continue
            with self.services.db.session() as session:
                outcome = record(
                    session, agent, histories, now=now, muted=plan.muted, portal_url=portal
                )
            report.reserved.extend(outcome.reserved)
            report.recovered.extend(outcome.recovered)
            if outcome.baseline:
                report.baselined.append(agent.agent_id)

    def _track_backends(
        self, fetched: list[Fetched], channels: Iterable[str], now: datetime, report: CycleReport
    ) -> None:
        answered: set[str] = set()
        failures: dict[str, Exception] = {}
        for item in fetched:
            backend = item.target.stream.backend
            if item.ok:
                answered.add(backend)
            elif item.unavailable and item.error is not None:
                failures.setdefault(backend, item.error)
        for backend in sorted(answered | set(failures)):
            health = self._health(backend)
            if backend in answered:
                health.succeeded()
                if health.owes_reachable:
                    self.notices.reachable(health, channels)
                continue
            report.unavailable.append(backend)
            if health.failed(now, failures[backend]):
                self.notices.unreachable(health, channels)

    def _health(self, backend: str) -> BackendHealth:
        if backend not in self.health:
            self.health[backend] = BackendHealth(backend, self.poll_seconds)
        return self.health[backend]
