"""Deciding: claim the pending requests, call ACC once, and say which cards change.

The claim is committed before ACC is called and put back to pending when ACC fails,
so nothing stays approved that ACC did not approve. Of two approvers one wins the
claim (``store.approvals.decide`` records a decision only while the request is
pending) and only the winner calls ACC.
"""

from __future__ import annotations

import logging
from datetime import datetime

from accbot.acc.errors import BackendError
from accbot.acc.models import AgentRun
from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision, RequestView
from accbot.actions.approvals.commands import Decide, acc_message
from accbot.actions.approvals.lookup import load_request, pending_for_agent
from accbot.actions.approvals.refusals import AlreadyDecided, refuse_self_approval
from accbot.actions.common import resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, say
from accbot.commands.model import Approve, Disapprove
from accbot.store import approvals as stored

logger = logging.getLogger("accbot.actions")

MAX_ERROR_CHARS = 500


def decide(
    command: Decide,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> ApprovalDecision:
    if not command.approve and not command.message.strip():
        raise InvalidInput("Say why the agent is disapproved: the reason goes to ACC.")
    if command.request_id is not None:
        return _decide_request(
            services, actor, command.request_id, command.approve, command.message
        )
    if command.agent_path:
        return _decide_agent(services, actor, command.agent_path, command.approve, command.message)
    raise InvalidInput("That decision names neither an approval request nor an agent.")


def approve(
    command: Approve,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> ApprovalDecision:
    message = acc_message(True, actor.name or actor.user_id, command.message, via=_via(actor))
    return _decide_agent(services, actor, command.agent_path, True, message)


def disapprove(
    command: Disapprove,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> ApprovalDecision:
    message = acc_message(False, actor.name or actor.user_id, command.message, via=_via(actor))
    return _decide_agent(services, actor, command.agent_path, False, message)


def _via(actor: Actor) -> str:
    return "Slack" if actor.source == "slack" else f"accbot ({actor.source})"


def _decide_request(
    services: Services, actor: Actor, request_id: int, approve: bool, message: str
) -> ApprovalDecision:
    with services.approval_locks.holding([request_id]):
        request = load_request(services, request_id)
        if not request.pending:
            raise AlreadyDecided(request)
        refuse_self_approval(actor, [request])
        decided_at, won = _claim(services, actor, [request], approve, message)
        if not won:  # another replica decided it between the read and the claim
            raise AlreadyDecided(load_request(services, request_id))
        _tell_acc(services, request.agent_id, approve, message, won)
        return _decision(
            services, actor, request.agent_path, request.agent_id, approve, message,
            decided_at, won, from_card=True,
        )  # fmt: skip


def _decide_agent(
    services: Services, actor: Actor, agent_path: str, approve: bool, message: str
) -> ApprovalDecision:
    """A decision on the agent itself: it also settles the agent's pending requests."""
    agent = resolve_agent(services, agent_path)
    pending = pending_for_agent(services, agent_id=agent.agent_id)
    refuse_self_approval(actor, pending)
    with services.approval_locks.holding([r.id for r in pending]):
        decided_at, won = _claim(services, actor, pending, approve, message)
        _tell_acc(services, agent.agent_id, approve, message, won)
        return _decision(
            services, actor, agent_path, agent.agent_id, approve, message, decided_at, won,
            from_card=False,
        )  # fmt: skip


def _claim(
    services: Services, actor: Actor, requests: list[RequestView], approve: bool, message: str
) -> tuple[datetime, list[int]]:
    """Record the decision on every request still pending, in one transaction."""
    state = "approved" if approve else "disapproved"
    now = services.clock()
    if not requests:
        return now, []
    with services.db.session() as session:
        won = [
            r.id
            for r in requests
            if stored.decide(session, r.id, state, actor.user_id, message, now=now)
        ]
    return now, won


def _tell_acc(
    services: Services, agent_id: str, approve: bool, message: str, claimed: list[int]
) -> None:
    """Call ACC once; when it fails, the claimed requests go back to pending."""
    try:
        services.acc.set_approval(agent_id, approve, message)
    except Exception as exc:
        if claimed:
            try:
                with services.db.session() as session:
                    for request_id in claimed:
                        stored.revert_to_pending(session, request_id, str(exc)[:MAX_ERROR_CHARS])
            except Exception:
                logger.exception("could not put approval requests %s back to pending", claimed)
        raise


def _decision(
    services: Services,
    actor: Actor,
    agent_path: str,
    agent_id: str,
    approve: bool,
    message: str,
    decided_at: datetime,
    won: list[int],
    *,
    from_card: bool,
) -> ApprovalDecision:
    verb = "approved" if approve else "disapproved"
    requests = [load_request(services, request_id) for request_id in won]
    cards: list[ApprovalCard] = []
    if requests:
        description, latest, details_error = _card_details(services, agent_path, agent_id)
        cards = [
            ApprovalCard(
                request=r,
                description=description,
                latest_run=latest,
                details_error=details_error,
                portal_url=services.acc_link(),
            )
            for r in requests
        ]
    numbers = ", ".join(f"#{r.id}" for r in requests)
    return ApprovalDecision(
        agent_path=agent_path,
        approved=approve,
        message=message,
        decided_by=actor.user_id,
        decided_at=decided_at,
        summary=say(f"{verb} ", Code(agent_path), f" (request {numbers})" if numbers else ""),
        cards=cards,
        from_card=from_card,
        portal_url=services.acc_link(),
    )


def _card_details(
    services: Services, agent_path: str, agent_id: str
) -> tuple[str | None, AgentRun | None, str | None]:
    """The agent's description and latest run for a card being updated; ACC already took
    the decision, so a failing read only leaves the card without them."""
    try:
        description = resolve_agent(services, agent_path).description
        runs = services.acc.get_run_history(agent_id, count=1)
    except BackendError as exc:
        logger.warning("could not read %s for its approval card: %s", agent_path, exc)
        return None, None, str(exc)
    return description, (runs[0] if runs else None), None
