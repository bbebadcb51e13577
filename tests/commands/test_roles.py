"""Roles: reads are open; every change needs at least an operator."""

from __future__ import annotations

import pytest

from accbot.commands import Role, parse, required_role
from accbot.commands.help import COMMANDS
from tests.commands.test_help import as_slack_sends

RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("help", Role.VIEWER),
        ("agent a/b", Role.VIEWER),
        ("runs a/b", Role.VIEWER),
        (f"run {RUN}", Role.VIEWER),
        (f"log {RUN}", Role.VIEWER),
        (f"data {RUN}", Role.VIEWER),
        ("jobs a/b", Role.VIEWER),
        (f"job {RUN}", Role.VIEWER),
        ("schedules a/b", Role.VIEWER),
        ("server se1", Role.VIEWER),
        ("watching", Role.VIEWER),
        ("audit", Role.VIEWER),
        ("start a/b", Role.OPERATOR),
        (f"restart {RUN}", Role.OPERATOR),
        (f"retry {RUN}", Role.OPERATOR),
        ("job start a/b", Role.OPERATOR),
        ("job status a/b failed", Role.OPERATOR),
        ('schedule add a/b "0 0 6 * * ?"', Role.OPERATOR),
        (f"schedule on {RUN}", Role.OPERATOR),
        (f"schedule off {RUN}", Role.OPERATOR),
        (f"schedule run {RUN}", Role.OPERATOR),
        ("inputs add a/b", Role.OPERATOR),
        ("inputs disable a/b", Role.OPERATOR),
        ("request-approval a/b", Role.OPERATOR),
        ("approve a/b", Role.APPROVER),
        ("disapprove a/b no", Role.APPROVER),
        (f"schedule delete {RUN}", Role.ADMIN),
        ("schedules on a/b", Role.ADMIN),
        ("schedules off a/b", Role.ADMIN),
        ("schedules delete a/b", Role.ADMIN),
        ("inputs clear a/b", Role.ADMIN),
        ("watch a/b", Role.ADMIN),
        ("unwatch a/b", Role.ADMIN),
        ("mute a/b 1h", Role.ADMIN),
    ],
)
def test_required_role(text: str, role: Role) -> None:
    assert required_role(parse(text)) is role


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_that_changes_something_never_needs_only_a_viewer(name: str) -> None:
    command = parse(as_slack_sends(COMMANDS[name].example))
    assert command.mutating == (required_role(command) is not Role.VIEWER)
