from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accbot.store import audit

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_recent_is_newest_first_and_bounded(database) -> None:
    with database.session() as session:
        for minute, action in ((1, "restart"), (3, "schedule.off"), (2, "retry")):
            audit.record(
                session, "U1", action, {"run": "r"}, "ok", now=T0 + timedelta(minutes=minute)
            )
    with database.session() as session:
        assert [e.action for e in audit.recent(session, 10)] == ["schedule.off", "retry", "restart"]
        assert [e.action for e in audit.recent(session, 2)] == ["schedule.off", "retry"]
        assert audit.recent(session, 0) == []


def test_same_instant_keeps_insertion_order(database) -> None:
    with database.session() as session:
        for action in ("first", "second"):
            audit.record(session, "U1", action, {}, "ok", now=T0)
    with database.session() as session:
        assert [e.action for e in audit.recent(session, 2)] == ["second", "first"]


def test_entry_keeps_arguments_result_and_detail(database) -> None:
    with database.session() as session:
        audit.record(
            session,
            "U2",
            "start",
            {"agent": "team/agent", "inputs": {"city": "Sydney"}, "test": True},
            "refused",
            "operator role needed",
            now=T0,
        )
    with database.session() as session:
        (entry,) = audit.recent(session, 1)
    assert (entry.user_id, entry.action, entry.result, entry.detail, entry.at) == (
        "U2",
        "start",
        "refused",
        "operator role needed",
        T0,
    )
    assert entry.arguments == {"agent": "team/agent", "inputs": {"city": "Sydney"}, "test": True}


def test_unknown_result_is_refused(database) -> None:
    with pytest.raises(ValueError), database.session() as session:
        audit.record(session, "U1", "start", {}, "maybe")
