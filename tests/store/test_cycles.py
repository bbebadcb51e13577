"""Each replica's last watcher cycle, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import cycles

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _record(database, holder: str, seconds: float, now: datetime) -> None:
    with database.session() as session:
        cycles.record_cycle_end(session, holder, seconds, now)


def test_nothing_before_the_first_cycle(database) -> None:
    with database.session() as session:
        assert cycles.last_cycle_end(session) is None
        assert cycles.cycle_ends(session) == []


def test_each_replica_keeps_its_last_cycle_and_the_newest_is_the_last_end(database) -> None:
    _record(database, "a", 0.5, T0)
    _record(database, "b", 1.5, T0 + timedelta(seconds=10))
    _record(database, "a", 0.25, T0 + timedelta(seconds=20))
    with database.session() as session:
        assert cycles.last_cycle_end(session) == T0 + timedelta(seconds=20)
        assert cycles.cycle_ends(session) == [
            cycles.CycleEnd("a", T0 + timedelta(seconds=20), 0.25),
            cycles.CycleEnd("b", T0 + timedelta(seconds=10), 1.5),
        ]


def test_an_old_end_is_read_before_the_next_cycle_prunes_it(database) -> None:
    """A watcher starting after two days down still learns when the last cycle ended."""
    _record(database, "gone", 1.0, T0)
    later = T0 + timedelta(days=2)
    with database.session() as session:
        assert cycles.last_cycle_end(session) == T0
    _record(database, "new", 1.0, later)
    with database.session() as session:
        assert [c.holder for c in cycles.cycle_ends(session)] == ["new"]
