"""Why a decision is refused: decided already, or the requester deciding their own."""

from __future__ import annotations

from collections.abc import Iterable

from accbot.actions.approvals.cards import RequestView
from accbot.actions.context import Actor
from accbot.actions.errors import ActionError, PermissionDenied, Refused
from accbot.commands.roles import Role


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
