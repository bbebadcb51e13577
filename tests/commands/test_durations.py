"""Durations as typed in commands: 90s, 30m, 2h, 1d, 1w and their combinations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accbot.commands.durations import duration_text, parse_duration


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2H", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 1d4h5m6s ", timedelta(days=1, hours=4, minutes=5, seconds=6)),
    ],
)
def test_durations_parse(text: str, span: timedelta) -> None:
    assert parse_duration(text) == span


@pytest.mark.parametrize("text", ["", "soon", "30", "m30", "30m1h", "1.5h", "-1m", "0m", "0s"])
def test_what_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=90), "1m 30s"),
        (timedelta(hours=2), "2h"),
        (timedelta(days=1, hours=4), "1d 4h"),
        (timedelta(0), "0s"),
    ],
)
def test_durations_are_shown_as_typed(span: timedelta, text: str) -> None:
    assert duration_text(span) == text
