from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import alerts, digests
from tests.store.conftest import race

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
RACES = 40


def _reserve(session, key: str, *, status: str = "Failed", is_failure: bool = True, now=T0):
    return alerts.reserve_alert(
        session,
        key,
        kind="acc",
        agent_id="agent-1",
        agent_ref="sequentum/Test2/quick",
        run_id=key.split(":")[2],
        status=status,
        channel_id="C1",
        is_failure=is_failure,
        now=now,
    )


def test_alert_key_format() -> None:
    assert alerts.alert_key("acc", "A", "R", "Failed") == "acc:A:R:Failed"


def test_reserve_once_then_none(database) -> None:
    key = alerts.alert_key("acc", "agent-1", "run-1", "Failed")
    with database.session() as session:
        alert = _reserve(session, key)
        assert alert is not None
        assert (alert.state, alert.attempts, alert.run_id) == ("pending", 0, "run-1")
    with database.session() as session:
        assert _reserve(session, key) is None
        assert [a.alert_key for a in alerts.pending_alerts(session)] == [key]


def test_pending_alerts_undigested_leaves_out_the_runs_a_digest_lists(database) -> None:
    listed = [alerts.alert_key("acc", "agent-1", f"run-{n}", "Failed") for n in range(3)]
    alone = alerts.alert_key("acc", "agent-1", "run-9", "Failed")
    with database.session() as session:
        for key in [*listed, alone]:
            _reserve(session, key)
        digests.create_digest(session, "C1", listed, page_size=20, now=T0)
    with database.session() as session:
        assert len(alerts.pending_alerts(session)) == 4  # all still to be posted
        undigested = alerts.pending_alerts(session, undigested=True)
        assert [a.alert_key for a in undigested] == [alone]
        # a limit counts only what is left, so a draining digest never crowds new alerts out
        assert [a.alert_key for a in alerts.pending_alerts(session, limit=1, undigested=True)] == [
            alone
        ]


def test_two_writers_racing_the_same_key_reserve_it_once(database, open_database) -> None:
    other = open_database()

    def contender(db, key):
        def attempt():
            with db.session() as session:
                return _reserve(session, key) is not None

        return attempt

    for attempt in range(RACES):
        key = alerts.alert_key("acc", "agent-1", f"run-{attempt}", "Failed")
        outcome = race(contender(database, key), contender(other, key))
        assert sorted(outcome) == [False, True], f"race {attempt}: {outcome}"
    with database.session() as session:
        assert len(alerts.pending_alerts(session)) == RACES


def test_mark_posted_removes_from_pending(database) -> None:
    key = alerts.alert_key("acc", "agent-1", "run-1", "Failed")
    with database.session() as session:
        _reserve(session, key)
    with database.session() as session:
        assert alerts.mark_posted(session, key, "C9", "1700000000.000100", now=T0)
        assert alerts.mark_posted(session, "acc:none:none:Failed", "C9", "1.2") is False
    with database.session() as session:
        alert = alerts.get_alert(session, key)
        assert alert is not None
        assert (alert.state, alert.channel_id, alert.slack_ts, alert.posted_at) == (
            "posted",
            "C9",
            "1700000000.000100",
            T0,
        )
        assert alerts.pending_alerts(session) == []


def test_failed_attempts_stay_pending_until_final(database) -> None:
    key = alerts.alert_key("acc", "agent-1", "run-1", "Failed")
    with database.session() as session:
        _reserve(session, key)
        assert alerts.record_attempt_failure(session, key, "ratelimited")
    with database.session() as session:
        alert = alerts.get_alert(session, key)
        assert (alert.state, alert.attempts, alert.last_error) == ("pending", 1, "ratelimited")
        assert alerts.record_attempt_failure(session, key, "channel_not_found", final=True)
    with database.session() as session:
        alert = alerts.get_alert(session, key)
        assert (alert.state, alert.attempts) == ("failed", 2)
        assert alerts.pending_alerts(session) == []
        assert alerts.record_attempt_failure(session, key, "again") is False


def test_pending_alerts_oldest_first(database) -> None:
    keys = [alerts.alert_key("acc", "agent-1", f"run-{i}", "Failed") for i in range(3)]
    with database.session() as session:
        for offset, key in zip((2, 0, 1), keys, strict=True):
            _reserve(session, key, now=T0 + timedelta(minutes=offset))
    with database.session() as session:
        assert [a.alert_key for a in alerts.pending_alerts(session)] == [keys[1], keys[2], keys[0]]
        assert len(alerts.pending_alerts(session, limit=2)) == 2


def test_latest_failure_alert_and_recovery(database) -> None:
    old = alerts.alert_key("acc", "agent-1", "run-1", "Failed")
    new = alerts.alert_key("acc", "agent-1", "run-2", "Failure")
    success = alerts.alert_key("acc", "agent-1", "run-3", "Succeeded")
    unposted = alerts.alert_key("acc", "agent-1", "run-4", "Failed")
    with database.session() as session:
        _reserve(session, old, now=T0)
        _reserve(session, new, status="Failure", now=T0 + timedelta(minutes=1))
        _reserve(session, success, status="Succeeded", is_failure=False, now=T0 + timedelta(2))
        _reserve(session, unposted, now=T0 + timedelta(minutes=3))
        for key in (old, new, success):
            alerts.mark_posted(session, key, "C1", "1.0")
    with database.session() as session:
        latest = alerts.latest_failure_alert(session, "acc", "agent-1")
        assert latest is not None and latest.alert_key == new
        assert alerts.latest_failure_alert(session, "acc", "agent-1", channel_id="C2") is None
        assert alerts.latest_failure_alert(session, "sas", "agent-1") is None
        assert alerts.mark_recovered(session, new, now=T0) is True
        assert alerts.mark_recovered(session, new, now=T0) is False
    with database.session() as session:
        latest = alerts.latest_failure_alert(session, "acc", "agent-1")
        assert latest is not None and latest.alert_key == old
