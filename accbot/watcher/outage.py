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

from accbot.store import notices
from accbot.store.db import Database
from accbot.watcher.events import OutageNotice
from accbot.watcher.publish import Publisher

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
    return notices.reachability_key(backend, channel_id)


class OutageNotices:
    """Queues the one-time "unreachable" and "reachable again" notices, one per channel.

    The notice's state is recorded first; a notice the sink could not post is undone,
    so the next cycle announces it again.
    """

    def __init__(self, db: Database, publisher: Publisher) -> None:
        self.db = db
        self.publisher = publisher

    def unreachable(self, health: BackendHealth, channels: Iterable[str]) -> int:
        """Tell each channel not yet told; returns how many are told now."""
        return self._announce(health, channels, UNREACHABLE, create=True)

    def reachable(self, health: BackendHealth, channels: Iterable[str]) -> int:
        """Tell each channel that was told of the outage; returns how many are told now."""
        told = self._announce(health, channels, REACHABLE, create=False)
        health.owes_reachable = False
        return told

    def _announce(
        self, health: BackendHealth, channels: Iterable[str], state: str, *, create: bool
    ) -> int:
        told = 0
        for channel in sorted(set(channels)):
            key = notice_key(health.backend, channel)
            with self.db.session() as session:
                changed = notices.set_notice(session, key, state, create=create)
            if not changed:
                continue
            notice = OutageNotice(
                channel=channel,
                backend=health.backend,
                reachable=state == REACHABLE,
                since=health.down_since,
                error=health.last_error,
            )
            self.publisher.announce(notice, undo=self._undo(health, key, state))
            told += 1
        return told

    def _undo(self, health: BackendHealth, key: str, state: str):
        def undo() -> None:  # try again next cycle
            logger.warning("watcher: %s not told: %s is %s", key, health.backend, state)
            with self.db.session() as session:
                notices.set_notice(session, key, REACHABLE if state == UNREACHABLE else UNREACHABLE)
            if state == REACHABLE:
                health.owes_reachable = True

        return undo
