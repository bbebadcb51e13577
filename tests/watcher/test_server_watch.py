"""Server watches end to end: ACC's server check served by the simulator, alerts to the
fake Slack. A server in trouble (unreachable, or CPU or memory at or over ACC's own
thresholds) is alerted once, and once more when it is back, across restarts; its key
never leaves the bot."""

from __future__ import annotations

import json
import logging

import pytest

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands import parse
from accbot.slack.sink import SlackSink
from accbot.store import alerts
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN
from tests.watcher.helpers import ALERTS, OTHER, alert_key, alerts_in, replies, text_of

IP, PORT = "10.0.0.5", 8004
KEY = "se1-api-key-never-shown-0f9e8d"


@pytest.fixture
def settings_env(settings_env):
    servers = [{"name": "se1", "ip": IP, "port": PORT, "key": KEY}]
    return {**settings_env, "ACCBOT_SERVERS": json.dumps(servers)}


@pytest.fixture
def server(acc):
    acc.state.add_server(IP, PORT, KEY)
    return acc.state


def _watch(services, channel: str = ALERTS) -> None:
    execute(parse(f"watch server:se1 <#{channel}>"), Actor(ADMIN, channel), services)


def _everything_sent(slack) -> str:
    return json.dumps([call.params for call in slack.calls])


def test_a_healthy_server_is_checked_every_cycle_and_nothing_is_said(
    acc, slack, services, watcher, server
):
    _watch(services)
    watcher.run_cycle()
    watcher.run_cycle()
    assert acc.state.count_requests("POST", "/api/server/check") == 2
    assert slack.count("chat.postMessage") == 0
    bodies = [json.loads(r.body) for r in acc.state.requests if r.path == "/api/server/check"]
    assert {b["key"] for b in bodies} == {KEY}  # the key goes to ACC, and only there


def test_an_unreachable_server_is_alerted_once_and_its_return_once(
    acc, slack, services, watcher, server, caplog
):
    caplog.set_level(logging.DEBUG)
    _watch(services)
    server.set_server(IP, PORT, online=False)
    watcher.run_cycle()
    watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == f"server:se1:episode-1@{ALERTS}"
    text = text_of(alert)
    assert "se1" in text and "unreachable" in text and "Unable to connect" in text

    server.set_server(IP, PORT, online=True)
    watcher.run_cycle()
    watcher.run_cycle()
    [back] = [m for m in replies(slack, ALERTS, alert.ts) if "back" in text_of(m)]
    assert "se1" in text_of(back)
    assert len(alerts_in(slack, ALERTS)) == 1

    assert KEY not in _everything_sent(slack)
    assert KEY not in caplog.text
    with services.db.session() as session:
        assert KEY not in json.dumps([a.payload for a in alerts.pending_alerts(session)])


def test_cpu_or_memory_at_acc_threshold_is_alerted_with_the_figures(
    acc, slack, services, watcher, server
):
    _watch(services)
    server.set_server(IP, PORT, cpu_usages="99%, a:80%, p:100%", memory_usages="90%, a:80%")
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    text = text_of(alert)
    assert "over ACC's thresholds" in text
    assert "memory 90% (threshold 90%)" in text and "CPU" not in text.split("Why")[1][:40]

    server.set_server(IP, PORT, memory_usages="89%, a:80%")
    watcher.run_cycle()
    [back] = [m for m in replies(slack, ALERTS, alert.ts) if "back" in text_of(m)]
    assert "memory 89%" in text_of(back)


def test_a_new_episode_after_the_server_came_back_is_a_new_alert(
    acc, slack, services, watcher, server
):
    _watch(services)
    server.set_server(IP, PORT, online=False)
    watcher.run_cycle()
    server.set_server(IP, PORT, online=True)
    watcher.run_cycle()
    server.set_server(IP, PORT, online=False)
    watcher.run_cycle()
    keys = [alert_key(m) for m in alerts_in(slack, ALERTS)]
    assert keys == [f"server:se1:episode-1@{ALERTS}", f"server:se1:episode-2@{ALERTS}"]


def test_each_watching_channel_hears_once(acc, slack, services, watcher, server):
    _watch(services)
    _watch(services, OTHER)
    server.set_server(IP, PORT, online=False)
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1 and len(alerts_in(slack, OTHER)) == 1
    assert acc.state.count_requests("POST", "/api/server/check") == 1


def test_acc_failing_the_check_says_nothing_about_the_server(acc, slack, services, watcher, server):
    _watch(services)
    acc.state.fail_next(1, status=503)
    watcher.run_cycle()
    assert alerts_in(slack, ALERTS) == []


def test_the_alert_and_its_return_survive_restarts(
    acc, slack, services, watcher, server, restart_watcher
):
    _watch(services)
    server.set_server(IP, PORT, online=False)
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1

    restart_watcher().run_cycle()  # still down: nothing new
    assert len(alerts_in(slack, ALERTS)) == 1

    server.set_server(IP, PORT, online=True)
    restart_watcher().run_cycle()
    restart_watcher().run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    assert len([m for m in replies(slack, ALERTS, alert.ts) if "back" in text_of(m)]) == 1


def test_unwatching_stops_the_checks(acc, slack, services, watcher, server):
    _watch(services)
    execute(parse(f"unwatch server:se1 <#{ALERTS}>"), Actor(ADMIN, ALERTS), services)
    watcher.run_cycle()
    assert acc.state.count_requests("POST", "/api/server/check") == 0


def test_a_watched_server_no_longer_configured_is_skipped_and_said_once(
    acc, slack, services, watcher, server, make_services, client, caplog
):
    _watch(services)
    unconfigured = make_services(ACCBOT_SERVERS="[]")
    watcher.stop()
    other = WatcherService(unconfigured, SlackSink(client), poll_seconds=1, holder_id="other")
    try:
        with caplog.at_level(logging.WARNING, logger="accbot.watcher"):
            other.run_cycle()
            other.run_cycle()
    finally:
        other.stop()
    assert acc.state.count_requests("POST", "/api/server/check") == 0
    said = [r for r in caplog.records if "not in ACCBOT_SERVERS" in r.getMessage()]
    assert len(said) == 1


def test_no_server_check_is_sent_while_the_watcher_backs_off_from_acc(
    acc, slack, services, watcher, watch, server
):
    acc.state.add_agent("acme/shop/prices")
    watch("acme/shop/prices")
    _watch(services)
    acc.state.fail_next(100, status=503)
    watcher.run_cycle()
    watcher.run_cycle()  # the second failed cycle in a row: the next one is skipped
    checks = acc.state.count_requests("POST", "/api/server/check")
    watcher.run_cycle()
    assert acc.state.count_requests("POST", "/api/server/check") == checks
    assert alerts_in(slack, ALERTS) == []
