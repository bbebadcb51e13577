"""The watcher watches itself: a stuck cycle is said once to be behind and once to have
caught up (across restarts too), and what the first cycle after downtime finds is summed
up in one "while accbot was down" digest per channel. Simulator and fake Slack."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import delete

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Watch
from accbot.store import cycles
from accbot.store.models import WatcherCycle
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN, start_bot, stop_bot
from tests.watcher.helpers import ALERTS, OTHER, alert_key, alerts_in, notices, replies, text_of
from tests.watcher.test_crash import run_watcher_process
from tests.watcher.watcher_process import CRASH_EXIT

PATH = "acme/self/prices"


def wait_until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_stuck_cycle_is_behind_once_and_caught_up_once_across_a_restart(
    acc, slack, make_services, sink, watch
):
    acc.state.add_agent(PATH)
    watch(PATH)
    first = WatcherService(
        make_services(ACCBOT_ALERT_CHANNEL=ALERTS), sink, poll_seconds=1, holder_id="first"
    )
    first.start()
    try:
        assert wait_until(lambda: first.selfwatch.last_cycle_end is not None)
        acc.state.hang_next(1, 6.0)  # the next cycle's run-history request hangs
        assert wait_until(lambda: notices(slack, ALERTS, "behind by"))
        assert first.snapshot().state(time.monotonic()) == "behind"
        [behind] = notices(slack, ALERTS, "The watcher is behind by")
        assert "behind by 3s" in behind.text or "behind by 4s" in behind.text
    finally:
        first.stop()  # waits for the stuck cycle: the process is replaced while behind
    assert not notices(slack, ALERTS, "caught up")

    second = WatcherService(
        make_services(ACCBOT_ALERT_CHANNEL=ALERTS), sink, poll_seconds=1, holder_id="second"
    )
    second.start()
    try:
        assert wait_until(lambda: notices(slack, ALERTS, "caught up"))
        time.sleep(2.5)  # more checks: nothing is said twice
    finally:
        second.stop()
    assert len(notices(slack, ALERTS, "behind by")) == 1
    assert len(notices(slack, ALERTS, "caught up")) == 1


def test_a_watcher_that_keeps_up_says_nothing_about_itself(acc, slack, make_services, sink, watch):
    acc.state.add_agent(PATH)
    watch(PATH)
    service = WatcherService(
        make_services(ACCBOT_ALERT_CHANNEL=ALERTS), sink, poll_seconds=1, holder_id="steady"
    )
    service.start()
    try:
        time.sleep(4.5)
        assert service.snapshot().state(time.monotonic()) == "ok"
    finally:
        service.stop()
    assert slack.channel_messages(ALERTS) == []


def test_failures_found_after_downtime_are_one_digest_per_channel(
    acc, slack, watcher, watch, restart_watcher, clock
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    other_id = acc.state.add_agent("acme/self/stock")["agentId"]
    watch(PATH, ALERTS)
    watch("acme/self/stock", OTHER)
    watcher.run_cycle()  # baseline; its end is stored
    watcher.stop()
    failed = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(3)]
    other_failed = acc.state.add_run(other_id, 7)["agentRunHistoryId"]
    clock.advance(hours=2, minutes=10)  # accbot was down this long

    restarted = restart_watcher()
    report = restarted.run_cycle()

    assert len(report.reserved) == 4  # still one recorded alert per run
    [digest] = alerts_in(slack, ALERTS)
    assert "3 alerts while accbot was down (2h 10m)" in text_of(digest)
    [page] = replies(slack, ALERTS, digest.ts)
    assert all(run_id in text_of(page) for run_id in failed)
    [single] = alerts_in(slack, OTHER)  # a channel with one failure gets its digest too
    assert "1 alert while accbot was down (2h 10m)" in text_of(single)
    assert other_failed in text_of(replies(slack, OTHER, single.ts)[0])

    # After that first cycle, failures are alerted one by one again.
    later = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    restarted.run_cycle()
    newest = alerts_in(slack, ALERTS)[-1]
    assert later in alert_key(newest)
    assert "while accbot was down" not in text_of(newest)


def test_a_quick_restart_is_no_downtime(acc, slack, watcher, watch, restart_watcher, clock):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher.run_cycle()
    failed = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    clock.advance(seconds=2)  # under three intervals
    restart_watcher().run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    assert failed in alert_key(alert)
    assert "while accbot was down" not in text_of(alert)


def test_the_watcher_metrics_are_served_at_metrics(acc, slack, tmp_path):
    bot = start_bot(
        acc_url=acc.url,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        watcher=True,
        ACCBOT_POLL_SECONDS=1,
    )
    agent_id = acc.state.add_agent(PATH)["agentId"]
    try:
        execute(Watch(AgentRef("acc", PATH), ALERTS, False), Actor(ADMIN, ALERTS), bot.services)
        assert wait_until(lambda: _cycle_ends(bot))
        slack.fail_next("chat.postMessage", status=500, count=10_000)  # Slack is down
        acc.state.add_run(agent_id, 5)
        assert wait_until(lambda: _gauge(_metrics(bot), "accbot_alerts_pending") == 1.0)
        metrics = _metrics(bot)
        [end] = _cycle_ends(bot)
    finally:
        stop_bot(bot)
    last_end = _gauge(metrics, "accbot_watcher_last_cycle_end_timestamp_seconds")
    assert last_end > (datetime.now(UTC) - timedelta(seconds=30)).timestamp()
    assert last_end <= end.ended_at.timestamp()  # the stored end is of the same or a later cycle
    assert 0 <= _gauge(metrics, "accbot_watcher_cycle_duration_seconds") < 5


def _metrics(bot) -> str:
    return httpx.get(f"{bot.url}/metrics", timeout=10).text


def _cycle_ends(bot) -> list[cycles.CycleEnd]:
    with bot.services.db.session() as session:
        return cycles.cycle_ends(session)


def _gauge(metrics: str, name: str) -> float:
    [value] = [
        float(line.split()[1]) for line in metrics.splitlines() if line.startswith(name + " ")
    ]
    return value


def test_a_crash_before_the_downtime_digest_is_posted_posts_it_once_still_saying_so(
    acc, slack, settings_env, services, watch
):
    """The digest is recorded with how long accbot was down: the process that posts it
    after a crash says the same, and lists every run once."""
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    with services.db.session() as session:  # the first look at the agent, two hours ago
        cycles.record_cycle_end(
            session, "gone", 1.0, datetime.now(UTC) - timedelta(hours=2, minutes=10, seconds=5)
        )
    baseline = run_watcher_process(settings_env, "once", "--holder", "baseline")
    assert baseline.returncode == 0, baseline.stderr
    with services.db.session() as session:  # ... and nothing since
        session.execute(delete(WatcherCycle).where(WatcherCycle.holder == "baseline"))
    runs = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(2)]

    crashed = run_watcher_process(
        settings_env, "once", "--crash", "after-record", "--crash-at", "1", "--holder", "crashing"
    )
    assert crashed.returncode == CRASH_EXIT, crashed.stderr
    assert slack.count("chat.postMessage") == 0
    restarted = run_watcher_process(settings_env, "once", "--holder", "restarted")
    assert restarted.returncode == 0, restarted.stderr

    [digest] = alerts_in(slack, ALERTS)
    assert "2 alerts while accbot was down (2h 10m)" in text_of(digest)
    [page] = replies(slack, ALERTS, digest.ts)
    assert all(run in text_of(page) for run in runs)
