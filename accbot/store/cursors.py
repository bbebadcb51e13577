"""Run cursors: the watermark of what the watcher has seen of each agent's history.

Kept in the database so that a restart neither repeats alerts nor misses what failed
while the bot was down.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import RunCursor
from accbot.store.types import utcnow

# Enough to cover any history page the watcher asks for, with room for status changes.
MAX_SEEN_KEYS = 1000
# Agents per query when many cursors are read at once: well under every database's limit
# on bound parameters (two per agent).
BATCH = 400


def seen_key(run_id: str, status: str) -> str:
    """The entry recorded in ``seen_keys`` for a run observed in a status."""
    return f"{run_id}:{status}"


def get_cursor(session: Session, kind: str, agent_id: str) -> RunCursor | None:
    return session.get(RunCursor, (kind, agent_id))


def seen_keys_of(
    session: Session, agents: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], frozenset[str]]:
    """The seen keys of many agents' cursors, one query per BATCH agents.

    Agents without a cursor are absent from the result.
    """
    wanted = list(dict.fromkeys(agents))
    found: dict[tuple[str, str], frozenset[str]] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        query = select(RunCursor.kind, RunCursor.agent_id, RunCursor.seen_keys).where(
            tuple_(RunCursor.kind, RunCursor.agent_id).in_(chunk)
        )
        for kind, agent_id, seen in session.execute(query):
            found[(kind, agent_id)] = frozenset(seen or ())
    return found


def ensure_cursor(
    session: Session, kind: str, agent_id: str, *, now: datetime | None = None
) -> tuple[RunCursor, bool]:
    """The agent's cursor, created (starting ``now``) if missing; True when it was created.

    A new cursor means a new watch: the caller records the current history as seen
    without alerting it.
    """
    moment = now or utcnow()
    created = insert_if_absent(
        session,
        RunCursor,
        {
            "kind": kind,
            "agent_id": agent_id,
            "last_seen_start": None,
            "seen_keys": [],
            "created_at": moment,
            "updated_at": moment,
        },
    )
    cursor = session.get(RunCursor, (kind, agent_id), populate_existing=True)
    if cursor is None:
        raise LookupError(f"cursor {kind}:{agent_id} vanished while being created")
    return cursor, created


def advance_cursor(
    session: Session,
    kind: str,
    agent_id: str,
    seen: Iterable[str],
    *,
    last_seen_start: datetime | None = None,
    now: datetime | None = None,
    last_run: dict[str, Any] | None = None,
) -> RunCursor:
    """Add newly seen keys (newest first, bounded) and move the start watermark forward only;
    ``last_run``, when given, replaces the newest run kept (in the same UPDATE)."""
    # Already loaded in this session (the usual case): no statement to find it again.
    cursor = session.get(RunCursor, (kind, agent_id))
    if cursor is None:
        cursor, _ = ensure_cursor(session, kind, agent_id, now=now)
    merged = dict.fromkeys([*seen, *cursor.seen_keys])  # ordered, without repeats
    cursor.seen_keys = list(merged)[:MAX_SEEN_KEYS]
    if last_seen_start is not None and (
        cursor.last_seen_start is None or last_seen_start > cursor.last_seen_start
    ):
        cursor.last_seen_start = last_seen_start
    if last_run is not None and cursor.last_run != last_run:
        cursor.last_run = last_run
    cursor.updated_at = now or utcnow()
    session.flush()
    return cursor


def last_runs_of(
    session: Session, agents: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The newest run kept for each agent that has one, one query per BATCH agents."""
    wanted = list(dict.fromkeys(agents))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        query = select(RunCursor.kind, RunCursor.agent_id, RunCursor.last_run).where(
            tuple_(RunCursor.kind, RunCursor.agent_id).in_(chunk)
        )
        for kind, agent_id, last_run in session.execute(query):
            if last_run:
                found[(kind, agent_id)] = last_run
    return found


def delete_cursor(session: Session, kind: str, agent_id: str) -> bool:
    result = session.execute(
        delete(RunCursor).where(RunCursor.kind == kind, RunCursor.agent_id == agent_id)
    )
    return rows_changed(result) == 1


def list_cursors(session: Session) -> list[RunCursor]:
    return list(session.scalars(select(RunCursor).order_by(RunCursor.kind, RunCursor.agent_id)))
