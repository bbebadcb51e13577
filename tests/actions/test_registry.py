"""The handler table: every command has exactly one handler, found by reading one file."""

from __future__ import annotations

import inspect

from accbot.actions.registry import HANDLERS
from accbot.commands.model import Command, Help
from accbot.commands.roles import Role, role_for_name

ANSWERED_BY_THE_FRONT_ENDS = {Help}  # help text needs no ACC, no role, no audit


def command_types() -> set[type[Command]]:
    """Every command type defined anywhere (the registry imports all the modules)."""
    found: set[type[Command]] = set()
    pending = [Command]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.add(sub)
            pending.append(sub)
    return found


def test_every_command_type_has_a_handler():
    missing = sorted(
        t.__name__ for t in command_types() - ANSWERED_BY_THE_FRONT_ENDS if t not in HANDLERS
    )
    assert missing == []


def test_every_handler_is_an_action_function_taking_command_actor_services():
    for command_type, handler in HANDLERS.items():
        assert inspect.isfunction(handler), command_type
        assert handler.__module__.startswith("accbot.actions."), handler.__module__
        params = list(inspect.signature(handler).parameters)
        assert params[:3] == ["command", "actor", "services"], handler.__qualname__
        if command_type.mutating:
            assert {"confirmed", "progress"} <= set(params), handler.__qualname__


def test_every_mutating_command_with_a_fixed_name_needs_a_role():
    """A change anyone could make is almost always a forgotten line in commands/roles.py."""
    for command_type in HANDLERS:
        name = command_type.__dict__.get("name")
        if command_type.mutating and isinstance(name, str):
            assert role_for_name(name) is not Role.VIEWER, name
