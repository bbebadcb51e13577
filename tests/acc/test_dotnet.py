"""The .NET wire formats ACC writes, parsed exactly (samples from the ACC API document)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from accbot.acc.dotnet import format_datetime, format_timespan, parse_datetime, parse_timespan

AEST = timezone(timedelta(hours=10))


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        # seven fractional digits: the seventh (100 ns) is below Python's resolution
        ("2019-05-21T13:52:14.3020127+10:00", datetime(2019, 5, 21, 13, 52, 14, 302012, AEST)),
        ("2019-05-21T13:52:23.6568249+10:00", datetime(2019, 5, 21, 13, 52, 23, 656824, AEST)),
        # six digits (lastUpdated) and five-digit fractions are padded, not shifted
        ("2019-05-21T13:52:23.656843+10:00", datetime(2019, 5, 21, 13, 52, 23, 656843, AEST)),
        ("2019-05-21T13:52:23.65684+10:00", datetime(2019, 5, 21, 13, 52, 23, 656840, AEST)),
        ("2019-05-19T15:55:47.4225218+10:00", datetime(2019, 5, 19, 15, 55, 47, 422521, AEST)),
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        # cut to the microsecond, never rounded up into the next second
        ("2019-05-21T13:52:14.9999999+10:00", datetime(2019, 5, 21, 13, 52, 14, 999999, AEST)),
        ("2019-05-30 15:36", datetime(2019, 5, 30, 15, 36)),
        (
            "2024-01-02T03:04:05.1-05:30",
            datetime(2024, 1, 2, 3, 4, 5, 100000, timezone(-timedelta(hours=5, minutes=30))),
        ),
    ],
)
def test_datetimes_keep_microseconds_and_offsets(wire, expected):
    parsed = parse_datetime(wire)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_schedule_start_time_without_offset_is_naive():
    # "startTime" of a schedule is wall time in its timeZoneId, sent without an offset.
    assert parse_datetime("2019-05-30T15:36:00") == datetime(2019, 5, 30, 15, 36)
    assert parse_datetime("2019-05-30T15:36:00").tzinfo is None


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_datetime_is_none(empty):
    assert parse_datetime(empty) is None


@pytest.mark.parametrize(
    "bad",
    [
        "yesterday",
        "2019-05-21",
        "21/05/2019 13:52",
        "2019-13-21T13:52:00",
        "2019-05-21T13:52+24:00",
    ],
)
def test_garbage_datetime_is_refused(bad):
    with pytest.raises(ValueError, match="not a .NET date/time"):
        parse_datetime(bad)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("00:00:08.9677836", timedelta(seconds=8, microseconds=967783)),
        ("00:26:31.7437807", timedelta(minutes=26, seconds=31, microseconds=743780)),
        ("1.02:03:04", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("00:00:00.5", timedelta(microseconds=500000)),
        ("-00:00:01", -timedelta(seconds=1)),
    ],
)
def test_timespans_are_exact(wire, expected):
    assert parse_timespan(wire) == expected


def test_garbage_timespan_is_refused():
    with pytest.raises(ValueError, match="TimeSpan"):
        parse_timespan("8 seconds")


def test_formatting_writes_seven_digits_and_round_trips():
    moment = datetime(2019, 5, 21, 13, 52, 14, 302012, AEST)
    assert format_datetime(moment) == "2019-05-21T13:52:14.3020120+10:00"
    assert parse_datetime(format_datetime(moment)) == moment
    span = timedelta(seconds=8, microseconds=967783)
    assert format_timespan(span) == "00:00:08.9677830"
    assert parse_timespan(format_timespan(span)) == span
    assert format_timespan(timedelta(days=2, hours=1)) == "2.01:00:00"
