"""/acc schedules, schedule add|on|off|run|delete and schedules on|off|delete, and the
schedule buttons, end to end over HTTP against the simulator."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from accbot.slack import ids
from tests.slack.helpers import (
    acc_attempts,
    audit_rows,
    blocks_text,
    button_labels,
    buttons,
    quicken_retries,
)
from tests.slack.helpers import (
    shown as slack_shown,
)
from tests.support.bot import ADMIN, OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
SCHEDULE = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"  # the document's schedule of quick
MISSING = "00000000-1111-2222-3333-444444444444"


def saved_schedule_body(acc) -> dict:
    [request] = [r for r in acc.state.requests if r.path == f"/api/job/{QUICK_ID}/schedule"]
    return json.loads(request.body)


def new_schedule(acc) -> dict:
    [schedule] = [s for s in acc.state.schedules(QUICK_ID) if s["scheduleId"] != SCHEDULE]
    return schedule


# --- schedules (list) ----------------------------------------------------------------


def test_schedules_show_cron_accs_description_zone_and_state_to_a_viewer_without_buttons(
    send, slack
):
    send.command(f"schedules {QUICK}")
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    text = blocks_text(answer)
    for shown in (
        "0 0 0 1",
        "Runs every day at 3:36:00 PM (AET).",
        "AUS Eastern Standard Time",
        "Enabled",
        SCHEDULE,
        "Succeeded",
    ):
        assert shown in text
    assert buttons(answer) == []
    assert "operators can enable, disable and run schedules" in text.lower()


def test_an_operator_gets_disable_and_run_now_but_no_delete(send, slack):
    send.command(f"schedules {QUICK}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert button_labels(answer) == ["Disable", "Run now"]
    assert {b["value"] for b in buttons(answer)} == {SCHEDULE}


def test_an_admin_gets_delete_with_a_confirm_dialog_and_enable_for_a_disabled_schedule(
    send, slack, acc
):
    acc.state.set_schedule_enabled(SCHEDULE, False)
    send.command(f"schedules {QUICK}", user=ADMIN)
    [answer] = slack.wait_for_response()
    assert button_labels(answer) == ["Enable", "Run now", "Delete"]
    delete = buttons(answer)[2]
    assert delete["action_id"] == ids.SCHEDULE_DELETE
    assert delete["confirm"]["confirm"]["text"] == "Delete"
    assert "Disabled" in blocks_text(answer)


def test_an_agent_without_schedules_says_how_to_add_one(send, slack, acc):
    acc.state.add_agent("sequentum/Test2/idle")
    send.command("schedules sequentum/Test2/idle", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "has no schedules" in blocks_text(answer)
    assert "/acc schedule add" in blocks_text(answer)


def test_schedules_of_an_unknown_agent_name_the_path(send, slack):
    send.command("schedules nobody/has/this")
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]


def test_schedules_when_acc_keeps_failing_says_so(send, slack, acc, bot):
    quicken_retries(bot)
    acc.state.fail_next(acc_attempts(bot), status=503)
    send.command(f"schedules {QUICK}")
    [answer] = slack.wait_for_response()
    assert "internal error (503)" in answer["text"]


# --- schedule add --------------------------------------------------------------------


def test_schedule_add_converts_an_iana_zone_and_shows_accs_description(send, slack, acc, bot):
    send.command(
        f'schedule add {QUICK} "0 0 6 * * ?" --tz Europe/London --start 2030-01-31T06:00:00 region=EU',
        user=OPERATOR,
        channel="COPS",
    )
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    body = saved_schedule_body(acc)
    assert body["timeZoneId"] == "GMT Standard Time"
    assert body["startTime"] == "2030-01-31T06:00:00"
    assert body["cron"] == "0 0 6 * * ?"
    assert json.loads(body["inputParameters"]) == {"region": "EU"}
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", body["scheduleId"]
    )
    saved = new_schedule(acc)
    assert saved["scheduleId"] == body["scheduleId"]
    text = blocks_text(post.params)
    assert f"<@{OPERATOR}> added a schedule to `{QUICK}`" in text
    assert saved["cronDescription"] in text  # read back from ACC after saving
    assert acc.state.count_requests("GET", f"/api/job/{QUICK_ID}/schedules") == 1
    [row] = audit_rows(bot)
    assert row[:3] == (OPERATOR, "schedule add", "ok")
    assert row[3]["tz"] == "Europe/London"


def test_schedule_add_without_zone_or_start_uses_utc_and_now(send, slack, acc):
    send.command(f'schedule add {QUICK} "0 30 18 ? * MON-FRI"', user=OPERATOR)
    slack.wait_for("chat.postMessage")
    body = saved_schedule_body(acc)
    assert body["timeZoneId"] == "UTC"
    start = datetime.strptime(body["startTime"], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - start) < timedelta(minutes=1)


def test_schedule_add_passes_a_windows_zone_through(send, slack, acc):
    send.command(
        f'schedule add {QUICK} "0 0 6 * * ?" --tz "AUS Eastern Standard Time"', user=OPERATOR
    )
    slack.wait_for("chat.postMessage")
    assert saved_schedule_body(acc)["timeZoneId"] == "AUS Eastern Standard Time"
    assert "(AUS Eastern Standard Time)" in new_schedule(acc)["cronDescription"]


def test_schedule_add_with_an_unknown_zone_is_refused_by_name_and_acc_is_not_asked(
    send, slack, acc
):
    send.command(f'schedule add {QUICK} "0 0 6 * * ?" --tz Mars/Olympus', user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "'Mars/Olympus' is not a time zone" in answer["text"]
    assert acc.state.count_requests("POST", "/api/job/") == 0
    assert slack.count("chat.postMessage") == 0


def test_schedule_add_with_a_cron_acc_rejects_explains_why(send, slack, acc):
    send.command(f'schedule add {QUICK} "0 0 25 * * ?"', user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "ACC refused the request" in answer["text"]
    assert "Invalid cron expression" in answer["text"]
    assert len(acc.state.schedules(QUICK_ID)) == 1


def test_schedule_add_with_text_that_is_not_cron_is_refused_in_the_ack(send, acc):
    response = send.command(f'schedule add {QUICK} "every morning"', user=OPERATOR)
    assert "not a cron expression" in response.text
    assert acc.state.count_requests("GET", "/api/") == 0


def test_schedule_add_by_a_viewer_is_refused(send, slack, acc):
    send.command(f'schedule add {QUICK} "0 0 6 * * ?"', user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", "/api/job/") == 0


# --- schedule on|off|run|delete ------------------------------------------------------


def test_schedule_off_and_on_by_an_operator_are_announced(send, slack, acc, bot):
    send.command(f"schedule off {SCHEDULE}", user=OPERATOR, channel="COPS")
    [off] = slack.wait_for("chat.postMessage")
    assert off.params["channel"] == "COPS"
    assert f"<@{OPERATOR}> disabled schedule `{SCHEDULE}`" in off.params["text"]
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is False
    send.command(f"schedule on {SCHEDULE}", user=OPERATOR, channel="COPS")
    on = slack.wait_for("chat.postMessage", count=2)[1]
    assert f"<@{OPERATOR}> enabled schedule `{SCHEDULE}`" in on.params["text"]
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is True
    assert [r[1] for r in audit_rows(bot)] == ["schedule off", "schedule on"]


def test_schedule_run_starts_it_once(send, slack, acc):
    send.command(f"schedule run {SCHEDULE}", user=OPERATOR)
    [post] = slack.wait_for("chat.postMessage")
    assert f"started schedule `{SCHEDULE}` now" in post.params["text"]
    assert acc.state.count_requests("POST", f"/api/job/schedule/{SCHEDULE}/start") == 1


def test_schedule_delete_needs_an_admin(send, slack, acc, bot):
    send.command(f"schedule delete {SCHEDULE}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert acc.state.count_requests("DELETE", "/api/job/") == 0
    send.command(f"schedule delete {SCHEDULE}", user=ADMIN)
    [post] = slack.wait_for("chat.postMessage")
    assert f"<@{ADMIN}> deleted schedule `{SCHEDULE}`" in post.params["text"]
    assert acc.state.schedules(QUICK_ID) == []
    assert [r[:3] for r in audit_rows(bot)] == [
        (OPERATOR, "schedule delete", "refused"),
        (ADMIN, "schedule delete", "ok"),
    ]


def test_a_schedule_acc_does_not_have_is_named(send, slack, bot):
    send.command(f"schedule off {MISSING}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert f"ACC has no schedule {MISSING}" in answer["text"]
    assert slack.count("chat.postMessage") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "schedule off", "error")]


def test_a_schedule_id_that_is_no_guid_is_refused_in_the_ack(send, acc):
    response = send.command("schedule on 42", user=OPERATOR)
    assert "not a schedule ID" in response.text
    assert acc.state.count_requests("POST", "/api/") == 0


# --- buttons -------------------------------------------------------------------------


def test_the_disable_button_disables_the_schedule_for_an_operator(send, slack, acc):
    send.click(ids.SCHEDULE_DISABLE, SCHEDULE, user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{OPERATOR}> disabled schedule" in post.params["text"]
    assert acc.state.count_requests("POST", f"/api/job/schedule/{SCHEDULE}/off") == 1


def test_the_delete_button_is_refused_for_an_operator(send, slack, acc):
    send.click(ids.SCHEDULE_DELETE, SCHEDULE, user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert acc.state.count_requests("DELETE", "/api/") == 0


# --- schedules on|off|delete (bulk) ----------------------------------------------------


def test_bulk_delete_asks_for_confirm_then_deletes_once_confirmed(send, slack, acc, bot):
    acc.state.add_schedule(QUICK_ID, "0 0 6 * * ?")
    send.command(f"schedules delete {QUICK}", user=ADMIN, channel="COPS")
    [prompt] = slack.wait_for_response()
    assert prompt["response_type"] == "ephemeral"
    assert "delete 2 schedules of" in prompt["text"]
    assert button_labels(prompt) == ["Confirm", "Cancel"]
    confirm = buttons(prompt)[0]
    assert QUICK not in confirm["value"]  # an id kept on the server, not the command
    assert acc.state.count_requests("DELETE", "/api/") == 0
    assert audit_rows(bot) == []

    send.click(ids.CONFIRM_COMMAND, confirm["value"], user=ADMIN, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{ADMIN}> deleted 2 schedules of `{QUICK}`" in post.params["text"]
    assert acc.state.count_requests("DELETE", f"/api/job/{QUICK_ID}/schedules") == 1
    assert acc.state.schedules(QUICK_ID) == []
    assert [r[:3] for r in audit_rows(bot)] == [(ADMIN, "schedules delete", "ok")]


def test_bulk_off_asks_for_confirm_and_cancel_changes_nothing(send, slack, acc):
    send.command(f"schedules off {QUICK}", user=ADMIN)
    [prompt] = slack.wait_for_response()
    assert "disable 1 schedule of" in prompt["text"]
    send.click(ids.CANCEL_COMMAND, buttons(prompt)[1]["value"], user=ADMIN)
    cancelled = slack.wait_for_response(count=2)[1]
    assert "nothing was changed" in cancelled["text"]
    assert acc.state.count_requests("POST", f"/api/job/{QUICK_ID}/schedules/off") == 0
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is True


def test_bulk_on_needs_no_confirm(send, slack, acc):
    acc.state.set_schedule_enabled(SCHEDULE, False)
    send.command(f"schedules on {QUICK}", user=ADMIN)
    [post] = slack.wait_for("chat.postMessage")
    assert f"<@{ADMIN}> enabled 1 schedule of `{QUICK}`" in post.params["text"]
    assert acc.state.count_requests("POST", f"/api/job/{QUICK_ID}/schedules/on") == 1
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is True


def test_bulk_off_when_everything_is_off_changes_nothing(send, slack, acc):
    acc.state.set_schedule_enabled(SCHEDULE, False)
    send.command(f"schedules off {QUICK}", user=ADMIN)
    [answer] = slack.wait_for_response()
    assert "already disabled; nothing to change" in answer["text"]
    assert acc.state.count_requests("POST", f"/api/job/{QUICK_ID}/schedules/") == 0


def test_bulk_changes_need_an_admin(send, slack, acc, bot):
    send.command(f"schedules delete {QUICK}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert acc.state.count_requests("GET", f"/api/job/{QUICK_ID}/schedules") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "schedules delete", "refused")]


def test_a_confirm_click_carrying_a_command_text_runs_nothing(send, slack, acc):
    send.click(ids.CONFIRM_COMMAND, f"schedules delete {QUICK}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "no record of that confirmation" in answer["text"]
    assert acc.state.count_requests("DELETE", "/api/") == 0


def test_schedule_run_when_acc_fails_says_so_and_announces_nothing(send, slack, acc, bot):
    acc.state.fail_next(1, status=500)  # a POST is never retried
    send.command(f"schedule run {SCHEDULE}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "internal error (500)" in answer["text"]
    assert slack.count("chat.postMessage") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "schedule run", "error")]


# --- help ----------------------------------------------------------------------------


def test_help_for_schedule_commands_shows_usage_example_and_role(send):
    add = slack_shown(send.command("help schedule add").text)
    assert '`/acc schedule add <agentPath> "<cron>" [--tz <IANA or Windows zone>]' in add
    assert "Example: `/acc schedule add" in add
    assert "Needs the operator role." in add
    assert "Needs the admin role." in send.command("help schedules delete").text
