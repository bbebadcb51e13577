"""Errors the actions raise for the front ends to explain; backend errors pass through.

ActionError                 base: a refusal or problem a person should read
├── Refused                 not done on purpose (audited "refused", not "error")
│   └── PermissionDenied    the person lacks the role the action needs
├── InvalidInput            the request cannot be carried out as asked
└── NotConfigured           the bot lacks configuration for this (SAS, servers…)
"""

from __future__ import annotations

from accbot.actions.phrases import Phrase, say
from accbot.actions.roles import ROLE_SETTINGS
from accbot.commands.roles import Role


class ActionError(Exception):
    """``phrase`` is the message as data (each front end renders it); ``message`` is
    its plain text, for logs, the audit table and ``str(exc)``."""

    def __init__(self, message: str | Phrase) -> None:
        self.phrase = message if isinstance(message, Phrase) else say(message)
        self.message = str(self.phrase)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class Refused(ActionError):
    """The action was declined by a rule (role, own request, already decided)."""


class PermissionDenied(Refused):
    """Names the setting that grants the role, so the person knows what to ask for."""

    def __init__(self, action: str, role: Role) -> None:
        super().__init__(
            f"You need the {role.value} role to {action}: ask for your Slack user ID "
            f"(or a user group you are in) to be added to {ROLE_SETTINGS[role]}."
        )
        self.action = action
        self.role = role


class InvalidInput(ActionError):
    pass


class NotConfigured(ActionError):
    pass
