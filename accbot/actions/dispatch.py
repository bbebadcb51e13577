"""One entry point for every front end: check the role, run the action, audit it.

Slack commands, buttons, modals, the CLI and the watcher's buttons all end here, so a
permission or audit rule is written once. Handlers register per command type.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from accbot.actions.context import Actor, Services
from accbot.actions.errors import PermissionDenied, Refused
from accbot.actions.results import ConfirmationRequired, OpenModal, Result
from accbot.commands.roles import Role, required_role
from accbot.store import audit

logger = logging.getLogger("accbot.actions")

Handler = Callable[..., Result]
Progress = Callable[[Result], None]
C = TypeVar("C")

_HANDLERS: dict[type, Handler] = {}

ROLE_WORDS = {
    Role.OPERATOR: "operator",
    Role.APPROVER: "approver",
    Role.ADMIN: "admin",
    Role.VIEWER: "viewer",
}


def handles(command_type: type[C]) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[command_type] = func
        return func

    return register


def command_name(command: Any) -> str:
    return getattr(command, "name", type(command).__name__)


def command_arguments(command: Any) -> dict[str, Any]:
    """The command's fields as JSON-able values, for the audit table."""
    if not dataclasses.is_dataclass(command):
        return {}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(command):
        value = getattr(command, f.name)
        if dataclasses.is_dataclass(value):
            value = dataclasses.asdict(value)
        elif hasattr(value, "total_seconds"):
            value = value.total_seconds()
        elif not isinstance(value, str | int | float | bool | list | dict | type(None)):
            value = str(value)
        out[f.name] = value
    return out


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
    "run started" before ``--wait`` follows the run to its end).
    """
    _ensure_registered()
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise LookupError(f"no action handles {type(command).__name__}")
    role = required_role(command)
    mutating = is_mutating(command)
    name = command_name(command)
    if not services.roles.holds(actor.user_id, role):
        if mutating:
            _audit(services, actor, name, command, "refused", f"needs {ROLE_WORDS[role]}")
        raise PermissionDenied(f"use /acc {name}", ROLE_WORDS[role])
    if not mutating:
        return handler(command, actor, services)
    try:
        result = handler(command, actor, services, confirmed=confirmed, progress=progress)
    except Exception as exc:
        outcome = "refused" if isinstance(exc, Refused) else "error"
        _audit(services, actor, name, command, outcome, str(exc)[:500])
        raise
    # Nothing has changed yet while a Confirm click or a modal's submission is awaited.
    if not isinstance(result, ConfirmationRequired | OpenModal):
        _audit(services, actor, name, command, "ok", getattr(result, "summary", None))
    return result


def _audit(
    services: Services, actor: Actor, name: str, command: Any, result: str, detail: str | None
) -> None:
    try:
        with services.db.session() as session:
            audit.record(
                session,
                user_id=actor.user_id,
                action=name,
                arguments=command_arguments(command),
                result=result,
                detail=detail,
            )
    except Exception:  # the audit must not hide the action's own outcome
        logger.exception("could not write the audit entry for %s", name)


_registration_lock = threading.Lock()
_registered = False


def _ensure_registered() -> None:
    """Import the action modules once so their @handles decorators run; the lock keeps
    a concurrent first request from seeing a half-filled table."""
    global _registered
    if _registered:
        return
    with _registration_lock:
        if _registered:
            return
        from accbot.actions import register_all

        register_all()
        _registered = True
