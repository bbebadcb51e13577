"""Names of the input files accbot uploaded, per agent: what the start form offers.

ACC keeps the files but its API cannot list them; these rows are accbot's own record,
refreshed by each upload and dropped when the agent's inputs are cleared.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import InputFileName
from accbot.store.types import utcnow


def remember(
    session: Session, agent_id: str, names: Iterable[str], by: str, now: datetime | None = None
) -> None:
    """Record uploaded names; a name uploaded again moves to the front (newest first)."""
    moment = now or utcnow()
    for name in names:
        values = {"agent_id": agent_id, "name": name, "uploaded_by": by, "uploaded_at": moment}
        if not insert_if_absent(session, InputFileName, values):
            session.execute(
                update(InputFileName)
                .where(InputFileName.agent_id == agent_id, InputFileName.name == name)
                .values(uploaded_by=by, uploaded_at=moment)
                .execution_options(synchronize_session=False)
            )


def names(session: Session, agent_id: str, limit: int = 100) -> list[str]:
    """The agent's uploaded input file names, most recently uploaded first."""
    query = (
        select(InputFileName.name)
        .where(InputFileName.agent_id == agent_id)
        .order_by(InputFileName.uploaded_at.desc(), InputFileName.name)
        .limit(limit)
    )
    return list(session.scalars(query))


def forget_all(session: Session, agent_id: str) -> int:
    """The agent's inputs were deleted in ACC; returns how many names were dropped."""
    result = session.execute(delete(InputFileName).where(InputFileName.agent_id == agent_id))
    return rows_changed(result)
