"""Which role each command needs; the actions layer enforces it.

viewer (everyone) reads; operator starts, retries, restarts, runs jobs, changes single
schedules and inputs and asks for approval; approver approves and disapproves; admin
holds every role and alone makes bulk schedule changes, deletes, clears inputs and
manages watches and mutes.
"""

from __future__ import annotations

from enum import StrEnum

from accbot.commands.model import Command


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    APPROVER = "approver"
    ADMIN = "admin"


_OPERATOR = (
    "start", "restart", "retry",
    "job start", "job status",
    "schedule add", "schedule on", "schedule off", "schedule run",
    "inputs add", "inputs csv", "inputs disable",
    "request-approval",
    "acknowledge",  # an alert's "Acknowledge" button
)  # fmt: skip
_APPROVER = ("approve", "disapprove")
_ADMIN = (
    "schedule delete", "schedules on", "schedules off", "schedules delete",
    "inputs clear",
    "watch", "unwatch", "mute",
)  # fmt: skip

ROLE_BY_NAME: dict[str, Role] = {
    **{name: Role.OPERATOR for name in _OPERATOR},
    **{name: Role.APPROVER for name in _APPROVER},
    **{name: Role.ADMIN for name in _ADMIN},
}


def role_for_name(name: str) -> Role:
    """The role for a help key such as ``"schedule delete"``; reads need only a viewer."""
    return ROLE_BY_NAME.get(name, Role.VIEWER)


def required_role(command: Command) -> Role:
    """The least role allowed to run ``command`` (admins may run everything)."""
    return role_for_name(command.name)
