"""Durations as DESIGN.md spells them: ``90s``, ``30m``, ``2h``, ``1d``, ``1w`` or a
combination in that order (``1h30m``, ``1d 4h`` once joined), case-insensitive.

Pure text -> ``timedelta``; each command checks the bounds that make sense for it.
"""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"^(?:(\d{1,5})w)?(?:(\d{1,5})d)?(?:(\d{1,5})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$",
    re.IGNORECASE,
)
EXAMPLES = "90s, 30m, 2h, 1d, 1h30m"


def parse_duration(text: str) -> timedelta:
    """The span ``text`` names; ValueError when it names none (or only zero)."""
    compact = text.strip()
    match = _DURATION.match(compact)
    if not compact or match is None:
        raise ValueError(f"'{text}' is not a duration (e.g. {EXAMPLES})")
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    span = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    if not span:
        raise ValueError(f"'{text}' is no time at all")
    return span


def duration_text(span: timedelta) -> str:
    """``1h``, ``2h 30m``, ``1d 4h``, ``90s`` → ``1m 30s``: the way durations are typed."""
    total = int(span.total_seconds())
    days, rest = divmod(total, 24 * 3600)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    units = ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s"))
    return " ".join(f"{value}{unit}" for value, unit in units if value) or "0s"


def rough_duration_text(span: timedelta) -> str:
    """To the minute once a minute has passed (``2h 10m``, ``4m``), else seconds: how long
    something lasted, said in a message rather than typed."""
    total = int(span.total_seconds())
    if total < 60:
        return f"{max(total, 0)}s"
    return duration_text(timedelta(minutes=total // 60))
