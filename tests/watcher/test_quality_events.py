"""Data quality in the agent's transaction, on SQLite and PostgreSQL: counts are remembered
from the first look, each new success is judged once, per watch, never when muted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.acc.models import AgentRun, RunStatus
from accbot.store import data_counts
from accbot.store.cursors import seen_key
from accbot.watcher.detect import Subscriber
from accbot.watcher.quality import DROP, EMPTY, QualityRule
from accbot.watcher.quality_events import quality_events
from accbot.watching.acc import run_observation
from tests.store import conftest as store_fixtures

database_url = store_fixtures.database_url
open_database = store_fixtures.open_database
database = store_fixtures.database

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
AGENT = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
EMPTY_WATCH = Subscriber("C1", "team/agent", quality=QualityRule(empty=True))
DROP_WATCH = Subscriber("C2", "team/agent", quality=QualityRule(drop_percent=50))
PLAIN_WATCH = Subscriber("C3", "team/agent")


def _run(minute: int, count: int | None, status: RunStatus = RunStatus.SUCCEEDED):
    start = T0 + timedelta(minutes=minute)
    return run_observation(
        AgentRun(f"run-{minute}", AGENT, status, start_time=start, data_count=count)
    )


def _judge(database, runs, seen=frozenset(), *, quiet=lambda o: False, muted=frozenset()):
    history = list(reversed(runs))  # histories come newest first
    subscribers = (EMPTY_WATCH, DROP_WATCH, PLAIN_WATCH)
    with database.session() as session:
        return quality_events(session, history, seen, subscribers, quiet=quiet, muted=muted)


def test_an_empty_success_is_alerted_to_the_watch_that_asks_only(database) -> None:
    [event] = _judge(database, [_run(1, 0)])
    assert (event.channel_id, event.finding.status) == ("C1", EMPTY)
    assert event.key == f"acc:{AGENT}:run-1:Empty@C1"


def test_a_drop_waits_for_five_earlier_runs_then_is_alerted(database) -> None:
    usual = [_run(m, 100) for m in range(4)]
    assert _judge(database, [*usual, _run(10, 10)]) == []
    [event] = _judge(database, [_run(11, 100), _run(12, 10)])
    assert (event.channel_id, event.finding.status) == ("C2", DROP)
    assert event.finding.median == 100.0
    assert event.finding.recent == (100, 100, 100, 100, 10, 100, 10)


def test_a_run_is_judged_once_when_first_seen_succeeded(database) -> None:
    runs = [_run(m, 100) for m in range(5)] + [_run(9, 0)]
    assert len(_judge(database, runs)) == 2  # empty in C1, drop in C2
    seen = frozenset(seen_key(f"run-{m}", "Succeeded") for m in (0, 1, 2, 3, 4, 9))
    assert _judge(database, runs, seen) == []


def test_history_a_watch_starts_with_is_remembered_but_not_judged(database) -> None:
    runs = [_run(m, 100) for m in range(6)] + [_run(9, 0)]
    assert _judge(database, runs, quiet=lambda o: True) == []
    with database.session() as session:
        remembered = data_counts.counts_before(session, "acc", AGENT, T0 + timedelta(1), limit=99)
    assert remembered == [100] * 6 + [0]


def test_a_muted_agent_is_not_alerted_and_failures_or_runs_without_counts_are_not_judged(database):
    assert _judge(database, [_run(1, 0)], muted=frozenset({"team/agent"})) == []
    assert _judge(database, [_run(2, 0, RunStatus.FAILED), _run(3, None)]) == []
