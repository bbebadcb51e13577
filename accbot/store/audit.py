"""The audit trail: every mutating action, who asked, with what, and how it ended."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accbot.store.models import AUDIT_RESULTS, AuditEntry
from accbot.store.types import utcnow


def record(
    session: Session,
    user_id: str,
    action: str,
    arguments: Mapping[str, Any],
    result: str,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry; ``result`` is ``"ok"``, ``"refused"`` or ``"error"``."""
    if result not in AUDIT_RESULTS:
        raise ValueError(f"audit result must be one of {AUDIT_RESULTS}, not {result!r}")
    entry = AuditEntry(
        at=now or utcnow(),
        user_id=user_id,
        action=action,
        arguments=dict(arguments),
        result=result,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


def recent(session: Session, count: int) -> Sequence[AuditEntry]:
    """The ``count`` newest entries, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return session.scalars(query.limit(max(count, 0))).all()
