"""Detection rules on plain observations: no network, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.watcher.detect import (
    OVERDUE,
    AlertEvent,
    RecoveryEvent,
    Subscriber,
    detect,
    overlaps,
)
from accbot.watching.observation import Observation

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ALERTS = Subscriber("CALERTS", "org/agent")
EVERYTHING = Subscriber("CALL", "org/agent", all_states=True)


def run(run_id: str, status: str = "Failed", *, minutes_ago: int = 5, **fields) -> Observation:
    finished = status in ("Failed", "Failure", "Succeeded", "Stopped")
    values = {
        "kind": "acc",
        "stream": "run",
        "agent_id": "agent-1",
        "run_id": run_id,
        "status": status,
        "is_failure": status in ("Failed", "Failure"),
        "is_finished": finished,
        "is_success": status == "Succeeded",
        "is_active": status in ("Starting", "Running"),
        "started": NOW - timedelta(minutes=minutes_ago),
        "log_ref": run_id,
    }
    values.update(fields)
    return Observation(**values)


def test_a_new_failure_is_an_alert_for_each_watching_channel():
    found = detect([run("r1")], frozenset(), [ALERTS, EVERYTHING], now=NOW)
    assert [(type(e), e.channel_id) for e in found.events] == [
        (AlertEvent, "CALERTS"),
        (AlertEvent, "CALL"),
    ]
    assert found.alerts[0].is_failure
    assert found.alerts[0].key == "acc:agent-1:r1:Failed@CALERTS"


def test_what_was_seen_is_not_news_again():
    first = detect([run("r1")], frozenset(), [ALERTS], now=NOW)
    again = detect([run("r1")], frozenset(first.seen), [ALERTS], now=NOW)
    assert again.events == ()
    assert again.seen == ()


def test_the_cursor_learns_the_run_and_its_end_state_but_not_passing_states():
    found = detect([run("r1", "Running")], frozenset(), [ALERTS], now=NOW)
    assert found.seen == ("r1:",)
    finished = detect([run("r1", "Failed")], frozenset(found.seen), [ALERTS], now=NOW)
    assert finished.seen == ("r1:Failed",)
    assert len(finished.alerts) == 1


def test_successes_and_stops_are_news_only_to_watches_with_all():
    found = detect(
        [run("r2", "Stopped"), run("r1", "Succeeded")], frozenset(), [ALERTS, EVERYTHING], now=NOW
    )
    assert [(e.channel_id, e.status) for e in found.alerts] == [
        ("CALL", "Succeeded"),
        ("CALL", "Stopped"),
    ]
    assert not any(e.is_failure for e in found.alerts)


def test_events_come_oldest_first_so_a_failure_precedes_its_recovery():
    history = [run("r2", "Succeeded", minutes_ago=1), run("r1", "Failed", minutes_ago=2)]
    found = detect(history, frozenset(), [ALERTS], now=NOW)
    assert [type(e) for e in found.events] == [AlertEvent, RecoveryEvent]


def test_a_muted_agent_is_recorded_without_alerts_but_still_recovers():
    history = [run("r2", "Succeeded", minutes_ago=1), run("r1", "Failed", minutes_ago=2)]
    found = detect(history, frozenset(), [ALERTS], now=NOW, muted=frozenset({"org/agent"}))
    assert [type(e) for e in found.events] == [RecoveryEvent]
    assert set(found.seen) == {"r1:", "r1:Failed", "r2:", "r2:Succeeded"}


def test_a_baseline_records_everything_and_says_nothing():
    history = [run("r2", "Failed"), run("r1", "Running", expected_end=NOW - timedelta(hours=1))]
    found = detect(history, frozenset(), [ALERTS], now=NOW, baseline=True)
    assert found.events == ()
    assert set(found.seen) == {"r1:", "r1:Overdue", "r2:", "r2:Failed"}


def test_a_run_never_seen_that_started_before_the_watch_is_history_not_news():
    since = NOW - timedelta(hours=1)
    old = run("old", minutes_ago=120)
    new = run("new", minutes_ago=30)
    found = detect([new, old], frozenset(), [ALERTS], now=NOW, watched_since=since)
    assert [e.observation.run_id for e in found.alerts] == ["new"]
    assert "old:Failed" in found.seen


def test_a_known_run_that_started_before_the_watch_still_alerts_when_it_fails():
    since = NOW - timedelta(hours=1)
    found = detect(
        [run("r1", minutes_ago=120)], frozenset({"r1:"}), [ALERTS], now=NOW, watched_since=since
    )
    assert len(found.alerts) == 1


def test_a_run_past_its_expected_end_is_overdue_once():
    late = run("r1", "Running", expected_end=NOW - timedelta(minutes=1))
    found = detect([late], frozenset(), [ALERTS], now=NOW)
    [event] = found.alerts
    assert (event.status, event.is_failure) == (OVERDUE, False)
    assert event.key.endswith(":r1:Overdue@CALERTS")
    assert detect([late], frozenset(found.seen), [ALERTS], now=NOW).events == ()


def test_a_run_within_its_expected_time_is_not_overdue():
    on_time = run("r1", "Running", expected_end=NOW + timedelta(minutes=1))
    assert detect([on_time], frozenset(), [ALERTS], now=NOW).events == ()


def test_the_newest_start_is_reported_for_the_cursor():
    found = detect([run("r2", minutes_ago=1), run("r1", minutes_ago=9)], frozenset(), [], now=NOW)
    assert found.newest_start == NOW - timedelta(minutes=1)


def test_a_page_overlaps_when_any_run_on_it_was_seen_in_any_status():
    page = [run("r3"), run("r2", "Succeeded")]
    assert overlaps(page, frozenset({"r2:"}))
    assert not overlaps(page, frozenset({"r1:", "r2:Failed"}))
