"""A server's trouble as episodes, on SQLite and PostgreSQL: one alert per episode and
channel, the open alert as the state, and one "back" per episode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from accbot.config import ServerConfig
from accbot.store import alerts
from accbot.watcher.server_health import OVER_THRESHOLD, UNREACHABLE, ServerCondition, ServerFacts
from accbot.watcher.servers import record_server
from tests.store import conftest as store_fixtures
from tests.store.conftest import race

# The store's fixtures: each test on a fresh SQLite file and a fresh PostgreSQL schema.
database_url = store_fixtures.database_url
open_database = store_fixtures.open_database
database = store_fixtures.database

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
SE1 = ServerConfig("se1", "10.0.0.5", 8004, SecretStr("se1-secret-key"))
DOWN = ServerCondition(UNREACHABLE, ("Unable to connect to server 10.0.0.5:8004.",))
BUSY = ServerCondition(OVER_THRESHOLD, ("CPU 100% (threshold 100%)",), 100.0, 40.0)
FINE = ServerCondition(None, (), 12.0, 40.0)


def _record(database, condition, channels=("C1",), minutes=0):
    with database.session() as session:
        return record_server(session, SE1, channels, condition, T0 + timedelta(minutes=minutes))


def test_trouble_opens_one_alert_per_channel_and_repeats_nothing(database) -> None:
    reserved, recovered = _record(database, DOWN, ("C1", "C2"))
    assert reserved == [
        "server:se1:episode-1@C1",
        "server:se1:episode-1@C2",
    ]
    assert recovered == []
    assert _record(database, DOWN, ("C1", "C2"), 1) == ([], [])
    assert _record(database, BUSY, ("C1", "C2"), 2) == ([], [])  # still the same episode
    with database.session() as session:
        alert = alerts.get_alert(session, reserved[0])
        assert alert is not None
        assert (alert.kind, alert.agent_ref, alert.status, alert.is_failure) == (
            "server", "server:se1", UNREACHABLE, True)  # fmt: skip
        facts = ServerFacts.of(alert.payload["server"])
        assert facts == ServerFacts("se1", "10.0.0.5:8004", UNREACHABLE, DOWN.reasons)
        assert "se1-secret-key" not in str(alert.payload)


def test_back_marks_the_episode_recovered_once_and_a_new_trouble_is_a_new_episode(database):
    [first], _ = _record(database, BUSY)
    _, recovered = _record(database, FINE, minutes=5)
    assert recovered == [first]
    with database.session() as session:
        alert = alerts.get_alert(session, first)
        assert alert.recovered_at == T0 + timedelta(minutes=5)
        assert alert.payload["recovery"]["status"] == "back: CPU 12%, memory 40%"
    assert _record(database, FINE, minutes=6) == ([], [])
    [second], _ = _record(database, DOWN, minutes=7)
    assert second == "server:se1:episode-2@C1"


def test_a_healthy_server_records_nothing(database) -> None:
    assert _record(database, FINE) == ([], [])
    with database.session() as session:
        assert alerts.count_closed_alerts(session, "server", "se1", "C1") == 0
        assert alerts.open_failures(session, "server", "se1", "C1") == []


def test_two_replicas_finding_trouble_at_once_record_one_alert(database, open_database):
    other = open_database()
    results = race(lambda: _record(database, DOWN), lambda: _record(other, BUSY))
    reserved = [key for keys, _ in results for key in keys]
    assert reserved == ["server:se1:episode-1@C1"]
