"""Errors the actions raise for the front ends to explain; backend errors pass through.

    ActionError                 base: a refusal or problem a person should read
    ├── Refused                 not done on purpose (audited "refused", not "error")
    │   └── PermissionDenied    the person lacks the role the action needs
    ├── InvalidInput            the request cannot be carried out as asked
    └── NotConfigured           the bot lacks configuration for this (SAS, servers…)
"""

from __future__ import annotations


class ActionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Refused(ActionError):
    """The action was declined by a rule (role, own request, already decided)."""


class PermissionDenied(Refused):
    def __init__(self, action: str, role: str) -> None:
        super().__init__(f"You need the {role} role to {action}.")
        self.action = action
        self.role = role


class InvalidInput(ActionError):
    pass


class NotConfigured(ActionError):
    pass
