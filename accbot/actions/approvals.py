"""Approvals: ask for one on a card, decide it exactly once, and tell ACC.

    /acc request-approval          RequestApproval -> ApprovalCard (Slack posts the card)
    Approve / Disapprove on a card Decide(request_id=…)  -> ApprovalDecision
    Approve / Disapprove on /acc agent, /acc approve, /acc disapprove
                                   Decide(agent_path=…), Approve, Disapprove -> ApprovalDecision

Exactly once: ``store.approvals.decide`` records a decision only while the request is
pending, so of two approvers one wins and only the winner calls ACC. The decision is
committed before ACC is called and put back (``revert_to_pending``) when ACC fails, so
nothing stays approved that ACC did not approve; the card is changed only after ACC
answered, so it never shows a decision ACC has not confirmed and keeps its buttons when
ACC fails. Within one process, decisions on one request also take a lock around the
whole exchange: a second approver waits for the first one's ACC call and is then told
the outcome, or, when ACC failed, decides in turn. Across replicas the database alone
decides, and the second approver is told at once who decided.

Whoever asked for an approval may not decide it, unless they are an admin.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from accbot.acc.errors import BackendError
from accbot.acc.models import AgentRun
from accbot.actions.common import resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import ROLE_WORDS, Progress, handles
from accbot.actions.errors import (
    ActionError,
    InvalidInput,
    NotConfigured,
    PermissionDenied,
    Refused,
)
from accbot.actions.results import Result
from accbot.commands.model import Approve, Command, Disapprove, RequestApproval
from accbot.commands.roles import Role
from accbot.store import approvals, audit
from accbot.store.models import ApprovalRequest

logger = logging.getLogger("accbot.actions")

MAX_ERROR_CHARS = 500
_LOCKS_KEY = "approval_request_locks"
_locks_guard = threading.Lock()


# --- what the front ends get ------------------------------------------------------------


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
    summary: str = ""
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
    summary: str
    cards: list[ApprovalCard] = field(default_factory=list)
    from_card: bool = False
    portal_url: str = ""
    announce = True


# --- refusals ---------------------------------------------------------------------------


class AlreadyDecided(Refused):
    """The request was decided before this decision: says by whom and when."""

    def __init__(self, request: RequestView, *, in_flight: bool = False) -> None:
        self.request = request
        self.in_flight = in_flight
        when = request.decided_at.isoformat(timespec="seconds") if request.decided_at else "?"
        if in_flight:
            text = f"{request.decided_by} is deciding request #{request.id} right now"
        elif request.state == "failed":
            text = (
                f"Request #{request.id} could not be completed: {request.error or 'unknown error'}"
            )
        else:
            text = f"Request #{request.id} was already {request.state} by {request.decided_by} at {when}"
        super().__init__(f"{text} (`{request.agent_path}`).")


class SelfApprovalRefused(PermissionDenied):
    """A requester tried to decide their own request without being an admin."""

    def __init__(self, request: RequestView) -> None:
        ActionError.__init__(
            self,
            f"You asked for approval of `{request.agent_path}` yourself (request #{request.id}), "
            "so another approver has to decide it; only an admin may decide their own request.",
        )
        self.action = "decide your own approval request"
        self.role = ROLE_WORDS[Role.ADMIN]
        self.request = request


# --- the decision a modal submits -------------------------------------------------------


@dataclass(frozen=True)
class Decide(Command):
    """An approver's decision from the approval form, on a request card (``request_id``)
    or on an agent shown by ``/acc agent`` (``agent_path``); ``message`` goes to ACC as is."""

    approve: bool
    message: str
    request_id: int | None = None
    agent_path: str | None = None
    mutating: ClassVar[bool] = True

    @property
    def name(self) -> str:  # role-checked and audited as the typed command would be
        return "approve" if self.approve else "disapprove"


def acc_message(approve: bool, who: str, text: str | None = None, *, via: str = "Slack") -> str:
    """The message ACC writes to its File Logs: ACC logs the token's user, so it says who."""
    verb = "Approved" if approve else "Disapproved"
    base = f"{verb} in {via} by {who}"
    return f"{base}: {text.strip()}" if text and text.strip() else base


# --- handlers ---------------------------------------------------------------------------


