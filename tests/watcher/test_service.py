"""The watcher as the bot runs it: a scheduler ticking every interval, one leader at a time."""

from __future__ import annotations

import time

from accbot.server import start_watcher
from accbot.store import lease
from accbot.watcher.leader import LEASE_NAME
from accbot.watcher.service import WatcherService
from tests.watcher.helpers import ALERTS, alerts_in

PATH = "acme/shop/prices"


def _wait_for(predicate, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
    return time.monotonic() - started


def _holder(services) -> str | None:
    with services.db.session() as session:
        return lease.current_holder(session, LEASE_NAME, services.clock())


def test_the_bot_starts_the_watcher_which_polls_every_interval_until_stopped(
    acc, slack, services, client, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher = start_watcher(services, client)  # what `python app.py` does
    try:
        assert isinstance(watcher, WatcherService)
        assert watcher.poll_seconds == 1.0  # ACCBOT_POLL_SECONDS
        _wait_for(lambda: _holder(services) == watcher.holder_id)
        acc.state.add_run(agent_id, 5)
        waited = _wait_for(lambda: len(alerts_in(slack, ALERTS)) == 1)
        assert waited < 2.5
        asked = acc.state.count_requests("GET", f"/api/agent/{agent_id}/history")
        time.sleep(2.2)
        assert acc.state.count_requests("GET", f"/api/agent/{agent_id}/history") >= asked + 2
    finally:
        watcher.stop()
    assert _holder(services) is None  # released: another replica may take over at once
    assert len(alerts_in(slack, ALERTS)) == 1


def test_only_the_lease_holder_polls_and_another_takes_over_once_it_is_released(services, client):
    first = WatcherService(services, client, poll_seconds=1, holder_id="first")
    second = WatcherService(services, client, poll_seconds=1, holder_id="second")
    try:
        assert first.run_cycle() is not None
        assert second.run_cycle() is None
        first.stop()
        assert second.run_cycle() is not None
        assert _holder(services) == "second"
    finally:
        second.stop()
        first.stop()


def test_a_lease_that_is_not_renewed_lapses_within_two_intervals(services, client, clock):
    first = WatcherService(services, client, poll_seconds=1, holder_id="first")
    second = WatcherService(services, client, poll_seconds=1, holder_id="second")
    try:
        first.run_cycle()
        clock.advance(seconds=1.0)
        assert second.run_cycle() is None  # a live leader renews well before this
        clock.advance(seconds=0.6)
        assert second.run_cycle() is not None
        assert first.run_cycle() is None
    finally:
        first.stop()
        second.stop()
