"""Schedule pauses: record one, find the due ones, and move each through its states.

Every change of state is one conditional UPDATE, so when two replicas (or a click and
the watcher) reach for the same pause at once, the database lets exactly one of them
have it: ``claim`` (active -> ending) before turning schedules back on, ``finish``
(-> ended) after. A claim undone by ``release`` (ending -> active) is tried again later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import rows_changed
from accbot.store.models import SchedulePause
from accbot.store.types import utcnow

ACTIVE, ENDING, ENDED = "active", "ending", "ended"


def create(
    session: Session,
    *,
    schedule_ids: Iterable[str],
    ends_at: datetime,
    remind_at: datetime | None,
    by: str,
    channel_id: str | None,
    agent_id: str | None = None,
    agent_path: str | None = None,
    now: datetime | None = None,
) -> SchedulePause:
    pause = SchedulePause(
        schedule_ids=list(schedule_ids),
        agent_id=agent_id,
        agent_path=agent_path,
        channel_id=channel_id,
        created_by=by,
        created_at=now or utcnow(),
        ends_at=ends_at,
        remind_at=remind_at,
        state=ACTIVE,
    )
    session.add(pause)
    session.flush()
    return pause


def get(session: Session, pause_id: int) -> SchedulePause | None:
    return session.get(SchedulePause, pause_id)


def active(session: Session) -> Sequence[SchedulePause]:
    """Pauses still in force, the soonest to end first."""
    query = (
        select(SchedulePause)
        .where(SchedulePause.state == ACTIVE)
        .order_by(SchedulePause.ends_at, SchedulePause.id)
    )
    return session.scalars(query).all()


def covering(session: Session, schedule_ids: Iterable[str]) -> list[SchedulePause]:
    """Active pauses that hold any of ``schedule_ids`` (compared without letter case)."""
    wanted = {s.lower() for s in schedule_ids}
    return [p for p in active(session) if wanted & {s.lower() for s in p.schedule_ids}]


def due(session: Session, now: datetime) -> list[int]:
    """Ids of active pauses that are over at ``now``."""
    query = select(SchedulePause.id).where(
        SchedulePause.state == ACTIVE, SchedulePause.ends_at <= now
    )
    return list(session.scalars(query.order_by(SchedulePause.ends_at, SchedulePause.id)))


def reminders_due(session: Session, now: datetime) -> list[int]:
    """Ids of active pauses whose reminder is due and not yet taken."""
    query = select(SchedulePause.id).where(
        SchedulePause.state == ACTIVE,
        SchedulePause.remind_at <= now,
        SchedulePause.reminded_at.is_(None),
        SchedulePause.ends_at > now,
    )
    return list(session.scalars(query.order_by(SchedulePause.remind_at, SchedulePause.id)))


def take_reminder(session: Session, pause_id: int, now: datetime) -> bool:
    """Mark the reminder as sent; True for the one caller that gets to send it."""
    result = session.execute(
        update(SchedulePause)
        .where(
            SchedulePause.id == pause_id,
            SchedulePause.state == ACTIVE,
            SchedulePause.reminded_at.is_(None),
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def claim(session: Session, pause_id: int) -> bool:
    """active -> ending: True for the one caller that now turns the schedules back on."""
    result = session.execute(
        update(SchedulePause)
        .where(SchedulePause.id == pause_id, SchedulePause.state == ACTIVE)
        .values(state=ENDING)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def release(session: Session, pause_id: int, error: str) -> None:
    """ending -> active: turning the schedules on failed; try again later."""
    session.execute(
        update(SchedulePause)
        .where(SchedulePause.id == pause_id, SchedulePause.state == ENDING)
        .values(state=ACTIVE, last_error=error[:2000])
        .execution_options(synchronize_session=False)
    )


def finish(session: Session, pause_id: int, *, reason: str, by: str | None, now: datetime) -> bool:
    """-> ended, from active or ending; True when this call ended it."""
    result = session.execute(
        update(SchedulePause)
        .where(SchedulePause.id == pause_id, SchedulePause.state.in_((ACTIVE, ENDING)))
        .values(state=ENDED, ended_at=now, ended_by=by, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def extend(
    session: Session, pause_id: int, *, ends_at: datetime, remind_at: datetime | None
) -> bool:
    """A later end for an active pause; its reminder is owed again."""
    result = session.execute(
        update(SchedulePause)
        .where(SchedulePause.id == pause_id, SchedulePause.state == ACTIVE)
        .values(ends_at=ends_at, remind_at=remind_at, reminded_at=None)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def drop_schedules(session: Session, pause_id: int, schedule_ids: Iterable[str]) -> list[str]:
    """Take schedules out of an active pause (turned on by hand, or paused anew);
    returns what the pause still holds. The row is locked first (PostgreSQL), so a
    concurrent change cannot be lost."""
    query = select(SchedulePause).where(SchedulePause.id == pause_id).with_for_update()
    pause = session.scalars(query).first()
    if pause is None or pause.state != ACTIVE:
        return []
    gone = {s.lower() for s in schedule_ids}
    pause.schedule_ids = [s for s in pause.schedule_ids if s.lower() not in gone]
    session.flush()
    return list(pause.schedule_ids)
