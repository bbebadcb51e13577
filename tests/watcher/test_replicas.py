"""Two watcher processes on one PostgreSQL: one polls, each failure is alerted once, and
when the leader is killed the other takes over within two intervals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Watch
from accbot.store import lease
from accbot.watcher.leader import LEASE_NAME
from tests.support.bot import ADMIN
from tests.support.postgres import fresh_schema
from tests.watcher.helpers import ALERTS, alert_key, alerts_in

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 1.0
# Process scheduling and the test's own polling, on top of the two intervals.
TAKEOVER_SLACK_SECONDS = 0.5
PATH = "acme/shop/prices"


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


def _holder(services) -> str | None:
    with services.db.session() as session:
        return lease.current_holder(session, LEASE_NAME)


def _wait_for(predicate, timeout: float = 20.0, step: float = 0.05) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(step)
    return time.monotonic() - started


def test_two_processes_alert_each_failure_once_and_the_survivor_takes_over(
    acc, slack, pg_env, make_services, spawn
):
    services = make_services(DATABASE_URL=pg_env["DATABASE_URL"])
    agent_id = acc.state.add_agent(PATH)["agentId"]
    execute(Watch(AgentRef("acc", PATH), ALERTS), Actor(ADMIN, ALERTS), services)

    first = spawn("first")
    _wait_for(lambda: _holder(services) == "first")
    second = spawn("second")
    time.sleep(2 * POLL_SECONDS)  # the second is up and finds the lease taken

    failures = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(3)]
    _wait_for(lambda: len(alerts_in(slack, ALERTS)) == 3)
    time.sleep(3 * POLL_SECONDS)  # both keep running: nothing is posted twice
    assert sorted(
        next(r for r in failures if r in alert_key(m)) for m in alerts_in(slack, ALERTS)
    ) == sorted(failures)
    assert _holder(services) == "first"

    first.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    first.wait(timeout=10)
    _wait_for(lambda: _holder(services) == "second")
    assert time.monotonic() - killed <= 2 * POLL_SECONDS + TAKEOVER_SLACK_SECONDS

    later = acc.state.add_run(agent_id, 7)["agentRunHistoryId"]
    _wait_for(lambda: len(alerts_in(slack, ALERTS)) == 4, timeout=5 * POLL_SECONDS)
    assert later in alert_key(alerts_in(slack, ALERTS)[-1])

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=15) == 0
    assert _holder(services) is None  # a clean stop gives the lease up
    time.sleep(POLL_SECONDS)
    assert len(alerts_in(slack, ALERTS)) == 4
