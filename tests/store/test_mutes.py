from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import mutes

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_mute_holds_until_it_expires(database) -> None:
    with database.session() as session:
        mutes.mute(session, "acc", "team/agent", T0 + HOUR, "U1", now=T0)
    with database.session() as session:
        assert mutes.is_muted(session, "acc", "team/agent", T0)
        assert mutes.is_muted(session, "acc", "team/agent", T0 + HOUR - timedelta(seconds=1))
        assert not mutes.is_muted(session, "acc", "team/agent", T0 + HOUR)
        assert not mutes.is_muted(session, "acc", "team/other", T0)
        assert not mutes.is_muted(session, "sas", "team/agent", T0)


def test_active_mutes_lists_only_unexpired_soonest_first(database) -> None:
    with database.session() as session:
        mutes.mute(session, "acc", "a", T0 + 2 * HOUR, "U1", now=T0)
        mutes.mute(session, "acc", "b", T0 + HOUR, "U1", now=T0)
        mutes.mute(session, "sas", "c", T0 - HOUR, "U1", now=T0 - 2 * HOUR)
    with database.session() as session:
        assert [m.agent_ref for m in mutes.active_mutes(session, T0)] == ["b", "a"]
        assert [m.agent_ref for m in mutes.active_mutes(session, T0 + HOUR)] == ["a"]


def test_a_shorter_mute_does_not_cut_a_longer_one(database) -> None:
    with database.session() as session:
        mutes.mute(session, "acc", "a", T0 + 2 * HOUR, "U1", now=T0)
        mutes.mute(session, "acc", "a", T0 + HOUR, "U2", now=T0)
    with database.session() as session:
        assert mutes.is_muted(session, "acc", "a", T0 + HOUR + timedelta(minutes=30))


def test_unmute_and_purge(database) -> None:
    with database.session() as session:
        mutes.mute(session, "acc", "a", T0 + HOUR, "U1", now=T0)
        mutes.mute(session, "acc", "b", T0 - HOUR, "U1", now=T0)
    with database.session() as session:
        assert mutes.purge_expired(session, T0) == 1
        assert mutes.unmute(session, "acc", "a") == 1
    with database.session() as session:
        assert mutes.active_mutes(session, T0 - 2 * HOUR) == []
