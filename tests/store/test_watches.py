from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accbot.store import cursors, watches

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _watch(session, channel: str = "C1", *, kind="acc", ref="team/agent", all_states=False):
    return watches.add_watch(
        session,
        kind=kind,
        agent_ref=ref,
        agent_id=f"id-of-{ref}",
        channel_id=channel,
        created_by="U1",
        all_states=all_states,
        now=T0,
    )


def test_add_is_unique_per_agent_and_channel(database) -> None:
    with database.session() as session:
        watch, created = _watch(session)
        assert created and watch.created_at == T0 and watch.all_states is False
    with database.session() as session:
        again, created = _watch(session, all_states=True)
        assert not created and again.id == watch.id and again.all_states is True
        _watch(session, "C2")
        _watch(session, kind="sas", ref="bot-7")
    with database.session() as session:
        listed = [(w.kind, w.agent_ref, w.channel_id) for w in watches.list_watches(session)]
        assert listed == [
            ("acc", "team/agent", "C1"),
            ("acc", "team/agent", "C2"),
            ("sas", "bot-7", "C1"),
        ]
        assert [w.agent_ref for w in watches.list_watches(session, channel_id="C2")] == [
            "team/agent"
        ]
        assert [
            w.channel_id for w in watches.watches_for_agent(session, "acc", "id-of-team/agent")
        ] == [
            "C1",
            "C2",
        ]


def test_unknown_kind_is_refused(database) -> None:
    with pytest.raises(ValueError), database.session() as session:
        _watch(session, kind="jenkins")


def test_removing_the_last_watch_resets_the_cursor(database) -> None:
    with database.session() as session:
        _watch(session, "C1")
        _watch(session, "C2")
        cursors.ensure_cursor(session, "acc", "id-of-team/agent", now=T0)
    with database.session() as session:
        assert watches.remove_watch(session, "acc", "team/agent", "C1")
        assert cursors.get_cursor(session, "acc", "id-of-team/agent") is not None
        assert watches.remove_watch(session, "acc", "team/agent", "C2")
        assert cursors.get_cursor(session, "acc", "id-of-team/agent") is None
        assert not watches.remove_watch(session, "acc", "team/agent", "C2")
        assert watches.list_watches(session) == []


def test_watch_rows_are_every_watch_as_plain_values_in_agent_order(database) -> None:
    with database.session() as session:
        for ref, agent_id, channel in [("b/x", "id-2", "C2"), ("a/y", "id-1", "C1")]:
            watches.add_watch(
                session,
                kind="acc",
                agent_ref=ref,
                agent_id=agent_id,
                channel_id=channel,
                created_by="U1",
                all_states=channel == "C2",
            )
    with database.session() as session:
        rows = watches.watch_rows(session)
    assert [(r.agent_id, r.agent_ref, r.channel_id, r.all_states) for r in rows] == [
        ("id-1", "a/y", "C1", False),
        ("id-2", "b/x", "C2", True),
    ]
