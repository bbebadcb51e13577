"""The approval commands that come from Slack's buttons and forms, not from typed text.

Each is named like the typed command (``approve`` / ``disapprove``), so the dispatcher
checks the same role and audits it under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from accbot.commands.model import Command


@dataclass(frozen=True)
class ReviewDecision(Command):
    """A click on Approve / Disapprove, on a request card (``request_id``) or on an agent
    shown by ``/acc agent`` (``agent_path``): may the person decide now? Changes nothing;
    a refusal is audited like a refused decision."""

    approve: bool
    request_id: int | None = None
    agent_path: str | None = None
    mutating: ClassVar[bool] = True

    @property
    def name(self) -> str:
        return "approve" if self.approve else "disapprove"


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
