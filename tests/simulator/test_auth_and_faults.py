"""Authentication, the request log and the fault knobs (failures, hangs, latency)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from accbot.simulator.app import until
from tests.simulator.conftest import QUICK


def test_a_request_without_a_token_is_refused_with_401(sim):
    response = httpx.get(f"{sim.url}/api/agent", params={"agentPath": "sequentum/Test2/quick"})
    assert response.status_code == 401
    assert "message" in response.json()


def test_a_wrong_token_is_refused_with_401(sim):
    response = httpx.get(
        f"{sim.url}/api/agent/{QUICK}/history", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_the_request_log_records_method_path_query_body_but_not_the_token(http, state):
    http.post(
        f"/api/run/{'9040f86d-bbc1-4038-9868-501145cc2370'}/retry", params={"RunMethod": "New"}
    )
    recorded = state.requests[-1]
    assert (recorded.method, recorded.path, recorded.query) == (
        "POST",
        "/api/run/9040f86d-bbc1-4038-9868-501145cc2370/retry",
        {"RunMethod": "New"},
    )
    assert "sim-test-token" not in repr(recorded)
    assert state.count_requests("POST", "/api/run/") == 1
    assert state.count_requests("GET", "/api/run/") == 0


def test_fail_next_answers_the_next_requests_with_the_given_status_then_recovers(http, state):
    state.fail_next(2, status=502)
    statuses = [http.get(f"/api/agent/{QUICK}/history").status_code for _ in range(3)]
    assert statuses == [502, 502, 200]


def test_hang_next_delays_long_enough_for_a_client_timeout(http, state):
    state.hang_next(1, seconds=1.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get(f"/api/agent/{QUICK}/history", timeout=0.2)
    assert http.get(f"/api/agent/{QUICK}/history").status_code == 200


def test_latency_is_added_to_every_request(http, state):
    state.latency = 0.2
    started = time.monotonic()
    http.get(f"/api/agent/{QUICK}/history")
    assert time.monotonic() - started >= 0.2


def test_concurrent_reads_are_each_answered_their_latency_after_they_arrived(http, state):
    def timed_read(_: int) -> float:
        started = time.monotonic()
        http.get(f"/api/agent/{QUICK}/history").raise_for_status()
        return time.monotonic() - started

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(timed_read, range(8)))  # connections open
        state.latency = 0.3
        took = list(pool.map(timed_read, range(8)))
    assert min(took) >= 0.3
    assert max(took) < 0.3 + 0.25  # not the latency plus the seven others' work


def test_a_write_acts_only_when_its_answer_is_due(http, state):
    state.latency = 0.5
    runs_before = len(state.history(QUICK, 100))
    with ThreadPoolExecutor(1) as pool:
        started = pool.submit(http.post, f"/api/agent/{QUICK}/cluster/start", json={})
        time.sleep(0.25)
        assert len(state.history(QUICK, 100)) == runs_before  # not yet
        assert started.result().status_code == 200
    assert len(state.history(QUICK, 100)) == runs_before + 1


def test_unknown_routes_and_ids_answer_404_with_a_message(http):
    assert http.get("/api/nothing/here").status_code == 404
    response = http.get("/api/run/00000000-0000-0000-0000-000000000001")
    assert response.status_code == 404
    assert "not found" in response.json()["message"]


def test_a_malformed_guid_is_a_400(http):
    response = http.get("/api/run/a2f6782850-7c89-4e05-a30a-034aa980ee6c")
    assert response.status_code == 400
    assert "GUID" in response.json()["message"]


def test_an_answer_waits_until_its_due_time_never_less():
    async def waited(latency: float) -> float:
        loop = asyncio.get_running_loop()
        due = loop.time() + latency
        await until(loop, due)
        return loop.time() - due

    late = [asyncio.run(waited(latency)) for latency in (0.0, 0.0004, 0.003, 0.02)]
    assert all(seconds >= 0 for seconds in late)
