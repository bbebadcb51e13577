"""Data-quality alerts end to end: the simulator's runs in, the fake Slack's messages out.

``--empty`` alerts a run that succeeds with no data; ``--drop 50`` a run that succeeds
with a data count more than half below the median of the agent's last ten successful
runs, once there are five. Each exactly once, across restarts, with the count, the median
and a sparkline of the recent counts.
"""

from __future__ import annotations

import json

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands import parse
from accbot.store import alerts
from tests.support.bot import ADMIN
from tests.watcher.helpers import ALERTS, OTHER, alert_key, alerts_in, button_texts, text_of

PATH = "acme/shop/prices"


def _agent(acc) -> str:
    return acc.state.add_agent(PATH)["agentId"]


def _watch(services, options: str, channel: str = ALERTS) -> None:
    execute(parse(f"watch {PATH} <#{channel}> {options}"), Actor(ADMIN, channel), services)


def _runs(acc, agent_id: str, *counts: int) -> list[str]:
    return [acc.state.add_run(agent_id, 4, data_count=c)["agentRunHistoryId"] for c in counts]


def test_an_empty_success_is_alerted_once_with_its_count(acc, slack, services, watcher):
    agent_id = _agent(acc)
    _watch(services, "--empty")
    [empty] = _runs(acc, agent_id, 0)
    _runs(acc, agent_id, 12)
    watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == f"acc:{agent_id}:{empty}:Empty@{ALERTS}"
    text = text_of(alert)
    assert PATH in text and empty in text and "no data" in text
    assert "Mute 1h" in button_texts(alert) and "Show log" in button_texts(alert)

    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_watch_without_empty_says_nothing_of_an_empty_success(acc, slack, services, watcher):
    agent_id = _agent(acc)
    _watch(services, "")
    _runs(acc, agent_id, 0)
    watcher.run_cycle()
    assert alerts_in(slack, ALERTS) == []


def test_a_drop_below_the_median_is_alerted_with_the_median_and_a_sparkline(
    acc, slack, services, watcher
):
    agent_id = _agent(acc)
    _runs(acc, agent_id, 100, 110, 90, 100)  # before the watch: history for the median
    _watch(services, "--drop 50")
    _runs(acc, agent_id, 120)  # five successful runs now
    [low] = _runs(acc, agent_id, 40)
    watcher.run_cycle()

    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == f"acc:{agent_id}:{low}:Drop@{ALERTS}"
    text = text_of(alert)
    assert "60% less data than usual" in text
    assert "*Data count*\\n40" in text and "*Median of the last 5 successful runs*\\n100" in text
    shown = json.dumps(alert.blocks, ensure_ascii=False)
    assert "`▇▇▆▇█▃`" in shown  # 100 110 90 100 120, then this run's 40


def test_no_drop_is_alerted_until_five_runs_have_succeeded(acc, slack, services, watcher):
    agent_id = _agent(acc)
    _watch(services, "--drop 50")
    _runs(acc, agent_id, 100, 100, 100, 100)
    _runs(acc, agent_id, 1)  # only four before it
    watcher.run_cycle()
    assert alerts_in(slack, ALERTS) == []
    _runs(acc, agent_id, 1)  # five before it now: median of 100 100 100 100 1 is 100
    watcher.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_run_within_the_percentage_is_not_alerted(acc, slack, services, watcher):
    agent_id = _agent(acc)
    _runs(acc, agent_id, 100, 100, 100, 100, 100)
    _watch(services, "--drop 50")
    _runs(acc, agent_id, 50)  # exactly half: not more than 50% below
    watcher.run_cycle()
    assert alerts_in(slack, ALERTS) == []


def test_each_channel_gets_what_its_own_watch_asks(acc, slack, services, watcher):
    agent_id = _agent(acc)
    _runs(acc, agent_id, 100, 100, 100, 100, 100)
    _watch(services, "--empty")
    _watch(services, "--drop 50", channel=OTHER)
    _runs(acc, agent_id, 0)
    watcher.run_cycle()
    [empty] = alerts_in(slack, ALERTS)
    [drop] = alerts_in(slack, OTHER)
    assert alert_key(empty).endswith(f":Empty@{ALERTS}")
    assert alert_key(drop).endswith(f":Drop@{OTHER}")


def test_a_failure_is_still_a_failure_alert(acc, slack, services, watcher):
    agent_id = _agent(acc)
    _watch(services, "--empty --drop 50")
    failed = acc.state.add_run(agent_id, 5, data_count=0)["agentRunHistoryId"]
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    assert alert_key(alert) == f"acc:{agent_id}:{failed}:Failed@{ALERTS}"


def test_a_quality_alert_is_recorded_before_it_is_posted_and_never_twice_after_a_restart(
    acc, slack, services, watcher, restart_watcher
):
    agent_id = _agent(acc)
    _watch(services, "--empty")
    [empty] = _runs(acc, agent_id, 0)
    slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"})
    watcher.run_cycle()
    assert alerts_in(slack, ALERTS) == []
    with services.db.session() as session:
        [pending] = alerts.pending_alerts(session)
        assert pending.alert_key == f"acc:{agent_id}:{empty}:Empty@{ALERTS}"

    restarted = restart_watcher()
    restarted.run_cycle()
    restarted.run_cycle()
    assert len(alerts_in(slack, ALERTS)) == 1
