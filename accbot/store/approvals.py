"""Approval requests: posted as a card; the first decision wins, exactly once.

``decide`` is one conditional UPDATE (``... WHERE state = 'pending'``), so of two approvers
clicking at once exactly one gets True; the other reads who decided with ``get_request``.
Commit the decision before calling ACC; when ACC then fails, ``revert_to_pending`` puts
the request back (buttons stay), or ``mark_failed`` ends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import rows_changed
from accbot.store.models import ApprovalRequest
from accbot.store.types import utcnow

DECISIONS = ("approved", "disapproved")


def create_request(
    session: Session,
    *,
    agent_path: str,
    agent_id: str,
    requested_by: str,
    channel_id: str,
    note: str | None = None,
    now: datetime | None = None,
) -> ApprovalRequest:
    request = ApprovalRequest(
        agent_path=agent_path,
        agent_id=agent_id,
        requested_by=requested_by,
        note=note,
        channel_id=channel_id,
        state="pending",
        created_at=now or utcnow(),
    )
    session.add(request)
    session.flush()
    return request


def get_request(session: Session, request_id: int) -> ApprovalRequest | None:
    return session.get(ApprovalRequest, request_id, populate_existing=True)


def set_message(session: Session, request_id: int, channel_id: str, message_ts: str) -> bool:
    """Remember where the card was posted, to update it in place later."""
    return _update(session, request_id, None, channel_id=channel_id, message_ts=message_ts)


def pending_requests(
    session: Session, *, agent_path: str | None = None
) -> Sequence[ApprovalRequest]:
    query = select(ApprovalRequest).where(ApprovalRequest.state == "pending")
    if agent_path is not None:
        query = query.where(ApprovalRequest.agent_path == agent_path)
    return session.scalars(query.order_by(ApprovalRequest.created_at, ApprovalRequest.id)).all()


def decide(
    session: Session,
    request_id: int,
    state: str,
    by: str,
    message: str | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Record the decision if the request is still pending; True for the one who won."""
    if state not in DECISIONS:
        raise ValueError(f"a decision is one of {DECISIONS}, not {state!r}")
    return _update(
        session,
        request_id,
        ("pending",),
        state=state,
        decided_by=by,
        decided_at=now or utcnow(),
        decision_message=message,
        error=None,
    )


def revert_to_pending(session: Session, request_id: int, error: str) -> bool:
    """Undo a decision ACC refused or never received, keeping the error for the card."""
    return _update(
        session,
        request_id,
        DECISIONS,
        state="pending",
        decided_by=None,
        decided_at=None,
        decision_message=None,
        error=error,
    )


def mark_failed(session: Session, request_id: int, error: str) -> bool:
    """End a request that cannot be decided (e.g. the agent is gone from ACC)."""
    return _update(session, request_id, ("pending", *DECISIONS), state="failed", error=error)


def _update(
    session: Session, request_id: int, from_states: tuple[str, ...] | None, **values: Any
) -> bool:
    statement = update(ApprovalRequest).where(ApprovalRequest.id == request_id)
    if from_states is not None:
        statement = statement.where(ApprovalRequest.state.in_(from_states))
    result = session.execute(
        statement.values(**values).execution_options(synchronize_session="fetch")
    )
    return rows_changed(result) == 1
