"""Who is served at all, before any role is looked at: people of the allowed workspaces
(ACCBOT_ALLOWED_TEAMS, else the bot's own), and guest accounts only when they are named
in ACCBOT_VIEWERS or a role list.

The front end finds out who asks (Slack: the request's workspace, ``users.info``);
this module decides, and writes every refusal to the audit table, so a stranger's
attempt is on record even though nothing was done.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from accbot.actions.context import Services
from accbot.actions.dispatch import audit_refusal
from accbot.actions.errors import Refused

logger = logging.getLogger("accbot.actions")

OTHER_WORKSPACE = (
    "accbot only serves its own workspace, and this request came from another one "
    "(Slack Connect). Nothing was done."
)
GUEST = (
    "accbot does not serve guest accounts unless an admin names them in ACCBOT_VIEWERS. "
    "Nothing was done."
)


class NotServed(Refused):
    """The person is outside the workspaces accbot serves, or a guest nobody named."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Requester:
    """Who asks, as the front end established it.

    ``teams``: the workspace the request came through and the person's home workspace;
    ``enterprise_id``: their Enterprise Grid org, if any; ``guest``: a multi- or
    single-channel guest account.
    """

    user_id: str
    teams: frozenset[str]
    enterprise_id: str | None = None
    guest: bool = False


def admit(
    services: Services,
    requester: Requester,
    allowed: Iterable[str],
    *,
    attempted: str,
    arguments: Mapping[str, Any] | None = None,
) -> None:
    """Return when ``requester`` is served; otherwise audit the refusal and raise NotServed."""
    allowed = frozenset(allowed)
    if not _in_allowed_workspaces(requester, allowed):
        others = sorted(requester.teams - allowed) or ["unknown"]
        _refuse(
            services,
            requester,
            attempted,
            arguments,
            OTHER_WORKSPACE,
            f"workspace {', '.join(others)}",
        )
    if requester.guest and not services.roles.named(requester.user_id):
        _refuse(services, requester, attempted, arguments, GUEST, "guest account")


def _in_allowed_workspaces(requester: Requester, allowed: frozenset[str]) -> bool:
    if requester.enterprise_id and requester.enterprise_id in allowed:
        return True
    return bool(requester.teams) and requester.teams <= allowed


def _refuse(
    services: Services,
    requester: Requester,
    attempted: str,
    arguments: Mapping[str, Any] | None,
    message: str,
    reason: str,
) -> None:
    logger.info("refused %s from %s: %s", attempted, requester.user_id, reason)
    # the refusal stands even when the audit cannot be written (audit_refusal logs it)
    audit_refusal(
        services, requester.user_id, attempted, dict(arguments or {}), f"not served: {reason}"
    )
    raise NotServed(message, reason)
