"""/acc job start, jobs, job, job runs, job logs, job data and job status, end to end
over HTTP: signed commands to the bot, ACC served by the simulator, Slack faked."""

from __future__ import annotations

import io
import json
import zipfile

from accbot.simulator.models import StartOptions
from tests.slack.helpers import acc_attempts, audit_rows, blocks_text, quicken_retries, shown
from tests.support.bot import ADMIN, OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
JOB_3 = "6ef84ec7-d5e6-4a98-bbfa-0b67355a648f"  # the document's job run #3 of quick
JOB_2 = "156aba0d-bb4f-4244-96ef-73d89aaa47ec"
MISSING = "00000000-1111-2222-3333-444444444444"


def zip_names(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.namelist()


def finished_job(acc, outcome: int = 4) -> dict:
    """A job of quick whose one agent run has ended with ``outcome``."""
    acc.state.run_duration = 0.0  # runs end the first time they are read
    acc.state.script_outcomes(QUICK_ID, [outcome])
    job = acc.state.start_job(QUICK_ID, StartOptions())
    return acc.state.job(job["agentJobHistoryId"])


# --- job start -----------------------------------------------------------------------


def test_job_start_by_an_operator_is_announced_and_sends_the_parameters(send, slack, acc, bot):
    send.command(f"job start {QUICK} region=EU", user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    text = post.params["text"]
    assert f"<@{OPERATOR}> started job run #4 of `{QUICK}`" in text
    [started] = [r for r in acc.state.requests if r.path == f"/api/job/{QUICK_ID}/start"]
    assert json.loads(json.loads(started.body)["inputParameters"]) == {"region": "EU"}
    [job] = acc.state.job_history(QUICK_ID, count=1)
    assert job["agentJobHistoryId"] in text
    [row] = audit_rows(bot)
    assert row[:3] == (OPERATOR, "job start", "ok")
    assert row[3]["params"] == {"region": "EU"}


def test_job_start_by_a_viewer_is_refused_naming_the_role_and_acc_is_not_called(
    send, slack, acc, bot
):
    send.command(f"job start {QUICK}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", "/api/job/") == 0
    assert slack.count("chat.postMessage") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(VIEWER, "job start", "refused")]


def test_job_start_while_a_job_runs_gives_accs_reason_and_announces_nothing(send, slack, acc, bot):
    acc.state.run_duration = 60.0
    acc.state.start_job(QUICK_ID, StartOptions())
    send.command(f"job start {QUICK}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "cannot run simultaneously" in answer["text"]
    assert slack.count("chat.postMessage") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "job start", "error")]


def test_job_start_of_an_unknown_agent_names_the_path(send, slack, acc):
    send.command("job start nobody/has/this", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]
    assert acc.state.count_requests("POST", "/api/job/") == 0


def test_job_start_with_a_malformed_pair_is_refused_in_the_ack(send, acc):
    response = send.command(f"job start {QUICK} region", user=OPERATOR)
    assert "k=v" in response.text
    assert acc.state.count_requests("GET", "/api/agent") == 0


# --- jobs ----------------------------------------------------------------------------


def test_jobs_lists_the_job_history_to_the_asker_only(send, slack, acc):
    send.command(f"jobs {QUICK} 5")
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    text = blocks_text(answer)
    assert JOB_3 in text and JOB_2 in text
    assert text.index(JOB_3) < text.index(JOB_2)  # newest first
    assert "Succeeded" in text
    [history] = [r for r in acc.state.requests if r.path == f"/api/job/{QUICK_ID}/history"]
    assert history.query == {"count": "5"}
    assert slack.count("chat.postMessage") == 0


def test_jobs_of_an_agent_that_never_ran_a_job_says_so(send, slack, acc):
    acc.state.add_agent("sequentum/Test2/idle")
    send.command("jobs sequentum/Test2/idle")
    [answer] = slack.wait_for_response()
    assert "No job runs found for `sequentum/Test2/idle`" in answer["text"]


def test_jobs_when_acc_keeps_failing_says_so_clearly(send, slack, acc, bot):
    quicken_retries(bot)
    acc.state.fail_next(acc_attempts(bot), status=502)
    send.command(f"jobs {QUICK}")
    [answer] = slack.wait_for_response()
    assert "internal error (502)" in answer["text"]


def test_a_count_out_of_range_is_refused_in_the_ack(send, acc):
    response = send.command(f"jobs {QUICK} 1000")
    assert "count must be from 1 to 100" in response.text
    assert acc.state.count_requests("GET", "/api/") == 0


# --- job -----------------------------------------------------------------------------


def test_job_shows_totals_status_and_the_agent_once_the_bot_knows_its_path(send, slack):
    send.command(f"job {JOB_3}")
    [first] = slack.wait_for_response()
    text = blocks_text(first)
    assert "Succeeded" in text
    assert "*Requests / page loads*\\n33 / 1" in text
    assert "*Runs done*\\n1/1" in text
    assert f"agent ID `{QUICK_ID}`" in text  # ACC names only the agent's ID
    send.command(f"jobs {QUICK}")
    slack.wait_for_response(count=2)
    send.command(f"job {JOB_3}")
    third = slack.wait_for_response(count=3)[2]
    assert f"Job run #3 of {QUICK}" in blocks_text(third)


def test_job_that_acc_does_not_have_is_named(send, slack):
    send.command(f"job {MISSING}")
    [answer] = slack.wait_for_response()
    assert f"ACC has no job run {MISSING}" in answer["text"]
    assert f"ACC says: Job run {MISSING} not found" in answer["text"]


