"""Data counts of recent successful runs: the history a ``--drop`` watch compares with.

Recorded once per run (a unique key per agent and run), in the watcher's transaction for
the agent, and trimmed to the newest KEEP_PER_AGENT so the table stays small.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent
from accbot.store.models import RunDataCount

KEEP_PER_AGENT = 30


def record_count(
    session: Session, kind: str, agent_id: str, run_id: str, started: datetime, data_count: int
) -> bool:
    """Remember one successful run's data count; False when it was already known."""
    added = insert_if_absent(
        session,
        RunDataCount,
        {
            "kind": kind,
            "agent_id": agent_id,
            "run_id": run_id,
            "started": started,
            "data_count": data_count,
        },
    )
    if added:
        _trim(session, kind, agent_id)
    return added


def counts_before(
    session: Session, kind: str, agent_id: str, before: datetime, *, limit: int
) -> list[int]:
    """The data counts of the agent's ``limit`` newest runs started before ``before``,
    oldest first."""
    query = (
        select(RunDataCount.data_count)
        .where(
            RunDataCount.kind == kind,
            RunDataCount.agent_id == agent_id,
            RunDataCount.started < before,
        )
        .order_by(RunDataCount.started.desc(), RunDataCount.id.desc())
        .limit(limit)
    )
    return list(reversed(session.scalars(query).all()))


def _trim(session: Session, kind: str, agent_id: str) -> None:
    oldest_kept = session.scalars(
        select(RunDataCount.started)
        .where(RunDataCount.kind == kind, RunDataCount.agent_id == agent_id)
        .order_by(RunDataCount.started.desc())
        .offset(KEEP_PER_AGENT - 1)
        .limit(1)
    ).first()
    if oldest_kept is not None:
        session.execute(
            delete(RunDataCount).where(
                RunDataCount.kind == kind,
                RunDataCount.agent_id == agent_id,
                RunDataCount.started < oldest_kept,
            )
        )
