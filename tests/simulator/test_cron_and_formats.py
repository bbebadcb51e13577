"""Cron validation and description, and the .NET wire formats the simulator writes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from accbot.simulator import cron
from accbot.simulator.formats import dotnet_datetime, dotnet_datetime_trimmed, dotnet_timespan

SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize(
    ("expression", "description"),
    [
        ("0 36 15 * * ?", "Runs every day at 3:36:00 PM."),
        ("0 0 0 1", "Runs on day 1 of the month at 12:00:00 AM."),
        ("0 0/15 * * * ?", "Runs every 15 minutes, every day."),
        ("0 0 12 L * ?", "Runs on the last day of the month at 12:00:00 PM."),
        (
            "0 0 9 ? * MON-FRI",
            "Runs on Monday, Tuesday, Wednesday, Thursday, Friday at 9:00:00 AM.",
        ),
    ],
)
def test_descriptions(expression, description):
    assert cron.describe(expression) == description


@pytest.mark.parametrize("expression", ["", "hello", "1 2 3", "0 60 * * * ?", "0 0 0 ? * FUNDAY"])
def test_nonsense_is_refused(expression):
    with pytest.raises(cron.CronError):
        cron.parse(expression)


def test_next_run_respects_days_and_the_zone():
    after = datetime(2024, 3, 1, 12, 0, tzinfo=SYDNEY)  # a Friday
    assert cron.next_run("0 0 9 ? * MON-FRI", after, SYDNEY) == datetime(
        2024, 3, 4, 9, 0, tzinfo=SYDNEY
    )
    assert cron.next_run("0 0 0 30 2 ?", after, SYDNEY) is None


def test_datetimes_have_seven_fractional_digits_and_an_offset():
    moment = datetime(2019, 5, 21, 13, 52, 14, 302012, tzinfo=timezone(timedelta(hours=10)))
    assert dotnet_datetime(moment) == "2019-05-21T13:52:14.3020127+10:00"
    assert dotnet_datetime_trimmed(moment.replace(microsecond=656840)) == (
        "2019-05-21T13:52:14.65684+10:00"
    )


def test_timespans_are_dotnet_style():
    assert dotnet_timespan(timedelta(seconds=8, microseconds=967783)) == "00:00:08.9677830"
    assert dotnet_timespan(timedelta(days=1, hours=2)) == "1.02:00:00"
