"""Cron expressions as ACC schedules take them: validation, a readable description, next run.

Sequentum's manual documents six fields, seconds first (second minute hour day-of-month
month day-of-week, Quartz style, optional seventh year field); the API document's own
example is ``0 0 0 1``. The simulator therefore accepts four to seven fields (four: seconds
to day-of-month; five: classic minute-first) and refuses only what is clearly not cron,
with a message naming the offending field, so the bot's error path can be exercised.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
_DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

_LAYOUTS = {
    4: ("second", "minute", "hour", "day"),
    5: ("minute", "hour", "day", "month", "weekday"),
    6: ("second", "minute", "hour", "day", "month", "weekday"),
    7: ("second", "minute", "hour", "day", "month", "weekday", "year"),
}
_RANGES = {
    "second": (0, 59),
    "minute": (0, 59),
    "hour": (0, 23),
    "day": (1, 31),
    "month": (1, 12),
    "weekday": (0, 7),
    "year": (1970, 2099),
}
_ITEM = re.compile(r"^(?P<base>\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:/(?P<step>\d+))?$")


class CronError(ValueError):
    """The expression is not cron; the message says which part is wrong."""


@dataclass
class CronField:
    """One parsed field: the plain values it allows plus Quartz day specials."""

    name: str
    text: str
    values: set[int] = field(default_factory=set)
    any: bool = False
    last_day: bool = False
    nearest_weekday: set[int] = field(default_factory=set)
    nth_weekday: set[tuple[int, int]] = field(default_factory=set)
    last_weekday: set[int] = field(default_factory=set)

    @property
    def single(self) -> int | None:
        plain = not (self.any or self.last_day or self.nearest_weekday or self.nth_weekday)
        if plain and not self.last_weekday and len(self.values) == 1:
            return next(iter(self.values))
        return None


@dataclass
class CronExpression:
    """A validated expression; fields absent from the short forms allow everything."""

    text: str
    fields: dict[str, CronField]

    def field(self, name: str) -> CronField:
        return self.fields.get(name) or _any_field(name)


def _any_field(name: str) -> CronField:
    low, high = _RANGES[name]
    return CronField(name=name, text="*", values=set(range(low, high + 1)), any=True)


def _number(token: str, name: str) -> int:
    names = _MONTHS if name == "month" else _DAYS if name == "weekday" else {}
    if token in names:
        return names[token]
    if not token.isdigit():
        raise CronError(f"'{token}' is not a valid {name} value")
    value = int(token)
    low, high = _RANGES[name]
    if not low <= value <= high:
        raise CronError(f"{name} value {value} is outside {low}-{high}")
    return value


def _special(item: str, name: str, parsed: CronField) -> bool:
    """Quartz day specials: L, LW, nW (day of month), nL and n#k (day of week)."""
    if name == "day" and item in ("L", "LW"):
        parsed.last_day = True
        return True
    if name == "day" and item.endswith("W") and item[:-1].isdigit():
        parsed.nearest_weekday.add(_number(item[:-1], name))
        return True
    if name == "weekday" and item.endswith("L") and len(item) > 1:
        parsed.last_weekday.add(_number(item[:-1], name) % 7)
        return True
    if name == "weekday" and "#" in item:
        day, _, nth = item.partition("#")
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise CronError(f"'{item}': the occurrence after # must be 1-5")
        parsed.nth_weekday.add((_number(day, name) % 7, int(nth)))
        return True
    return False


def _parse_field(text: str, name: str) -> CronField:
    parsed = CronField(name=name, text=text)
    low, high = _RANGES[name]
    for item in text.upper().split(","):
        if item in ("*", "?"):
            if item == "?" and name not in ("day", "weekday"):
                raise CronError(f"'?' is only allowed in the day fields, not in {name}")
            parsed.any = True
            parsed.values.update(range(low, high + 1))
            continue
        if _special(item, name, parsed):
            continue
        match = _ITEM.match(item)
        if not match:
            raise CronError(f"'{item}' is not a valid {name} field")
        base, step_text = match.group("base"), match.group("step")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise CronError(f"the step in '{item}' must be at least 1")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _number(first, name), _number(last, name)
            if start > end:
                raise CronError(f"range '{base}' runs backwards")
        else:
            start = _number(base, name)
            end = high if step_text else start
        parsed.values.update(range(start, end + 1, step))
    if name == "weekday" and 7 in parsed.values:
        parsed.values.add(0)
    return parsed


