"""The watcher inside the bot: an APScheduler 3 background scheduler with two jobs.

* ``accbot-watcher``: one cycle every ACCBOT_POLL_SECONDS (max_instances=1, coalesce),
  run only while this process holds the leader lease, which it renews first;
* ``accbot-watcher-lease``: a heartbeat every half interval that takes or renews the
  lease, so a replica takes over within two intervals of the leader's death and starts
  its first cycle at once.

``run_cycle()`` runs one cycle in the caller's thread (tests, the CLI).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from accbot.actions.health import WatcherSnapshot
from accbot.metrics import ERRORS
from accbot.watcher.cycle import CycleReport, WatchCycle
from accbot.watcher.leader import HEARTBEAT_FRACTION, LeaderLease, default_holder_id
from accbot.watcher.notify import Notifier

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")

CYCLE_JOB = "accbot-watcher"
LEASE_JOB = "accbot-watcher-lease"


class WatcherService:
    def __init__(
        self,
        services: Services,
        client: WebClient,
        *,
        poll_seconds: float | None = None,
        holder_id: str | None = None,
    ) -> None:
        self.services = services
        self.poll_seconds = float(poll_seconds or services.settings.ACCBOT_POLL_SECONDS)
        self.lease = LeaderLease(
            services.db,
            holder_id or default_holder_id(),
            poll_seconds=self.poll_seconds,
            clock=services.clock,
        )
        self.cycle = WatchCycle(
            services,
            Notifier(client),
            poll_seconds=self.poll_seconds,
            concurrency=services.settings.ACCBOT_ACC_CONCURRENCY,
        )
        self._scheduler: BackgroundScheduler | None = None
        self._since = time.monotonic()
        self._last_cycle_end: float | None = None

    @property
    def holder_id(self) -> str:
        return self.lease.holder

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
            self._heartbeat,
            "interval",
            seconds=self.poll_seconds * HEARTBEAT_FRACTION,
            id=LEASE_JOB,
            max_instances=1,
            coalesce=True,
        )
        scheduler.start()
        self._scheduler = scheduler
        self._since = time.monotonic()
        logger.info("watcher started: every %ss, as %s", self.poll_seconds, self.holder_id)

    def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        self.lease.release()
        logger.info("watcher stopped")

    def run_cycle(self) -> CycleReport | None:
        """One cycle if this process holds (or now takes) the lease; None otherwise."""
        if not self.lease.hold():
            return None
        report = self.cycle.run()
        self._last_cycle_end = time.monotonic()
        return report

    def snapshot(self) -> WatcherSnapshot:
        """For /readyz: whether this replica polls, and when its last cycle ended."""
        return WatcherSnapshot(
            polling=self._scheduler is not None and self.lease.is_leader,
            last_cycle_end=self._last_cycle_end,
            since=self._since,
            poll_seconds=self.poll_seconds,
        )

    def _scheduled_cycle(self) -> None:
        try:
            self.run_cycle()
        except Exception:  # the next interval tries again; the scheduler must keep running
            ERRORS.labels(kind="watcher_cycle").inc()
            logger.exception("watcher cycle failed")

    def _heartbeat(self) -> None:
        was_leader = self.lease.is_leader
        if self.lease.hold() and not was_leader and self._scheduler is not None:
            # Just took over: poll now rather than at the next tick of the cycle job.
            self._scheduler.modify_job(CYCLE_JOB, next_run_time=datetime.now(UTC))
