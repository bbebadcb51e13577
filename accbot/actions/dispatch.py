"""One entry point for every front end: check the role, run the action, audit it.

Slack commands, buttons, modals, the CLI and the watcher's buttons all end here, so a
permission or audit rule is written once, and only here: the handler for each command
type comes from the literal table in ``accbot.actions.registry``; handlers neither
check roles nor write the audit log. The actor's roles are looked up once, here, and
handed to the handler on the actor (``actor.holds``), for what it shows (which buttons)
and for the rules that depend on them (an admin may decide their own approval request).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from accbot.actions.context import Actor, Services
from accbot.actions.errors import PermissionDenied, Refused
from accbot.actions.handler import Progress
from accbot.actions.registry import HANDLERS
from accbot.actions.results import Pending, Result
from accbot.commands.roles import required_role
from accbot.store import audit

logger = logging.getLogger("accbot.actions")

MAX_DETAIL_CHARS = 500


def command_name(command: Any) -> str:
    return getattr(command, "name", type(command).__name__)


def command_arguments(command: Any) -> dict[str, Any]:
    """The command's fields as JSON-able values, for the audit table."""
    if not dataclasses.is_dataclass(command):
        return {}
    return {f.name: _jsonable(getattr(command, f.name)) for f in dataclasses.fields(command)}


def _jsonable(value: Any) -> Any:
    """``value`` as JSON can hold it, nested values too (``--escalate 30m`` is a
    dataclass holding a timedelta): durations in seconds, anything else unknown as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "total_seconds"):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    return str(value)


def is_mutating(command: Any) -> bool:
    return bool(getattr(command, "mutating", False))


def execute(
    command: Any,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Run ``command`` for ``actor``; raises PermissionDenied, ActionError or BackendError.

    Mutating handlers take ``confirmed`` (a destructive bulk command runs only once the
    person clicked "Confirm") and ``progress`` (called with an intermediate result, e.g.
    "run started" before ``--wait`` follows the run to its end). Every outcome of a
    mutating command is audited: refused, error, or ok, except a ``Pending`` result
    (nothing has changed yet while a Confirm click or a form's submission is awaited).
    """
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise LookupError(f"no action handles {type(command).__name__}")
    actor = authorize(command, actor, services)
    mutating = is_mutating(command)
    name = command_name(command)
    if not mutating:
        return handler(command, actor, services)
    try:
        result = handler(command, actor, services, confirmed=confirmed, progress=progress)
    except Exception as exc:
        outcome = "refused" if isinstance(exc, Refused) else "error"
        _audit(services, actor, name, command, outcome, str(exc))
        raise
    if not isinstance(result, Pending):
        summary = getattr(result, "summary", None)
        _audit(services, actor, name, command, "ok", None if summary is None else str(summary))
    return result


def authorize(command: Any, actor: Actor, services: Services) -> Actor:
    """The role check alone (audited when refused); the actor, with their roles.

    ``execute`` starts with it; a front end calls it first when the work before the
    action is itself worth refusing early (fetching the files of an upload form)."""
    role = required_role(command)
    actor = dataclasses.replace(actor, roles=services.roles.roles_of(actor.user_id))
    if not actor.holds(role):
        name = command_name(command)
        if is_mutating(command):
            _audit(services, actor, name, command, "refused", f"needs {role.value}")
        raise PermissionDenied(f"use /acc {name}", role)
    return actor


def audit_refusal(
    services: Services, user_id: str, action: str, arguments: dict[str, Any], detail: str
) -> None:
    """Audit a refusal decided before any command runs (a stranger's request, a Confirm
    click on someone else's command): the same table, written the same way."""
    _write(services, user_id, action, arguments, "refused", detail)


def _audit(
    services: Services, actor: Actor, name: str, command: Any, result: str, detail: str | None
) -> None:
    _write(services, actor.user_id, name, command_arguments(command), result, detail)


def _write(
    services: Services,
    user_id: str,
    action: str,
    arguments: dict[str, Any],
    result: str,
    detail: str | None,
) -> None:
    try:
        with services.db.session() as session:
            audit.record(
                session,
                user_id=user_id,
                action=action,
                arguments=arguments,
                result=result,
                detail=detail[:MAX_DETAIL_CHARS] if detail else detail,
            )
    except Exception:  # the audit must not hide the action's own outcome
        logger.exception("could not write the audit entry for %s", action)
