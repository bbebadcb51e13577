from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import lease
from tests.store.conftest import race

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
TTL = 30


def _acquire(database, holder: str, now: datetime, name: str = "watcher") -> bool:
    with database.session() as session:
        return lease.try_acquire(session, name, holder, TTL, now)


def test_one_holder_at_a_time(database) -> None:
    assert _acquire(database, "a", T0)
    assert not _acquire(database, "b", T0 + timedelta(seconds=1))
    with database.session() as session:
        assert lease.current_holder(session, "watcher", T0 + timedelta(seconds=1)) == "a"


def test_holder_renews_and_keeps_it(database) -> None:
    assert _acquire(database, "a", T0)
    assert _acquire(database, "a", T0 + timedelta(seconds=25))
    # The renewal moved the expiry: b still cannot take it after the first term.
    assert not _acquire(database, "b", T0 + timedelta(seconds=40))
    assert _acquire(database, "b", T0 + timedelta(seconds=25 + TTL))


def test_takeover_after_expiry(database) -> None:
    assert _acquire(database, "a", T0)
    later = T0 + timedelta(seconds=TTL)
    assert _acquire(database, "b", later)
    assert not _acquire(database, "a", later + timedelta(seconds=1))
    with database.session() as session:
        assert lease.current_holder(session, "watcher", later) == "b"
        assert lease.current_holder(session, "watcher", later + timedelta(seconds=TTL)) is None


def test_release_frees_it_for_others_only_by_the_holder(database) -> None:
    assert _acquire(database, "a", T0)
    with database.session() as session:
        assert lease.release(session, "watcher", "b") is False
        assert lease.release(session, "watcher", "a") is True
    assert _acquire(database, "b", T0 + timedelta(seconds=1))


def test_leases_are_independent_by_name(database) -> None:
    assert _acquire(database, "a", T0, name="one")
    assert _acquire(database, "b", T0, name="two")


def test_two_replicas_racing_get_one_winner(database, open_database) -> None:
    other = open_database()
    for attempt in range(20):
        name = f"race-{attempt}"
        # Half the races are for a free lease, half for one that has just expired.
        if attempt % 2:
            assert _acquire(database, "old", T0 - timedelta(seconds=TTL), name=name)
        outcome = race(
            lambda name=name: _acquire(database, "a", T0, name=name),
            lambda name=name: _acquire(other, "b", T0, name=name),
        )
        assert sorted(outcome) == [False, True], f"race {attempt}: {outcome}"
