"""Two watcher processes on one PostgreSQL: each holds half the watch shards, each failure
is alerted once, and when one is killed the other takes its shards within two intervals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Watch
from accbot.store import lease
from accbot.store.models import Lease, Replica
from accbot.watcher.shards import LEASE_INTERVALS, SHARD_PREFIX
from tests.support.bot import ADMIN
from tests.support.postgres import fresh_schema
from tests.watcher.helpers import alert_key, alerts_in

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 2.0
SHARDS = 8
AGENTS = 16


@pytest.fixture
def pg_env(settings_env) -> Iterator[dict]:
    with fresh_schema() as url:
        yield {**settings_env, "DATABASE_URL": url, "ACCBOT_POLL_SECONDS": str(POLL_SECONDS)}


@pytest.fixture
def spawn(pg_env, tmp_path) -> Iterator:
    started: list[subprocess.Popen] = []
    logs = []

    def start(holder: str) -> subprocess.Popen:
        log = (tmp_path / f"{holder}.log").open("w")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.watcher.watcher_process", "serve", "--holder", holder],
            cwd=ROOT,
            env={**os.environ, **pg_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    for log in logs:
        log.close()


def _holders(services) -> dict[str, str]:
    with services.db.session() as session:
        return lease.holders(session, SHARD_PREFIX)


def _wait_for(predicate, timeout: float = 30.0, step: float = 0.05) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(step)
    return time.monotonic() - started


def _survivor_beat(services, holder: str, beats: list) -> int:
    """Record ``holder``'s last heartbeat (its time, the shards it held after it); the
    count. One statement, so both come from the same committed heartbeat."""
    query = (
        select(Replica.expires_at, func.count(Lease.name))
        .join(Lease, Lease.holder == Replica.holder, isouter=True)
        .where(Replica.holder == holder)
        .group_by(Replica.expires_at)
    )
    with services.db.session() as session:
        expires_at, held = session.execute(query).one()
    beat = (expires_at - timedelta(seconds=POLL_SECONDS * LEASE_INTERVALS), held)
    if not beats or beats[-1] != beat:
        beats.append(beat)
    return held


def _channel(number: int) -> str:
    """Each agent alerts in a channel of its own, so no storm becomes a digest."""
    return f"CFLEET{number:02d}"


def _alerted_runs(slack) -> Counter:
    """How many alert messages name each run (a run alerted twice counts 2)."""
    return Counter(
        alert_key(m).split(":")[2]
        for number in range(AGENTS)
        for m in alerts_in(slack, _channel(number))
    )


def test_two_processes_share_the_shards_alert_each_failure_once_and_the_survivor_takes_over(
    acc, slack, pg_env, make_services, spawn
):
    services = make_services(DATABASE_URL=pg_env["DATABASE_URL"])
    agents = []
    for number in range(AGENTS):
        path = f"acme/fleet/agent{number:02d}"
        agents.append(acc.state.add_agent(path)["agentId"])
        channel = _channel(number)
        execute(Watch(AgentRef("acc", path), channel), Actor(ADMIN, channel), services)

    first = spawn("first")
    second = spawn("second")
    _wait_for(lambda: sorted(Counter(_holders(services).values()).values()) == [SHARDS // 2] * 2)

    failures = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for agent_id in agents]
    _wait_for(lambda: set(_alerted_runs(slack)) >= set(failures))
    time.sleep(3 * POLL_SECONDS)  # both keep running: nothing is posted twice
    assert _alerted_runs(slack) == Counter(failures)

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    with services.db.session() as session:
        lapses_at = session.scalar(select(Replica.expires_at).where(Replica.holder == "first"))
    beats = []  # the survivor's heartbeats as it saw them: (when, shards it held after)
    _wait_for(lambda: _survivor_beat(services, "second", beats) == SHARDS)
    # The takeover is timed by the survivor's own heartbeats, not the test's wall clock: it
    # never takes a shard before the dead's leases lapse, and the first heartbeat after
    # they lapse takes them all, however late a loaded machine runs that heartbeat.
    for when, held in beats:
        assert held == (SHARDS if when >= lapses_at else SHARDS // 2), (when, lapses_at)

    later = [acc.state.add_run(agent_id, 7)["agentRunHistoryId"] for agent_id in agents]
    _wait_for(lambda: set(_alerted_runs(slack)) >= set(later), timeout=10 * POLL_SECONDS)
    time.sleep(2 * POLL_SECONDS)
    assert _alerted_runs(slack) == Counter(failures + later)

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=15) == 0
    assert _holders(services) == {}  # a clean stop gives every lease up