def test_job_with_an_id_that_is_no_guid_is_refused_in_the_ack(send, acc):
    response = send.command("job 12")
    assert "not a job run ID" in response.text
    assert acc.state.count_requests("GET", "/api/") == 0


# --- job runs ------------------------------------------------------------------------


def test_job_runs_lists_the_agent_runs_of_that_job_run(send, slack, acc):
    job = finished_job(acc)
    [run] = acc.state.job_agent_runs(QUICK_ID, job["runId"])
    send.command(f"job runs {QUICK} {job['agentJobHistoryId']}")
    [answer] = slack.wait_for_response()
    text = blocks_text(answer)
    assert run["agentRunHistoryId"] in text
    assert "Agent runs" in text
    path = f"/api/agent/{QUICK_ID}/run/{job['runId']}/history"
    assert acc.state.count_requests("GET", path) == 1


def test_job_runs_of_a_job_without_agent_runs_says_so(send, slack):
    send.command(f"job runs {QUICK} {JOB_3}")
    [answer] = slack.wait_for_response()
    assert "This job run has no agent runs" in blocks_text(answer)


def test_job_runs_with_another_agents_job_run_is_refused(send, slack, acc):
    other = acc.state.add_agent("sequentum/Test2/other")
    job = acc.state.add_job_run(other["agentId"], 3)
    send.command(f"job runs {QUICK} {job['agentJobHistoryId']}")
    [answer] = slack.wait_for_response()
    assert "belongs to" in answer["text"] and QUICK in answer["text"]
    assert acc.state.count_requests("GET", f"/api/agent/{QUICK_ID}/run/") == 0


# --- job logs and job data -------------------------------------------------------------


def test_job_logs_uploads_the_zip_and_quotes_the_error_lines(send, slack, acc):
    job = finished_job(acc, outcome=5)
    send.command(f"job logs {job['agentJobHistoryId']}", channel="COPS")
    [answer] = slack.wait_for_response()
    assert "Error in command 'Extract price'" in blocks_text(answer)
    [complete] = slack.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "COPS"
    [content] = slack.uploads.values()
    assert any(name.endswith(".log") for name in zip_names(content))


def test_job_logs_of_a_job_run_without_agent_runs_quotes_accs_job_log(send, slack):
    send.command(f"job logs {JOB_3}")
    [answer] = slack.wait_for_response()
    assert "Job run 3 of agent" in blocks_text(answer)
    slack.wait_for("files.completeUploadExternal")


def test_job_logs_of_an_unknown_job_run_names_it_and_uploads_nothing(send, slack):
    send.command(f"job logs {MISSING}")
    [answer] = slack.wait_for_response()
    assert f"ACC has no logs of job run {MISSING}" in answer["text"]
    assert f"ACC says: Job run {MISSING} not found" in answer["text"]
    assert slack.count("files.getUploadURLExternal") == 0


def test_job_data_uploads_the_runs_data_files(send, slack, acc):
    job = finished_job(acc, outcome=4)
    send.command(f"job data {job['agentJobHistoryId']}")
    [answer] = slack.wait_for_response()
    assert "quick.csv" in blocks_text(answer)
    slack.wait_for("files.completeUploadExternal")
    [content] = slack.uploads.values()
    assert any(name.endswith("quick.csv") for name in zip_names(content))


def test_job_data_of_a_job_run_that_stored_none_says_so_and_uploads_nothing(send, slack):
    send.command(f"job data {JOB_3}")
    [answer] = slack.wait_for_response()
    assert f"ACC has no data for job run `{JOB_3}`" in answer["text"]
    assert slack.count("files.getUploadURLExternal") == 0


# --- job status ----------------------------------------------------------------------


def test_job_status_by_an_operator_sets_the_latest_job_and_is_announced(send, slack, acc, bot):
    send.command(f"job status {QUICK} failed", user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert (
        f"<@{OPERATOR}> set the status of the latest job of `{QUICK}` to Failed"
        in post.params["text"]
    )
    [request] = [r for r in acc.state.requests if r.path == f"/api/job/{QUICK_ID}/status"]
    assert json.loads(request.body) == {"status": 5}
    assert acc.state.job(JOB_3)["status"] == 5
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "job status", "ok")]


def test_job_status_of_an_agent_without_jobs_says_there_is_none_to_set(send, slack, acc):
    acc.state.add_agent("sequentum/Test2/idle")
    send.command("job status sequentum/Test2/idle succeeded", user=ADMIN)
    [answer] = slack.wait_for_response()
    assert "has no job runs yet" in answer["text"]
    assert slack.count("chat.postMessage") == 0


def test_job_status_by_a_viewer_is_refused(send, slack, acc):
    send.command(f"job status {QUICK} succeeded", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", "/api/job/") == 0


def test_an_unknown_job_status_is_refused_in_the_ack_with_the_choices(send, acc):
    response = send.command(f"job status {QUICK} done", user=OPERATOR)
    assert "in-progress-with-failure" in response.text
    assert acc.state.count_requests("POST", "/api/job/") == 0


def test_acc_rejecting_the_status_change_is_explained(send, slack, acc, bot):
    acc.state.fail_next(1, status=400)
    send.command(f"job status {QUICK} succeeded", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "ACC refused the request" in answer["text"]
    assert slack.count("chat.postMessage") == 0


def test_help_for_the_job_commands_shows_usage_example_and_role(send):
    runs = shown(send.command("help job runs").text)
    assert "`/acc job runs <agentPath> <jobRunId>`" in runs
    assert "Example: `/acc job runs " in runs and "Needs the viewer role." in runs
    start = shown(send.command("help job start").text)
    assert "`/acc job start <agentPath> [k=v ...]`" in start and "Needs the operator role." in start
