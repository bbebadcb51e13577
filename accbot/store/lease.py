"""A named lease in the database: with several replicas, only the holder runs the watcher.

Both operations are single conditional statements, so the database decides every race:
on PostgreSQL a competing UPDATE waits for the row lock and re-checks its condition, and a
competing INSERT hits the primary key; on SQLite writers are serialized (BEGIN IMMEDIATE).
The caller commits the session promptly (``Database.session()`` does) to publish the lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import Lease
from accbot.store.types import utcnow


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
