"""The seeded agent answers exactly what the ACC API document prints for it."""

from __future__ import annotations

from tests.simulator.conftest import QUICK, QUICK_RUN

DOC_RUN = {
    "agentRunHistoryId": "9040f86d-bbc1-4038-9868-501145cc2370",
    "agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
    "sessionId": None,
    "runId": 0,
    "agentJobScheduleId": None,
    "serverIp": "127.0.0.1",
    "startTime": "2019-05-21T13:52:14.3020127+10:00",
    "endTime": "2019-05-21T13:52:23.6568249+10:00",
    "expectedEndTime": None,
    "runTime": "00:00:08.9677836",
    "status": 4,
    "successActionCount": 1,
    "dynamicSuccessActionCount": 1,
    "volume": 25,
    "pageLoadCount": 1,
    "requestCount": 33,
    "downloadCount": 0,
    "errors": 0,
    "dataCount": 1,
    "deliveryCount": 0,
    "statusMessage": "Completed",
    "logPath": "quick-2019_05_21-01_52_14.log",
    "inputParameters": None,
    "logLevel": 1,
    "isWindowLess": True,
    "isProductionRun": False,
    "backupDataExpiry": None,
    "lastUpdated": "2019-05-21T13:52:23.656843+10:00",
}

DOC_JOB = {
    "agentJobHistoryId": "6ef84ec7-d5e6-4a98-bbfa-0b67355a648f",
    "agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
    "startTime": "2019-05-19T15:55:47.4225218+10:00",
    "endTime": "2019-05-19T15:55:58.9723817+10:00",
    "totalSuccessActionCount": 1,
    "totalDynamicSuccessActionCount": 1,
    "totalPageLoadCount": 1,
    "totalRequestCount": 33,
    "totalDownloadCount": 0,
    "totalVolume": 25,
    "totalErrors": 0,
    "totalDataCount": 1,
    "totalDeliveryCount": 1,
    "completedScheduleCount": 1,
    "totalScheduleCount": 1,
    "completedRunCount": 1,
    "totalRunCount": 1,
    "runId": 3,
    "status": 3,
    "agentJobSetting": None,
}

DOC_SCHEDULE = {
    "scheduleId": "d9c944df-93a7-ea77-f7b7-fa0b9c579917",
    "agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
    "cron": "0 0 0 1",
    "cronDescription": "Runs every day at 3:36:00 PM (AET).",
    "sessionId": None,
    "startTime": "2019-05-30T15:36:00",
    "timeZoneId": "AUS Eastern Standard Time",
    "nextRunTime": "2019-05-30T15:36:00+10:00",
    "inputParameters": "{}",
    "logLevel": 2,
    "isWindowless": True,
    "errorMessage": None,
    "scheduleStatus": 2,
    "lastRunTime": "2019-05-21T15:26:42.967476+10:00",
    "completedTime": "2019-05-21T15:26:52.6831583+10:00",
    "isEnabled": True,
}


def test_agent_by_path(http):
    response = http.get("/api/agent", params={"agentPath": "sequentum/Test2/quick"})
    assert response.json() == {
        "agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
        "name": "quick",
        "directoryId": "45e52cf1-b2a1-4f37-b670-4582c08a8df8",
        "description": None,
    }


def test_unknown_agent_path_is_404(http):
    assert http.get("/api/agent", params={"agentPath": "sequentum/No/such"}).status_code == 404


def test_run_details(http):
    assert http.get(f"/api/run/{QUICK_RUN}").json() == DOC_RUN


def test_run_history_with_count_1(http):
    assert http.get(f"/api/agent/{QUICK}/history", params={"count": 1}).json() == [DOC_RUN]


def test_job_run_details_and_history_newest_first(http):
    assert http.get(f"/api/job/run/{DOC_JOB['agentJobHistoryId']}").json() == DOC_JOB
    history = http.get(f"/api/job/{QUICK}/history", params={"count": 2}).json()
    assert history[0] == DOC_JOB
    assert history[1]["agentJobHistoryId"] == "156aba0d-bb4f-4244-96ef-73d89aaa47ec"
    assert (history[1]["runId"], history[1]["totalRequestCount"]) == (2, 31)


def test_schedules(http):
    assert http.get(f"/api/job/{QUICK}/schedules").json() == [DOC_SCHEDULE]


def test_server_check_with_the_documented_key(http):
    body = {
        "key": "3f8fb288098e4c749f18da856115f674",
        "ipAddress": "127.0.0.1",
        "port": 8004,
        "useSsl": False,
        "serverRefresh": True,
    }
    assert http.post("/api/server/check", json=body).json() == {
        "isError": False,
        "message": "Connection to server 127.0.0.1:8004 is successful.",
        "cpuUsages": "0%, a:2%, p:20%",
        "memoryUsages": "6%, a:13%, p: 23 % ",
        "discUsages": "C:47%",
        "cpuThreshold": 100,
        "memoryThreshold": 90,
    }
