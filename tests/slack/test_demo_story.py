"""The demo a new team runs against the simulator: watch the flaky agent, start it,
see one alert with buttons in the channel, restart from the alert."""

from __future__ import annotations

import time

from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN, OPERATOR

FLAKY = "sequentum/Demo/flaky"


def test_a_started_run_of_the_flaky_agent_fails_and_alerts_once(send, slack, bot, acc):
    acc.state.run_duration = 0.2
    send.command(f"watch {FLAKY}", user=ADMIN, channel="CDEMO")
    slack.wait_for("chat.postMessage")
    watcher = WatcherService(
        bot.services, SlackSink(build_web_client(bot.services.settings)), poll_seconds=1
    )
    try:
        watcher.run_cycle()  # the watch's first look: the old success is not alerted
        assert [m for m in slack.channel_messages("CDEMO") if m.metadata] == []

        send.command(f"start {FLAKY}", user=OPERATOR, channel="CDEMO")
        slack.wait_for("chat.postMessage", count=2)
        time.sleep(0.5)  # the run ends Failed
        watcher.run_cycle()
        watcher.run_cycle()  # a second look finds nothing new
    finally:
        watcher.stop()
    alerts = [m for m in slack.channel_messages("CDEMO") if m.metadata]
    assert len(alerts) == 1
    text = str(alerts[0].blocks) + (alerts[0].text or "")
    assert FLAKY in text and "Failed" in text
    assert "Restart" in text and "Show log" in text
