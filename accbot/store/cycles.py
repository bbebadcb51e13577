"""Each watcher replica's last cycle: when it ended and how long it took.

Written after every cycle (one upsert); read by ``/acc status`` and by a starting watcher,
whose newest row says how long no cycle ran anywhere (downtime). Rows of replicas gone
for a day are pruned by the next write, after a starting watcher has read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import WatcherCycle
from accbot.store.types import utcnow

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class CycleEnd:
    holder: str
    ended_at: datetime
    seconds: float


def record_cycle_end(
    session: Session, holder: str, seconds: float, now: datetime | None = None
) -> None:
    """``holder``'s cycle ended ``now`` after ``seconds``."""
    moment = now or utcnow()
    updated = session.execute(
        update(WatcherCycle)
        .where(WatcherCycle.holder == holder)
        .values(ended_at=moment, seconds=seconds)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(updated) == 0:
        insert_if_absent(
            session, WatcherCycle, {"holder": holder, "ended_at": moment, "seconds": seconds}
        )
    session.execute(
        delete(WatcherCycle)
        .where(WatcherCycle.ended_at < moment - KEEP)
        .execution_options(synchronize_session=False)
    )


def last_cycle_end(session: Session) -> datetime | None:
    """When the newest cycle of any replica ended; None before the first."""
    return session.scalar(select(func.max(WatcherCycle.ended_at)))


def cycle_ends(session: Session) -> list[CycleEnd]:
    """Every replica's last cycle, newest first."""
    rows = session.scalars(select(WatcherCycle).order_by(WatcherCycle.ended_at.desc()))
    return [CycleEnd(r.holder, r.ended_at, r.seconds) for r in rows]
