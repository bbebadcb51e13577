"""Models parse the ACC API document's own sample payloads and build its sample bodies."""

import json
from datetime import datetime, timedelta, timezone

from accbot.acc.models import (
    Agent,
    AgentRun,
    DataDelivery,
    JobRun,
    JobStartRequest,
    JobStartResult,
    JobStatus,
    RunStatus,
    Schedule,
    ScheduleRequest,
    ScheduleStatus,
    ServerCheckRequest,
    ServerStatus,
    StartRequest,
    parse_input_parameters,
    usage_percent,
)
from tests.acc import samples

AEST = timezone(timedelta(hours=10))


def test_agent_from_document_sample():
    agent = Agent.from_json(json.loads(samples.AGENT), path="sequentum/Test2/quick")
    assert agent == Agent(
        agent_id="a2f22850-7c88-4e05-a30a-004aa980ee6c",
        name="quick",
        directory_id="45e52cf1-b2a1-4f37-b670-4582c08a8df8",
        description=None,
        path="sequentum/Test2/quick",
    )


def test_agent_run_from_document_sample():
    run = AgentRun.from_json(json.loads(samples.RUN))
    assert run.run_history_id == "9040f86d-bbc1-4038-9868-501145cc2370"
    assert run.agent_id == "a2f22850-7c88-4e05-a30a-004aa980ee6c"
    assert run.status is RunStatus.SUCCEEDED
    assert run.status.is_finished and not run.status.is_failure
    assert run.run_id == 0
    assert run.session_id is None and run.job_schedule_id is None
    assert run.server_ip == "127.0.0.1"
    assert run.start_time == datetime(2019, 5, 21, 13, 52, 14, 302012, AEST)
    assert run.end_time == datetime(2019, 5, 21, 13, 52, 23, 656824, AEST)
    assert run.expected_end_time is None
    assert run.run_time == timedelta(seconds=8, microseconds=967783)
    assert run.last_updated == datetime(2019, 5, 21, 13, 52, 23, 656843, AEST)
    assert (run.volume, run.request_count, run.data_count, run.errors) == (25, 33, 1, 0)
    assert run.status_message == "Completed"
    assert run.log_path == "quick-2019_05_21-01_52_14.log"
    assert run.input_parameters == {}
    assert run.is_windowless is True  # the wire spells it "isWindowLess"
    assert run.is_production_run is False
    assert run.backup_data_expiry is None


def test_every_documented_run_status_has_a_label():
    labels = [RunStatus(code).label for code in range(8)]
    assert labels == [
        "Never Run",
        "Starting",
        "Running",
        "Delivery",
        "Succeeded",
        "Failed",
        "Stopped",
        "Failure",
    ]
    assert {s for s in RunStatus if s.is_failure} == {RunStatus.FAILED, RunStatus.FAILURE}


def test_run_input_parameters_arrive_as_a_json_string():
    payload = json.loads(samples.RUN) | {"inputParameters": '{"input1":"my input 1","n":2}'}
    assert AgentRun.from_json(payload).input_parameters == {"input1": "my input 1", "n": "2"}
    assert parse_input_parameters("not json") == {}
    assert parse_input_parameters("[1, 2]") == {}


def test_job_runs_from_document_sample():
    first, second = (JobRun.from_json(item) for item in json.loads(samples.JOB_HISTORY))
    assert first.job_history_id == "6ef84ec7-d5e6-4a98-bbfa-0b67355a648f"
    assert first.status is JobStatus.SUCCEEDED
    assert first.run_id == 3
    assert first.start_time == datetime(2019, 5, 19, 15, 55, 47, 422521, AEST)
    assert first.end_time == datetime(2019, 5, 19, 15, 55, 58, 972381, AEST)
    assert first.total_request_count == 33 and first.total_delivery_count == 1
    assert first.job_setting is None
    assert second.run_id == 2
    assert second.start_time == datetime(2019, 5, 16, 17, 30, 17, 699655, AEST)
    assert second.end_time == datetime(2019, 5, 16, 17, 56, 49, 443435, AEST)


