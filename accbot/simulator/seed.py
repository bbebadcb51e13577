"""The default contents of a fresh SimState: the API document's own samples, and a demo.

The document's example agent ``sequentum/Test2/quick`` comes with exactly the run, job runs
and schedule the document prints, so tests can compare answers with the document verbatim.
Three more agents make a demo worth watching: one whose latest run failed with errors in
its log, one with schedules, and one that never ran.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accbot.simulator.state import SimState

QUICK_PATH = "sequentum/Test2/quick"
QUICK_AGENT_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
QUICK_DIRECTORY_ID = "45e52cf1-b2a1-4f37-b670-4582c08a8df8"
QUICK_RUN_ID = "9040f86d-bbc1-4038-9868-501145cc2370"
QUICK_JOB_IDS = ("6ef84ec7-d5e6-4a98-bbfa-0b67355a648f", "156aba0d-bb4f-4244-96ef-73d89aaa47ec")
QUICK_SCHEDULE_ID = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"

PRICES_PATH = "sequentum/Demo/prices"
PRICES_AGENT_ID = "5b0c7a9e-1f42-4d3b-9a57-2e8c6d4f1a01"
NEWS_PATH = "sequentum/Demo/news"
NEWS_AGENT_ID = "8d2e4f60-7a1b-4c3d-8e9f-0a1b2c3d4e02"
INVENTORY_PATH = "sequentum/Demo/inventory"
INVENTORY_AGENT_ID = "c3f1a2b4-5d6e-4f70-8192-a3b4c5d6e703"
FLAKY_PATH = "sequentum/Demo/flaky"
FLAKY_AGENT_ID = "d4e2b3c5-6e7f-4081-92a3-b4c5d6e7f804"

# The SE server of the document's server-check example, with its key.
DEMO_SERVER = ("127.0.0.1", 8004, "3f8fb288098e4c749f18da856115f674")

_AET = timezone(timedelta(hours=10))

QUICK_RUN = {
    "agentRunHistoryId": QUICK_RUN_ID,
    "agentId": QUICK_AGENT_ID,
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


def _job(job_id: str, start: str, end: str, requests: int, data: int, run_id: int) -> dict:
    return {
        "agentJobHistoryId": job_id,
        "agentId": QUICK_AGENT_ID,
        "startTime": start,
        "endTime": end,
        "totalSuccessActionCount": 1,
        "totalDynamicSuccessActionCount": 1,
        "totalPageLoadCount": 1,
        "totalRequestCount": requests,
        "totalDownloadCount": 0,
        "totalVolume": 25,
        "totalErrors": 0,
        "totalDataCount": data,
        "totalDeliveryCount": 1,
        "completedScheduleCount": 1,
        "totalScheduleCount": 1,
        "completedRunCount": 1,
        "totalRunCount": 1,
        "runId": run_id,
        "status": 3,
        "agentJobSetting": None,
    }


QUICK_JOBS = (
    _job(
        QUICK_JOB_IDS[0],
        "2019-05-19T15:55:47.4225218+10:00",
        "2019-05-19T15:55:58.9723817+10:00",
        33,
        1,
        3,
    ),
    _job(
        QUICK_JOB_IDS[1],
        "2019-05-16T17:30:17.6996551+10:00",
        "2019-05-16T17:56:49.4434358+10:00",
        31,
        0,
        2,
    ),
)

QUICK_SCHEDULE = {
    "scheduleId": QUICK_SCHEDULE_ID,
    "agentId": QUICK_AGENT_ID,
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

PRICES_FAILURE_LOG = (
    "2024-01-01 06:00:00.120 Info    Starting agent 'prices' (log level 2)\r\n"
    "2024-01-01 06:00:01.480 Info    Loading https://shop.example.com/catalog?page=1\r\n"
    "2024-01-01 06:00:31.502 Error   Error loading https://shop.example.com/catalog?page=2: "
    "navigation timed out after 30s\r\n"
    "2024-01-01 06:00:32.010 Error   Error in command 'Price': element '.price' not found\r\n"
    "2024-01-01 06:00:32.400 Error   Error in command 'Export': no rows to export\r\n"
    "2024-01-01 06:00:32.950 Info    Agent finished: Failed (3 errors)\r\n"
)


def seed_state(state: SimState) -> None:
    """Fill ``state`` with the document's samples and the demo agents."""
    state.add_agent(
        QUICK_PATH,
        QUICK_AGENT_ID,
        directory_id=QUICK_DIRECTORY_ID,
        data_files={"quick.csv": b"URL\r\nhttp://www.sequentum.com\r\n"},
    )
    quick_start = datetime(2019, 5, 21, 13, 52, 14, 302012, tzinfo=_AET)
    state.add_run(
        QUICK_AGENT_ID,
        4,
        start_time=quick_start,
        run_history_id=QUICK_RUN_ID,
        **{k: v for k, v in QUICK_RUN.items() if k not in ("status", "agentRunHistoryId")},
    )
    for job in reversed(QUICK_JOBS):  # oldest first, so history answers newest first
        state.add_job_run(QUICK_AGENT_ID, **job)
    state.add_schedule(QUICK_AGENT_ID, "0 0 0 1", **QUICK_SCHEDULE)
    _seed_demo(state)
    ip, port, key = DEMO_SERVER
    state.add_server(ip, port, key)


def _seed_demo(state: SimState) -> None:
    now = state.now().replace(microsecond=0)
    state.add_agent(
        PRICES_PATH,
        PRICES_AGENT_ID,
        "Daily competitor prices",
        data_files={"prices.csv": b"Sku,Price\r\nA-100,19.99\r\nB-200,5.49\r\n"},
    )
    state.add_run(PRICES_AGENT_ID, 4, start_time=now - timedelta(days=1, hours=2), log_level=2)
    state.add_run(
        PRICES_AGENT_ID,
        5,
        start_time=now - timedelta(hours=2),
        errors=3,
        log_text=PRICES_FAILURE_LOG,
        log_level=2,
        status_message="Failed",
    )
    state.add_agent(NEWS_PATH, NEWS_AGENT_ID, "Morning news headlines")
    for days in (3, 2, 1):
        state.add_run(NEWS_AGENT_ID, 4, start_time=now - timedelta(days=days, hours=1))
    state.add_schedule(NEWS_AGENT_ID, "0 0 6 * * ?", timeZoneId="AUS Eastern Standard Time")
    state.add_schedule(
        NEWS_AGENT_ID, "0 30 18 ? * MON-FRI", timeZoneId="UTC", isEnabled=False, logLevel=2
    )
    state.add_agent(INVENTORY_PATH, INVENTORY_AGENT_ID, "Never run yet")
    # every run started for it fails: watch it, start it, and see an alert arrive
    state.add_agent(FLAKY_PATH, FLAKY_AGENT_ID, "Fails every time it is started")
    state.add_run(FLAKY_AGENT_ID, 4, start_time=now - timedelta(days=1))
    state.default_outcomes[FLAKY_AGENT_ID] = 5
