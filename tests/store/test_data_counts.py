"""Data counts of successful runs: recorded once per run, read back in time order, trimmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import data_counts
from accbot.store.data_counts import KEEP_PER_AGENT

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_counts_before_a_run_come_oldest_first_and_only_from_that_agent(database) -> None:
    with database.session() as session:
        for minute, count in ((1, 10), (2, 20), (3, 30), (4, 40)):
            data_counts.record_count(session, "acc", "a1", f"r{minute}", _at(minute), count)
        data_counts.record_count(session, "acc", "a2", "other", _at(2), 999)
    with database.session() as session:
        assert data_counts.counts_before(session, "acc", "a1", _at(4), limit=10) == [10, 20, 30]
        assert data_counts.counts_before(session, "acc", "a1", _at(4), limit=2) == [20, 30]
        assert data_counts.counts_before(session, "acc", "a1", _at(1), limit=10) == []


def test_a_run_is_recorded_once(database) -> None:
    with database.session() as session:
        assert data_counts.record_count(session, "acc", "a1", "r1", _at(1), 10) is True
    with database.session() as session:
        assert data_counts.record_count(session, "acc", "a1", "r1", _at(1), 0) is False
        assert data_counts.counts_before(session, "acc", "a1", _at(9), limit=10) == [10]


def test_only_the_newest_counts_of_an_agent_are_kept(database) -> None:
    with database.session() as session:
        for minute in range(KEEP_PER_AGENT + 5):
            data_counts.record_count(session, "acc", "a1", f"r{minute}", _at(minute), minute)
    with database.session() as session:
        kept = data_counts.counts_before(session, "acc", "a1", _at(999), limit=999)
        assert kept == list(range(5, KEEP_PER_AGENT + 5))