def test_job_status_slugs_match_the_command_grammar():
    slugs = [JobStatus(code).slug for code in range(6)]
    assert slugs == [
        "never-run",
        "in-progress",
        "in-progress-with-failure",
        "succeeded",
        "failure",
        "failed",
    ]


def test_job_start_result_from_document_sample():
    result = JobStartResult.from_json(json.loads(samples.JOB_START_RESULT))
    assert result == JobStartResult("a2f6782850-7c89-4e05-a30a-034aa980ee6c", 2)


def test_schedule_from_document_sample():
    (schedule,) = (Schedule.from_json(item) for item in json.loads(samples.SCHEDULES))
    assert schedule.schedule_id == "d9c944df-93a7-ea77-f7b7-fa0b9c579917"
    assert schedule.cron == "0 0 0 1"
    assert schedule.cron_description == "Runs every day at 3:36:00 PM (AET)."
    assert schedule.start_time == datetime(2019, 5, 30, 15, 36)  # naive: wall time
    assert schedule.time_zone_id == "AUS Eastern Standard Time"
    assert schedule.next_run_time == datetime(2019, 5, 30, 15, 36, tzinfo=AEST)
    assert schedule.input_parameters == {}
    assert schedule.log_level == 2 and schedule.is_windowless is True
    assert schedule.status is ScheduleStatus.SUCCEEDED
    assert schedule.last_run_time == datetime(2019, 5, 21, 15, 26, 42, 967476, AEST)
    assert schedule.completed_time == datetime(2019, 5, 21, 15, 26, 52, 683158, AEST)
    assert schedule.is_enabled is True


def test_server_status_from_document_sample():
    status = ServerStatus.from_json(json.loads(samples.SERVER_STATUS))
    assert status == ServerStatus(
        is_error=False,
        message="Connection to server 127.0.0.1:8004 is successful.",
        cpu_usages="0%, a:2%, p:20%",
        memory_usages="6%, a:13%, p: 23 % ",
        disc_usages="C:47%",
        cpu_threshold=100,
        memory_threshold=90,
    )


def test_start_request_builds_the_document_body():
    request = StartRequest(
        log_level=1,
        is_production_run=True,
        input_parameters={"input1": "my input 1", "input2": "my input 2"},
    )
    assert request.to_json() == json.loads(samples.START_BODY)
    # inputParameters is a string holding JSON, not a nested object
    assert isinstance(request.to_json()["inputParameters"], str)


def test_start_request_leaves_unset_options_to_acc():
    assert StartRequest().to_json() == {}
    body = StartRequest(
        is_synchronous=True, synchronous_timeout=30, synchronous_data_delivery=DataDelivery.ZIP
    ).to_json()
    assert body == {
        "isSynchronous": True,
        "synchronousTimeout": 30,
        "synchronousDataDelivery": "Zip",
    }


def test_job_start_request_builds_the_document_body():
    request = JobStartRequest(
        log_level=1,
        is_production_run=True,
        input_parameters={"input1": "my input 1", "input2": "my input 2"},
    )
    assert request.to_json() == json.loads(samples.START_BODY)


def test_schedule_request_builds_the_document_body():
    request = ScheduleRequest(
        schedule_id="b4cdc56a-2c16-4b1b-a135-b4e687f8bc95",
        cron="0 0 0 1",
        start_time="2019-07-16T11:21:20",
        time_zone_id="AUS Eastern Standard Time",
        input_parameters={"par1": "2000", "par2": "5000"},
    )
    assert request.to_json() == json.loads(samples.SCHEDULE_BODY)


def test_server_check_request_builds_the_document_body_and_hides_the_key():
    request = ServerCheckRequest(
        key="3f8fb288098e4c749f18da856115f674", ip_address="127.0.0.1", port=8004
    )
    assert request.to_json() == json.loads(samples.SERVER_CHECK_BODY)
    assert "3f8fb288" not in repr(request)


def test_server_usage_is_read_from_the_first_figure_of_acc_usage_texts():
    status = ServerStatus.from_json(json.loads(samples.SERVER_STATUS))
    assert (status.cpu_percent, status.memory_percent) == (0.0, 6.0)
    assert usage_percent(" 97.5 %, a:13%, p:23%") == 97.5
    assert usage_percent(None) is None
    assert usage_percent("n/a") is None
