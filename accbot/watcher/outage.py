"""Backend outages: back off while ACC (or SAS) is down, and say so once, then once more.

A cycle in which a backend gave no usable answer counts as a failed cycle for it. After
each failed cycle the watcher skips more cycles before asking again (0, 1, 3, 7, ... up to
MAX_BACKOFF_SECONDS), so a dead server is not hammered. After FAILED_CYCLES_BEFORE_NOTICE
failed cycles, each alert channel is told once that the backend is unreachable; the first
good answer after that tells each of them once that it is reachable again. Who announced
what lives in the ``notices`` table, so a restart or another replica never repeats it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from accbot.metrics import ALERTS
from accbot.slack.views.alerts import backend_reachable, backend_unreachable
from accbot.store import notices
from accbot.store.db import Database
from accbot.watcher.notify import Notifier, SlackFailure

logger = logging.getLogger("accbot.watcher")

FAILED_CYCLES_BEFORE_NOTICE = 3
MAX_BACKOFF_SECONDS = 300.0
UNREACHABLE = "unreachable"
REACHABLE = "reachable"


class BackendHealth:
    """How one backend has answered this process's cycles."""

    def __init__(self, backend: str, poll_seconds: float) -> None:
        self.backend = backend
        self.poll_seconds = poll_seconds
        self.failures = 0
        self.down_since: datetime | None = None
        self.last_error: str | None = None
        self._skip = 0
        self._checked_after_start = False
        self.owes_reachable = False

    def may_poll(self) -> bool:
        """False while backing off; each call stands for one cycle."""
        if self._skip > 0:
            self._skip -= 1
            return False
        return True

    def failed(self, now: datetime, error: Exception) -> bool:
        """Count a failed cycle; True once enough cycles failed for the outage to be news."""
        self.failures += 1
        self.last_error = str(error)
        if self.down_since is None:
            self.down_since = now
        most = max(1, int(MAX_BACKOFF_SECONDS // self.poll_seconds))
        self._skip = min(2 ** (self.failures - 1) - 1, most)
        logger.warning(
            "watcher: %s unavailable (%s); failed cycle %d, next attempt in %d cycle(s)",
            self.backend,
            error,
            self.failures,
            self._skip + 1,
        )
        return self.failures >= FAILED_CYCLES_BEFORE_NOTICE

    def succeeded(self) -> None:
        """Reset after a good answer; an announced outage now owes its "reachable again"."""
        if self.failures >= FAILED_CYCLES_BEFORE_NOTICE or not self._checked_after_start:
            # After a restart the outage may have been announced by the previous process.
            self.owes_reachable = True
        if self.failures:
            logger.info(
                "watcher: %s answers again after %d failed cycle(s)", self.backend, self.failures
            )
        self._checked_after_start = True
        self.failures = 0
        self._skip = 0
        self.down_since = None
        self.last_error = None


def notice_key(backend: str, channel_id: str) -> str:
    return f"reachability:{backend}:{channel_id}"


class OutageNotices:
    """Posts the one-time "unreachable" and "reachable again" messages per channel."""

    def __init__(self, db: Database, notifier: Notifier) -> None:
        self.db = db
        self.notifier = notifier

    def unreachable(self, health: BackendHealth, channels: Iterable[str]) -> int:
        """Tell each channel not yet told; returns how many were told now."""
        message = backend_unreachable(health.backend, health.down_since, health.last_error)
        posted, _ = self._announce(health.backend, channels, UNREACHABLE, message, create=True)
        return posted

    def reachable(self, health: BackendHealth, channels: Iterable[str]) -> int:
        """Tell each channel that was told of the outage; returns how many were told now."""
        message = backend_reachable(health.backend)
        posted, failed = self._announce(health.backend, channels, REACHABLE, message, create=False)
        if not failed:
            health.owes_reachable = False
        return posted

    def _announce(
        self, backend: str, channels: Iterable[str], state: str, message, *, create: bool
    ) -> tuple[int, int]:
        posted = failed = 0
        for channel in sorted(set(channels)):
            key = notice_key(backend, channel)
            with self.db.session() as session:
                changed = notices.set_notice(session, key, state, create=create)
            if not changed:
                continue
            try:
                self.notifier.post(channel, message)
                posted += 1
                ALERTS.labels(kind="notice").inc()
            except SlackFailure as exc:
                failed += 1
                logger.warning(
                    "watcher: could not tell %s that %s is %s: %s", channel, backend, state, exc
                )
                undo = REACHABLE if state == UNREACHABLE else UNREACHABLE
                with self.db.session() as session:  # try again next cycle
                    notices.set_notice(session, key, undo)
        return posted, failed
