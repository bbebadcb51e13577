"""Alert payloads, open failures and owed "recovered" replies, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import alerts

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _reserve(session, run: str, *, channel="C1", failure=True, now=T0, payload=None):
    key = alerts.alert_key("acc", "agent-1", run, "Failed") + f"@{channel}"
    alerts.reserve_alert(
        session,
        key,
        kind="acc",
        agent_id="agent-1",
        agent_ref="org/agent",
        run_id=run,
        status="Failed",
        channel_id=channel,
        is_failure=failure,
        payload=payload,
        now=now,
    )
    return key


def test_the_payload_is_kept_with_the_reservation(database) -> None:
    payload = {"text": "Run failed", "blocks": [{"type": "divider"}], "stream": "run"}
    with database.session() as session:
        key = _reserve(session, "r1", payload=payload)
    with database.session() as session:
        assert alerts.get_alert(session, key).payload == payload


def test_open_failures_are_this_channels_unrecovered_failures_oldest_first(database) -> None:
    with database.session() as session:
        first = _reserve(session, "r1")
        second = _reserve(session, "r2", now=T0 + timedelta(minutes=1))
        _reserve(session, "r3", channel="C2")
        _reserve(session, "r4", failure=False)
        recovered = _reserve(session, "r5")
        alerts.mark_recovered(session, recovered, now=T0)
        alerts.mark_posted(session, first, "C1", "1.1")
    with database.session() as session:
        found = alerts.open_failures(session, "acc", "agent-1", "C1")
        assert [a.alert_key for a in found] == [first, second]


def test_a_recovered_posted_alert_owes_its_reply_until_it_is_recorded(database) -> None:
    with database.session() as session:
        posted = _reserve(session, "r1")
        pending = _reserve(session, "r2")
        alerts.mark_posted(session, posted, "C1", "1.1")
        alerts.mark_recovered(session, posted, now=T0)
        alerts.mark_recovered(session, pending, now=T0)
    with database.session() as session:
        assert [a.alert_key for a in alerts.owed_recoveries(session)] == [posted]
        assert alerts.mark_recovery_posted(session, posted, "1.2") is True
        assert alerts.mark_recovery_posted(session, posted, "1.3") is False
    with database.session() as session:
        assert alerts.owed_recoveries(session) == []
        assert alerts.get_alert(session, posted).recovery_ts == "1.2"


def test_a_payload_field_is_set_on_each_named_alert(database) -> None:
    with database.session() as session:
        one = _reserve(session, "r1", payload={"text": "a"})
        two = _reserve(session, "r2")
        other = _reserve(session, "r3", payload={"text": "c"})
        assert alerts.set_payload_field(session, [one, two], "digest", "digest:x") == 2
    with database.session() as session:
        assert alerts.get_alert(session, one).payload == {"text": "a", "digest": "digest:x"}
        assert alerts.get_alert(session, two).payload == {"digest": "digest:x"}
        assert alerts.get_alert(session, other).payload == {"text": "c"}