def parse(text: str) -> CronExpression:
    """Validate ``text``; raises CronError with a readable reason when it is not cron."""
    if not isinstance(text, str) or not text.strip():
        raise CronError("the cron expression is empty")
    parts = text.split()
    layout = _LAYOUTS.get(len(parts))
    if layout is None:
        raise CronError(f"expected 4 to 7 fields (seconds first), got {len(parts)}")
    fields = {name: _parse_field(part, name) for name, part in zip(layout, parts, strict=True)}
    return CronExpression(text=text, fields=fields)


# --- description ---------------------------------------------------------------------


def _clock(hour: int, minute: int, second: int) -> str:
    suffix = "AM" if hour < 12 else "PM"
    return f"{hour % 12 or 12}:{minute:02d}:{second:02d} {suffix}"


def _every(f: CronField, unit: str) -> str | None:
    if f.any:
        return None
    step = re.fullmatch(r"(?:\*|0)/(\d+)", f.text)
    if step:
        return f"every {step.group(1)} {unit}s"
    return f"{unit}s {f.text}"


def _day_phrase(expr: CronExpression) -> str:
    day, weekday, month = expr.field("day"), expr.field("weekday"), expr.field("month")
    parts: list[str] = []
    if day.last_day:
        parts.append("on the last day of the month")
    elif not day.any:
        parts.append(f"on day {day.text} of the month")
    if weekday.nth_weekday or weekday.last_weekday:
        parts.append(f"on weekday {weekday.text}")
    elif not weekday.any:
        names = [_DAY_NAMES[d] for d in sorted(weekday.values - {7})]
        parts.append("on " + ", ".join(names))
    if not month.any:
        names = [calendar.month_name[m] for m in sorted(month.values)]
        parts.append("in " + ", ".join(names))
    return " ".join(parts) if parts else "every day"


def describe(text: str, time_zone: str | None = None) -> str:
    """A sentence in the style of ACC's cronDescription: ``Runs every day at 3:36:00 PM (AET).``"""
    expr = parse(text)
    second, minute, hour = expr.field("second"), expr.field("minute"), expr.field("hour")
    if "second" not in expr.fields:
        second = CronField(name="second", text="0", values={0})
    singles = (hour.single, minute.single, second.single)
    if None not in singles:
        when = f"at {_clock(*singles)}"  # type: ignore[arg-type]
    else:
        seconds = None if second.single == 0 else _every(second, "second")
        pieces = [seconds, _every(minute, "minute"), _every(hour, "hour")]
        when = ", ".join(p for p in pieces if p) or "every second"
        zone = f" ({time_zone})" if time_zone else ""
        return f"Runs {when}, {_day_phrase(expr)}{zone}."
    zone = f" ({time_zone})" if time_zone else ""
    return f"Runs {_day_phrase(expr)} {when}{zone}."


# --- next run --------------------------------------------------------------------------


def _day_matches(expr: CronExpression, day: date) -> bool:
    if day.month not in expr.field("month").values:
        return False
    if "year" in expr.fields and day.year not in expr.fields["year"].values:
        return False
    dom, dow = expr.field("day"), expr.field("weekday")
    month_length = calendar.monthrange(day.year, day.month)[1]
    weekday = (day.weekday() + 1) % 7  # Sunday = 0
    dom_ok = (
        day.day in dom.values
        or (dom.last_day and day.day == month_length)
        or day.day in dom.nearest_weekday
    )
    dow_ok = (
        weekday in dow.values
        or (weekday, (day.day - 1) // 7 + 1) in dow.nth_weekday
        or (weekday in dow.last_weekday and day.day + 7 > month_length)
    )
    if dom.any or dow.any:
        return dom_ok and dow_ok
    return dom_ok or dow_ok  # both restricted: classic cron matches either


def next_run(
    text: str, after: datetime, zone: tzinfo, horizon_days: int = 5 * 366
) -> datetime | None:
    """First firing strictly after ``after`` in ``zone``; None if it never fires (Feb 30)."""
    expr = parse(text)
    local = after.astimezone(zone)
    seconds = sorted(expr.field("second").values) if "second" in expr.fields else [0]
    minutes = sorted(expr.field("minute").values)
    hours = sorted(expr.field("hour").values)
    for offset in range(horizon_days):
        day = local.date() + timedelta(days=offset)
        if not _day_matches(expr, day):
            continue
        for hour in hours:
            if offset == 0 and hour < local.hour:
                continue
            for minute in minutes:
                for second in seconds:
                    candidate = datetime.combine(day, time(hour, minute, second), tzinfo=zone)
                    if candidate > local:
                        return candidate
    return None
