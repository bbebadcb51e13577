"""Slack saying 429 or 5xx: waited out when it says how long, never a lost alert."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from accbot.store import alerts
from accbot.watcher.service import WatcherService
from tests.support.bot import BOT_TOKEN
from tests.watcher.helpers import ALERTS, alert_key, alerts_in, replies

PATH = "acme/shop/prices"


@pytest.fixture
def impatient_watcher(services, slack):
    """A watcher whose client retries a 429 only once, so Slack can outlast it."""
    client = WebClient(
        token=BOT_TOKEN,
        base_url=slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    service = WatcherService(services, client, poll_seconds=1, holder_id="impatient")
    yield service
    service.stop()


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


def test_an_alert_slack_keeps_refusing_stays_pending_and_goes_out_next_cycle(
    acc, slack, services, impatient_watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.add_run(agent_id, 5, log_text="Error: boom\n")
    slack.fail_next("chat.postMessage", status=429, count=2, headers={"Retry-After": "0"})

    first = impatient_watcher.run_cycle()

    assert alerts_in(slack, ALERTS) == []
    [key] = first.published.failed
    with services.db.session() as session:
        record = alerts.get_alert(session, key)
        assert (record.state, record.attempts, record.last_error) == (
            "pending",
            1,
            "chat.postMessage failed: ratelimited",
        )

    second = impatient_watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == key
    assert second.published.posted == [key]
    assert slack.count("conversations.history") == 1  # looked for it before posting again
    assert len(replies(slack, ALERTS, alert.ts)) == 1  # and its log excerpt followed
    impatient_watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_slack_server_error_leaves_every_alert_of_the_channel_pending(
    acc, slack, services, impatient_watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    for _ in range(3):
        acc.state.add_run(agent_id, 7)
    slack.fail_next(
        "chat.postMessage", status=503, body={"ok": False, "error": "service_unavailable"}
    )

    first = impatient_watcher.run_cycle()

    assert len(first.published.failed) == 3
    assert slack.count("chat.postMessage") == 1  # the channel waits for the next cycle
    with services.db.session() as session:
        assert len(alerts.pending_alerts(session)) == 3

    impatient_watcher.run_cycle()

    assert len(alerts_in(slack, ALERTS)) == 3
    with services.db.session() as session:
        assert alerts.pending_alerts(session) == []


def test_a_recovered_reply_slack_refuses_is_posted_in_a_later_cycle(
    acc, slack, impatient_watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.add_run(agent_id, 5)
    impatient_watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    acc.state.add_run(agent_id, 4)
    slack.fail_next("chat.postMessage", status=429, count=2, headers={"Retry-After": "0"})

    impatient_watcher.run_cycle()
    impatient_watcher.run_cycle()
    impatient_watcher.run_cycle()

    recovered = [m for m in replies(slack, ALERTS, alert.ts) if m.text.startswith("Recovered:")]
    assert len(recovered) == 1


def test_when_slack_history_is_unavailable_older_pending_alerts_wait_and_new_ones_go_out(
    acc, slack, impatient_watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    older = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    slack.fail_next("chat.postMessage", status=429, count=2, headers={"Retry-After": "0"})
    impatient_watcher.run_cycle()
    newer = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    slack.fail_next("conversations.history", status=503, body={"ok": False, "error": "fatal_error"})

    impatient_watcher.run_cycle()

    [posted] = alerts_in(slack, ALERTS)
    assert newer in alert_key(posted)

    impatient_watcher.run_cycle()

    keys = [alert_key(m) for m in alerts_in(slack, ALERTS)]
    assert len(keys) == 2
    assert older in keys[1]
