"""Parsing of the .NET wire formats ACC uses: DateTimeOffset and TimeSpan.

ACC writes seven fractional digits (``2019-05-21T13:52:14.3020127+10:00``), which are cut
here to six before ``datetime.fromisoformat`` reads the rest, and TimeSpans as
``[d.]hh:mm:ss[.fffffff]`` (``00:00:08.9677836``). Both are parsed exactly, to the
microsecond and never rounded up, so that run times shown in Slack match the ACC portal.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<frac>\d{1,9}))?(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_TIMESPAN = re.compile(
    r"^(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})"
    r"(?:\.(?P<frac>\d{1,7}))?$"
)


def parse_datetime(value: str | None) -> datetime | None:
    """Parse an ACC timestamp; naive when ACC sends no offset (schedule start times)."""
    if value is None or value == "":
        return None
    match = _DATETIME.match(value.strip())
    if not match:
        raise ValueError(f"not a .NET date/time: {value!r}")
    # Checked by the pattern, cut to microseconds (never rounded up into the next
    # second), and handed whole to fromisoformat: a quiet cycle over 10,000 watches
    # parses about 150,000 of these, and this is a third of the cost of building the
    # moment from its parts.
    frac = match["frac"]
    try:
        return datetime.fromisoformat(
            f"{match['date']}T{match['time']}{'.' + frac[:6] if frac else ''}{match['tz'] or ''}"
        )
    except ValueError as exc:  # the right shape, an impossible moment (month 13, +24:00)
        raise ValueError(f"not a .NET date/time: {value!r} ({exc})") from None


def parse_timespan(value: str | None) -> timedelta | None:
    """Parse a .NET TimeSpan such as ``00:00:08.9677836`` or ``1.02:03:04``."""
    if value is None or value == "":
        return None
    match = _TIMESPAN.match(value.strip())
    if not match:
        raise ValueError(f"not a .NET TimeSpan: {value!r}")
    ticks = int((match["frac"] or "0").ljust(7, "0"))  # 100 ns units
    span = timedelta(
        days=int(match["days"] or 0),
        hours=int(match["h"]),
        minutes=int(match["m"]),
        seconds=int(match["s"]),
        microseconds=ticks // 10,
    )
    return -span if match["sign"] else span


def format_timespan(span: timedelta) -> str:
    """Write a TimeSpan the way .NET does (seven fractional digits when non-zero)."""
    total_us = int(span / timedelta(microseconds=1))
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    days, rest = divmod(total_us, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micro = divmod(rest, 1_000_000)
    text = f"{sign}{f'{days}.' if days else ''}{hours:02d}:{minutes:02d}:{seconds:02d}"
    return text + (f".{micro * 10:07d}" if micro else "")


def format_datetime(moment: datetime) -> str:
    """Write a DateTimeOffset with seven fractional digits, as ACC does."""
    base = moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond * 10:07d}"
    if moment.tzinfo is None:
        return base
    offset = moment.utcoffset() or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{base}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
