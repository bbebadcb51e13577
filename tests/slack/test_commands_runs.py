"""/acc agent, runs, run, restart, retry, log, data and start, end to end over HTTP."""

from __future__ import annotations

import io
import os
import zipfile

from tests.support.bot import ACC_TOKEN, BOT_TOKEN, OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


def blocks_text(message: dict) -> str:
    import json

    return json.dumps(message.get("blocks") or []) + (message.get("text") or "")


def test_agent_shows_details_latest_runs_and_schedules_to_the_asker_only(send, slack):
    response = send.command(f"agent {QUICK}")
    assert response.status_code == 200
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    text = blocks_text(answer)
    assert QUICK in text
    assert SAMPLE_RUN in text
    assert "d9c944df-93a7-ea77-f7b7-fa0b9c579917" in text  # the sample schedule
    assert slack.count("chat.postMessage") == 0


def test_run_shows_status_counts_and_the_four_buttons(send, slack):
    send.command(f"run {SAMPLE_RUN}")
    [answer] = slack.wait_for_response()
    text = blocks_text(answer)
    assert "Succeeded" in text
    for label in ("Restart", "Retry errors", "Show log", "Data"):
        assert f'"text": "{label}"' in text


def test_restart_by_an_operator_is_announced_in_the_channel(send, slack, acc):
    send.command(f"restart {SAMPLE_RUN}", user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{OPERATOR}> restarted run" in post.params["text"]
    assert acc.state.count_requests("POST", f"/api/run/{SAMPLE_RUN}/restart") == 1


def test_restart_by_a_viewer_is_refused_naming_the_role_and_acc_is_not_called(send, slack, acc):
    send.command(f"restart {SAMPLE_RUN}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", f"/api/run/{SAMPLE_RUN}/restart") == 0


def test_a_run_id_that_is_no_guid_is_refused_in_the_ack_without_calling_acc(send, acc):
    response = send.command("run not-a-guid")
    assert response.status_code == 200
    assert "GUID" in response.text
    assert acc.state.count_requests("GET", "/api/run") == 0


def test_unknown_agent_says_which_path_was_not_found(send, slack):
    send.command("agent nobody/has/this")
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]


def test_show_log_uploads_the_zip_and_quotes_the_error_lines(send, slack, acc):
    failed = acc.state.add_run(
        QUICK_ID, 5, errors=2, log_text="start\nError: page timed out\nend\n"
    )
    run_id = failed["agentRunHistoryId"]
    send.command(f"log {run_id}")
    [answer] = slack.wait_for_response()
    assert "Error: page timed out" in answer["text"] or "Error: page timed out" in blocks_text(
        answer
    )
    [complete] = slack.wait_for("files.completeUploadExternal")
    [file_id] = list(slack.uploads)
    with zipfile.ZipFile(io.BytesIO(slack.uploads[file_id])) as archive:
        assert any(name.endswith(".log") for name in archive.namelist())


def test_retry_sends_the_chosen_run_method(send, slack, acc):
    send.command(f"retry {SAMPLE_RUN} Continue", user=OPERATOR)
    slack.wait_for("chat.postMessage")
    [request] = [r for r in acc.state.requests if r.path.endswith("/retry")]
    assert request.query.get("RunMethod") == "Continue"


def test_acc_server_error_becomes_a_clear_message(send, slack, acc):
    acc.state.fail_next(10, status=500)
    send.command(f"run {SAMPLE_RUN}")
    [answer] = slack.wait_for_response(timeout=20)
    assert "internal error" in answer["text"]


def test_no_token_reaches_slack(send, slack, acc):
    acc.state.fail_next(10, status=500)
    send.command(f"run {SAMPLE_RUN}")
    send.command("agent nobody/has/this")
    slack.wait_for_response(count=2, timeout=20)
    everything = slack.all_text()
    assert ACC_TOKEN not in everything
    assert BOT_TOKEN not in everything


