"""Fetching histories: every watched agent's streams at once, with bounded concurrency.

Each (agent, stream) is asked once per cycle with a small ``count``. When every entry that
comes back is new, older unseen entries may lie beyond the page, so it asks again with a
larger count until the page overlaps what was seen, the history ends, or MAX_COUNT is
reached: a burst of runs between two polls is never skipped.

Once a backend shows it is unavailable, requests to it that have not started yet are
skipped for this cycle rather than each waiting out their own retries.

``poll_agents`` gives each agent to one worker, which asks its every-cycle streams and
then, only if the agent's ``follow`` rule says so, its on-demand ones (an ACC agent's job
history): the number of workers is the number of requests in flight.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from accbot.acc.errors import BackendUnavailable, ServerError
from accbot.watcher.detect import overlaps
from accbot.watching.kind import Stream
from accbot.watching.observation import Observation

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")

INITIAL_COUNT = 10
GROWTH_FACTOR = 4
MAX_COUNT = 200
DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class Target:
    """One stream of one watched agent, with what its cursor has seen."""

    kind: str
    agent_id: str
    stream: Stream
    seen: frozenset[str]


@dataclass(frozen=True)
class Fetched:
    target: Target
    observations: list[Observation] | None = None  # newest first; None unless it succeeded
    error: Exception | None = None
    skipped: bool = False  # not asked: its backend was already unavailable this cycle
    requests: int = 0

    @property
    def ok(self) -> bool:
        return self.observations is not None

    @property
    def unavailable(self) -> bool:
        return self.error is not None and is_unavailability(self.error)


def is_unavailability(exc: Exception) -> bool:
    """No usable answer at all (connection, timeout, 5xx): the backend is down, not the agent."""
    return isinstance(exc, BackendUnavailable | ServerError)


def fetch_history(services: Services, target: Target) -> tuple[list[Observation], int]:
    """The target's newest entries, reaching back until they overlap what was seen."""
    count = INITIAL_COUNT
    requests = 0
    while True:
        observations = target.stream.fetch(services, target.agent_id, count)
        requests += 1
        if len(observations) < count or overlaps(observations, target.seen):
            return observations, requests
        if count >= MAX_COUNT:
            logger.warning(
                "%s %s history: %d entries, all new; older ones may be missed",
                target.kind,
                target.agent_id,
                count,
            )
            return observations, requests
        count = min(count * GROWTH_FACTOR, MAX_COUNT)


class _Gate:
    """Which backends showed they are down this cycle: later requests to them are skipped."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.lock = threading.Lock()

    def fetch(self, services: Services, target: Target) -> Fetched:
        backend = target.stream.backend
        with self.lock:
            if backend in self.down:
                return Fetched(target, skipped=True)
        try:
            observations, requests = fetch_history(services, target)
        except Exception as exc:  # reported per target; one agent's failure stops no other
            if is_unavailability(exc):
                with self.lock:
                    self.down.add(backend)
            else:
                logger.warning(
                    "watcher: %s %s %s history failed: %s",
                    target.kind,
                    target.agent_id,
                    target.stream.name,
                    exc,
                )
            return Fetched(target, error=exc, requests=1)
        return Fetched(target, observations=observations, requests=requests)


def poll(
    services: Services, targets: list[Target], *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[Fetched]:
    """Fetch every target, at most ``concurrency`` at a time; results in target order."""
    if not targets:
        return []
    gate = _Gate()
    workers = max(1, min(concurrency, len(targets)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="accbot-poll") as pool:
        return list(pool.map(lambda target: gate.fetch(services, target), targets))


@dataclass(frozen=True)
class AgentPoll:
    """What to ask about one agent: ``every`` stream, then ``on_demand`` ones if ``follow``
    says so, given what ``every`` answered (all of them answered)."""

    kind: str
    agent_id: str
    every: tuple[Target, ...]
    on_demand: tuple[Target, ...] = ()
    follow: Callable[[list[Fetched]], bool] = field(default=lambda results: True)


class AgentPoller:
    """Polls agents on a pool of ``concurrency`` workers, one agent per worker at a time,
    so at most ``concurrency`` requests are in flight. ``submit`` returns at once: the
    caller prepares (and records) other agents while these are fetched, and the workers
    never wait for it. Use it as a context manager; one poller per cycle."""

    def __init__(self, services: Services, *, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        self.services = services
        self.gate = _Gate()
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, concurrency), thread_name_prefix="accbot-poll"
        )

    def submit(self, agents: list[AgentPoll]) -> list[Future[list[Fetched]]]:
        return [self._pool.submit(self._one, agent) for agent in agents]

    def _one(self, agent: AgentPoll) -> list[Fetched]:
        results = [self.gate.fetch(self.services, target) for target in agent.every]
        if agent.on_demand and all(r.ok for r in results) and agent.follow(results):
            results.extend(self.gate.fetch(self.services, target) for target in agent.on_demand)
        return results

    def __enter__(self) -> AgentPoller:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def poll_agents(
    services: Services, agents: list[AgentPoll], *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[list[Fetched]]:
    """Each agent's streams (see AgentPoller); results in agent order, each agent's in
    stream order."""
    if not agents:
        return []
    with AgentPoller(services, concurrency=min(concurrency, len(agents))) as poller:
        return [future.result() for future in poller.submit(agents)]
