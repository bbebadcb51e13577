"""Detection on scripted histories: the simulator's runs in, the fake Slack's messages out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Mute
from accbot.metrics import REGISTRY
from accbot.store import alerts, cursors
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN
from tests.watcher.helpers import (
    ALERTS,
    OTHER,
    alert_key,
    alerts_in,
    button_texts,
    replies,
    text_of,
)

PATH = "acme/shop/prices"
LOG = "10:00:01 start\n10:00:02 Error: page https://shop.example/p/1 timed out\n10:00:03 end\n"


def _agent(acc, path: str = PATH) -> str:
    return acc.state.add_agent(path)["agentId"]


def test_a_new_failure_posts_one_alert_with_details_buttons_and_the_logs_error_lines(
    acc, slack, watcher, watch
):
    agent_id = _agent(acc)
    acc.state.add_run(agent_id, 4)
    watch(PATH)
    failed = acc.state.add_run(agent_id, 5, errors=3, status_message="Page timed out", log_text=LOG)

    counted = REGISTRY.get_sample_value("accbot_alerts_total", {"kind": "failure"}) or 0
    report = watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == report.reserved[0]
    assert REGISTRY.get_sample_value("accbot_alerts_total", {"kind": "failure"}) == counted + 1
    assert failed["agentRunHistoryId"] in alert_key(alert)
    text = text_of(alert)
    for expected in (PATH, failed["agentRunHistoryId"], "Page timed out", "Failed", "127.0.0.1"):
        assert expected in text
    assert acc.url in text  # the ACC portal link
    assert button_texts(alert) == ["Retry errors", "Restart", "Show log", "Mute 1h", "Acknowledge"]
    [log] = replies(slack, ALERTS, alert.ts)
    assert "Error: page https://shop.example/p/1 timed out" in text_of(log)

    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_failure_from_before_the_watch_is_never_alerted(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    acc.state.add_run(agent_id, 7)
    acc.state.add_job_run(agent_id, 5)
    watch(PATH)
    watcher.run_cycle()
    watcher.run_cycle()
    assert slack.count("chat.postMessage") == 0


def test_failures_while_the_bot_was_down_are_alerted_after_it_starts_again(
    acc, slack, watch, make_services, services, sink
):
    agent_id = _agent(acc)
    watch(PATH)
    first = WatcherService(services, sink, poll_seconds=1, holder_id="before")
    first.run_cycle()
    first.stop()
    during = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(2)]

    restarted = WatcherService(make_services(), sink, poll_seconds=1, holder_id="after")
    try:
        restarted.run_cycle()
    finally:
        restarted.stop()

    posted = alerts_in(slack, ALERTS)
    assert sorted(run for run in during for m in posted if run in alert_key(m)) == sorted(during)
    assert len(posted) == 2


def test_a_later_success_replies_recovered_in_the_thread_and_updates_the_alert(
    acc, slack, watcher, watch
):
    agent_id = _agent(acc)
    watch(PATH)
    acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)

    success = acc.state.add_run(agent_id, 4)
    watcher.run_cycle()

    [update] = slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (ALERTS, alert.ts)
    assert "Recovered" in text_of(update)
    recovered = [m for m in replies(slack, ALERTS, alert.ts) if "Recovered" in text_of(m)]
    assert len(recovered) == 1
    assert success["agentRunHistoryId"] in text_of(recovered[0])

    acc.state.add_run(agent_id, 4)
    watcher.run_cycle()
    assert slack.count("chat.update") == 1
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_failure_and_its_recovery_in_one_cycle_post_both_in_order(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    acc.state.add_run(agent_id, 7)
    acc.state.add_run(agent_id, 4)
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    assert any("Recovered" in text_of(m) for m in replies(slack, ALERTS, alert.ts))
    assert slack.count("chat.update") == 1


def test_a_success_recovers_only_failures_alerted_before_it(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    acc.state.add_run(agent_id, 4)
    acc.state.add_run(agent_id, 5)  # newer than the success
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1
    assert slack.count("chat.update") == 0


def test_a_retried_run_that_succeeds_recovers_its_own_failure(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    run = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    watcher.run_cycle()
    acc.state.set_run_status(run, 4)
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    assert any("Recovered" in text_of(m) for m in replies(slack, ALERTS, alert.ts))


def test_a_failed_job_run_is_alerted_and_a_job_still_in_progress_is_not(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    acc.state.add_job_run(agent_id, 2, run_status=2)  # in progress with failure: no end state
    job = acc.state.add_job_run(agent_id, 4, run_status=5)
    watcher.run_cycle()
    alerted = alerts_in(slack, ALERTS)
    assert len(alerted) == 2  # the job's failed run, and the job: nothing of the other job
    [alert] = [m for m in alerted if job["agentJobHistoryId"] in alert_key(m)]
    text = text_of(alert)
    assert job["agentJobHistoryId"] in text and "Job run failure" in text
    assert "Mute 1h" in button_texts(alert)
    assert len(replies(slack, ALERTS, alert.ts)) == 1  # the job's log excerpt


def test_a_job_success_recovers_a_job_failure_but_a_run_success_does_not(
    acc, slack, watcher, watch
):
    agent_id = _agent(acc)
    watch(PATH)
    acc.state.add_job_run(agent_id, 5)
    watcher.run_cycle()
    acc.state.add_run(agent_id, 4)
    watcher.run_cycle()
    assert slack.count("chat.update") == 0
    acc.state.add_job_run(agent_id, 3, run_status=4)  # the job's run shows in the run history
    watcher.run_cycle()
    assert slack.count("chat.update") == 1


def test_a_muted_agent_is_not_alerted_until_the_mute_expires(
    acc, slack, services, watcher, watch, clock
):
    agent_id = _agent(acc)
    watch(PATH)
    execute(Mute(AgentRef("acc", PATH), timedelta(hours=1)), Actor(ADMIN, ALERTS), services)
    acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    assert alerts_in(slack, ALERTS) == []

    clock.advance(hours=1, minutes=1)
    later = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    assert later in alert_key(alert)


def test_more_than_five_alerts_for_a_channel_become_one_digest_with_details_in_its_thread(
    acc, slack, watcher, watch
):
    runs = []
    for name in ("a", "b", "c"):
        agent_id = _agent(acc, f"acme/{name}/agent")
        watch(f"acme/{name}/agent")
        runs += [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(2)]

    watcher.run_cycle()

    [digest] = alerts_in(slack, ALERTS)
    text = text_of(digest)
    assert "6 alerts" in text
    for name in ("a", "b", "c"):
        assert f"acme/{name}/agent" in text
    for run in runs:
        assert run in text
    [details] = replies(slack, ALERTS, digest.ts)  # up to 20 runs a reply
    for run in runs:
        assert run in text_of(details)
    assert (
        button_texts(details)
        == ["Retry errors", "Restart", "Show log", "Mute 1h", "Acknowledge"] * 6
    )
    assert slack.count("chat.postMessage") == 2


def test_five_alerts_are_posted_one_by_one(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    for _ in range(5):
        acc.state.add_run(agent_id, 5, log_text=LOG)
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 5


def test_a_digested_failure_recovers_in_the_digests_thread(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    for _ in range(6):
        acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    [digest] = alerts_in(slack, ALERTS)
    acc.state.add_run(agent_id, 4)
    watcher.run_cycle()
    assert slack.count("chat.update") == 0  # the digest and its lists stay as they were
    recovered = [m for m in replies(slack, ALERTS, digest.ts) if m.text.startswith("Recovered:")]
    assert len(recovered) == 1  # one success, one reply in the digest's thread


def test_with_all_every_end_state_is_announced_without_it_only_failures(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH, ALERTS, all_states=True)
    watch(PATH, OTHER)
    acc.state.add_run(agent_id, 4)
    acc.state.add_run(agent_id, 6)
    watcher.run_cycle()
    assert [
        ("Succeeded" in text_of(m), "Stopped" in text_of(m)) for m in alerts_in(slack, ALERTS)
    ] == [
        (True, False),
        (False, True),
    ]
    assert alerts_in(slack, OTHER) == []


def test_each_watching_channel_gets_its_own_alert_from_one_request_per_history(
    acc, slack, watcher, watch
):
    agent_id = _agent(acc)
    watch(PATH, ALERTS)
    watch(PATH, OTHER)
    acc.state.add_run(agent_id, 5)
    before = len(acc.state.requests)
    watcher.run_cycle()
    asked = [r.path for r in acc.state.requests[before:] if r.path.endswith("/history")]
    assert asked == [f"/api/agent/{agent_id}/history"]  # a run of no job: no job history
    assert len(alerts_in(slack, ALERTS)) == 1
    assert len(alerts_in(slack, OTHER)) == 1


def test_a_burst_of_runs_between_two_polls_is_fetched_until_it_overlaps(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    acc.state.add_run(agent_id, 4)
    watch(PATH)
    watcher.run_cycle()
    burst = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(25)]
    before = len(acc.state.requests)

    watcher.run_cycle()

    counts = [
        int(r.query["count"])
        for r in acc.state.requests[before:]
        if r.path == f"/api/agent/{agent_id}/history"
    ]
    assert counts == [10, 40]
    [digest] = alerts_in(slack, ALERTS)
    assert "25 alerts" in text_of(digest)
    lists = replies(slack, ALERTS, digest.ts)
    assert len(lists) == 2  # 20 runs, then 5
    assert all(sum(run in text_of(m) for m in lists) == 1 for run in burst)


def test_old_runs_beyond_the_watchs_start_are_not_alerted_when_the_history_is_searched(
    acc, slack, watcher, watch, services
):
    agent_id = _agent(acc)
    long_ago = datetime.now(UTC) - timedelta(days=2)
    old_failures = [
        acc.state.add_run(agent_id, 5, start_time=long_ago + timedelta(minutes=m))[
            "agentRunHistoryId"
        ]
        for m in range(60)
    ]
    for _ in range(50):
        acc.state.add_run(agent_id, 4, start_time=long_ago + timedelta(hours=2))
    watch(PATH)
    with services.db.session() as session:
        seen = cursors.get_cursor(session, "acc", agent_id).seen_keys
    assert len([key for key in seen if key.endswith(":")]) == 50  # the watch starts from 50 runs
    burst = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(45)]

    watcher.run_cycle()  # pages of 10, 40, 160: past the 50 into the 60 older runs

    [digest] = alerts_in(slack, ALERTS)
    assert "45 alerts" in text_of(digest)
    text = "".join(text_of(m) for m in replies(slack, ALERTS, digest.ts))
    assert all(run in text for run in burst)
    assert not any(run in text for run in old_failures)


def test_a_run_past_its_expected_end_gets_one_overdue_warning(acc, slack, watcher, watch):
    agent_id = _agent(acc)
    watch(PATH)
    now = datetime.now(UTC)
    run = acc.state.add_run(
        agent_id,
        2,
        start_time=now - timedelta(minutes=3),
        expected_end_time=now - timedelta(minutes=1),
    )
    watcher.run_cycle()
    watcher.run_cycle()
    [warning] = alerts_in(slack, ALERTS)
    assert "overdue" in text_of(warning).lower()
    assert button_texts(warning) == ["Show log", "Mute 1h", "Acknowledge"]
    assert run["agentRunHistoryId"] in alert_key(warning)
    assert replies(slack, ALERTS, warning.ts) == []  # no failure yet: no log excerpt


def test_alert_records_are_posted_and_marked_with_their_channel_and_ts(
    acc, slack, watcher, watch, services
):
    agent_id = _agent(acc)
    watch(PATH)
    acc.state.add_run(agent_id, 5)
    report = watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    with services.db.session() as session:
        record = alerts.get_alert(session, report.reserved[0])
        assert (record.state, record.channel_id, record.slack_ts) == ("posted", ALERTS, alert.ts)
