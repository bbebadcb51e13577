"""JSON payloads copied verbatim from the ACC API document (seeds/000_…txt).

Kept as text, not dicts, so the tests parse exactly what ACC puts on the wire.
"""

AGENT = """
{
"agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
"name": "quick",
"directoryId": "45e52cf1-b2a1-4f37-b670-4582c08a8df8",
"description": null
}
"""

RUN = """
{
"agentRunHistoryId": "9040f86d-bbc1-4038-9868-501145cc2370",
"agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
"sessionId": null,
"runId": 0,
"agentJobScheduleId": null,
"serverIp": "127.0.0.1",
"startTime": "2019-05-21T13:52:14.3020127+10:00",
"endTime": "2019-05-21T13:52:23.6568249+10:00",
"expectedEndTime": null,
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
"inputParameters": null,
"logLevel": 1,
"isWindowLess": true,
"isProductionRun": false,
"backupDataExpiry": null,
"lastUpdated": "2019-05-21T13:52:23.656843+10:00"
}
"""

RUN_HISTORY = "[" + RUN + "]"

START_RESULT = '{"agentRunHistoryIds": ["a2f6782850-7c89-4e05-a30a-034aa980ee6c"]}'

START_BODY = """{
"logLevel":1,
"isProductionRun": true,
"inputParameters": "{\\"input1\\":\\"my input 1\\",\\"input2\\":\\"my input 2\\"}"
}"""

JOB_START_RESULT = '{"agentJobHistoryId": "a2f6782850-7c89-4e05-a30a-034aa980ee6c", "jobRunId":2}'

JOB_RUN = """
{
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
"agentJobSetting": null
}
"""

JOB_HISTORY = (
    "["
    + JOB_RUN
    + """,
{
"agentJobHistoryId": "156aba0d-bb4f-4244-96ef-73d89aaa47ec",
"agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
"startTime": "2019-05-16T17:30:17.6996551+10:00",
"endTime": "2019-05-16T17:56:49.4434358+10:00",
"totalSuccessActionCount": 1,
"totalDynamicSuccessActionCount": 1,
"totalPageLoadCount": 1,
"totalRequestCount": 31,
"totalDownloadCount": 0,
"totalVolume": 25,
"totalErrors": 0,
"totalDataCount": 0,
"totalDeliveryCount": 1,
"completedScheduleCount": 1,
"totalScheduleCount": 1,
"completedRunCount": 1,
"totalRunCount": 1,
"runId": 2,
"status": 3,
"agentJobSetting": null
}
]"""
)

SCHEDULES = """
[
{
"scheduleId": "d9c944df-93a7-ea77-f7b7-fa0b9c579917",
"agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
"cron": "0 0 0 1",
"cronDescription": "Runs every day at 3:36:00 PM (AET).",
"sessionId": null,
"startTime": "2019-05-30T15:36:00",
"timeZoneId": "AUS Eastern Standard Time",
"nextRunTime": "2019-05-30T15:36:00+10:00",
"inputParameters": "{}",
"logLevel": 2,
"isWindowless": true,
"errorMessage": null,
"scheduleStatus": 2,
"lastRunTime": "2019-05-21T15:26:42.967476+10:00",
"completedTime": "2019-05-21T15:26:52.6831583+10:00",
"isEnabled": true
}
]
"""

SCHEDULE_BODY = """{
"scheduleId":"b4cdc56a-2c16-4b1b-a135-b4e687f8bc95",
"cron":"0 0 0 1",
"sessionId":null,
"startTime":"2019-07-16T11:21:20",
"timeZoneId":"AUS Eastern Standard Time",
"inputParameters":"{\\"par1\\":\\"2000\\",\\"par2\\":\\"5000\\"}",
"logLevel":1,
"isWindowless":true,
"isEnabled":true
}"""

SERVER_CHECK_BODY = """{
"key": "3f8fb288098e4c749f18da856115f674",
"ipAddress": "127.0.0.1",
"port": 8004,
"useSsl": false,
"serverRefresh": true
}"""

SERVER_STATUS = """
{
"isError": false,
"message": "Connection to server 127.0.0.1:8004 is successful.",
"cpuUsages": "0%, a:2%, p:20%",
"memoryUsages": "6%, a:13%, p: 23 % ",
"discUsages": "C:47%",
"cpuThreshold": 100,
"memoryThreshold": 90
}
"""

CSV_INPUT = (
    "URL\r\nhttp://www.sequentum.com\r\nhttp://www.sequentum.com/help\r\n"
    "http://www.sequentum.com/account "
)
