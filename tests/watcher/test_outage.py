"""ACC answering 503 for several cycles: soft failures, backoff, one notice each way."""

from __future__ import annotations

from accbot.watcher.outage import FAILED_CYCLES_BEFORE_NOTICE, BackendHealth
from accbot.watcher.service import WatcherService
from tests.watcher.helpers import ALERTS, OTHER, alert_key, alerts_in, notices

PATH = "acme/shop/prices"


def _acc_requests(acc) -> int:
    return len([r for r in acc.state.requests if r.path.startswith("/api/")])


def test_backoff_skips_more_cycles_after_each_failure():
    health = BackendHealth("ACC", poll_seconds=60)
    pattern = []
    for _ in range(12):
        if health.may_poll():
            pattern.append("poll")
            health.failed(None, RuntimeError("down"))
        else:
            pattern.append("skip")
    assert pattern[:12] == ["poll", "poll", "skip", "poll"] + ["skip"] * 3 + ["poll"] + ["skip"] * 4


def test_backoff_never_waits_longer_than_five_minutes():
    health = BackendHealth("ACC", poll_seconds=60)
    for _ in range(20):
        health.failed(None, RuntimeError("down"))
    skipped = 0
    while not health.may_poll():
        skipped += 1
    assert skipped == 5


def test_acc_down_for_several_cycles_is_told_once_per_channel_then_once_back(
    acc, slack, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH, ALERTS)
    watch(PATH, OTHER)
    watcher.run_cycle()
    acc.state.fail_next(100_000, status=503)

    polled = []
    for _ in range(FAILED_CYCLES_BEFORE_NOTICE + 1):  # cycles 1, 2 and 4 ask ACC; 3 backs off
        before = _acc_requests(acc)
        report = watcher.run_cycle()  # fails softly: no exception
        polled.append(_acc_requests(acc) > before)
    assert polled == [True, True, False, True]
    assert report.unavailable == ["ACC"]
    for channel in (ALERTS, OTHER):
        [notice] = notices(slack, channel, "ACC unreachable")
        assert "503" in notice.blocks[0]["text"]["text"]

    failed_meanwhile = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
    for _ in range(4):  # still down: nothing more is said
        watcher.run_cycle()
    assert all(len(notices(slack, c, "ACC unreachable")) == 1 for c in (ALERTS, OTHER))
    assert alerts_in(slack, ALERTS) == []

    acc.state.fail_next(0)
    reports = [watcher.run_cycle() for _ in range(8)]  # the backoff ends within these

    assert any(r.requests for r in reports)
    for channel in (ALERTS, OTHER):
        assert len(notices(slack, channel, "ACC reachable again")) == 1
        [alert] = alerts_in(slack, channel)
        assert failed_meanwhile in alert_key(alert)


def test_a_short_hiccup_is_retried_without_telling_anyone(acc, slack, watcher, watch):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    acc.state.fail_next(1, status=503)  # the cycle's only request: its run history
    acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1
    assert slack.channel_messages(ALERTS)[0].metadata is not None
    assert not notices(slack, ALERTS, "ACC")


def test_a_restart_during_an_outage_says_reachable_again_once_it_answers(
    acc, slack, services, sink, make_services, watch
):
    acc.state.add_agent(PATH)
    watch(PATH)
    first = WatcherService(services, sink, poll_seconds=1, holder_id="first")
    acc.state.fail_next(100_000, status=503)
    for _ in range(FAILED_CYCLES_BEFORE_NOTICE + 1):
        first.run_cycle()
    first.stop()
    assert len(notices(slack, ALERTS, "ACC unreachable")) == 1

    acc.state.fail_next(0)
    second = WatcherService(make_services(), sink, poll_seconds=1, holder_id="second")
    try:
        second.run_cycle()
        second.run_cycle()
    finally:
        second.stop()
    assert len(notices(slack, ALERTS, "ACC reachable again")) == 1
