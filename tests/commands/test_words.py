"""``parse_words``: a terminal's argv parsed with the same grammar, one word a token."""

from __future__ import annotations

import pytest

from accbot.commands import CommandError, parse_words
from accbot.commands.model import AddSchedule, Approve, StartAgent, Watch

PATH = "sequentum/Test2/quick"


def test_a_pair_whose_value_has_spaces_is_one_parameter():
    command = parse_words(["start", PATH, "k=two words", "--wait=60"])
    assert command == StartAgent(agent_path=PATH, params={"k": "two words"}, wait_seconds=60)


def test_quotes_and_slack_like_text_are_taken_as_typed():
    command = parse_words(["start", PATH, 'note="quoted"', "link=<https://x.example|x>", "a=&lt;"])
    assert isinstance(command, StartAgent)
    assert command.params == {"note": '"quoted"', "link": "<https://x.example|x>", "a": "&lt;"}


def test_free_text_is_the_remaining_words():
    assert parse_words(["approve", PATH, "it's", "fine"]) == Approve(PATH, "it's fine")


def test_a_cron_expression_may_be_one_word_or_several():
    one = parse_words(["schedule", "add", PATH, "0 0 6 * * ?", "--tz", "UTC"])
    several = parse_words(["schedule", "add", PATH, "0", "0", "6", "*", "*", "?", "--tz", "UTC"])
    assert isinstance(one, AddSchedule) and one == several and one.cron == "0 0 6 * * ?"


def test_a_channel_is_given_by_its_id():
    command = parse_words(["watch", PATH, "C0123ABCD", "--all"])
    assert isinstance(command, Watch) and command.channel_id == "C0123ABCD" and command.all_states


def test_no_words_is_help_and_bad_words_are_refused_with_the_usage():
    assert parse_words([]).name == "help"
    with pytest.raises(CommandError) as caught:
        parse_words(["start", PATH, "--bogus"])
    assert caught.value.usage and caught.value.usage.startswith("/acc start")
