"""Slack saying 429 or 5xx: waited out when it says how long, never a lost alert."""

from __future__ import annotations

import time

from accbot.store import alerts
from accbot.watcher.service import WatcherService
from tests.watcher.helpers import ALERTS, OTHER, alert_key, alerts_in, replies

PATH = "acme/shop/prices"
UNAVAILABLE = {"ok": False, "error": "service_unavailable"}
FATAL = {"ok": False, "error": "fatal_error"}


def test_a_429_with_retry_after_is_waited_out_and_the_alert_posted_once(acc, slack, watcher, watch):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.add_run(agent_id, 5)
    slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})

    started = time.monotonic()
    report = watcher.run_cycle()

    assert time.monotonic() - started >= 1.0
    [refused, accepted] = slack.calls_to("chat.postMessage")[:2]
    assert accepted.at - refused.at >= 1.0
    [alert] = alerts_in(slack, ALERTS)
    assert report.published.posted == [alert_key(alert)]


def test_a_429_is_waited_out_however_often_slack_says_it_and_counts_as_no_failure(
    acc, slack, services, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.add_run(agent_id, 5, log_text="Error: boom\n")
    slack.fail_next("chat.postMessage", status=429, count=3, headers={"Retry-After": "0"})

    report = watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert report.published.posted == [alert_key(alert)]
    with services.db.session() as session:
        record = alerts.get_alert(session, alert_key(alert))
        assert (record.state, record.attempts) == ("posted", 0)
    assert len(replies(slack, ALERTS, alert.ts)) == 1  # and its log excerpt followed


def test_an_alert_slack_keeps_failing_stays_pending_and_goes_out_once_next_cycle(
    acc, slack, services, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.add_run(agent_id, 5, log_text="Error: boom\n")
    slack.fail_next("chat.postMessage", status=503, count=3, body=UNAVAILABLE)  # and retries

    first = watcher.run_cycle()

    assert alerts_in(slack, ALERTS) == []
    [key] = first.published.failed
    with services.db.session() as session:
        record = alerts.get_alert(session, key)
        assert (record.state, record.attempts, record.last_error) == (
            "pending",
            1,
            "chat.postMessage failed: service_unavailable",
        )

    second = watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == key
    assert second.published.posted == [key]
    assert slack.count("conversations.history") == 1  # looked for it before posting again
    assert len(replies(slack, ALERTS, alert.ts)) == 1  # and its log excerpt followed
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_slack_server_error_leaves_every_alert_of_the_channel_pending(
    acc, slack, services, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    for _ in range(3):
        acc.state.add_run(agent_id, 7)
    slack.fail_next("chat.postMessage", status=503, count=3, body=UNAVAILABLE)

    first = watcher.run_cycle()

    assert len(first.published.failed) == 3
    assert slack.count("chat.postMessage") == 3  # one post and its retries; the rest wait
    with services.db.session() as session:
        assert len(alerts.pending_alerts(session)) == 3

    watcher.run_cycle()

    assert len(alerts_in(slack, ALERTS)) == 3
    with services.db.session() as session:
        assert alerts.pending_alerts(session) == []


def test_a_recovered_reply_slack_fails_is_posted_in_a_later_cycle(acc, slack, watcher, watch):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    acc.state.add_run(agent_id, 4)
    posts = slack.count("chat.postMessage")
    slack.fail_next("chat.postMessage", status=503, count=3, body=UNAVAILABLE)

    watcher.run_cycle()
    assert slack.count("chat.postMessage") == posts + 3
    watcher.run_cycle()
    watcher.run_cycle()

    recovered = [m for m in replies(slack, ALERTS, alert.ts) if m.text.startswith("Recovered:")]
    assert len(recovered) == 1


def test_when_slack_history_is_unavailable_older_pending_alerts_wait_and_new_ones_go_out(
    acc, slack, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    older = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    slack.fail_next("chat.postMessage", status=503, count=3, body=UNAVAILABLE)
    watcher.run_cycle()
    newer = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    slack.fail_next("conversations.history", status=503, count=3, body=FATAL)

    watcher.run_cycle()

    [posted] = alerts_in(slack, ALERTS)
    assert newer in alert_key(posted)

    watcher.run_cycle()

    keys = [alert_key(m) for m in alerts_in(slack, ALERTS)]
    assert len(keys) == 2
    assert older in keys[1]


def wait_until(found, timeout: float):
    deadline = time.monotonic() + timeout
    while not (result := found()):
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.02)
    return result


def test_a_rate_limited_channel_waits_alone_and_the_other_channel_posts_meanwhile(
    acc, slack, services, sink, watch
):
    """One channel told to wait 5 s: the other's alert goes out meanwhile."""
    busy = acc.state.add_agent("acme/busy")["agentId"]
    calm = acc.state.add_agent("acme/calm")["agentId"]
    watch("acme/busy", ALERTS)
    watch("acme/calm", OTHER)
    service = WatcherService(services, sink, poll_seconds=1, holder_id="background")
    service.cycle.publisher.start()
    try:
        slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "5"})
        acc.state.add_run(busy, 7)
        started = time.monotonic()
        service.run_cycle()  # returns at once: posting is the publisher's
        assert time.monotonic() - started < 2
        [refused] = slack.wait_for("chat.postMessage", 1, timeout=5)
        acc.state.add_run(calm, 7)
        service.run_cycle()

        [calm_alert] = wait_until(lambda: alerts_in(slack, OTHER), timeout=4)
        assert alerts_in(slack, ALERTS) == []  # still waiting out its 429
        [busy_alert] = wait_until(lambda: alerts_in(slack, ALERTS), timeout=10)
        assert float(busy_alert.ts) > float(calm_alert.ts)
        assert time.monotonic() - refused.at >= 4.9
    finally:
        service.stop()
