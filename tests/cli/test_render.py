"""Phrases on a terminal: plain text, people and channels by name where Slack knows them."""

from __future__ import annotations

from datetime import UTC, datetime

from accbot.actions.phrases import ChannelRef, Code, Moment, UserRef, joined, say
from accbot.cli.names import Names
from accbot.cli.render import Terminal

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_the_same_phrase_on_a_terminal_is_plain_text_with_names():
    phrase = say(
        "muted ", Code("a/b"), " by ", UserRef("U0123ABC"), " in ", ChannelRef("C0123ABC"),
        " until ", Moment(WHEN), "; ", joined([Code("x"), Code("y")]),
    )  # fmt: skip
    names = Names(user=lambda _: "alice", channel=lambda _: "alerts")
    assert Terminal(names=names).text(phrase) == (
        "muted a/b by @alice in #alerts until 2026-03-04 05:06:07 UTC; x, y"
    )
    assert str(phrase) == "muted a/b by U0123ABC in #C0123ABC until 2026-03-04 05:06:07 UTC; x, y"


def test_a_name_slack_cannot_give_leaves_the_id():
    def unreachable(_: str) -> str:
        raise OSError("no route to Slack")

    term = Terminal(names=Names(user=unreachable, channel=lambda _: None))
    assert term.text(say(UserRef("U0123ABC"), " ", ChannelRef("C0123ABC"))) == "U0123ABC #C0123ABC"


def test_a_command_hint_is_shown_as_typed_on_a_terminal():
    phrase = say("Nothing is watched. ", Code("/acc watch <agentPath>"), " starts alerting.")
    assert (
        Terminal().text(phrase) == "Nothing is watched. accbot watch <agentPath> starts alerting."
    )
    assert Terminal().text(say(Code("/acc/x"))) == "/acc/x"  # an agent path is left alone
