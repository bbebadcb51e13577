"""Server watches: one per server and channel, found whatever the name's case."""

from __future__ import annotations

from datetime import UTC, datetime

from accbot.store import server_watches

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _add(session, name: str = "se1", channel: str = "C1") -> bool:
    return server_watches.add_server_watch(
        session, server_name=name, channel_id=channel, created_by="U1", now=T0
    )


def test_a_server_is_watched_once_per_channel(database) -> None:
    with database.session() as session:
        assert _add(session) is True
        assert _add(session) is False
        assert _add(session, channel="C2") is True
        assert _add(session, name="se2") is True
    with database.session() as session:
        listed = [
            (w.server_name, w.channel_id) for w in server_watches.list_server_watches(session)
        ]
        assert listed == [("se1", "C1"), ("se1", "C2"), ("se2", "C1")]
        [only] = server_watches.list_server_watches(session, channel_id="C2")
        assert (only.server_name, only.created_by, only.created_at) == ("se1", "U1", T0)


def test_unwatching_removes_one_channels_watch_whatever_the_case(database) -> None:
    with database.session() as session:
        _add(session)
        _add(session, channel="C2")
    with database.session() as session:
        assert server_watches.remove_server_watch(session, "SE1", "C1") is True
        assert server_watches.remove_server_watch(session, "se1", "C1") is False
    with database.session() as session:
        assert [w.channel_id for w in server_watches.list_server_watches(session)] == ["C2"]
