"""What the front ends get from approvals: a request as its card shows it, a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from accbot.acc.models import AgentRun
from accbot.actions.phrases import Phrase, say
from accbot.actions.results import Pending, Result
from accbot.store.models import ApprovalRequest


@dataclass(frozen=True)
class RequestView:
    """A stored approval request, detached from the database session."""

    id: int
    agent_path: str
    agent_id: str
    requested_by: str
    channel_id: str
    state: str  # pending | approved | disapproved | failed
    note: str | None = None
    message_ts: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_message: str | None = None
    error: str | None = None
    created_at: datetime | None = None

    @classmethod
    def of(cls, row: ApprovalRequest) -> RequestView:
        return cls(
            id=row.id,
            agent_path=row.agent_path,
            agent_id=row.agent_id,
            requested_by=row.requested_by,
            channel_id=row.channel_id,
            state=row.state,
            note=row.note,
            message_ts=row.message_ts,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_message=row.decision_message,
            error=row.error,
            created_at=row.created_at,
        )

    @property
    def pending(self) -> bool:
        return self.state == "pending"


@dataclass(frozen=True)
class ApprovalCard(Result):
    """An approval request as its card shows it: posted when new, updated once decided."""

    request: RequestView
    summary: Phrase = field(default_factory=say)
    description: str | None = None
    latest_run: AgentRun | None = None
    details_error: str | None = None  # why the latest run could not be read, if it could not
    portal_url: str = ""
    announce = True


@dataclass(frozen=True)
class ApprovalDecision(Result):
    """ACC took the decision; ``cards`` are the requests it settled (their cards change)."""

    agent_path: str
    approved: bool
    message: str
    decided_by: str
    decided_at: datetime
    summary: Phrase
    cards: list[ApprovalCard] = field(default_factory=list)
    from_card: bool = False
    portal_url: str = ""
    announce = True


@dataclass(frozen=True)
class DecisionForm(Pending):
    """The person may decide now: the front end opens the decision form. ``request`` is
    the card's request, or None for a decision on the agent itself."""

    approve: bool
    agent_path: str
    request: RequestView | None = None
