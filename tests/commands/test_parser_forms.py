"""The commands that open a form (``start`` without a path or with ``--form``, ``inputs
csv``) and the form's parameter lines, checked by the command line's rules; and pauses
(``schedule(s) off … for <duration>``, ``paused``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accbot.commands import CommandError, parse
from accbot.commands.model import (
    AddCsvInput,
    BulkScheduleAction,
    ListPauses,
    OpenStartForm,
    ScheduleAction,
    StartAgent,
)
from accbot.commands.parser import csv_name_problem, parse_param_lines, pause_duration

PATH = "sequentum/Test1/Test-Agent"


def test_start_with_no_path_opens_the_form_that_asks_for_it() -> None:
    assert parse("start") == OpenStartForm()


def test_start_with_form_fills_the_form_in_with_what_was_typed() -> None:
    command = parse(f'start {PATH} city="New York" --log-level 2 --test --files a.csv --form')
    assert command == OpenStartForm(
        agent_path=PATH, params={"city": "New York"}, log_level=2, test=True, files=["a.csv"]
    )
    assert command.name == "start"  # the same role as starting


def test_start_with_a_path_alone_still_starts_at_once() -> None:
    assert parse(f"start {PATH}") == StartAgent(PATH)


@pytest.mark.parametrize("option", ["--wait", "--session s1"])
def test_form_refuses_options_that_only_make_sense_on_the_command_line(option: str) -> None:
    with pytest.raises(CommandError) as info:
        parse(f"start {PATH} --form {option}")
    assert "cannot be used with --form" in info.value.message


def test_inputs_csv_takes_an_optional_file_name() -> None:
    assert parse(f"inputs csv {PATH}") == AddCsvInput(PATH, None)
    assert parse(f"inputs csv {PATH} urls.csv") == AddCsvInput(PATH, "urls.csv")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"inputs csv {PATH} urls.txt", "'urls.txt' does not end with .csv"),
        (f"inputs csv {PATH} ../x.csv", "'../x.csv' is not a plain file name (no folders)"),
        ("inputs csv", "missing <agentPath>"),
        (f"inputs csv {PATH} a.csv b.csv", "unexpected 'b.csv'"),
    ],
)
def test_inputs_csv_refusals(text: str, message: str) -> None:
    with pytest.raises(CommandError) as info:
        parse(text)
    assert message in info.value.message


def test_parameter_lines_take_the_rest_of_the_line_as_the_value() -> None:
    text = 'city=New York\n\n  region = EU \nquoted="a b"\nempty=\nurl=https://x.example/?a=1'
    assert parse_param_lines(text) == {
        "city": "New York",
        "region": "EU",
        "quoted": "a b",
        "empty": "",
        "url": "https://x.example/?a=1",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("city", "line 1: 'city' is not a k=v pair"),
        ("a=1\n=2", "line 2: '=2' is not a k=v pair (the name before '=' is missing)"),
        ("my city=x", "line 1: 'my city' is not a valid parameter name (no spaces allowed)"),
        ("a=1\na=2", "line 2: parameter 'a' given twice"),
    ],
)
def test_parameter_lines_are_refused_like_the_command_line_pairs(text: str, message: str) -> None:
    with pytest.raises(CommandError) as info:
        parse_param_lines(text)
    assert info.value.message == message


def test_csv_names() -> None:
    assert csv_name_problem("input.csv") is None
    assert csv_name_problem(".csv") == "'.csv' does not end with .csv"
    assert csv_name_problem("a" * 300 + ".csv") == "the file name is longer than 200 characters"


# --- pauses: off ... for <duration>, and /acc paused -----------------------------------

SCHEDULE = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1m", timedelta(minutes=1)),
    ],
)
def test_off_for_a_duration_is_a_pause(text: str, span: timedelta) -> None:
    assert parse(f"schedule off {SCHEDULE} for {text}") == ScheduleAction(SCHEDULE, "off", span)
    assert parse(f"schedules off {PATH} for {text}") == BulkScheduleAction(PATH, "off", span)
    assert pause_duration(text) == span


def test_off_without_for_is_the_plain_off() -> None:
    assert parse(f"schedule off {SCHEDULE}") == ScheduleAction(SCHEDULE, "off", None)
    assert parse(f"schedules off {PATH}") == BulkScheduleAction(PATH, "off", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"schedule off {SCHEDULE} for", "missing the duration after 'for'"),
        (f"schedule off {SCHEDULE} for soon", "'soon' is not a duration"),
        (f"schedule off {SCHEDULE} for 30s", "a pause lasts at least 1m, not '30s'"),
        (f"schedules off {PATH} for 31d", "a pause lasts at most 30d, not '31d'"),
        (f"schedule on {SCHEDULE} for 2h", "only 'off' takes 'for <duration>', not 'on'"),
        (f"schedules delete {PATH} for 2h", "only 'off' takes 'for <duration>', not 'delete'"),
        (f"schedule off {SCHEDULE} until 2h", "unexpected 'until'"),
        (f"schedule off {SCHEDULE} for 2h now", "unexpected 'now'"),
    ],
)
def test_pause_refusals(text: str, message: str) -> None:
    with pytest.raises(CommandError) as info:
        parse(text)
    assert message in info.value.message


def test_paused_lists_the_pauses() -> None:
    assert parse("paused") == ListPauses()
    with pytest.raises(CommandError):
        parse("paused now")
