"""One watcher cycle: load the watches, poll every history, record, then post.

1. Load the watches of this replica's agents (grouped per agent) and the active mutes:
   two queries, however many agents.
2. Then per CHUNK of agents: read their cursors (one query), poll each agent's run
   history once, concurrently (its job history only when followups.py says so), skipping
   a backend that is backing off after an outage; and per agent with anything new, in one
   transaction: detect, reserve alerts, mark recoveries, move the cursor. An agent with
   nothing new costs no write: a quiet cycle writes nothing. Chunks overlap (one is
   fetched while the one before is recorded), and only two are held at a time.
3. Count the cycle as failed or good for each backend; announce outages once.
   Ask ACC once about each watched SE server of this replica's shards, and open or close
   its trouble's alert (servers.py).
4. Hand what was recorded to the publisher, which posts it at each channel's pace
   (in the background, or before returning when not started).

Recording always comes before posting, so a crash anywhere loses nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from accbot.commands.model import AgentRef
from accbot.store import cursors, mutes, watches
from accbot.watcher.detect import Subscriber, detect
from accbot.watcher.followups import FollowUps
from accbot.watcher.outage import BackendHealth, OutageNotices
from accbot.watcher.poll import DEFAULT_CONCURRENCY, AgentPoll, AgentPoller, Fetched, Target
from accbot.watcher.publish import Published, Publisher
from accbot.watcher.quality import QualityRule
from accbot.watcher.record import WatchedAgent, record
from accbot.watcher.servers import ServerChecks, ServerCycle
from accbot.watcher.sink import Sink
from accbot.watching.kind import UnknownWatchKind
from accbot.watching.registry import watch_kind

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")


# Agents whose cursors are read, polled and recorded together: bounds what a cycle holds
# in memory (cursors and histories) however many agents are watched.
CHUNK = 500


@dataclass
class CycleReport:
    agents: int = 0
    requests: int = 0
    on_demand: int = 0  # agents whose on-demand streams (job histories) were asked
    reserved: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    baselined: list[str] = field(default_factory=list)  # agent ids first seen now
    unavailable: list[str] = field(default_factory=list)  # backends that did not answer
    backing_off: list[str] = field(default_factory=list)  # backends not asked this cycle
    published: Published = field(default_factory=Published)
    recoveries_posted: int = 0
    servers: ServerCycle = field(default_factory=ServerCycle)


@dataclass(frozen=True)
class _Plan:
    agents: list[WatchedAgent]
    muted: frozenset[str]
    channels: frozenset[str]


Owns = Callable[[str, str], bool]  # (kind, agent_id) -> polled by this replica


@dataclass(frozen=True)
class _Chunk:
    polls: list[tuple[WatchedAgent, AgentPoll]]
    seen: dict[tuple[str, str], frozenset[str]]
    futures: list[Future[list[Fetched]]]


class _Tally:
    """Which backends answered this cycle and the first error of those that did not;
    kept instead of the answers themselves, which go once their chunk is recorded."""

    def __init__(self) -> None:
        self.answered: set[str] = set()
        self.failures: dict[str, Exception] = {}

    def add(self, results: list[Fetched]) -> None:
        for item in results:
            backend = item.target.stream.backend
            if item.ok:
                self.answered.add(backend)
            elif item.unavailable and item.error is not None:
                self.failures.setdefault(backend, item.error)


class WatchCycle:
    def __init__(
        self,
        services: Services,
        sink: Sink,
        *,
        poll_seconds: float,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.services = services
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.publisher = Publisher(services, sink)
        self.notices = OutageNotices(services.db, self.publisher)
        self.health: dict[str, BackendHealth] = {}
        self.followups = FollowUps()
        self.servers = ServerChecks(services, concurrency=concurrency)
        self._lock = threading.Lock()

    def run(self, owns: Owns | None = None, *, down_seconds: float | None = None) -> CycleReport:
        """One cycle over the agents ``owns`` accepts (every watched agent by default).

        ``down_seconds``: the first cycle after accbot was down that long; what it finds
        goes out as one "while accbot was down" digest per channel.
        """
        with self._lock:  # one cycle at a time, however it was started
            return self._run(owns, down_seconds)

    def _run(self, owns: Owns | None, down_seconds: float | None = None) -> CycleReport:
        now = self.services.clock()
        plan = self._plan(now, owns)
        report = CycleReport(agents=len(plan.agents))
        self.followups.begin_cycle((a.kind, a.agent_id) for a in plan.agents)
        # Agents this process has not polled yet (new watches, a dead replica's shards
        # just taken over) first: they have waited longest.
        plan.agents.sort(key=lambda a: self.followups.knows((a.kind, a.agent_id)))
        allowed: dict[str, bool] = {}
        tally = _Tally()
        # Chunk after chunk: while one chunk is fetched, the previous one is recorded and
        # the next one's cursors are read, so the workers never wait for this thread.
        with AgentPoller(self.services, concurrency=self.concurrency) as poller:
            previous: _Chunk | None = None
            for start in range(0, len(plan.agents), CHUNK):
                chunk = self._submit_chunk(
                    poller, plan.agents[start : start + CHUNK], allowed, report
                )
                if previous is not None:
                    self._finish_chunk(previous, plan, now, tally, report)
                previous = chunk
            if previous is not None:
                self._finish_chunk(previous, plan, now, tally, report)
        self._track_backends(tally, plan.channels, now, report)
        # Server checks go through ACC: not while the watcher is backing off from it.
        acc_allowed = allowed["ACC"] if "ACC" in allowed else self._health("ACC").may_poll()
        if acc_allowed:
            report.servers = self.servers.run(now, owns)
            report.reserved.extend(report.servers.reserved)
            report.recovered.extend(report.servers.recovered)
        self.publisher.owns = owns
        report.published = self.publisher.submit(report.reserved, down_seconds=down_seconds)
        report.recoveries_posted = report.published.recoveries
        return report

    # ----------------------------------------------------------------- steps

    def _plan(self, now: datetime, owns: Owns | None) -> _Plan:
        """The watched agents (those ``owns`` accepts) and the active mutes: two queries."""
        with self.services.db.session() as session:
            rows = watches.watch_rows(session)
            muted = frozenset(
                str(AgentRef(m.kind, m.agent_ref)).lower()  # type: ignore[arg-type]
                for m in mutes.active_mutes(session, now)
            )
        grouped: dict[tuple[str, str], list[Subscriber]] = {}
        for row in rows:
            if owns is not None and not owns(row.kind, row.agent_id):
                continue
            ref = str(AgentRef(row.kind, row.agent_ref))  # type: ignore[arg-type]
            grouped.setdefault((row.kind, row.agent_id), []).append(
                Subscriber(
                    channel_id=row.channel_id,
                    agent_ref=ref,
                    all_states=row.all_states,
                    quality=QualityRule(empty=row.empty_alerts, drop_percent=row.drop_percent),
                )
            )
        channels = {s.channel_id for subscribers in grouped.values() for s in subscribers}
        if self.services.settings.ACCBOT_ALERT_CHANNEL:
            channels.add(self.services.settings.ACCBOT_ALERT_CHANNEL)
        agents = [WatchedAgent(k, a, tuple(subs)) for (k, a), subs in grouped.items()]
        return _Plan(agents=agents, muted=muted, channels=frozenset(channels))

    def _submit_chunk(
        self,
        poller: AgentPoller,
        agents: list[WatchedAgent],
        allowed: dict[str, bool],
        report: CycleReport,
    ) -> _Chunk:
        """Read the agents' cursors (one query) and hand them to the poller."""
        with self.services.db.session() as session:
            seen = cursors.seen_keys_of(session, ((a.kind, a.agent_id) for a in agents))
        polls: list[tuple[WatchedAgent, AgentPoll]] = []
        for agent in agents:
            request = self._agent_poll(
                agent, seen.get((agent.kind, agent.agent_id)), allowed, report
            )
            if request is not None:
                polls.append((agent, request))
        futures = poller.submit([request for _, request in polls])
        return _Chunk(polls=polls, seen=seen, futures=futures)

    def _finish_chunk(
        self, chunk: _Chunk, plan: _Plan, now: datetime, tally: _Tally, report: CycleReport
    ) -> None:
        """Record what changed for each agent of the chunk, as its answers come."""
        portal: str | None = None
        for (agent, request), future in zip(chunk.polls, chunk.futures, strict=True):
            results = future.result()
            key = (agent.kind, agent.agent_id)
            report.requests += sum(r.requests for r in results)
            tally.add(results)
            on_demand = results[len(request.every) :]
            if on_demand:
                report.on_demand += 1
            self.followups.record(key, on_demand)
            seen = chunk.seen.get(key)
            if not self._changed(seen, results, now):
                continue  # a quiet agent: nothing to write
            if portal is None:
                portal = self.services.acc_link()
            self._record(agent, seen, results, now, plan.muted, portal, report)

    def _agent_poll(
        self,
        agent: WatchedAgent,
        seen: frozenset[str] | None,
        allowed: dict[str, bool],
        report: CycleReport,
    ) -> AgentPoll | None:
        try:
            kind = watch_kind(agent.kind)
        except UnknownWatchKind as exc:
            logger.warning("watcher: %s; %s stays unpolled", exc, agent.agent_id)
            return None
        every: list[Target] = []
        on_demand: list[Target] = []
        for stream in kind.streams:
            backend = stream.backend
            if backend not in allowed:
                allowed[backend] = self._health(backend).may_poll()
                if not allowed[backend]:
                    report.backing_off.append(backend)
            if allowed[backend]:
                target = Target(agent.kind, agent.agent_id, stream, seen or frozenset())
                (on_demand if stream.on_demand else every).append(target)
        if not every and not on_demand:
            return None
        key = (agent.kind, agent.agent_id)
        return AgentPoll(
            agent.kind,
            agent.agent_id,
            tuple(every),
            tuple(on_demand),
            follow=lambda results: self.followups.wanted(key, seen, results),
        )

    def _changed(self, seen: frozenset[str] | None, results: list[Fetched], now: datetime) -> bool:
        """Whether the answers hold anything the cursor has not seen (new runs, end states,
        overdue runs); a first look always has (it creates the cursor)."""
        if seen is None:
            return True
        return any(
            detect(r.observations, seen, (), now=now).seen
            for r in results
            if r.observations is not None
        )

    def _record(
        self,
        agent: WatchedAgent,
        seen: frozenset[str] | None,
        results: list[Fetched],
        now: datetime,
        muted: frozenset[str],
        portal: str,
        report: CycleReport,
    ) -> None:
        if seen is None and not all(r.ok for r in results):
            return  # a first look must see every stream, or it would alert old runs later
        histories = [r.observations for r in results if r.observations is not None]
        if not histories:
            return
        with self.services.db.session() as session:
            outcome = record(session, agent, histories, now=now, muted=muted, portal_url=portal)
        report.reserved.extend(outcome.reserved)
        report.recovered.extend(outcome.recovered)
        if outcome.baseline:
            report.baselined.append(agent.agent_id)

    def _track_backends(
        self, tally: _Tally, channels: Iterable[str], now: datetime, report: CycleReport
    ) -> None:
        for backend in sorted(tally.answered | set(tally.failures)):
            health = self._health(backend)
            if backend in tally.answered:
                health.succeeded()
                if health.owes_reachable:
                    self.notices.reachable(health, channels)
                continue
            report.unavailable.append(backend)
            if health.failed(now, tally.failures[backend]):
                self.notices.unreachable(health, channels)

    def _health(self, backend: str) -> BackendHealth:
        if backend not in self.health:
            self.health[backend] = BackendHealth(backend, self.poll_seconds)
        return self.health[backend]
