"""SAS history items as watcher observations, and what detection makes of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accbot.sas.models import BotHistoryItem
from accbot.watcher.detect import AlertEvent, RecoveryEvent, Subscriber, detect
from accbot.watching.registry import watch_kind
from accbot.watching.sas import SasRun, sas_observation

AGENT = "ba14bc66-8aaf-4a57-bff1-87a39774ac1a"
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
CHANNEL = Subscriber(channel_id="CALERTS", agent_ref=f"sas:{AGENT}")


def observed(run_id: str, status: str, minutes_ago: int = 5):
    created = NOW - timedelta(minutes=minutes_ago)
    item = BotHistoryItem.from_json(
        {
            "id": AGENT,
            "runId": run_id,
            "status": status,
            "creationTimeStamp": created.isoformat(),
            "endTimeStamp": (created + timedelta(minutes=1)).isoformat(),
        }
    )
    return sas_observation(AGENT, SasRun(item, "SASHELP discovery", "https://sas.example.com"))


@pytest.mark.parametrize(
    ("status", "failure", "success", "finished", "active", "unknown"),
    [
        ("completed", False, True, True, False, False),
        ("failed", True, False, True, False, False),
        ("completedWithErrors", True, False, True, False, False),
        ("running", False, False, False, True, False),
        ("paused", False, False, True, False, True),
    ],
)
def test_states(status, failure, success, finished, active, unknown):
    o = observed("r1", status)
    assert (o.is_failure, o.is_success, o.is_finished, o.is_active, o.is_unknown) == (
        failure,
        success,
        finished,
        active,
        unknown,
    )
    assert o.kind == "sas" and o.stream == "run" and o.run_id == "r1" and o.log_ref is None


def test_an_unknown_status_is_named_as_such():
    assert observed("r1", "paused").status == "unknown status paused"


def test_the_run_is_identified_by_its_run_key_not_the_item_id():
    item = BotHistoryItem.from_json(
        {
            "id": AGENT,
            "status": "failed",
            "links": [{"rel": "newAssets", "href": "/catalog/search?q=runId:abc-1+runStatus:new"}],
        }
    )
    assert sas_observation(AGENT, SasRun(item, AGENT, "")).run_id == "abc-1"


def test_sas_is_a_registered_watch_kind_with_one_run_stream():
    kind = watch_kind("sas")
    assert [(s.name, s.backend) for s in kind.streams] == [("run", "SAS")]


def test_detection_alerts_a_failure_and_recovers_it_on_completion():
    history = [observed("r2", "completed", 1), observed("r1", "failed", 3)]
    found = detect(history, frozenset(), [CHANNEL], now=NOW)
    kinds = [type(e) for e in found.events]
    assert kinds == [AlertEvent, RecoveryEvent]
    assert found.alerts[0].key == f"sas:{AGENT}:r1:failed@CALERTS"


def test_an_unknown_status_alerts_even_without_all_and_is_keyed_per_status_word():
    first = detect([observed("r1", "paused")], frozenset(), [CHANNEL], now=NOW)
    second = detect([observed("r2", "paused")], frozenset(), [CHANNEL], now=NOW)
    other = detect([observed("r3", "halted")], frozenset(), [CHANNEL], now=NOW)
    [a], [b], [c] = first.alerts, second.alerts, other.alerts
    assert not a.is_failure
    assert a.key == b.key  # the store's unique key lets only the first one through
    assert a.key != c.key
    assert "r1" not in a.key


def test_a_completed_run_is_not_news_for_a_failures_only_watch():
    found = detect([observed("r1", "completed")], frozenset(), [CHANNEL], now=NOW)
    assert found.alerts == []
