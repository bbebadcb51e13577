"""Readiness: the database answers, ACC answers (any HTTP answer counts as up), and
what the watcher of this replica is doing.

The answer names no address and quotes no error: ``/readyz`` needs no auth, and an
error from ACC may carry its URL (with any ``user:password@``) or a key it echoed. What
went wrong is logged here by kind only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from accbot.acc.errors import BackendResponseError, BackendUnavailable
from accbot.actions.context import Services

logger = logging.getLogger("accbot.health")

# An agent path that need not exist: a 404 still proves ACC is up and the token works.
PROBE_AGENT_PATH = "accbot/readiness-probe"
# A polling watcher whose last cycle ended longer ago than this many intervals is behind.
BEHIND_INTERVALS = 3

WatcherState = Literal["ok", "behind", "standby"]


@dataclass(frozen=True)
class WatcherSnapshot:
    """What a watcher exposes to readiness. Times are ``time.monotonic()`` readings.

    ``polling``: this replica holds a lease and polls; ``last_cycle_end``: when its last
    cycle ended (None before the first); ``since``: when it started, the reference
    before any cycle has ended.
    """

    polling: bool
    last_cycle_end: float | None
    since: float
    poll_seconds: float
    # For people (the App Home): the last cycle's end by the wall clock and how long it
    # took, posts queued and not yet made, and the shard leases held of how many.
    last_cycle_at: datetime | None = None
    last_cycle_seconds: float | None = None
    backlog: int = 0
    shards_held: tuple[int, ...] = ()
    shards_total: int = 0

    def state(self, now: float) -> WatcherState:
        if not self.polling:
            return "standby"
        reference = self.last_cycle_end if self.last_cycle_end is not None else self.since
        return "behind" if now - reference > BEHIND_INTERVALS * self.poll_seconds else "ok"


WatcherProbe = Callable[[], WatcherSnapshot]
"""Reads the watcher's snapshot; the server passes the running watcher's accessor."""


@dataclass(frozen=True)
class Readiness:
    database: bool
    acc: bool
    watcher: WatcherState = "standby"

    @property
    def ready(self) -> bool:
        """Slack can be served: the database and ACC answer. A watcher that is behind
        is reported (and alerted on by the watcher itself) but does not stop this
        replica from answering commands."""
        return self.database and self.acc

    def as_dict(self) -> dict[str, object]:
        return {
            "ready": self.ready,
            "database": "ok" if self.database else "down",
            "acc": "ok" if self.acc else "down",
            "watcher": self.watcher,
        }


def readiness(services: Services, watcher: WatcherProbe | None = None) -> Readiness:
    database = services.db.ping()
    if not database:
        logger.warning("readiness: the database does not answer")
    state: WatcherState = "standby"
    if watcher is not None:
        state = watcher().state(time.monotonic())
    return Readiness(database=database, acc=_acc_answers(services), watcher=state)


def _acc_answers(services: Services) -> bool:
    try:
        services.acc.get_agent(PROBE_AGENT_PATH)
    except BackendUnavailable as exc:
        logger.warning("readiness: ACC unreachable (%s)", type(exc).__name__)
        return False
    except BackendResponseError as exc:
        if exc.status_code == 401:
            logger.warning("readiness: ACC refused the access token")
            return False
        if exc.status_code >= 500:
            logger.warning("readiness: ACC answered %s", exc.status_code)
            return False
    return True
