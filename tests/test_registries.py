"""Every command is complete: grammar, help, role, action and a view in each front end.

A command missing from one of the tables would parse and then fail at run time, or run
in Slack and crash the CLI; this reads the tables themselves, so a forgotten line fails
here instead.
"""

from __future__ import annotations

import typing

import pytest

from accbot.actions.registry import HANDLERS
from accbot.actions.results import Result
from accbot.cli.render import RENDERERS as TERMINAL_RENDERERS
from accbot.commands.help import COMMANDS, help_text
from accbot.commands.model import (
    BULK_SCHEDULE_ACTIONS,
    COMMAND_TYPES,
    SCHEDULE_ACTIONS,
    BulkScheduleAction,
    Command,
    ScheduleAction,
)
from accbot.commands.parser import _HANDLERS as PARSER_WORDS
from accbot.commands.roles import Role, role_for_name
from accbot.slack.views.render import RENDERERS as SLACK_RENDERERS


def result_types(command_type: type[Command]) -> set[type[Result]]:
    """What the command's action may return, by its annotation, with every subclass
    (a handler typed ``-> Notice`` may return an ``AnnouncedNotice``)."""
    hints = typing.get_type_hints(HANDLERS[command_type])
    declared = typing.get_args(hints["return"]) or (hints["return"],)
    found: set[type[Result]] = set()
    pending = list(declared)
    while pending:
        klass = pending.pop()
        found.add(klass)
        pending.extend(klass.__subclasses__())
    return found


def names_of(command_type: type[Command]) -> list[str]:
    """Its help keys: one fixed name, or one per action for the schedule commands."""
    if command_type is ScheduleAction:
        return [f"schedule {action}" for action in SCHEDULE_ACTIONS]
    if command_type is BulkScheduleAction:
        return [f"schedules {action}" for action in BULK_SCHEDULE_ACTIONS]
    name = command_type.__dict__.get("name")
    assert isinstance(name, str), f"{command_type.__name__} has no fixed name"
    return [name]


@pytest.mark.parametrize("command_type", COMMAND_TYPES, ids=lambda t: t.__name__)
def test_every_command_is_in_the_grammar_help_and_roles(command_type):
    for name in names_of(command_type):
        assert name.split()[0] in PARSER_WORDS, f"the parser has no entry for {name!r}"
        assert name in COMMANDS, f"help has no entry for {name!r}"
        assert isinstance(role_for_name(name), Role)
        assert help_text(name).endswith(f"Needs the {role_for_name(name).value} role.")


@pytest.mark.parametrize("command_type", COMMAND_TYPES, ids=lambda t: t.__name__)
def test_every_command_has_an_action_and_a_view_in_each_front_end(command_type):
    assert command_type in HANDLERS, f"no action handles {command_type.__name__}"
    returned = result_types(command_type)
    assert returned, command_type
    for result_type in returned:
        assert issubclass(result_type, Result), result_type
        assert result_type in SLACK_RENDERERS, f"Slack cannot show {result_type.__name__}"
        assert result_type in TERMINAL_RENDERERS, f"the CLI cannot show {result_type.__name__}"


def test_both_front_ends_render_the_same_result_types():
    assert set(SLACK_RENDERERS) == set(TERMINAL_RENDERERS)
