"""Help texts: every command has a usage line, a description, an example and a role."""

from __future__ import annotations

import pytest

from accbot.commands import CommandError, parse
from accbot.commands.help import COMMANDS, GROUPS, help_text, usage

GRAMMAR_COMMANDS = {
    "help", "agent", "start", "runs", "run", "restart", "retry", "log", "data",
    "job start", "jobs", "job", "job runs", "job logs", "job data", "job status",
    "schedules", "schedule add", "schedule on", "schedule off", "schedule run",
    "schedule delete", "schedules on", "schedules off", "schedules delete", "paused",
    "approve", "disapprove", "request-approval", "inputs add", "inputs clear",
    "inputs csv", "inputs disable", "server", "watch", "unwatch", "watching", "mute", "status",
    "audit",
}  # fmt: skip


def as_slack_sends(example: str) -> str:
    """Help shows what the user types; a channel or group picked from Slack's autocomplete
    arrives escaped, as a link."""
    example = example.removeprefix("/acc ").replace("#alerts", "<#C0123ABCD|alerts>")
    return example.replace("@oncall", "<!subteam^S0123ABCD|@oncall>")


def test_help_covers_exactly_the_grammar() -> None:
    assert set(COMMANDS) == GRAMMAR_COMMANDS


@pytest.mark.parametrize("name", sorted(GRAMMAR_COMMANDS))
def test_every_example_parses_to_the_command_it_illustrates(name: str) -> None:
    example = COMMANDS[name].example
    assert example.startswith("/acc ")
    assert parse(as_slack_sends(example)).name == name


@pytest.mark.parametrize("name", sorted(GRAMMAR_COMMANDS))
def test_help_for_a_command_gives_usage_description_example_and_role(name: str) -> None:
    text = help_text(name)
    entry = COMMANDS[name]
    assert entry.usage in text and entry.description in text and entry.example in text
    assert "role" in text
    assert usage(name).startswith(f"/acc {name}")


def test_role_named_in_help() -> None:
    assert help_text("schedules delete").endswith("Needs the admin role.")
    assert help_text("approve").endswith("Needs the approver role.")
    assert help_text("start").endswith("Needs the operator role.")
    assert help_text("runs").endswith("Needs the viewer role.")


def test_overview_lists_every_command_under_its_group() -> None:
    text = help_text(None)
    for group in GROUPS:
        assert f"\n{group.capitalize()}:\n" in text
    for entry in COMMANDS.values():
        assert entry.usage in text
    assert text.index("Reading:") < text.index("/acc runs") < text.index("Running:")
    assert text.index("Watching:") < text.index("/acc mute") < text.index("Admin:")


def test_help_text_is_plain_text_for_a_terminal() -> None:
    for topic in (None, "start", "schedule"):
        text = help_text(topic)
        assert "`" not in text and "*" not in text.replace("* * ?", "")


def test_help_for_a_first_word_lists_its_family() -> None:
    text = help_text("schedule")
    assert "/acc schedule add" in text and "/acc schedules off" in text
    assert "/acc start" not in text


def test_unknown_topic_is_refused_with_a_suggestion() -> None:
    with pytest.raises(CommandError) as info:
        help_text("strat")
    assert info.value.message == "no help for 'strat' — did you mean 'start'?"


def test_family_usage_lists_each_member() -> None:
    assert usage("inputs").splitlines() == [
        "/acc inputs add <agentPath>",
        "/acc inputs csv <agentPath> [name.csv]",
        "/acc inputs clear <agentPath>",
        "/acc inputs disable <agentPath>",
    ]
    with pytest.raises(KeyError):
        usage("nothing")
