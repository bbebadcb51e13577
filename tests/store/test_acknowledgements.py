"""Acknowledgements and escalations of alerts, on SQLite and PostgreSQL: the first click
wins, an escalation is claimed once and never for an acknowledged or recovered alert."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from accbot.store import alerts, watches
from accbot.store.watches import WatchOptions

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _alert(session, run: str, *, channel: str = "C1", posted: bool = True) -> str:
    key = alerts.alert_key("acc", "agent-1", run, "Failed") + f"@{channel}"
    alerts.reserve_alert(
        session, key, kind="acc", agent_id="agent-1", agent_ref="org/agent", run_id=run,
        status="Failed", channel_id=channel, now=T0,
    )  # fmt: skip
    if posted:
        alerts.mark_posted(session, key, channel, f"17.{run[-1]}", now=T0)
    return key


def _watch(session, *, channel: str = "C1", escalate: bool = True) -> None:
    options = WatchOptions(escalate_seconds=60, escalate_to="S0ONCALL1") if escalate else None
    watches.add_watch(
        session, kind="acc", agent_ref="org/agent", agent_id="agent-1", channel_id=channel,
        created_by="UADMIN", options=options,
    )  # fmt: skip


def test_the_first_acknowledgement_wins(database) -> None:
    with database.session() as session:
        key = _alert(session, "r1")
    with database.session() as session:
        assert alerts.acknowledge(session, key, "UONE", now=T0)
    with database.session() as session:
        assert not alerts.acknowledge(session, key, "UTWO", now=T0 + timedelta(minutes=1))
    with database.session() as session:
        alert = alerts.get_alert(session, key)
        assert (alert.acknowledged_by, alert.acknowledged_at) == ("UONE", T0)


def test_racing_acknowledgements_record_exactly_one(database, open_database) -> None:
    with database.session() as session:
        key = _alert(session, "r1")
    handles = [open_database() for _ in range(4)]
    won: list[str] = []
    barrier = threading.Barrier(len(handles))

    def click(handle, user: str) -> None:
        barrier.wait()
        with handle.session() as session:
            if alerts.acknowledge(session, key, user, now=T0):
                won.append(user)

    threads = [threading.Thread(target=click, args=(h, f"U{i}")) for i, h in enumerate(handles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    with database.session() as session:
        assert alerts.get_alert(session, key).acknowledged_by == won[0]


def test_candidates_are_posted_unacknowledged_unrecovered_alerts_of_escalating_watches(
    database,
) -> None:
    with database.session() as session:
        _watch(session)
        _watch(session, channel="C2", escalate=False)
        due = _alert(session, "r1")
        acked = _alert(session, "r2")
        alerts.acknowledge(session, acked, "UONE", now=T0)
        recovered = _alert(session, "r3")
        alerts.mark_recovered(session, recovered, now=T0)
        _alert(session, "r4", posted=False)
        _alert(session, "r5", channel="C2")  # its watch does not escalate
    with database.session() as session:
        found = alerts.escalation_candidates(session)
        assert [(a.alert_key, s, to) for a, s, to in found] == [(due, 60, "S0ONCALL1")]
        assert alerts.escalation_of(session, "acc", "agent-1", "C1") == ("S0ONCALL1", 60)
        assert alerts.escalation_of(session, "acc", "agent-1", "C2") == (None, 0)


def test_an_escalation_is_claimed_once_and_not_for_an_alert_acknowledged_meanwhile(
    database,
) -> None:
    with database.session() as session:
        _watch(session)
        first = _alert(session, "r1")
        acked = _alert(session, "r2")
        alerts.acknowledge(session, acked, "UONE", now=T0)
    with database.session() as session:
        assert alerts.claim_escalation(session, [first, acked], "escalation:1") == [first]
    with database.session() as session:
        assert alerts.claim_escalation(session, [first], "escalation:2") == []
        assert alerts.escalation_candidates(session) == []
        assert [a.alert_key for a in alerts.pending_escalations(session)] == [first]
    with database.session() as session:
        assert alerts.mark_escalation_posted(session, "escalation:1", "18.1") == 1
    with database.session() as session:
        assert alerts.pending_escalations(session) == []
        assert alerts.get_alert(session, first).escalation_ts == "18.1"
        assert alerts.mark_escalation_posted(session, "escalation:1", "18.2") == 0
