"""The watcher as the bot runs it: a scheduler ticking every interval over the shards this
replica holds; replicas on one database share the shards fairly and take over the dead's."""

from __future__ import annotations

import time

from accbot.server import start_watcher
from accbot.store import lease
from accbot.watcher.service import WatcherService
from accbot.watcher.shards import SHARD_PREFIX, shard_of
from tests.watcher.helpers import ALERTS, alerts_in

PATH = "acme/shop/prices"
SHARDS = 8


def _wait_for(predicate, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
    return time.monotonic() - started


def _holders(services) -> dict[str, str]:
    """Shard lease -> holder, for the leases held now."""
    with services.db.session() as session:
        return lease.holders(session, SHARD_PREFIX, services.clock())


def _polled(acc, during) -> set[str]:
    """The agent ids whose run history was asked while ``during()`` ran."""
    before = len(acc.state.requests)
    during()
    return {
        r.path.split("/")[3]
        for r in acc.state.requests[before:]
        if r.path.startswith("/api/agent/") and r.path.endswith("/history")
    }


def test_the_bot_starts_the_watcher_which_polls_every_interval_until_stopped(
    acc, slack, services, client, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher = start_watcher(services, client)  # what `python app.py` does
    try:
        assert isinstance(watcher, WatcherService)
        assert watcher.poll_seconds == 1.0  # ACCBOT_POLL_SECONDS
        _wait_for(lambda: set(_holders(services).values()) == {watcher.holder_id})
        assert len(_holders(services)) == SHARDS  # alone, it holds every shard
        acc.state.add_run(agent_id, 5)
        waited = _wait_for(lambda: len(alerts_in(slack, ALERTS)) == 1)
        assert waited < 2.5
        asked = acc.state.count_requests("GET", f"/api/agent/{agent_id}/history")
        time.sleep(2.2)
        assert acc.state.count_requests("GET", f"/api/agent/{agent_id}/history") >= asked + 2
    finally:
        watcher.stop()
    assert _holders(services) == {}  # released: another replica may take over at once
    assert len(alerts_in(slack, ALERTS)) == 1


def test_two_replicas_split_the_shards_and_each_polls_only_its_own_agents(
    acc, services, sink, watch, clock
):
    # Cycles are run by hand here, with no heartbeat in between: on the services' clock no
    # time passes, so a slow cycle on a loaded machine cannot let the other's leases lapse.
    clock.freeze()
    ids = []
    for number in range(24):
        ids.append(acc.state.add_agent(f"acme/fleet/a{number:02d}")["agentId"])
        watch(f"acme/fleet/a{number:02d}")
    first = WatcherService(services, sink, poll_seconds=1, holder_id="first")
    second = WatcherService(services, sink, poll_seconds=1, holder_id="second")
    try:
        assert _polled(acc, first.run_cycle) == set(ids)  # alone: all of them
        assert second.run_cycle() is None  # every shard is taken
        first.run_cycle()  # sees the second and gives half up
        second.run_cycle()  # takes them

        by_first = _polled(acc, first.run_cycle)
        by_second = _polled(acc, second.run_cycle)
    finally:
        first.stop()
        second.stop()
    assert first.shards.held == frozenset() == second.shards.held  # stopped
    assert by_first | by_second == set(ids) and not by_first & by_second
    for polled, holder in ((by_first, "first"), (by_second, "second")):
        shards = {shard_of("acc", agent_id, SHARDS) for agent_id in polled}
        assert len(shards) <= SHARDS // 2, holder


def test_a_stopped_replica_gives_its_shards_up_and_another_takes_them_at_once(services, sink):
    first = WatcherService(services, sink, poll_seconds=1, holder_id="first")
    second = WatcherService(services, sink, poll_seconds=1, holder_id="second")
    try:
        assert first.run_cycle() is not None
        assert second.run_cycle() is None
        first.stop()
        assert second.run_cycle() is not None
        assert set(_holders(services).values()) == {"second"}
        assert len(_holders(services)) == SHARDS
    finally:
        second.stop()
        first.stop()


def test_leases_that_are_not_renewed_lapse_within_one_and_a_half_intervals(services, sink, clock):
    # Only the clock's moves count as time here, not how long a loaded machine takes
    # to run the first cycle.
    clock.freeze()
    first = WatcherService(services, sink, poll_seconds=1, holder_id="first")
    second = WatcherService(services, sink, poll_seconds=1, holder_id="second")
    try:
        first.run_cycle()
        clock.advance(seconds=0.7)  # a live replica renews every quarter interval
        assert second.run_cycle() is None
        clock.advance(seconds=0.8)  # 1.5 intervals: its leases (1.25) have lapsed
        assert second.run_cycle() is not None
        assert len(second.shards.held) == SHARDS  # the silent one no longer counts
        assert first.run_cycle() is None  # back, it finds its shards taken
    finally:
        first.stop()
        second.stop()


def test_singleton_jobs_run_once_per_cycle_on_the_replica_holding_shard_zero(services, sink):
    runs: list[str] = []
    first = WatcherService(services, sink, poll_seconds=1, holder_id="first")
    second = WatcherService(services, sink, poll_seconds=1, holder_id="second")
    for watcher in (first, second):
        watcher.add_singleton(lambda name=watcher.holder_id: runs.append(name))
    try:
        first.run_cycle()
        second.run_cycle()
        first.run_cycle()  # gives half up: the highest shards, so it keeps shard 0
        second.run_cycle()
        assert 0 in first.shards.held and 0 not in second.shards.held
        assert second.shards.held  # the second polls too, but runs no singleton
    finally:
        first.stop()
        second.stop()
    assert runs == ["first", "first"]


def test_a_failing_singleton_job_stops_neither_the_others_nor_the_cycle(services, sink):
    ran: list[str] = []

    def failing() -> None:
        raise RuntimeError("expiry failed")

    watcher = WatcherService(services, sink, poll_seconds=1, holder_id="only")
    watcher.add_singleton(failing)
    watcher.add_singleton(lambda: ran.append("second job"))
    try:
        assert watcher.run_cycle() is not None
    finally:
        watcher.stop()
    assert ran == ["second job"]


def _timed_cycles(watcher) -> list[tuple[float, float]]:
    """(start, end) of every cycle the watcher runs from now on."""
    spans: list[tuple[float, float]] = []
    run = watcher.cycle.run

    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return run(*args, **kwargs)
        finally:
            spans.append((started, time.monotonic()))

    watcher.cycle.run = timed
    return spans


def test_a_cycle_longer_than_the_interval_is_followed_at_once_by_the_next(
    acc, services, sink, watch
):
    acc.state.add_agent(PATH)
    watch(PATH)
    watcher = WatcherService(services, sink, poll_seconds=1, holder_id="slow-acc")
    spans = _timed_cycles(watcher)
    acc.state.latency = 1.2  # one request takes longer than the interval
    watcher.start()
    try:
        _wait_for(lambda: len(spans) >= 3, timeout=10)
    finally:
        watcher.stop()
    (_, first_end), (second_start, second_end), (third_start, _) = spans[:3]
    # Not left idle until the next tick (up to another interval): every agent is behind.
    assert second_start - first_end < 0.5
    assert third_start - second_end < 0.5


def test_a_cycle_within_the_interval_waits_for_its_tick(acc, services, sink, watch):
    acc.state.add_agent(PATH)
    watch(PATH)
    watcher = WatcherService(services, sink, poll_seconds=1, holder_id="fast-acc")
    spans = _timed_cycles(watcher)
    watcher.start()
    try:
        _wait_for(lambda: len(spans) >= 2, timeout=10)
    finally:
        watcher.stop()
    (first_start, _), (second_start, _) = spans[:2]
    assert second_start - first_start > 0.8  # ACC is not asked more often than configured
