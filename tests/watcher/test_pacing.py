"""Posting at Slack's pace: the fake Slack enforces one post a second per channel (bursts of
four) and answers 429 beyond it; the publisher keeps to that pace per channel, in the
background, so a busy channel never holds back another one nor the next cycle."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.watcher.service import WatcherService
from tests.support.bot import BOT_TOKEN
from tests.support.fake_slack import SLACK_LIMIT, FakeSlack
from tests.watcher.helpers import (
    ALERTS,
    OTHER,
    alert_key,
    alerts_in,
    button_texts,
    replies,
    text_of,
)

LOG = "10:00:02 Error: page timed out\n"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(limit=SLACK_LIMIT) as fake:
        yield fake


@pytest.fixture
def background(services) -> Iterator[WatcherService]:
    """A watcher whose publisher posts in the background, as in the bot."""
    service = WatcherService(
        services, SlackSink(build_web_client(services.settings)), poll_seconds=1, holder_id="bg"
    )
    service.cycle.publisher.start()
    yield service
    service.stop()


def wait_until(found, timeout: float):
    deadline = time.monotonic() + timeout
    while not (result := found()):
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.02)
    return result


def build_web_client_for(slack: FakeSlack) -> WebClient:
    """A client without retries, to see the fake's own answers."""
    return WebClient(token=BOT_TOKEN, base_url=slack.api_url, retry_handlers=[])


def test_the_fake_slack_refuses_a_fifth_post_in_a_second_with_retry_after(slack):
    client = build_web_client_for(slack)
    for n in range(4):
        client.chat_postMessage(channel=ALERTS, text=f"post {n}")
    client.chat_postMessage(channel=OTHER, text="another channel has its own pace")
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=ALERTS, text="one too many")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "1"
    assert len(slack.rate_limited) == 1
    assert len(slack.channel_messages(ALERTS)) == 4


def test_a_busy_channel_drains_at_slacks_pace_while_another_channel_is_alerted_at_once(
    acc, slack, background, watch
):
    busy = []
    for n in range(5):  # five alerts and five log excerpts: ten posts, four at once
        agent_id = acc.state.add_agent(f"acme/busy/{n}")["agentId"]
        watch(f"acme/busy/{n}", ALERTS)
        busy.append(agent_id)
    calm = acc.state.add_agent("acme/calm")["agentId"]
    watch("acme/calm", OTHER)
    for agent_id in busy:
        acc.state.add_run(agent_id, 5, log_text=LOG)

    started = time.monotonic()
    background.run_cycle()
    assert time.monotonic() - started < 3  # the cycle never waits for Slack's pace
    wait_until(lambda: len(alerts_in(slack, ALERTS)) == 5, timeout=15)

    acc.state.add_run(calm, 5)
    failed_at = time.monotonic()
    background.run_cycle()
    [calm_alert] = wait_until(lambda: alerts_in(slack, OTHER), timeout=5)
    assert time.monotonic() - failed_at < 2.5

    wait_until(
        lambda: sum(len(replies(slack, ALERTS, a.ts)) for a in alerts_in(slack, ALERTS)) == 5, 20
    )
    refused = {id(c) for c in slack.rate_limited}
    posts = [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params["channel"] == ALERTS and id(c) not in refused
    ]
    assert len(posts) == 10 == len(slack.channel_messages(ALERTS))
    assert len(slack.rate_limited) <= 1  # paced: Slack hardly ever has to say "slow down"
    # Alerts first, then their log excerpts.
    assert [bool(c.params.get("thread_ts")) for c in posts] == [False] * 5 + [True] * 5
    gaps = [b.at - a.at for a, b in zip(posts[4:], posts[5:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps)  # after the burst, one a second
    [last] = [m for m in slack.channel_messages(ALERTS)][-1:]
    assert float(calm_alert.ts) < float(last.ts)  # B was alerted while A drained


def test_a_429_holds_back_only_its_channel(acc, slack, background, watch):
    a = acc.state.add_agent("acme/a")["agentId"]
    b = acc.state.add_agent("acme/b")["agentId"]
    watch("acme/a", ALERTS)
    watch("acme/b", OTHER)
    slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "5"})
    acc.state.add_run(a, 7)
    background.run_cycle()
    wait_until(lambda: slack.count("chat.postMessage") == 1, timeout=5)  # A refused: 5 s
    acc.state.add_run(b, 7)
    background.run_cycle()

    [b_alert] = wait_until(lambda: alerts_in(slack, OTHER), timeout=3.5)
    assert alerts_in(slack, ALERTS) == []
    [a_alert] = wait_until(lambda: alerts_in(slack, ALERTS), timeout=10)
    refused = slack.calls_to("chat.postMessage")[0]
    accepted = next(
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params["channel"] == ALERTS and c is not refused
    )
    assert accepted.at - refused.at >= 4.9
    assert alert_key(a_alert) and alert_key(b_alert)


def test_a_storm_is_one_digest_whose_replies_list_twenty_runs_each_with_their_buttons(
    acc, slack, background, watch
):
    agents = []
    for n in range(3):
        agents.append(acc.state.add_agent(f"acme/storm/{n}")["agentId"])
        watch(f"acme/storm/{n}", ALERTS)
    runs = [acc.state.add_run(agents[i % 3], 5)["agentRunHistoryId"] for i in range(45)]

    background.run_cycle()

    [digest] = wait_until(lambda: alerts_in(slack, ALERTS), timeout=5)
    lists = wait_until(
        lambda: (r := replies(slack, ALERTS, digest.ts)) and len(r) == 3 and r, timeout=10
    )
    assert "45 alerts" in text_of(digest)
    assert [button_texts(r).count("Restart") for r in lists] == [20, 20, 5]
    for run in runs:
        assert sum(run in text_of(r) for r in lists) == 1
    assert all(len(r.blocks) <= 50 for r in lists)
    assert slack.rate_limited == []


def test_in_a_channel_alerts_go_first_then_digest_lists_then_recovered_replies(
    acc, slack, watcher, watch
):
    flaky = acc.state.add_agent("acme/flaky")["agentId"]
    watch("acme/flaky", ALERTS)
    storm = []
    for n in range(6):
        storm.append(acc.state.add_agent(f"acme/storm/{n}")["agentId"])
        watch(f"acme/storm/{n}", ALERTS)
    acc.state.add_run(flaky, 5)
    watcher.run_cycle()
    [failure] = alerts_in(slack, ALERTS)
    posted = slack.count("chat.postMessage")

    acc.state.add_run(flaky, 4)  # recovers the first failure
    for agent_id in storm:
        acc.state.add_run(agent_id, 5)
    watcher.run_cycle()

    later = slack.calls_to("chat.postMessage")[posted:]
    later = [c for c in later if c not in slack.rate_limited]
    kinds = [
        "digest"
        if not c.params.get("thread_ts")
        else "recovered"
        if c.params["thread_ts"] == failure.ts
        else "list"
        for c in later
    ]
    assert kinds == ["digest", "list", "recovered"]
