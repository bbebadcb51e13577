"""The watcher watches itself: its cycles' ends, its lag, its backlog, its downtime.

* After every cycle, ``cycle_ended`` records when it ended and how long it took, in the
  database (``/acc status`` of any replica reads it) and in the metrics.
* ``check`` runs in a scheduler job of its own, never inside a cycle, so a stuck cycle
  cannot hide itself: when this replica polls and no cycle of it has ended for
  ``BEHIND_INTERVALS`` intervals, ACCBOT_ALERT_CHANNEL is told once ("the watcher is
  behind by 4m"), and once more when a cycle ends again. The notice's state is recorded
  under a key in ``notices`` before it is posted (as for outages, outage.py), so a
  restart or another replica never repeats it; a notice the sink could not post is
  undone and said again at the next check.
* ``downtime`` is read before the first cycle: when the newest cycle end stored by any
  replica is older than ``BEHIND_INTERVALS`` intervals, what that cycle finds goes out as
  one "while accbot was down" digest per channel (publish.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from accbot.actions.health import BEHIND_INTERVALS
from accbot.metrics import ALERTS_PENDING, WATCHER_CYCLE_DURATION, WATCHER_LAST_CYCLE_END
from accbot.store import alerts, cycles, notices
from accbot.store.db import Database
from accbot.watcher.events import LagNotice
from accbot.watcher.publish import Publisher

logger = logging.getLogger("accbot.watcher")

BEHIND = "behind"
CAUGHT_UP = "caught-up"


def notice_key(channel_id: str) -> str:
    return f"watcher-lag:{channel_id}"


class SelfWatch:
    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        *,
        holder: str,
        poll_seconds: float,
        alert_channel: str | None,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.publisher = publisher
        self.holder = holder
        self.poll_seconds = poll_seconds
        self.alert_channel = alert_channel
        self.clock = clock
        self.monotonic = monotonic
        self.since = monotonic()
        self.last_cycle_end: float | None = None  # monotonic
        self.last_cycle_at: datetime | None = None  # the same end, by the clock
        self.last_cycle_seconds: float | None = None  # how long that cycle took
        self._lock = threading.Lock()
        self._told_behind = False
        self._checked = False  # whether a "caught up" owed by a previous process was looked at

    @property
    def limit(self) -> float:
        return BEHIND_INTERVALS * self.poll_seconds

    def started(self) -> None:
        """The watcher (re)starts: lag counts from now until its first cycle ends."""
        self.since = self.monotonic()

    def downtime(self) -> float | None:
        """Seconds since the newest stored cycle end, when that is downtime; else None."""
        with self.db.session() as session:
            last = cycles.last_cycle_end(session)
        if last is None:
            return None  # never ran: nothing was missed
        gap = (self.clock() - last).total_seconds()
        return gap if gap > self.limit else None

    def cycle_ended(self, seconds: float) -> None:
        """Record a cycle's end (this replica's row) and update the metrics."""
        self.last_cycle_end = self.monotonic()
        ended = self.clock()
        self.last_cycle_at, self.last_cycle_seconds = ended, seconds
        with self.db.session() as session:
            cycles.record_cycle_end(session, self.holder, seconds, ended)
        WATCHER_LAST_CYCLE_END.set(ended.timestamp())
        WATCHER_CYCLE_DURATION.set(seconds)

    def lag(self) -> float:
        """Seconds since this replica's last cycle ended (or it started)."""
        reference = self.last_cycle_end if self.last_cycle_end is not None else self.since
        return self.monotonic() - reference

    def check(self, *, polling: bool) -> None:
        """Compare now with the last cycle's end; say "behind" or "caught up" once."""
        with self.db.session() as session:
            ALERTS_PENDING.set(sum(alerts.pending_counts(session).values()))
        with self._lock:
            lag = self.lag()
            behind = polling and lag > self.limit
            channel = self.alert_channel
            if channel is None:
                return
            if behind:
                self._announce(channel, BEHIND, lag, create=True)
            elif self.last_cycle_end is not None and (self._told_behind or not self._checked):
                # Once a cycle has ended: also after a restart, whose previous process
                # may have said "behind" and never caught up.
                self._announce(channel, CAUGHT_UP, lag, create=False)
                self._checked = True

    def _announce(self, channel: str, state: str, lag: float, *, create: bool) -> None:
        key = notice_key(channel)
        with self.db.session() as session:
            changed = notices.set_notice(session, key, state, create=create)
        self._told_behind = state == BEHIND
        if not changed:
            return
        logger.warning("watcher: %s (no cycle ended for %.0fs)", state, lag)
        notice = LagNotice(channel=channel, behind=state == BEHIND, lag_seconds=lag)
        self.publisher.announce(notice, undo=self._undo(key, state))

    def _undo(self, key: str, state: str) -> Callable[[], None]:
        def undo() -> None:  # the next check says it again
            logger.warning("watcher: %s not told: the watcher is %s", key, state)
            with self.db.session() as session:
                notices.set_notice(session, key, CAUGHT_UP if state == BEHIND else BEHIND)
            with self._lock:
                self._told_behind = True

        return undo