@handles(RequestApproval)
def request_approval(
    command: RequestApproval,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> ApprovalCard:
    if actor.source != "slack":
        raise InvalidInput(
            "An approval request is a card in Slack with Approve / Disapprove buttons: "
            "ask with `/acc request-approval` in Slack."
        )
    channel = services.settings.ACCBOT_APPROVAL_CHANNEL or actor.channel_id
    if not channel:
        raise NotConfigured(
            "Approval requests are posted in Slack: set ACCBOT_APPROVAL_CHANNEL, "
            "or ask from a Slack channel."
        )
    agent = resolve_agent(services, command.agent_path)
    runs = services.acc.get_run_history(agent.agent_id, count=1)
    with services.db.session() as session:
        for waiting in approvals.pending_requests(session):
            if waiting.agent_id == agent.agent_id and waiting.message_ts:
                raise InvalidInput(
                    f"`{command.agent_path}` already waits for approval (request "
                    f"#{waiting.id}); approvers decide it on its card."
                )
        row = approvals.create_request(
            session,
            agent_path=command.agent_path,
            agent_id=agent.agent_id,
            requested_by=actor.user_id,
            channel_id=channel,
            note=command.note,
            now=services.clock(),
        )
        request = RequestView.of(row)
    return ApprovalCard(
        request=request,
        summary=f"asked for approval of `{command.agent_path}` (request #{request.id})",
        description=agent.description,
        latest_run=runs[0] if runs else None,
        portal_url=services.acc_link(),
    )


@handles(Decide)
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


@handles(Approve)
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


@handles(Disapprove)
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


# --- checks before the form opens (no ACC call) ----------------------------------------


def review_request(services: Services, actor: Actor, request_id: int, approve: bool) -> RequestView:
    """May ``actor`` decide this request now? Returns it for the form; raises the refusal
    (PermissionDenied, SelfApprovalRefused, AlreadyDecided, InvalidInput)."""
    name = "approve" if approve else "disapprove"
    arguments = {"request_id": request_id}
    _require_approver(services, actor, name, arguments)
    request = _load(services, request_id)
    if not request.pending:
        raise AlreadyDecided(request, in_flight=is_deciding(services, request_id))
    try:
        _refuse_self_approval(services, actor, [request])
    except SelfApprovalRefused as exc:
        _audit_refusal(services, actor, name, arguments, str(exc))
        raise
    return request


def review_agent(services: Services, actor: Actor, agent_path: str, approve: bool) -> None:
    """May ``actor`` approve or disapprove this agent? Raises the refusal."""
    name = "approve" if approve else "disapprove"
    arguments = {"agent_path": agent_path}
    _require_approver(services, actor, name, arguments)
    with services.db.session() as session:
        pending = [
            RequestView.of(r) for r in approvals.pending_requests(session, agent_path=agent_path)
        ]
    try:
        _refuse_self_approval(services, actor, pending)
    except SelfApprovalRefused as exc:
        _audit_refusal(services, actor, name, arguments, str(exc))
        raise


def card_posted(services: Services, request_id: int, channel_id: str, message_ts: str) -> None:
    """Remember where the card is, to update it in place once decided."""
    with services.db.session() as session:
        approvals.set_message(session, request_id, channel_id, message_ts)


def card_not_posted(services: Services, request_id: int, error: str) -> None:
    """The card could not be posted: the request ends as failed (nobody can click it)."""
    with services.db.session() as session:
        approvals.mark_failed(session, request_id, error[:MAX_ERROR_CHARS])


def is_deciding(services: Services, request_id: int) -> bool:
    """True while a decision on the request waits for ACC in this process."""
    with _locks_guard:
        holder = _lock_table(services).get(request_id)
    return holder is not None and holder.lock.locked()


# --- deciding ---------------------------------------------------------------------------


def _decide_request(
    services: Services, actor: Actor, request_id: int, approve: bool, message: str
) -> ApprovalDecision:
    with _holding(services, [request_id]):
        request = _load(services, request_id)
        if not request.pending:
            raise AlreadyDecided(request)
        _refuse_self_approval(services, actor, [request])
        decided_at, won = _claim(services, actor, [request], approve, message)
        if not won:  # another replica decided it between the read and the claim
            raise AlreadyDecided(_load(services, request_id))
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
    with services.db.session() as session:
        pending = [
            RequestView.of(r)
            for r in approvals.pending_requests(session)
            if r.agent_id == agent.agent_id
        ]
    _refuse_self_approval(services, actor, pending)
    with _holding(services, [r.id for r in pending]):
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
            if approvals.decide(session, r.id, state, actor.user_id, message, now=now)
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
                        approvals.revert_to_pending(session, request_id, str(exc)[:MAX_ERROR_CHARS])
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
    requests = [_load(services, request_id) for request_id in won]
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
        summary=f"{verb} `{agent_path}`" + (f" (request {numbers})" if numbers else ""),
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


# --- helpers ----------------------------------------------------------------------------


def _load(services: Services, request_id: int) -> RequestView:
    with services.db.session() as session:
        row = approvals.get_request(session, request_id)
        if row is None:
            raise InvalidInput(f"There is no approval request #{request_id}.")
        return RequestView.of(row)


def _refuse_self_approval(
    services: Services, actor: Actor, requests: Iterable[RequestView]
) -> None:
    if services.roles.holds(actor.user_id, Role.ADMIN):
        return
    for request in requests:
        if request.requested_by == actor.user_id:
            raise SelfApprovalRefused(request)


def _require_approver(services: Services, actor: Actor, name: str, arguments: dict) -> None:
    if not services.roles.holds(actor.user_id, Role.APPROVER):
        role = ROLE_WORDS[Role.APPROVER]
        _audit_refusal(services, actor, name, arguments, f"needs {role}")
        raise PermissionDenied(f"use /acc {name}", role)


def _audit_refusal(
    services: Services, actor: Actor, name: str, arguments: dict, detail: str
) -> None:
    try:
        with services.db.session() as session:
            audit.record(
                session,
                user_id=actor.user_id,
                action=name,
                arguments=arguments,
                result="refused",
                detail=detail[:MAX_ERROR_CHARS],
            )
    except Exception:  # the audit must not hide the refusal itself
        logger.exception("could not write the audit entry for a refused %s", name)


class _RequestLock:
    """A lock per request id; held in a weak table, so idle ones are dropped."""

    __slots__ = ("__weakref__", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()


def _lock_table(services: Services) -> weakref.WeakValueDictionary[int, _RequestLock]:
    return services.extras.setdefault(_LOCKS_KEY, weakref.WeakValueDictionary())


@contextmanager
def _holding(services: Services, request_ids: Iterable[int]) -> Iterator[None]:
    """Hold the locks of these requests (in id order, so two holders never deadlock)."""
    with _locks_guard:
        table = _lock_table(services)
        holders = []
        for request_id in sorted(set(request_ids)):
            holder = table.get(request_id)
            if holder is None:
                holder = table[request_id] = _RequestLock()
            holders.append(holder)
    taken: list[_RequestLock] = []
    try:
        for holder in holders:
            holder.lock.acquire()
            taken.append(holder)
        yield
    finally:
        for holder in reversed(taken):
            holder.lock.release()
