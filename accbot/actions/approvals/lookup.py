"""Reading approval requests from the store, detached from the session."""

from __future__ import annotations

from accbot.actions.approvals.cards import RequestView
from accbot.actions.context import Services
from accbot.actions.errors import InvalidInput
from accbot.store import approvals as stored


def load_request(services: Services, request_id: int) -> RequestView:
    with services.db.session() as session:
        row = stored.get_request(session, request_id)
        if row is None:
            raise InvalidInput(f"There is no approval request #{request_id}.")
        return RequestView.of(row)


def pending_for_agent(
    services: Services, *, agent_id: str | None = None, agent_path: str | None = None
) -> list[RequestView]:
    """The agent's requests still waiting for a decision (by id, or by path when the
    agent has not been looked up in ACC)."""
    with services.db.session() as session:
        rows = stored.pending_requests(session, agent_path=agent_path)
        return [RequestView.of(r) for r in rows if agent_id is None or r.agent_id == agent_id]
