"""The watcher inside the bot: an APScheduler 3 background scheduler with two jobs.

* ``accbot-watcher``: one cycle every ACCBOT_POLL_SECONDS (max_instances=1, coalesce)
  over the agents of the shards this replica holds; a replica that holds none polls none;
  a cycle that takes longer than the interval is followed at once by the next;
* ``accbot-watcher-lease``: a heartbeat every quarter interval that renews this replica's
  shard leases and takes or gives up shards towards its fair share (shards.py). When it
  takes shards it starts a cycle at once (or right after the one running), so a dead
  replica's agents are polled again within two intervals.
* ``accbot-watcher-self``: every interval, outside any cycle, compares now with the last
  cycle's end and says once that the watcher is behind, then once that it caught up
  (selfwatch.py). The first cycle after downtime sums up what it finds per channel.

After each cycle, the replica that holds shard 0 runs the singleton jobs (jobs that must
run once across replicas), see ``add_singleton``.

``run_cycle()`` runs one heartbeat and one cycle in the caller's thread (tests, the CLI).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

from accbot.actions.health import WatcherSnapshot
from accbot.metrics import ERRORS
from accbot.watcher.cycle import CycleReport, WatchCycle
from accbot.watcher.escalate import Escalator
from accbot.watcher.selfwatch import SelfWatch
from accbot.watcher.shards import HEARTBEAT_FRACTION, ShardLeases, default_holder_id, shard_of
from accbot.watcher.sink import Sink

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")

CYCLE_JOB = "accbot-watcher"
LEASE_JOB = "accbot-watcher-lease"
SELF_JOB = "accbot-watcher-self"


class WatcherService:
    def __init__(
        self,
        services: Services,
        sink: Sink,
        *,
        poll_seconds: float | None = None,
        holder_id: str | None = None,
    ) -> None:
        self.services = services
        self.poll_seconds = float(poll_seconds or services.settings.ACCBOT_POLL_SECONDS)
        self.shards = ShardLeases(
            services.db,
            holder_id or default_holder_id(),
            shards=services.settings.ACCBOT_WATCH_SHARDS,
            poll_seconds=self.poll_seconds,
            clock=services.clock,
        )
        self.cycle = WatchCycle(
            services,
            sink,
            poll_seconds=self.poll_seconds,
            concurrency=services.settings.ACCBOT_ACC_CONCURRENCY,
        )
        services.watcher_holder = self.shards.holder  # /acc status marks this replica
        self.selfwatch = SelfWatch(
            services.db,
            self.cycle.publisher,
            holder=self.shards.holder,
            poll_seconds=self.poll_seconds,
            alert_channel=services.settings.ACCBOT_ALERT_CHANNEL,
            clock=services.clock,
        )
        self._singletons: list[Callable[[], object]] = []
        # --escalate: once across replicas, like every singleton.
        self.escalator = Escalator(services, self.cycle.publisher)
        self.add_singleton(self.escalator.run)
        self._scheduler: BackgroundScheduler | None = None
        self._downtime_read = False  # before the first cycle that polls anything
        self._again = threading.Event()  # shards were taken during a cycle: poll them now

    @property
    def holder_id(self) -> str:
        return self.shards.holder

    def add_singleton(self, job: Callable[[], object]) -> None:
        """Run ``job`` after every cycle, on the one replica that holds shard 0.

        For periodic work that must happen once across replicas (turning paused schedules
        back on, say). A job's exception is logged; it stops neither the cycle nor others.
        """
        self._singletons.append(job)

    def start(self) -> None:
        if self._scheduler is not None:
            return
        scheduler = BackgroundScheduler(timezone=UTC)
        now = datetime.now(UTC)
        scheduler.add_job(
            self._scheduled_cycle,
            "interval",
            seconds=self.poll_seconds,
            id=CYCLE_JOB,
            max_instances=1,
            coalesce=True,
            next_run_time=now,
        )
        scheduler.add_job(
            self._check_self,
            "interval",
            seconds=self.poll_seconds,
            id=SELF_JOB,
            max_instances=1,
            coalesce=True,
        )
        scheduler.add_job(
            self._heartbeat,
            "interval",
            seconds=self.poll_seconds * HEARTBEAT_FRACTION,
            id=LEASE_JOB,
            max_instances=1,
            coalesce=True,
        )
        self.cycle.publisher.start()  # posts in the background, at each channel's pace
        scheduler.start()
        self._scheduler = scheduler
        self.selfwatch.started()
        logger.info("watcher started: every %ss, as %s", self.poll_seconds, self.holder_id)

    def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        self.cycle.publisher.stop()
        self.shards.release_all()
        logger.info("watcher stopped")

    def run_cycle(self) -> CycleReport | None:
        """A heartbeat, then one cycle over the shards held; None when it holds none."""
        self.shards.heartbeat()
        return self._cycle()

    def snapshot(self) -> WatcherSnapshot:
        """For /readyz and the App Home: whether this replica polls, when its last cycle
        ended and how long it took, its backlog of posts and the shard leases it holds."""
        return WatcherSnapshot(
            polling=self.polling,
            last_cycle_end=self.selfwatch.last_cycle_end,
            since=self.selfwatch.since,
            poll_seconds=self.poll_seconds,
            last_cycle_at=self.selfwatch.last_cycle_at,
            last_cycle_seconds=self.selfwatch.last_cycle_seconds,
            backlog=self.cycle.publisher.queued(),
            shards_held=tuple(sorted(self.shards.held)),
            shards_total=self.shards.shards,
        )

    @property
    def polling(self) -> bool:
        return self._scheduler is not None and self.shards.holds_any

    def _cycle(self) -> CycleReport | None:
        held = self.shards.begin_cycle()
        try:
            if not held:
                return None
            count = self.shards.shards
            down = None
            if not self._downtime_read:
                down = self.selfwatch.downtime()
                self._downtime_read = True
            started = time.monotonic()
            report = self.cycle.run(
                owns=lambda kind, agent_id: shard_of(kind, agent_id, count) in held,
                down_seconds=down,
            )
            self.selfwatch.cycle_ended(time.monotonic() - started)
        finally:
            self.shards.end_cycle()
        if self.shards.runs_singletons:
            self._run_singletons()
        return report

    def _run_singletons(self) -> None:
        for job in list(self._singletons):
            try:
                job()
            except Exception:  # one job's failure stops neither the others nor polling
                ERRORS.labels(kind="watcher_singleton").inc()
                logger.exception("watcher: singleton job %r failed", job)

    def _scheduled_cycle(self) -> None:
        """A cycle, and another at once while shards were just taken or the cycle took
        longer than the interval: the tick it overran was skipped, and waiting for the
        next one would leave every agent unpolled for up to another interval."""
        while True:
            self._again.clear()
            started = time.monotonic()
            try:
                self._cycle()
                overran = time.monotonic() - started >= self.poll_seconds
            except Exception:  # the next interval tries again; the scheduler must keep running
                ERRORS.labels(kind="watcher_cycle").inc()
                logger.exception("watcher cycle failed")
                overran = False  # a failing cycle waits for its tick, never spins
            if not (self._again.is_set() or overran) or self._scheduler is None:
                return

    def _check_self(self) -> None:
        try:
            self.selfwatch.check(polling=self.polling)
        except Exception:  # the next interval checks again
            ERRORS.labels(kind="watcher_self_check").inc()
            logger.exception("watcher: self-check failed")

    def _heartbeat(self) -> None:
        change = self.shards.heartbeat()
        if change.taken and self._scheduler is not None:
            # Just took shards over: poll them now rather than at the next tick. If a
            # cycle is running, it runs once more right after (see _scheduled_cycle).
            self._again.set()
            self._scheduler.modify_job(CYCLE_JOB, next_run_time=datetime.now(UTC))
