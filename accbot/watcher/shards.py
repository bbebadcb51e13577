"""Watch shards and their leases: several replicas on one database each poll a fair share.

Watches are split by agent into ACCBOT_WATCH_SHARDS shards (a stable hash of the agent,
the same in every process). Each shard has a lease in the database (``watch-shard:<n>``)
and only its holder polls the shard's agents and posts their alerts.

Every quarter of an interval (HEARTBEAT_FRACTION) each replica, in one transaction:

1. announces itself alive (``watcher_replicas``) and renews the leases it holds, both
   until LEASE_INTERVALS (1.25) intervals from now;
2. counts the live replicas and works out its fair share: shards // replicas, one more
   for the first shards % replicas of them in holder order;
3. takes free (never held, released or expired) shards up to that share, and gives up
   shards beyond it (only between two cycles, so a shard is never polled by two replicas
   at once: a new replica waits at most one cycle for its share).

A replica killed outright stops renewing: its leases and its replica row expire together
within 1.25 intervals, and the others' next heartbeat (at most a quarter of an interval
later) takes its shards: a takeover within 1.5 intervals, which leaves half an interval
to poll them (they come first in the survivor's next cycle). A live replica may be late
with a heartbeat by a whole interval before it loses anything. A replica that stops cleanly gives
everything up at once. Unique alert keys and the publisher's look into the channel stay
the last defence for the moment two replicas might both believe they hold a shard.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from accbot.store import lease
from accbot.store.db import Database

logger = logging.getLogger("accbot.watcher")

SHARD_PREFIX = lease.WATCH_SHARD_PREFIX
LEASE_INTERVALS = 1.25
HEARTBEAT_FRACTION = 0.25
SINGLETON_SHARD = 0  # its holder runs the jobs that must run once across replicas


def default_holder_id() -> str:
    """Unique per process, readable in the database: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def shard_of(kind: str, agent_id: str, shards: int) -> int:
    """The agent's shard: CRC-32 of ``kind:agent_id`` (case-insensitive), mod ``shards``.

    Not Python's ``hash``, which differs between processes.
    """
    return zlib.crc32(f"{kind}:{agent_id.lower()}".encode()) % shards


def shard_name(shard: int) -> str:
    return f"{SHARD_PREFIX}{shard}"


def fair_share(replicas: list[str], holder: str, shards: int) -> int:
    """How many shards ``holder`` should hold among the live ``replicas`` (sorted)."""
    if holder not in replicas:
        replicas = sorted([*replicas, holder])
    base, extra = divmod(shards, len(replicas))
    return base + (1 if replicas.index(holder) < extra else 0)


@dataclass(frozen=True)
class Change:
    taken: frozenset[int] = frozenset()
    released: frozenset[int] = frozenset()
    lost: frozenset[int] = frozenset()  # held until now, renewed by nobody: another took it


