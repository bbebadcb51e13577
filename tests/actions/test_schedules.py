"""Time zones for ``/acc schedule add``: IANA names and Windows ids in, Windows ids out;
and the command text a "Confirm" button re-runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accbot.actions.errors import InvalidInput
from accbot.actions.schedules import bulk_command_text, windows_zone, zone_now
from accbot.commands.model import BulkScheduleAction
from accbot.commands.parser import parse


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Australia/Sydney", "AUS Eastern Standard Time"),
        ("Europe/London", "GMT Standard Time"),
        ("America/New_York", "Eastern Standard Time"),
        ("Asia/Kolkata", "India Standard Time"),
        ("europe/london", "GMT Standard Time"),  # letter case does not matter
        ("  Europe/Berlin ", "W. Europe Standard Time"),
    ],
)
def test_iana_names_become_the_windows_id_acc_expects(typed, expected):
    assert windows_zone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AUS Eastern Standard Time", "AUS Eastern Standard Time"),
        ("GMT Standard Time", "GMT Standard Time"),
        ("pacific standard time", "Pacific Standard Time"),
        ("UTC", "UTC"),
    ],
)
def test_windows_ids_pass_through_spelled_as_acc_spells_them(typed, expected):
    assert windows_zone(typed) == expected


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_no_zone_means_utc(typed):
    assert windows_zone(typed) == "UTC"


def test_an_unknown_zone_is_refused_by_name_with_a_close_match():
    with pytest.raises(InvalidInput) as refused:
        windows_zone("Europe/Londn")
    assert "'Europe/Londn'" in str(refused.value)
    assert "Europe/London" in str(refused.value)


def test_a_zone_with_nothing_close_is_refused_without_a_guess():
    with pytest.raises(InvalidInput) as refused:
        windows_zone("Mars/Olympus_Mons_Base_Camp")
    assert "'Mars/Olympus_Mons_Base_Camp' is not a time zone" in str(refused.value)
    assert "Did you mean" not in str(refused.value)


def test_start_defaults_to_the_wall_clock_of_the_zone_in_accs_format():
    moment = datetime(2025, 1, 31, 20, 30, 5, 123456, tzinfo=UTC)
    assert zone_now("AUS Eastern Standard Time", moment) == "2025-02-01T07:30:05"
    assert zone_now("UTC", moment) == "2025-01-31T20:30:05"
    summer = datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)
    assert zone_now("GMT Standard Time", summer) == "2025-07-01T13:00:00"


@pytest.mark.parametrize(
    "path",
    ["sequentum/Test2/quick", "team a/Folder b/agent c", 'odd"name/x', "it's/“quoted”/back\\slash"],
)
def test_the_confirm_text_parses_back_to_the_same_bulk_command(path):
    text = bulk_command_text("delete", path)
    assert parse(text) == BulkScheduleAction(path, "delete")


def test_a_plain_path_needs_no_quotes_in_the_confirm_text():
    assert (
        bulk_command_text("off", "sequentum/Test2/quick") == "schedules off sequentum/Test2/quick"
    )
