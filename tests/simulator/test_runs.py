"""Starting runs, their progression over time, restart/retry, logs and data."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from accbot.simulator.models import RUN_METHODS
from tests.simulator.conftest import QUICK_RUN, TOKEN


def start(http, agent_id: str, **body) -> str:
    response = http.post(f"/api/agent/{agent_id}/cluster/start", json=body)
    assert response.status_code == 200, response.text
    ids = response.json()["agentRunHistoryIds"]
    assert len(ids) == 1
    return ids[0]


def test_a_started_run_goes_starting_running_then_succeeded(http, clock, agent_id):
    run_id = start(http, agent_id)
    first = http.get(f"/api/run/{run_id}").json()
    assert (first["status"], first["statusMessage"], first["endTime"]) == (1, "Starting", None)
    clock.advance(6)
    assert http.get(f"/api/run/{run_id}").json()["status"] == 2
    clock.advance(5)
    done = http.get(f"/api/run/{run_id}").json()
    assert (done["status"], done["statusMessage"], done["errors"]) == (4, "Completed", 0)
    assert done["runTime"] == "00:00:10"
    assert done["endTime"].endswith("+10:00") and len(done["endTime"].split(".")[1]) == 13


def test_scripted_outcomes_decide_successive_runs_and_failed_logs_have_error_lines(
    http, clock, state, agent_id
):
    state.script_outcomes(agent_id, [5, 4])
    failed, succeeded = start(http, agent_id), start(http, agent_id)
    clock.advance(11)
    history = http.get(f"/api/agent/{agent_id}/history").json()
    assert [(r["agentRunHistoryId"], r["status"]) for r in history] == [
        (succeeded, 4),
        (failed, 5),
    ]
    assert history[1]["errors"] > 0
    log = zipfile.ZipFile(io.BytesIO(http.get(f"/api/run/{failed}/log").content))
    (name,) = log.namelist()
    assert name.endswith(".log")
    assert "Error" in log.read(name).decode()


def test_start_body_fields_reach_the_run(http, state, agent_id):
    state.add_input(agent_id, "urls.csv", b"URL\r\nhttp://x\r\n")
    run_id = start(
        http,
        agent_id,
        sessionId="s1",
        logLevel=3,
        isProductionRun=False,
        inputParameters=json.dumps({"a": "1"}),
        inputFiles=["urls.csv"],
    )
    run = http.get(f"/api/run/{run_id}").json()
    assert (run["sessionId"], run["logLevel"], run["isProductionRun"]) == ("s1", 3, False)
    assert json.loads(run["inputParameters"]) == {"a": "1", "input_file_1": "urls.csv"}


def test_start_by_path(http, agent_id):
    response = http.post(
        "/api/agent/cluster/start", params={"agentPath": "acme/Tests/fresh"}, json={}
    )
    run_id = response.json()["agentRunHistoryIds"][0]
    assert http.get(f"/api/run/{run_id}").json()["agentId"] == agent_id


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"inputParameters": {"a": "1"}}, "inputParameters"),
        ({"inputParameters": "not json"}, "inputParameters"),
        ({"inputFiles": ["missing.csv"]}, "missing.csv"),
        ({"useMultipleSessions": True, "sessionId": "s1"}, "useMultipleSessions"),
        ({"logLevel": 4}, "logLevel"),
        ({"isSynchronous": True, "synchronousDataDelivery": "Xml"}, "synchronousDataDelivery"),
    ],
)
def test_invalid_start_bodies_are_400_with_a_reason(http, agent_id, body, fragment):
    response = http.post(f"/api/agent/{agent_id}/cluster/start", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["message"]


def test_start_body_that_is_not_json_is_400(http, agent_id):
    response = http.post(
        f"/api/agent/{agent_id}/cluster/start",
        content=b"{logLevel:",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400


@pytest.fixture
def realtime(sim):
    """The simulator on the real clock with fast runs, for synchronous starts."""
    sim.state.reset(seed=False, run_duration=0.2)
    agent = sim.state.add_agent(
        "acme/Sync/agent", data_files={"one.csv": b"a,b\r\n1,2\r\n", "two.csv": b"x\r\n"}
    )
    return sim, agent["agentId"]


def _sync(realtime, **body):
    import httpx

    server, agent_id = realtime
    return httpx.post(
        f"{server.url}/api/agent/{agent_id}/cluster/start",
        json={"isSynchronous": True, **body},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )


def test_synchronous_start_waits_for_the_end_and_returns_the_run_id(realtime):
    server, _ = realtime
    response = _sync(realtime)
    run_id = response.json()["agentRunHistoryIds"][0]
    assert server.state.run(run_id)["status"] == 4


def test_synchronous_plain_delivery_returns_the_first_data_file(realtime):
    response = _sync(realtime, synchronousDataDelivery="Plain")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.content == b"a,b\r\n1,2\r\n"


def test_synchronous_zip_delivery_returns_all_data_files(realtime):
    response = _sync(realtime, synchronousDataDelivery="Zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["one.csv", "two.csv"]


def test_a_synchronous_run_past_its_timeout_is_stopped(realtime):
    server, _ = realtime
    server.state.run_duration = 5.0
    run_id = _sync(realtime, synchronousTimeout=1).json()["agentRunHistoryIds"][0]
    assert server.state.run(run_id)["status"] == 6


def test_restart_starts_the_same_run_over(http, clock, state, agent_id):
    run_id = state.add_run(agent_id, 5, errors=2)["agentRunHistoryId"]
    assert http.post(f"/api/run/{run_id}/restart").status_code == 200
    run = http.get(f"/api/run/{run_id}").json()
    assert (run["status"], run["errors"]) == (1, 0)
    assert state.restarts == [run_id]
    assert http.post(f"/api/run/{run_id}/restart").status_code == 400  # still active


@pytest.mark.parametrize("method", RUN_METHODS)
def test_retry_accepts_each_documented_method(http, state, agent_id, method):
    run_id = state.add_run(agent_id, 5)["agentRunHistoryId"]
    assert http.post(f"/api/run/{run_id}/retry", params={"RunMethod": method}).status_code == 200
    assert state.retries == [(run_id, method)]


def test_retry_defaults_to_continue_and_retry_errors_refresh_agent(http, state, agent_id):
    run_id = state.add_run(agent_id, 5)["agentRunHistoryId"]
    http.post(f"/api/run/{run_id}/retry")
    assert state.retries == [(run_id, "ContinueAndRetryErrorsRefreshAgent")]


def test_retry_with_an_unknown_method_is_400(http, state, agent_id):
    run_id = state.add_run(agent_id, 5)["agentRunHistoryId"]
    response = http.post(f"/api/run/{run_id}/retry", params={"RunMethod": "Again"})
    assert response.status_code == 400
    assert state.retries == []


def test_history_is_newest_first_and_honours_count(http, state, agent_id):
    ids = [state.add_run(agent_id, 4)["agentRunHistoryId"] for _ in range(3)]
    history = http.get(f"/api/agent/{agent_id}/history", params={"count": 2}).json()
    assert [r["agentRunHistoryId"] for r in history] == ids[::-1][:2]
    assert http.get(f"/api/agent/{agent_id}/history", params={"count": "x"}).status_code == 400


def test_set_run_status_freezes_a_run(http, clock, agent_id, state):
    run_id = start(http, agent_id)
    state.set_run_status(run_id, 7, errors=4)
    clock.advance(60)
    run = http.get(f"/api/run/{run_id}").json()
    assert (run["status"], run["statusMessage"], run["errors"]) == (7, "Failure", 4)


def test_run_data_backup_is_a_zip_and_missing_data_is_404(http, state, agent_id):
    succeeded = state.add_run(agent_id, 4)["agentRunHistoryId"]
    failed = state.add_run(agent_id, 5)["agentRunHistoryId"]
    archive = zipfile.ZipFile(io.BytesIO(http.get(f"/api/run/{succeeded}/backup").content))
    assert archive.read("fresh.csv") == b"A,B\r\n1,2\r\n"
    assert http.get(f"/api/run/{failed}/backup").status_code == 404


def test_seeded_sample_run_has_a_log_and_data(http):
    assert http.get(f"/api/run/{QUICK_RUN}/log").status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(http.get(f"/api/run/{QUICK_RUN}/backup").content))
    assert archive.namelist() == ["quick.csv"]


def test_add_runs_adds_one_run_to_each_agent(http, state):
    agents = [state.add_agent(f"storm/agent{n}")["agentId"] for n in range(3)]
    runs = state.add_runs(agents, 5, errors=1)
    newest = [http.get(f"/api/agent/{a}/history").json()[0] for a in agents]
    assert [r["agentRunHistoryId"] for r in newest] == [r["agentRunHistoryId"] for r in runs]
    assert [(r["status"], r["errors"]) for r in newest] == [(5, 1)] * 3