def test_start_sends_parameters_as_a_json_string_and_is_announced(send, slack, acc):
    send.command(f'start {QUICK} city="New York" limit=10 --test', user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{OPERATOR}> started a test run of" in post.params["text"]
    [request] = [r for r in acc.state.requests if r.path.endswith("/cluster/start")]
    import json

    body = json.loads(request.body)
    assert json.loads(body["inputParameters"]) == {"city": "New York", "limit": "10"}
    assert body["isProductionRun"] is False


def test_start_by_a_viewer_is_refused_and_nothing_starts(send, slack, acc):
    send.command(f"start {QUICK}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", "/api/agent") == 0


def test_start_with_wait_announces_the_start_then_the_outcome_with_its_data_file(send, slack, acc):
    acc.state.run_duration = 0.4
    send.command(f"start {QUICK} --wait=30", user=OPERATOR, channel="COPS")
    posts = slack.wait_for("chat.postMessage", count=2, timeout=30)
    assert "started a run of" in posts[0].params["text"]
    assert "finished: Succeeded" in posts[1].params["text"]
    slack.wait_for("files.completeUploadExternal", timeout=30)
    assert len(slack.uploads) == 1


def test_start_with_wait_that_runs_out_says_the_run_is_still_going(send, slack, acc):
    acc.state.run_duration = 60
    send.command(f"start {QUICK} --wait=1", user=OPERATOR, channel="COPS")
    posts = slack.wait_for("chat.postMessage", count=2, timeout=30)
    assert "is still running after 1s" in posts[1].params["text"]
    assert slack.count("files.completeUploadExternal") == 0


def test_runs_with_status_failed_lists_only_failures(send, slack, acc):
    failed = acc.state.add_run(QUICK_ID, 5, errors=4, status_message="Timed out")
    send.command(f"runs {QUICK} --status failed")
    [answer] = slack.wait_for_response()
    text = blocks_text(answer)
    assert failed["agentRunHistoryId"] in text
    assert SAMPLE_RUN not in text  # the sample run succeeded


def test_data_uploads_the_runs_data_zip(send, slack, acc):
    send.command(f"data {SAMPLE_RUN}")
    [answer] = slack.wait_for_response()
    assert "file(s)" in answer["text"]
    slack.wait_for("files.completeUploadExternal")
    [content] = slack.uploads.values()
    assert zipfile.is_zipfile(io.BytesIO(content))


def test_data_of_a_run_without_backup_data_says_what_acc_said(send, slack, acc):
    failed = acc.state.add_run(QUICK_ID, 5, errors=1, data_files={})
    run_id = failed["agentRunHistoryId"]
    send.command(f"data {run_id}")
    [answer] = slack.wait_for_response()
    assert f"No backup data stored for agent run {run_id}" in answer["text"]
    assert "ACC has no data of run" in answer["text"]
    assert f"ACC has no run {run_id}" not in answer["text"]  # the run exists
    assert slack.count("files.getUploadURLExternal") == 0


def test_data_over_the_download_limit_is_not_uploaded_and_the_reply_says_so(bot, send, slack, acc):
    bot.services.acc.max_download_bytes = 64 * 1024
    run = acc.state.add_run(QUICK_ID, 4, data_files={"big.bin": os.urandom(200_000)})
    send.command(f"data {run['agentRunHistoryId']}")
    [answer] = slack.wait_for_response()
    assert "larger than 65,536 bytes, too large to fetch and upload" in answer["text"]
    assert "ACC's web portal" in blocks_text(answer)
    assert slack.count("files.getUploadURLExternal") == 0
    assert slack.uploads == {}


def test_the_restart_button_runs_the_same_action_as_the_command(send, slack, acc):
    send.click("run_restart", SAMPLE_RUN, user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert f"<@{OPERATOR}> restarted run" in post.params["text"]
    assert acc.state.count_requests("POST", f"/api/run/{SAMPLE_RUN}/restart") == 1


def test_the_restart_button_refuses_a_viewer_naming_the_role(send, slack, acc):
    send.click("run_restart", SAMPLE_RUN, user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", "/api/run") == 0
