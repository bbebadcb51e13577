"""Mutes: an agent's alerts are held back until a moment; they expire by themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from accbot.store.dialect import rows_changed
from accbot.store.models import Mute
from accbot.store.types import utcnow


def mute(
    session: Session,
    kind: str,
    agent_ref: str,
    until: datetime,
    by: str,
    *,
    now: datetime | None = None,
) -> Mute:
    """Mute an agent until ``until``; a shorter earlier mute does not cut a longer one short."""
    entry = Mute(
        kind=kind, agent_ref=agent_ref, until=until, created_by=by, created_at=now or utcnow()
    )
    session.add(entry)
    session.flush()
    return entry


def unmute(session: Session, kind: str, agent_ref: str) -> int:
    """Lift every mute of an agent; returns how many there were."""
    result = session.execute(delete(Mute).where(Mute.kind == kind, Mute.agent_ref == agent_ref))
    return rows_changed(result)


def active_mutes(session: Session, now: datetime) -> Sequence[Mute]:
    """Mutes still in force at ``now``, the soonest to end first."""
    query = select(Mute).where(Mute.until > now).order_by(Mute.until, Mute.id)
    return session.scalars(query).all()


def is_muted(session: Session, kind: str, agent_ref: str, now: datetime) -> bool:
    condition = exists().where(Mute.kind == kind, Mute.agent_ref == agent_ref, Mute.until > now)
    return bool(session.scalar(select(condition)))


def purge_expired(session: Session, now: datetime) -> int:
    """Delete mutes that ended at or before ``now``; returns how many."""
    result = session.execute(delete(Mute).where(Mute.until <= now))
    return rows_changed(result)
