"""Job schedules: add/update with validation, list, enable/disable, start, delete."""

from __future__ import annotations

import pytest

BODY = {
    "cron": "0 30 6 * * ?",
    "sessionId": None,
    "startTime": "2024-03-01T00:00:00",
    "timeZoneId": "AUS Eastern Standard Time",
    "inputParameters": '{"par1":"2000"}',
    "logLevel": 1,
    "isWindowless": True,
    "isEnabled": True,
}


def add(http, agent_id, **changes):
    response = http.post(f"/api/job/{agent_id}/schedule", json={**BODY, **changes})
    assert response.status_code == 200, response.text
    return response.json()


def test_add_fills_in_the_description_and_next_run(http, agent_id):
    schedule = add(http, agent_id)
    assert schedule["cronDescription"] == (
        "Runs every day at 6:30:00 AM (AUS Eastern Standard Time)."
    )
    # the fake clock says 2024-03-01 09:00 +10:00, after today's 06:30 (+11:00 in March)
    assert schedule["nextRunTime"] == "2024-03-02T06:30:00+11:00"
    assert http.get(f"/api/job/{agent_id}/schedules").json() == [schedule]


def test_the_documents_four_field_example_is_accepted(http, agent_id):
    assert add(http, agent_id, cron="0 0 0 1")["cron"] == "0 0 0 1"


def test_posting_a_known_schedule_id_updates_it(http, agent_id):
    schedule_id = add(http, agent_id)["scheduleId"]
    add(http, agent_id, scheduleId=schedule_id, cron="0 0 12 ? * MON-FRI")
    (only,) = http.get(f"/api/job/{agent_id}/schedules").json()
    assert (only["scheduleId"], only["cron"]) == (schedule_id, "0 0 12 ? * MON-FRI")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"cron": "every day at noon"}, "cron"),
        ({"cron": "0 0 25 * * ?"}, "hour"),
        ({"cron": ""}, "cron"),
        ({"startTime": "2024-03-01 00:00"}, "startTime"),
        ({"timeZoneId": "Australia/Sydney"}, "time zone"),
        ({"inputParameters": {"par1": "2000"}}, "inputParameters"),
        ({"scheduleId": "not-a-guid"}, "scheduleId"),
    ],
)
def test_invalid_schedules_are_400_with_a_reason(http, agent_id, changes, fragment):
    response = http.post(f"/api/job/{agent_id}/schedule", json={**BODY, **changes})
    assert response.status_code == 400
    assert fragment in response.json()["message"]
    assert http.get(f"/api/job/{agent_id}/schedules").json() == []


def test_enable_and_disable_one_and_all(http, agent_id):
    first, second = add(http, agent_id)["scheduleId"], add(http, agent_id)["scheduleId"]
    http.post(f"/api/job/schedule/{first}/off")
    enabled = {
        s["scheduleId"]: s["isEnabled"] for s in http.get(f"/api/job/{agent_id}/schedules").json()
    }
    assert enabled == {first: False, second: True}
    http.post(f"/api/job/{agent_id}/schedules/off")
    assert not any(s["isEnabled"] for s in http.get(f"/api/job/{agent_id}/schedules").json())
    http.post(f"/api/job/{agent_id}/schedules/on")
    assert all(s["isEnabled"] for s in http.get(f"/api/job/{agent_id}/schedules").json())
    http.post(f"/api/job/schedule/{second}/off")
    assert http.post(f"/api/job/schedule/{second}/on").status_code == 200


def test_starting_a_schedule_runs_a_job_whose_run_carries_the_schedule(http, clock, agent_id):
    schedule_id = add(http, agent_id)["scheduleId"]
    assert http.post(f"/api/job/schedule/{schedule_id}/start").status_code == 200
    (run,) = http.get(f"/api/agent/{agent_id}/history").json()
    assert run["agentJobScheduleId"] == schedule_id
    assert http.get(f"/api/job/{agent_id}/schedules").json()[0]["scheduleStatus"] == 1
    clock.advance(11)
    assert http.get(f"/api/job/{agent_id}/schedules").json()[0]["scheduleStatus"] == 2


def test_delete_one_and_all(http, agent_id):
    first, _ = add(http, agent_id)["scheduleId"], add(http, agent_id)["scheduleId"]
    assert http.delete(f"/api/job/schedule/{first}").status_code == 200
    assert len(http.get(f"/api/job/{agent_id}/schedules").json()) == 1
    assert http.delete(f"/api/job/schedule/{first}").status_code == 404
    http.delete(f"/api/job/{agent_id}/schedules")
    assert http.get(f"/api/job/{agent_id}/schedules").json() == []
