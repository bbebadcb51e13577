"""The checks made when Approve / Disapprove is clicked, before the form opens.

They need no ACC call (one database read), so Slack can open the form within the
click's three seconds. The role check and the audit of a refusal are the dispatcher's.
"""

from __future__ import annotations

from accbot.actions.approvals.cards import DecisionForm
from accbot.actions.approvals.commands import ReviewDecision
from accbot.actions.approvals.lookup import load_request, pending_for_agent
from accbot.actions.approvals.refusals import AlreadyDecided, refuse_self_approval
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress


def review_decision(
    command: ReviewDecision,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> DecisionForm:
    """May ``actor`` decide now? Raises SelfApprovalRefused, AlreadyDecided or
    InvalidInput; otherwise the form to open."""
    if command.request_id is not None:
        request = load_request(services, command.request_id)
        if not request.pending:
            deciding = services.approval_locks.is_deciding(request.id)
            raise AlreadyDecided(request, in_flight=deciding)
        refuse_self_approval(actor, [request])
        return DecisionForm(approve=command.approve, agent_path=request.agent_path, request=request)
    if command.agent_path:
        refuse_self_approval(actor, pending_for_agent(services, agent_path=command.agent_path))
        return DecisionForm(approve=command.approve, agent_path=command.agent_path)
    raise InvalidInput("That decision names neither an approval request nor an agent.")
