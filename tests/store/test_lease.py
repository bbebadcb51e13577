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


def test_a_holder_renews_all_its_prefixed_leases_in_one_go_but_not_one_taken_from_it(
    database,
) -> None:
    for name in ("shard:0", "shard:1", "other"):
        assert _acquire(database, "a", T0, name)
    later = T0 + timedelta(seconds=TTL)
    assert _acquire(database, "b", later, "shard:1")  # a's lapsed and b took it
    with database.session() as session:
        renewed = lease.renew_held(session, "shard:", "a", TTL, later)
    assert renewed == ["shard:0"]
    with database.session() as session:
        held = lease.holders(session, "shard:", later + timedelta(seconds=TTL - 1))
    assert held == {"shard:0": "a", "shard:1": "b"}
    with database.session() as session:  # "other" was not renewed
        assert lease.current_holder(session, "other", later) is None


def test_a_prefix_with_like_wildcards_matches_only_itself(database) -> None:
    assert _acquire(database, "a", T0, "shard_x:0")
    assert _acquire(database, "a", T0, "shardsx:0")
    with database.session() as session:
        assert lease.renew_held(session, "shard_x:", "a", TTL, T0) == ["shard_x:0"]


def test_release_held_gives_up_only_the_holders_own(database) -> None:
    assert _acquire(database, "a", T0, "shard:0")
    assert _acquire(database, "b", T0, "shard:1")
    with database.session() as session:
        assert lease.release_held(session, ["shard:0", "shard:1"], "a") == 1
        assert lease.release_held(session, [], "a") == 0
    with database.session() as session:
        assert lease.holders(session, "shard:", T0) == {"shard:1": "b"}


def test_replicas_are_live_until_they_stop_renewing_or_retire(database) -> None:
    with database.session() as session:
        lease.announce_replica(session, "b", TTL, T0)
        lease.announce_replica(session, "a", TTL, T0)
        lease.try_acquire(session, "shard:0", "a", TTL, T0)
    with database.session() as session:
        assert lease.live_replicas(session, T0) == ["a", "b"]
        lease.announce_replica(session, "a", TTL, T0 + timedelta(seconds=20))
    with database.session() as session:
        assert lease.live_replicas(session, T0 + timedelta(seconds=TTL)) == ["a"]
        lease.retire_replica(session, "a", "shard:")
    with database.session() as session:
        assert lease.live_replicas(session, T0) == ["b"]
        assert lease.holders(session, "shard:", T0) == {}
