"""Builders for SAS REST filter expressions (``eq(status,'failed')``, ``and(...)``).

Values are always single-quoted with embedded quotes doubled (``'it''s'``), so a value
typed by a user can never end the string early and change the expression. Field names
are checked against the properties the history document lists as filterable.
"""

from __future__ import annotations

from collections.abc import Collection

# "The properties that can be used as filter criteria are: id, status, and runId."
HISTORY_FILTER_FIELDS: frozenset[str] = frozenset({"id", "status", "runId"})


def quote(value: str) -> str:
    """Quote a filter value: ``it's`` -> ``'it''s'``."""
    return "'" + str(value).replace("'", "''") + "'"


def eq(field: str, value: str, *, fields: Collection[str] = HISTORY_FILTER_FIELDS) -> str:
    """``eq(field,'value')``; refuses a field that is not filterable (history by default)."""
    if field not in fields:
        allowed = ", ".join(sorted(fields))
        raise ValueError(f"cannot filter SAS agent history on {field!r}; use one of: {allowed}")
    return f"eq({field},{quote(value)})"


def and_(*filters: str) -> str:
    """All of the given filters; one filter is returned unchanged."""
    parts = [f for f in filters if f]
    if not parts:
        raise ValueError("and_ needs at least one filter")
    if len(parts) == 1:
        return parts[0]
    return "and(" + ",".join(parts) + ")"
