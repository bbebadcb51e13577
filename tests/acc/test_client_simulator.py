"""AccClient against the simulator over real loopback sockets: every endpoint, end to end.

Each test checks both sides: what the client returns, and what the simulator recorded
(bodies, query strings, content types) or now holds. Tests that change state use an agent
of their own (``fresh_agent``); the seeded ``sequentum/Test2/quick`` is only read.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from accbot.acc import zips
from accbot.acc.client import AccClient
from accbot.acc.errors import (
    BackendTimeout,
    BackendUnreachable,
    BadRequest,
    NotFound,
    ServerError,
    Unauthorized,
)
from accbot.acc.models import (
    DataDelivery,
    JobStartRequest,
    JobStatus,
    RunMethod,
    RunStatus,
    ScheduleRequest,
    ServerCheckRequest,
    StartRequest,
)
from tests.acc import samples
from tests.acc.conftest import closed_port

QUICK_PATH = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
QUICK_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
AEST = timezone(timedelta(hours=10))


def recorded(sim, method: str, fragment: str):
    """The last request the simulator saw with ``method`` and ``fragment`` in its path."""
    matches = [r for r in sim.state.requests if r.method == method and fragment in r.path]
    assert matches, f"the simulator saw no {method} …{fragment}…"
    return matches[-1]


def finished_run(sim, agent_id: str, status: int = 5) -> str:
    return sim.state.add_run(agent_id, status, errors=2)["agentRunHistoryId"]


# ----------------------------------------------------------------- agents


def test_get_agent_returns_the_documents_agent(sim_acc):
    agent = sim_acc.get_agent(QUICK_PATH)
    assert agent.agent_id == QUICK_ID
    assert agent.name == "quick"
    assert agent.directory_id == "45e52cf1-b2a1-4f37-b670-4582c08a8df8"


def test_get_agent_unknown_path_is_not_found(sim_acc):
    with pytest.raises(NotFound) as info:
        sim_acc.get_agent("sequentum/Test2/does-not-exist")
    assert info.value.what == "agent sequentum/Test2/does-not-exist"


def test_start_agent_sends_input_parameters_as_a_json_string(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    request = StartRequest(
        log_level=2,
        is_production_run=False,
        input_parameters={"input1": "my input 1", "q": 'a "b"'},
    )
    result = sim_acc.start_agent(agent_id, request)
    (run_id,) = result.run_history_ids
    sent = json.loads(recorded(acc_simulator, "POST", f"{agent_id}/cluster/start").body)
    assert isinstance(sent["inputParameters"], str)
    assert json.loads(sent["inputParameters"]) == {"input1": "my input 1", "q": 'a "b"'}
    assert sent["logLevel"] == 2 and sent["isProductionRun"] is False
    run = sim_acc.get_run(run_id)
    assert run.agent_id == agent_id
    assert run.input_parameters == {"input1": "my input 1", "q": 'a "b"'}
    assert run.log_level == 2 and run.is_production_run is False


def test_start_agent_by_path(acc_simulator, sim_acc, fresh_agent):
    path, agent_id = fresh_agent
    (run_id,) = sim_acc.start_agent_by_path(path, StartRequest()).run_history_ids
    request = recorded(acc_simulator, "POST", "agent/cluster/start")
    assert request.query == {"agentPath": path}
    assert sim_acc.get_run(run_id).agent_id == agent_id


def test_start_of_an_unknown_agent_is_not_found(sim_acc):
    with pytest.raises(NotFound):
        sim_acc.start_agent_by_path("sequentum/nope/nope", StartRequest())


def test_synchronous_start_returns_plain_data(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    request = StartRequest(
        is_synchronous=True, synchronous_timeout=10, synchronous_data_delivery=DataDelivery.PLAIN
    )
    result = sim_acc.start_agent(agent_id, request)
    assert result.run_history_ids == []
    assert result.data == b"URL,Value\r\nhttps://www.example.com/agent,1\r\n"
    assert result.content_type.startswith("text/plain")


def test_synchronous_start_returns_a_zip_of_all_data(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    request = StartRequest(is_synchronous=True, synchronous_data_delivery=DataDelivery.ZIP)
    result = sim_acc.start_agent(agent_id, request)
    assert result.content_type == "application/zip"
    assert [e.name for e in zips.list_files(result.data)] == ["agent.csv"]
    sent = json.loads(recorded(acc_simulator, "POST", f"{agent_id}/cluster/start").body)
    assert sent == {"isSynchronous": True, "synchronousDataDelivery": "Zip"}


def test_synchronous_start_without_delivery_returns_the_finished_run(sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    (run_id,) = sim_acc.start_agent(agent_id, StartRequest(is_synchronous=True)).run_history_ids
    assert sim_acc.get_run(run_id).status is RunStatus.SUCCEEDED


@pytest.mark.parametrize(("approved", "flag"), [(False, "True"), (True, "False")])
def test_approval_sends_the_message_as_a_json_string(
    acc_simulator, sim_acc, fresh_agent, approved, flag
):
    _, agent_id = fresh_agent
    sim_acc.set_approval(agent_id, approved, "Approved in Slack")
    request = recorded(acc_simulator, "POST", f"{agent_id}/toggleAgentApproval/{flag}")
    assert request.body == b'"Approved in Slack"'
    assert request.content_type.startswith("application/json")
    approval = acc_simulator.state.approval(agent_id)
    assert approval.approved is approved
    assert approval.messages[-1] == "Approved in Slack"


# ------------------------------------------------------------------- runs


def test_get_run_returns_the_documents_run_exactly(sim_acc):
    run = sim_acc.get_run(QUICK_RUN)
    assert run.agent_id == QUICK_ID
    assert run.status is RunStatus.SUCCEEDED
    assert run.start_time == datetime(2019, 5, 21, 13, 52, 14, 302012, AEST)
    assert run.run_time == timedelta(seconds=8, microseconds=967783)
    assert run.log_path == "quick-2019_05_21-01_52_14.log"


def test_get_run_unknown_is_not_found(sim_acc):
    missing = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(NotFound) as info:
        sim_acc.get_run(missing)
    assert info.value.what == f"run {missing}"


def test_run_history_is_newest_first_and_honours_count(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    older = finished_run(acc_simulator, agent_id, 4)
    newer = finished_run(acc_simulator, agent_id, 5)
    runs = sim_acc.get_run_history(agent_id)
    assert [r.run_history_id for r in runs] == [newer, older]
    assert runs[0].status is RunStatus.FAILED and runs[0].errors == 2
    assert [r.run_history_id for r in sim_acc.get_run_history(agent_id, count=1)] == [newer]
    assert recorded(acc_simulator, "GET", f"{agent_id}/history").query == {"count": "1"}


def test_restart_run(acc_simulator, sim_acc, fresh_agent):
    run_id = finished_run(acc_simulator, fresh_agent[1])
    sim_acc.restart_run(run_id)
    assert acc_simulator.state.restarts[-1] == run_id
    assert sim_acc.get_run(run_id).status in (RunStatus.STARTING, RunStatus.RUNNING)


@pytest.mark.parametrize("method", [None, RunMethod.RESTART, RunMethod.CONTINUE_AND_RETRY_ERRORS])
def test_retry_run_with_its_method(acc_simulator, sim_acc, fresh_agent, method):
    run_id = finished_run(acc_simulator, fresh_agent[1])
    if method is None:
        sim_acc.retry_run(run_id)
    else:
        sim_acc.retry_run(run_id, method)
    expected = (method or RunMethod.CONTINUE_AND_RETRY_ERRORS_REFRESH_AGENT).value
    assert acc_simulator.state.retries[-1] == (run_id, expected)
    assert recorded(acc_simulator, "POST", f"{run_id}/retry").query == {"RunMethod": expected}


def test_restart_of_an_unknown_run_is_not_found(sim_acc):
    with pytest.raises(NotFound):
        sim_acc.restart_run("00000000-0000-0000-0000-000000000001")


def test_run_log_is_a_zip_with_the_error_lines(acc_simulator, sim_acc, fresh_agent):
    run_id = finished_run(acc_simulator, fresh_agent[1], status=5)
    archive = sim_acc.get_run_log(run_id)
    (entry,) = zips.list_files(archive)
    assert entry.name.endswith(".log")
    errors = zips.error_lines(zips.read_text(archive))
    assert errors and all("error" in line.lower() for line in errors)


def test_run_data_is_a_zip_of_the_exported_files(acc_simulator, sim_acc, fresh_agent):
    run_id = finished_run(acc_simulator, fresh_agent[1], status=4)
    archive = sim_acc.get_run_data(run_id)
    names = [e.name for e in zips.list_files(archive)]
    assert names == ["agent.csv"]
    assert zips.read_text(archive).startswith("URL,Value")


# ------------------------------------------------------------------- jobs


def test_job_start_and_reads(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    started = sim_acc.start_job(
        agent_id, JobStartRequest(log_level=1, input_parameters={"par1": "2000"})
    )
    sent = json.loads(recorded(acc_simulator, "POST", f"job/{agent_id}/start").body)
    assert json.loads(sent["inputParameters"]) == {"par1": "2000"}
    assert started.job_run_id == 1

    job = sim_acc.get_job_run(started.job_history_id)
    assert job.agent_id == agent_id and job.run_id == 1
    assert job.status in (JobStatus.IN_PROGRESS, JobStatus.SUCCEEDED)

    (latest,) = sim_acc.get_job_history(agent_id, count=1)
    assert latest.job_history_id == started.job_history_id

    (run,) = sim_acc.get_job_run_agent_runs(agent_id, started.job_run_id)
    assert run.run_id == 1 and run.input_parameters == {"par1": "2000"}


def test_a_second_job_while_one_runs_is_refused(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    acc_simulator.state.add_job_run(agent_id, JobStatus.IN_PROGRESS)
    with pytest.raises(BadRequest, match="cannot run simultaneously"):
        sim_acc.start_job(agent_id, JobStartRequest())


def test_job_history_of_the_document(sim_acc):
    jobs = sim_acc.get_job_history(QUICK_ID, count=2)
    assert [j.job_history_id for j in jobs] == [
        "6ef84ec7-d5e6-4a98-bbfa-0b67355a648f",
        "156aba0d-bb4f-4244-96ef-73d89aaa47ec",
    ]
    assert jobs[0].start_time == datetime(2019, 5, 19, 15, 55, 47, 422521, AEST)


def test_set_latest_job_status(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    job = acc_simulator.state.add_job_run(agent_id, JobStatus.IN_PROGRESS)
    sim_acc.set_latest_job_status(agent_id, JobStatus.FAILED)
    assert json.loads(recorded(acc_simulator, "POST", f"job/{agent_id}/status").body) == {
        "status": 5
    }
    assert sim_acc.get_job_run(job["agentJobHistoryId"]).status is JobStatus.FAILED


def test_job_logs_and_data_are_zips(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    acc_simulator.state.run_duration = 0.0
    try:
        started = sim_acc.start_job(agent_id, JobStartRequest())
    finally:
        acc_simulator.state.run_duration = 0.5
    assert sim_acc.get_job_run(started.job_history_id).status is JobStatus.SUCCEEDED
    logs = sim_acc.get_job_logs(started.job_history_id)
    assert zips.read_text(logs)
    data = sim_acc.get_job_data(started.job_history_id)
    assert [e.name.rsplit("/", 1)[-1] for e in zips.list_files(data)] == ["agent.csv"]


def test_unknown_job_run_is_not_found(sim_acc):
    with pytest.raises(NotFound) as info:
        sim_acc.get_job_logs("00000000-0000-0000-0000-000000000002")
    assert info.value.what == "logs of job run 00000000-0000-0000-0000-000000000002"
    assert "Job run 00000000-0000-0000-0000-000000000002 not found" in str(info.value)


# -------------------------------------------------------------- schedules


def test_the_documents_schedule(sim_acc):
    (schedule,) = sim_acc.get_schedules(QUICK_ID)
    assert schedule.schedule_id == "d9c944df-93a7-ea77-f7b7-fa0b9c579917"
    assert schedule.time_zone_id == "AUS Eastern Standard Time"
    assert schedule.is_enabled is True


def test_schedule_lifecycle(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    first = "b4cdc56a-2c16-4b1b-a135-b4e687f8bc95"
    second = "c5ded67b-3d27-4c2c-b246-c5f798f9cd06"
    for schedule_id in (first, second):
        sim_acc.save_schedule(
            agent_id,
            ScheduleRequest(
                schedule_id=schedule_id,
                cron="0 0 6 * * ?",
                start_time="2019-07-16T11:21:20",
                time_zone_id="AUS Eastern Standard Time",
                input_parameters={"par1": "2000", "par2": "5000"},
            ),
        )
    sent = json.loads(recorded(acc_simulator, "POST", f"job/{agent_id}/schedule").body)
    assert sent["inputParameters"] == '{"par1":"2000","par2":"5000"}'
    schedules = {s.schedule_id: s for s in sim_acc.get_schedules(agent_id)}
    assert set(schedules) == {first, second}
    assert schedules[first].cron_description
    assert schedules[first].input_parameters == {"par1": "2000", "par2": "5000"}

    sim_acc.set_schedule_enabled(first, False)
    assert {s.schedule_id: s.is_enabled for s in sim_acc.get_schedules(agent_id)} == {
        first: False,
        second: True,
    }
    sim_acc.set_all_schedules_enabled(agent_id, False)
    assert not any(s.is_enabled for s in sim_acc.get_schedules(agent_id))
    sim_acc.set_all_schedules_enabled(agent_id, True)
    assert all(s.is_enabled for s in sim_acc.get_schedules(agent_id))
    sim_acc.set_schedule_enabled(second, False)
    assert recorded(acc_simulator, "POST", f"schedule/{second}/off")

    sim_acc.start_schedule(first)
    (job,) = sim_acc.get_job_history(agent_id)
    (run,) = sim_acc.get_job_run_agent_runs(agent_id, job.run_id)
    assert run.job_schedule_id == first

    sim_acc.delete_schedule(first)
    assert [s.schedule_id for s in sim_acc.get_schedules(agent_id)] == [second]
    sim_acc.delete_all_schedules(agent_id)
    assert sim_acc.get_schedules(agent_id) == []


def test_a_bad_cron_is_a_bad_request_with_accs_message(sim_acc, fresh_agent):
    request = ScheduleRequest(
        schedule_id="d1e2f3a4-0000-4000-8000-000000000000",
        cron="every day",
        start_time="2019-07-16T11:21:20",
        time_zone_id="AUS Eastern Standard Time",
    )
    with pytest.raises(BadRequest) as info:
        sim_acc.save_schedule(fresh_agent[1], request)
    assert "every day" in (info.value.detail or "")


@pytest.mark.parametrize(
    "call",
    [
        lambda acc, sid: acc.delete_schedule(sid),
        lambda acc, sid: acc.start_schedule(sid),
        lambda acc, sid: acc.set_schedule_enabled(sid, True),
    ],
)
def test_unknown_schedule_is_not_found(sim_acc, call):
    missing = "00000000-0000-0000-0000-000000000003"
    with pytest.raises(NotFound) as info:
        call(sim_acc, missing)
    assert info.value.what == f"schedule {missing}"


# ----------------------------------------------------------------- inputs


def test_csv_input_is_stored_verbatim(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    sim_acc.upload_input_csv(agent_id, "input.csv", samples.CSV_INPUT)
    request = recorded(acc_simulator, "POST", f"agent/{agent_id}/csv")
    assert request.query == {"name": "input.csv"}
    assert request.content_type.startswith("text/plain")
    assert acc_simulator.state.inputs(agent_id)["input.csv"].content == samples.CSV_INPUT.encode()


def test_input_files_upload_disable_and_delete(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("inner.csv", "URL\r\nhttps://b.example\r\n")
    files = [
        ("input1.csv", b"URL\r\nhttps://a.example\r\n"),
        ("words.txt", b"alpha\nbeta\n"),
        ("more.zip", bundle.getvalue()),
    ]
    sim_acc.upload_input_files(agent_id, files)
    request = recorded(acc_simulator, "POST", f"agent/{agent_id}/files")
    assert request.content_type.startswith("multipart/form-data")
    stored = acc_simulator.state.inputs(agent_id)
    assert {name: f.content for name, f in stored.items()} == {
        "input1.csv": b"URL\r\nhttps://a.example\r\n",
        "words.txt": b"alpha\nbeta\n",
        "inner.csv": b"URL\r\nhttps://b.example\r\n",
    }

    # an uploaded input can be used by a start, as input_file_1
    (run_id,) = sim_acc.start_agent(
        agent_id, StartRequest(input_files=["input1.csv"])
    ).run_history_ids
    assert sim_acc.get_run(run_id).input_parameters == {"input_file_1": "input1.csv"}

    sim_acc.disable_inputs(agent_id)
    assert not any(f.enabled for f in acc_simulator.state.inputs(agent_id).values())
    with pytest.raises(BadRequest, match="disabled"):
        sim_acc.start_agent(agent_id, StartRequest(input_files=["input1.csv"]))

    sim_acc.delete_inputs(agent_id)
    assert acc_simulator.state.inputs(agent_id) == {}


# ----------------------------------------------------------------- server


def test_check_server(acc_simulator, sim_acc):
    acc_simulator.state.add_server("10.1.2.3", 8004, "k-123")
    status = sim_acc.check_server(ServerCheckRequest(key="k-123", ip_address="10.1.2.3", port=8004))
    assert status.is_error is False
    assert "10.1.2.3:8004" in status.message
    sent = json.loads(recorded(acc_simulator, "POST", "server/check").body)
    assert sent == {
        "key": "k-123",
        "ipAddress": "10.1.2.3",
        "port": 8004,
        "useSsl": False,
        "serverRefresh": True,
    }
    wrong = sim_acc.check_server(ServerCheckRequest(key="nope", ip_address="10.1.2.3", port=8004))
    assert wrong.is_error is True


# ------------------------------------------------- failures over real sockets


def test_a_wrong_token_is_unauthorized(acc_simulator):
    wrong = "not-the-token-4711"  # noqa: S105
    with AccClient(acc_simulator.url, wrong, max_retries=0) as client:
        with pytest.raises(Unauthorized) as info:
            client.get_run(QUICK_RUN)
    assert wrong not in str(info.value) and wrong not in repr(info.value)


def test_gets_ride_out_transient_5xx(acc_simulator, sim_acc):
    before = acc_simulator.state.count_requests("GET", f"/api/run/{QUICK_RUN}")
    acc_simulator.state.fail_next(2, status=503)
    assert sim_acc.get_run(QUICK_RUN).run_history_id == QUICK_RUN
    assert acc_simulator.state.count_requests("GET", f"/api/run/{QUICK_RUN}") - before == 3


def test_a_start_is_sent_once_even_when_acc_fails(acc_simulator, sim_acc, fresh_agent):
    _, agent_id = fresh_agent
    acc_simulator.state.fail_next(1, status=503)
    with pytest.raises(ServerError):
        sim_acc.start_agent(agent_id, StartRequest())
    assert acc_simulator.state.count_requests("POST", f"/api/agent/{agent_id}/cluster/start") == 1
    assert sim_acc.get_run_history(agent_id) == []


def test_a_start_is_sent_once_when_acc_is_slow(acc_simulator, fresh_agent):
    _, agent_id = fresh_agent
    acc_simulator.state.hang_next(1, 1.5)
    with AccClient(acc_simulator.url, "test-token", timeout=0.3, backoff=0) as client:
        with pytest.raises(BackendTimeout):
            client.start_agent(agent_id, StartRequest())
    assert acc_simulator.state.count_requests("POST", f"/api/agent/{agent_id}/cluster/start") == 1


def test_gets_retry_after_a_timeout(acc_simulator):
    acc_simulator.state.hang_next(1, 1.5)
    with AccClient(acc_simulator.url, "test-token", timeout=0.3, backoff=0) as client:
        assert client.get_run(QUICK_RUN).run_history_id == QUICK_RUN


def test_nothing_listening_is_unreachable():
    with AccClient(
        f"http://127.0.0.1:{closed_port()}", "test-token", max_retries=1, backoff=0
    ) as client:
        with pytest.raises(BackendUnreachable):
            client.get_agent(QUICK_PATH)


def test_a_download_over_the_limit_stops_with_response_too_large(acc_simulator, fresh_agent):
    import os

    from accbot.acc.errors import ResponseTooLarge

    _, agent_id = fresh_agent
    run = acc_simulator.state.add_run(agent_id, 4, data_files={"big.bin": os.urandom(300_000)})
    with AccClient(acc_simulator.url, "test-token", max_download_bytes=100_000) as client:
        with pytest.raises(ResponseTooLarge) as info:
            client.get_run_data(run["agentRunHistoryId"])
        assert info.value.limit == 100_000
        assert zips.list_files(client.get_run_log(run["agentRunHistoryId"]))  # small ones pass
