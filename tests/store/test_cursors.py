from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import cursors

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_ensure_creates_once_starting_at_the_watch(database) -> None:
    with database.session() as session:
        cursor, created = cursors.ensure_cursor(session, "acc", "agent-1", now=T0)
        assert created and cursor.created_at == T0 and cursor.seen_keys == []
    with database.session() as session:
        cursor, created = cursors.ensure_cursor(session, "acc", "agent-1", now=T0 + timedelta(1))
        assert not created and cursor.created_at == T0


def test_advance_merges_newest_first_and_survives_a_restart(database, open_database) -> None:
    start = T0 + timedelta(minutes=5)
    with database.session() as session:
        cursors.advance_cursor(
            session, "acc", "agent-1", ["r1:Running"], last_seen_start=start, now=T0
        )
        cursors.advance_cursor(
            session,
            "acc",
            "agent-1",
            ["r2:Failed", "r1:Running"],
            last_seen_start=start - timedelta(minutes=10),
            now=T0 + timedelta(minutes=1),
        )
    restarted = open_database()
    with restarted.session() as session:
        cursor = cursors.get_cursor(session, "acc", "agent-1")
        assert cursor is not None
        assert cursor.seen_keys == ["r2:Failed", "r1:Running"]
        assert cursor.has_seen(cursors.seen_key("r2", "Failed"))
        assert not cursor.has_seen(cursors.seen_key("r2", "Succeeded"))
        assert cursor.last_seen_start == start  # never moves backwards
        assert cursor.updated_at == T0 + timedelta(minutes=1)
        assert [c.agent_id for c in cursors.list_cursors(session)] == ["agent-1"]


def test_seen_keys_are_bounded(database) -> None:
    keys = [f"r{i}:Failed" for i in range(cursors.MAX_SEEN_KEYS + 50)]
    with database.session() as session:
        cursors.advance_cursor(session, "acc", "agent-1", keys, now=T0)
    with database.session() as session:
        cursor = cursors.get_cursor(session, "acc", "agent-1")
        assert cursor.seen_keys == keys[: cursors.MAX_SEEN_KEYS]


def test_cursors_are_per_kind_and_agent(database) -> None:
    with database.session() as session:
        cursors.advance_cursor(session, "acc", "x", ["a:Failed"], now=T0)
        cursors.advance_cursor(session, "sas", "x", ["b:failed"], now=T0)
    with database.session() as session:
        assert cursors.get_cursor(session, "acc", "x").seen_keys == ["a:Failed"]
        assert cursors.delete_cursor(session, "sas", "x")
        assert cursors.get_cursor(session, "sas", "x") is None
        assert not cursors.delete_cursor(session, "sas", "x")


def test_many_cursors_are_read_at_once_by_kind_and_agent_in_batches(database) -> None:
    agents = [("acc", f"agent-{n}") for n in range(cursors.BATCH + 5)]
    with database.session() as session:
        for kind, agent_id in agents[:-1]:
            cursors.advance_cursor(session, kind, agent_id, [f"{agent_id}-run:"], now=T0)
        cursors.advance_cursor(session, "sas", "agent-0", ["sas-run:"], now=T0)
    with database.session() as session:
        found = cursors.seen_keys_of(session, agents)
    assert len(found) == len(agents) - 1  # the last one has no cursor
    assert found[("acc", "agent-0")] == frozenset({"agent-0-run:"})  # not the SAS agent's
    assert found[("acc", f"agent-{cursors.BATCH + 3}")] == frozenset(
        {f"agent-{cursors.BATCH + 3}-run:"}
    )
    assert ("acc", f"agent-{cursors.BATCH + 4}") not in found
