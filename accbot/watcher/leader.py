"""The leader lease: with several replicas on one database, exactly one of them polls.

Each replica tries to take or renew the lease every HEARTBEAT_FRACTION of an interval;
the lease lasts LEASE_INTERVALS intervals. The holder renews it long before it lapses,
even while a slow cycle runs; when the holder dies, the lease lapses within 1.5 intervals
and the next heartbeat of another replica (at most half an interval later) takes it: a
takeover within two intervals. The unique alert keys stay the last line of defence for
the moment two replicas might both believe they lead.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from accbot.store import lease
from accbot.store.db import Database

logger = logging.getLogger("accbot.watcher")

LEASE_NAME = "watcher"
LEASE_INTERVALS = 1.5
HEARTBEAT_FRACTION = 0.5


def default_holder_id() -> str:
    """Unique per process, readable in the database: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaderLease:
    def __init__(
        self,
        db: Database,
        holder: str,
        *,
        poll_seconds: float,
        clock: Callable[[], datetime],
        name: str = LEASE_NAME,
    ) -> None:
        self.db = db
        self.holder = holder
        self.name = name
        self.ttl_seconds = poll_seconds * LEASE_INTERVALS
        self.clock = clock
        self.is_leader = False

    def hold(self) -> bool:
        """Take or renew the lease; True while this process holds it."""
        try:
            with self.db.session() as session:
                held = lease.try_acquire(
                    session, self.name, self.holder, self.ttl_seconds, self.clock()
                )
        except SQLAlchemyError as exc:  # no database, no certainty: do not poll
            logger.warning("watcher: lease check failed (%s); not polling", type(exc).__name__)
            held = False
        if held != self.is_leader:
            logger.info("watcher: %s the lease as %s", "took" if held else "lost", self.holder)
        self.is_leader = held
        return held

    def release(self) -> None:
        """Give the lease up on shutdown, so another replica takes over at once."""
        if not self.is_leader:
            return
        try:
            with self.db.session() as session:
                lease.release(session, self.name, self.holder)
        except SQLAlchemyError as exc:
            logger.warning("watcher: could not release the lease (%s)", type(exc).__name__)
        self.is_leader = False
