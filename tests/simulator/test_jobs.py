"""Job runs: start, the one-job-at-a-time rule, their agent runs, status, logs and data."""

from __future__ import annotations

import io
import zipfile

MULTIPLE = "Multiple job for the same agent cannot run simultaneously"


def test_job_start_returns_its_id_and_an_increasing_run_number(http, clock, agent_id):
    first = http.post(f"/api/job/{agent_id}/start", json={"logLevel": 2}).json()
    assert set(first) == {"agentJobHistoryId", "jobRunId"} and first["jobRunId"] == 1
    clock.advance(11)
    second = http.post(f"/api/job/{agent_id}/start", json={}).json()
    assert second["jobRunId"] == 2


def test_a_second_job_while_one_is_in_progress_is_409(http, agent_id):
    http.post(f"/api/job/{agent_id}/start", json={})
    response = http.post(f"/api/job/{agent_id}/start", json={})
    assert response.status_code == 409
    assert response.json()["message"] == MULTIPLE


def test_a_job_follows_its_agent_run_to_the_end(http, clock, state, agent_id):
    state.script_outcomes(agent_id, [5])
    job_id = http.post(f"/api/job/{agent_id}/start", json={}).json()["agentJobHistoryId"]
    assert http.get(f"/api/job/run/{job_id}").json()["status"] == 1
    clock.advance(11)
    job = http.get(f"/api/job/run/{job_id}").json()
    assert (job["status"], job["completedRunCount"], job["totalErrors"]) == (5, 1, 3)
    assert http.get(f"/api/job/{agent_id}/history").json()[0] == job


def test_agent_runs_of_a_job_run_are_found_by_the_job_run_number(http, state, agent_id):
    state.add_run(agent_id, 4)  # not part of any job
    number = http.post(f"/api/job/{agent_id}/start", json={}).json()["jobRunId"]
    runs = http.get(f"/api/agent/{agent_id}/run/{number}/history").json()
    assert len(runs) == 1 and runs[0]["runId"] == number
    assert http.get(f"/api/agent/{agent_id}/run/99/history").json() == []


def test_set_latest_job_status(http, state, agent_id):
    state.add_job_run(agent_id, 3)
    latest = state.add_job_run(agent_id, 1)
    assert http.post(f"/api/job/{agent_id}/status", json={"status": 5}).status_code == 200
    assert state.job(latest["agentJobHistoryId"])["status"] == 5
    assert http.post(f"/api/job/{agent_id}/status", json={"status": 9}).status_code == 400


def test_set_status_without_any_job_run_is_404(http, agent_id):
    assert http.post(f"/api/job/{agent_id}/status", json={"status": 3}).status_code == 404


def test_job_logs_and_data_are_zips_of_its_runs(http, clock, agent_id):
    job_id = http.post(f"/api/job/{agent_id}/start", json={}).json()["agentJobHistoryId"]
    clock.advance(11)
    logs = zipfile.ZipFile(io.BytesIO(http.get(f"/api/job/run/{job_id}/logs").content))
    assert len(logs.namelist()) == 1 and logs.namelist()[0].endswith(".log")
    data = zipfile.ZipFile(io.BytesIO(http.get(f"/api/job/run/{job_id}/backup").content))
    assert [name.rsplit("/", 1)[-1] for name in data.namelist()] == ["fresh.csv"]


def test_unknown_job_run_is_404(http):
    assert http.get("/api/job/run/00000000-0000-0000-0000-0000000000aa").status_code == 404
