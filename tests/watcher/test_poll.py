"""Polling: pages grow until they overlap what was seen; requests run side by side, bounded."""

from __future__ import annotations

import threading
import time

from accbot.acc.errors import BackendUnreachable, NotFound
from accbot.watcher.poll import MAX_COUNT, Target, fetch_history, poll
from accbot.watching.observation import Observation


def _observation(agent_id: str, number: int) -> Observation:
    return Observation(
        kind="acc",
        stream="run",
        agent_id=agent_id,
        run_id=f"{agent_id}-r{number}",
        status="Failed",
        is_failure=True,
        is_finished=True,
        is_success=False,
    )


class FakeStream:
    """A history of ``length`` runs per agent, newest (highest number) first."""

    name = "run"
    backend = "ACC"

    def __init__(self, length: int = 100, *, delay: float = 0.0, errors=None) -> None:
        self.length = length
        self.delay = delay
        self.errors = errors or {}
        self.counts: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def fetch(self, services, agent_id: str, count: int) -> list[Observation]:
        with self._lock:
            self.counts.append(count)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
            if agent_id in self.errors:
                raise self.errors[agent_id]
            newest = self.length
            return [_observation(agent_id, n) for n in range(newest, max(0, newest - count), -1)]
        finally:
            with self._lock:
                self.in_flight -= 1

    def log_excerpt(self, services, log_ref):  # not used by polling
        raise AssertionError("polling never reads logs")


def _target(stream: FakeStream, agent_id: str = "a", seen_up_to: int | None = None) -> Target:
    seen = (
        frozenset()
        if seen_up_to is None
        else frozenset(f"{agent_id}-r{n}:" for n in range(1, seen_up_to + 1))
    )
    return Target("acc", agent_id, stream, seen)


def test_a_page_that_overlaps_at_once_is_one_request():
    stream = FakeStream(100)
    observations, requests = fetch_history(None, _target(stream, seen_up_to=95))
    assert (requests, stream.counts, len(observations)) == (1, [10], 10)


def test_a_page_of_nothing_but_new_runs_is_asked_again_larger_until_it_overlaps():
    stream = FakeStream(100)
    observations, requests = fetch_history(None, _target(stream, seen_up_to=70))
    assert stream.counts == [10, 40]
    assert requests == 2
    assert (
        len([o for o in observations if f"{o.run_id}:" not in _target(stream, seen_up_to=70).seen])
        == 30
    )


def test_a_short_history_is_complete_without_overlap():
    stream = FakeStream(7)
    fetch_history(None, _target(stream))
    assert stream.counts == [10]


def test_growth_stops_at_the_largest_page():
    stream = FakeStream(10_000)
    observations, _ = fetch_history(None, _target(stream))
    assert stream.counts[-1] == MAX_COUNT
    assert len(observations) == MAX_COUNT


def test_targets_are_fetched_side_by_side_but_never_more_than_the_limit():
    stream = FakeStream(5, delay=0.05)
    targets = [_target(stream, f"agent{i}") for i in range(12)]
    fetched = poll(None, targets, concurrency=4)
    assert stream.most_in_flight == 4
    assert [f.target.agent_id for f in fetched] == [f"agent{i}" for i in range(12)]
    assert all(f.ok and f.requests == 1 for f in fetched)


def test_one_agents_error_is_reported_and_stops_no_other():
    missing = NotFound("ACC has no agent gone", what="agent gone", status_code=404)
    stream = FakeStream(5, errors={"gone": missing})
    fetched = poll(None, [_target(stream, "gone"), _target(stream, "here")], concurrency=1)
    assert (fetched[0].error, fetched[0].unavailable) == (missing, False)
    assert fetched[1].ok


def test_once_the_backend_is_unreachable_requests_not_yet_started_are_skipped():
    down = BackendUnreachable("ACC is unreachable")
    stream = FakeStream(5, errors={f"agent{i}": down for i in range(5)})
    fetched = poll(None, [_target(stream, f"agent{i}") for i in range(5)], concurrency=1)
    assert fetched[0].unavailable
    assert all(f.skipped for f in fetched[1:])
    assert stream.counts == [10]
