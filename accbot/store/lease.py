"""Named leases in the database, and the replicas that share them.

A lease (the watcher's ``watch-shard:<n>``) has one holder until it expires. A replica
announces itself in ``watcher_replicas`` with the same expiry as its leases, so every
replica can count the live ones and take its fair share (see ``accbot.watcher.shards``).

Every operation is a single conditional statement, so the database decides every race:
on PostgreSQL a competing UPDATE waits for the row lock and re-checks its condition, and a
competing INSERT hits the primary key; on SQLite writers are serialized (BEGIN IMMEDIATE).
The caller commits the session promptly (``Database.session()`` does) to publish the lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import Lease, Replica
from accbot.store.types import utcnow

# The watcher's shard leases are named ``watch-shard:<n>`` (accbot.watcher.shards).
WATCH_SHARD_PREFIX = "watch-shard:"


def try_acquire(
    session: Session, name: str, holder: str, ttl_seconds: float, now: datetime | None = None
) -> bool:
    """Take or renew the lease ``name`` for ``holder``; True when ``holder`` now holds it.

    Succeeds when the lease is free, expired, or already held by ``holder`` (renewal).
    """
    moment = now or utcnow()
    expires_at = moment + timedelta(seconds=ttl_seconds)
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= moment))
        .values(holder=holder, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(taken) == 1:
        return True
    return insert_if_absent(
        session, Lease, {"name": name, "holder": holder, "expires_at": expires_at}
    )


def release(session: Session, name: str, holder: str) -> bool:
    """Give the lease up (on shutdown) so another replica takes over at once."""
    result = session.execute(
        delete(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def current_holder(session: Session, name: str, now: datetime | None = None) -> str | None:
    """Who holds the lease at ``now``; None when it is free or expired."""
    query = select(Lease.holder).where(Lease.name == name, Lease.expires_at > (now or utcnow()))
    return session.scalar(query)


def renew_held(
    session: Session, prefix: str, holder: str, ttl_seconds: float, now: datetime | None = None
) -> list[str]:
    """Extend every lease named ``prefix…`` that ``holder`` still holds; their names.

    A lease that expired without anyone taking it is still the holder's, and renewed:
    nobody else ran it in between.
    """
    moment = now or utcnow()
    session.execute(
        update(Lease)
        .where(Lease.name.startswith(prefix, autoescape=True), Lease.holder == holder)
        .values(expires_at=moment + timedelta(seconds=ttl_seconds))
        .execution_options(synchronize_session=False)
    )
    query = select(Lease.name).where(
        Lease.name.startswith(prefix, autoescape=True), Lease.holder == holder
    )
    return list(session.scalars(query.order_by(Lease.name)))


def holders(session: Session, prefix: str, now: datetime | None = None) -> dict[str, str]:
    """Lease name -> holder for the leases named ``prefix…`` held at ``now``."""
    query = select(Lease.name, Lease.holder).where(
        Lease.name.startswith(prefix, autoescape=True), Lease.expires_at > (now or utcnow())
    )
    return {name: holder for name, holder in session.execute(query)}


def release_held(session: Session, names: list[str], holder: str) -> int:
    """Give up those of ``names`` that ``holder`` holds; how many it gave up."""
    if not names:
        return 0
    result = session.execute(
        delete(Lease)
        .where(Lease.name.in_(names), Lease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


def announce_replica(
    session: Session, holder: str, ttl_seconds: float, now: datetime | None = None
) -> None:
    """Say that ``holder`` is alive until ``now + ttl_seconds``."""
    moment = now or utcnow()
    expires_at = moment + timedelta(seconds=ttl_seconds)
    renewed = session.execute(
        update(Replica)
        .where(Replica.holder == holder)
        .values(expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(renewed) == 0:
        insert_if_absent(
            session, Replica, {"holder": holder, "expires_at": expires_at, "started_at": moment}
        )


def live_replicas(session: Session, now: datetime | None = None) -> list[str]:
    """The replicas alive at ``now``, in a stable order (their holder ids)."""
    query = select(Replica.holder).where(Replica.expires_at > (now or utcnow()))
    return list(session.scalars(query.order_by(Replica.holder)))


def retire_replica(session: Session, holder: str, prefix: str) -> None:
    """A replica leaves (on shutdown): its leases are free and it no longer counts."""
    session.execute(
        delete(Lease)
        .where(Lease.name.startswith(prefix, autoescape=True), Lease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Replica).where(Replica.holder == holder).execution_options(synchronize_session=False)
    )
