"""The .NET wire formats the simulator writes, taken from the ACC API document's samples.

ACC serialises DateTimeOffset with seven fractional digits and an offset
(``2019-05-21T13:52:14.3020127+10:00``), sometimes with trailing zeros trimmed
(``lastUpdated``: ``2019-05-21T13:52:23.656843+10:00``), schedule start times without
fraction or offset (``2019-05-30T15:36:00``), and TimeSpans as ``[d.]hh:mm:ss.fffffff``.
Producing all of these variants keeps clients honest about parsing them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

# Python datetimes stop at microseconds; the seventh digit (100 ns ticks) is fixed so
# every full-precision timestamp really has seven digits, as ACC's do.
_TICK_DIGIT = "7"


def _offset(dt: datetime) -> str:
    offset = dt.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def dotnet_datetime(dt: datetime) -> str:
    """Full precision, seven fractional digits: ``2019-05-21T13:52:14.3020127+10:00``."""
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{dt.microsecond:06d}{_TICK_DIGIT}{_offset(dt)}"


def dotnet_datetime_trimmed(dt: datetime) -> str:
    """Trailing zeros trimmed, as ACC writes ``lastUpdated`` (``...23.656843+10:00``)."""
    fraction = f"{dt.microsecond:06d}".rstrip("0")
    dot = f".{fraction}" if fraction else ""
    return f"{dt:%Y-%m-%dT%H:%M:%S}{dot}{_offset(dt)}"


def dotnet_datetime_seconds(dt: datetime) -> str:
    """Whole seconds with offset, as schedules' ``nextRunTime`` (``2019-05-30T15:36:00+10:00``)."""
    return f"{dt:%Y-%m-%dT%H:%M:%S}{_offset(dt)}"


def dotnet_timespan(span: timedelta) -> str:
    """``[-][d.]hh:mm:ss.fffffff`` as .NET's TimeSpan.ToString() (``00:00:08.9677836``)."""
    negative = span < timedelta(0)
    span = abs(span)
    total_us = span.days * 86_400_000_000 + span.seconds * 1_000_000 + span.microseconds
    seconds, micro = divmod(total_us, 1_000_000)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    day_part = f"{days}." if days else ""
    fraction = f".{micro:06d}0" if micro else ""
    return f"{'-' if negative else ''}{day_part}{hours:02d}:{minutes:02d}:{seconds:02d}{fraction}"


def is_guid(value: str) -> bool:
    """True for the canonical 8-4-4-4-12 hex form ACC uses in its URLs."""
    if len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def new_guid() -> str:
    """A fresh lower-case GUID, as ACC prints them."""
    return str(uuid.uuid4())
