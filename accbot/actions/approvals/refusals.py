"""Why a decision is refused: decided already, or the requester deciding their own."""

from __future__ import annotations

from collections.abc import Iterable

from accbot.actions.approvals.cards import RequestView
from accbot.actions.context import Actor
from accbot.actions.errors import ActionError, PermissionDenied, Refused
from accbot.actions.phrases import Code, Moment, UserRef, say
from accbot.commands.roles import Role


class AlreadyDecided(Refused):
    """The request was decided before this decision: says by whom and when."""

    def __init__(self, request: RequestView, *, in_flight: bool = False) -> None:
        self.request = request
        self.in_flight = in_flight
        who = UserRef(request.decided_by or "?")
        when = Moment(request.decided_at) if request.decided_at else "?"
        if in_flight:
            text = say(who, f" is deciding request #{request.id} right now")
        elif request.state == "failed":
            text = say(
                f"Request #{request.id} could not be completed: {request.error or 'unknown error'}"
            )
        else:
            text = say(f"Request #{request.id} was already {request.state} by ", who, " at ", when)
        super().__init__(say(text, " (", Code(request.agent_path), ")."))


class SelfApprovalRefused(PermissionDenied):
    """A requester tried to decide their own request without being an admin."""

    def __init__(self, request: RequestView) -> None:
        ActionError.__init__(
            self,
            say(
                "You asked for approval of ",
                Code(request.agent_path),
                f" yourself (request #{request.id}), so another approver has to decide it; "
                "only an admin may decide their own request.",
            ),  # fmt: skip
        )
        self.action = "decide your own approval request"
        self.role = Role.ADMIN
        self.request = request


def refuse_self_approval(actor: Actor, requests: Iterable[RequestView]) -> None:
    """Raise SelfApprovalRefused when ``actor`` asked for one of ``requests`` and is no
    admin (the dispatcher put the actor's roles on it)."""
    if actor.holds(Role.ADMIN):
        return
    for request in requests:
        if request.requested_by == actor.user_id:
            raise SelfApprovalRefused(request)