class ShardLeases:
    """This replica's shard leases, renewed and rebalanced by ``heartbeat()``.

    ``begin_cycle()`` / ``end_cycle()`` bracket a cycle: shards beyond the fair share are
    given up only outside a cycle (at its end, when a heartbeat found them during it).
    """

    def __init__(
        self,
        db: Database,
        holder: str,
        *,
        shards: int,
        poll_seconds: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.holder = holder
        self.shards = shards
        self.ttl_seconds = poll_seconds * LEASE_INTERVALS
        self.clock = clock
        self.held: frozenset[int] = frozenset()
        self.share = 0
        self.replicas = 0
        self._in_cycle = False
        self._lock = threading.Lock()  # held/_in_cycle, between heartbeat and cycle threads

    # ----------------------------------------------------------------- queries

    def owns(self, kind: str, agent_id: str) -> bool:
        return shard_of(kind, agent_id, self.shards) in self.held

    @property
    def holds_any(self) -> bool:
        return bool(self.held)

    @property
    def runs_singletons(self) -> bool:
        return SINGLETON_SHARD in self.held

    # ----------------------------------------------------------------- heartbeat

    def heartbeat(self) -> Change:
        """Renew, then take or give up shards towards the fair share."""
        try:
            with self._lock:
                change = self._heartbeat()
        except SQLAlchemyError as exc:  # no database, no certainty: hold nothing
            logger.warning("watcher: lease heartbeat failed (%s); not polling", type(exc).__name__)
            with self._lock:
                change = Change(lost=self.held)
                self.held = frozenset()
        self._log(change)
        return change

    def _heartbeat(self) -> Change:
        now = self.clock()
        with self.db.session() as session:
            lease.announce_replica(session, self.holder, self.ttl_seconds, now)
            renewed = lease.renew_held(session, SHARD_PREFIX, self.holder, self.ttl_seconds, now)
            held = {s for s in (self._shard(name) for name in renewed) if s is not None}
            replicas = lease.live_replicas(session, now)
            share = fair_share(replicas, self.holder, self.shards)
            taken: set[int] = set()
            released: set[int] = set()
            if len(held) < share:
                busy = lease.holders(session, SHARD_PREFIX, now)
                for shard in range(self.shards):
                    if len(held) >= share:
                        break
                    if shard in held or shard_name(shard) in busy:
                        continue
                    if lease.try_acquire(
                        session, shard_name(shard), self.holder, self.ttl_seconds, now
                    ):
                        held.add(shard)
                        taken.add(shard)
            elif len(held) > share and not self._in_cycle:
                excess = sorted(held, reverse=True)[: len(held) - share]
                lease.release_held(session, [shard_name(s) for s in excess], self.holder)
                held -= set(excess)
                released.update(excess)
        lost = self.held - held - released
        self.held = frozenset(held)
        self.share = share
        self.replicas = len(replicas)
        return Change(frozenset(taken), frozenset(released), frozenset(lost))

    # ----------------------------------------------------------------- cycles

    def begin_cycle(self) -> frozenset[int]:
        """The shards this cycle polls; none is given up until ``end_cycle()``."""
        with self._lock:
            self._in_cycle = True
            return self.held

    def end_cycle(self) -> Change:
        """Give up what a heartbeat during the cycle found beyond the fair share."""
        with self._lock:
            self._in_cycle = False
            excess = sorted(self.held, reverse=True)[: max(0, len(self.held) - self.share)]
            if not excess:
                return Change()
            try:
                with self.db.session() as session:
                    lease.release_held(session, [shard_name(s) for s in excess], self.holder)
            except SQLAlchemyError as exc:
                logger.warning("watcher: could not give shards up (%s)", type(exc).__name__)
                return Change()
            self.held = self.held - set(excess)
            change = Change(released=frozenset(excess))
        self._log(change)
        return change

    def release_all(self) -> None:
        """Give every shard up and leave (on shutdown), so others take over at once."""
        with self._lock:
            try:
                with self.db.session() as session:
                    lease.retire_replica(session, self.holder, SHARD_PREFIX)
            except SQLAlchemyError as exc:
                logger.warning("watcher: could not release the leases (%s)", type(exc).__name__)
            if self.held:
                logger.info("watcher: gave up shards %s as %s", sorted(self.held), self.holder)
            self.held = frozenset()

    # ----------------------------------------------------------------- helpers

    def _shard(self, name: str) -> int | None:
        try:
            shard = int(name.removeprefix(SHARD_PREFIX))
        except ValueError:
            return None
        return shard if 0 <= shard < self.shards else None

    def _log(self, change: Change) -> None:
        for verb, shards in (
            ("took", change.taken),
            ("gave up", change.released),
            ("lost", change.lost),
        ):
            if shards:
                logger.info(
                    "watcher: %s shards %s as %s (now %d of %d, %d replica(s))",
                    verb,
                    sorted(shards),
                    self.holder,
                    len(self.held),
                    self.shards,
                    self.replicas,
                )
