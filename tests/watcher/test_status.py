"""``/acc status`` (and ``accbot status``): the watcher's own health as any replica reads
it from the database: each replica's last cycle and shard leases, the alerts waiting to
be posted per channel, and ACC's health. Simulator and fake Slack; SQLite and PostgreSQL."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.actions.results import WatcherStatus
from accbot.cli import main
from accbot.cli.names import Names
from accbot.commands.model import AgentRef, ShowStatus, Watch
from accbot.slack.sink import SlackSink
from accbot.slack.views.watcher_status import render_watcher_status
from accbot.watcher.outage import FAILED_CYCLES_BEFORE_NOTICE
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN, SIGNING_SECRET, start_bot, stop_bot
from tests.support.postgres import fresh_schema
from tests.support.slack_requests import SlackSender
from tests.test_cli import assert_plain
from tests.watcher.helpers import ALERTS, OTHER

VIEWER = "U0VIEWER1"
PATH = "acme/status/prices"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_env(request, tmp_path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'status.db'}"}
        return
    with fresh_schema() as url:
        yield {"DATABASE_URL": url}


@pytest.fixture
def replicas(make_services, client, database_env) -> Iterator[list[WatcherService]]:
    """Two watcher replicas sharing two shards on one database, a cycle every 10 s
    (cycles are run by the test)."""
    env = {
        **database_env,
        "ACCBOT_WATCH_SHARDS": "2",
        "ACCBOT_ALERT_CHANNEL": ALERTS,
        "ACCBOT_POLL_SECONDS": "10",
    }
    running = [
        WatcherService(make_services(**env), SlackSink(client), holder_id=name)
        for name in ("replica-a", "replica-b")
    ]
    yield running
    for service in running:
        service.stop()


def status_of(service: WatcherService) -> WatcherStatus:
    result = execute(ShowStatus(), Actor(VIEWER, OTHER), service.services)
    assert isinstance(result, WatcherStatus)
    return result


def test_status_shows_each_replicas_cycle_and_shards_the_backlog_and_acc_health(
    acc, slack, replicas
):
    first, second = replicas
    services = first.services
    agent_id = acc.state.add_agent(PATH)["agentId"]
    execute(
        Watch(
            AgentRef("acc", PATH),
            ALERTS,
            False,
        ),
        Actor(ADMIN, ALERTS),
        services,
    )
    for service in (first, second, first):  # the second heartbeat settles the fair share
        service.run_cycle()
    second.run_cycle()
    slack.fail_next("chat.postMessage", status=500, count=50)  # Slack cannot take posts
    acc.state.add_run(agent_id, 5)
    for service in (first, second):
        service.run_cycle()

    status = status_of(second)
    assert [r.holder for r in status.replicas] == ["replica-b", "replica-a"]  # newest first
    assert {r.holder: r.this_replica for r in status.replicas} == {
        "replica-a": False,
        "replica-b": True,  # the replica that answers (the last built in this process)
    }
    assert sorted(s for r in status.replicas for s in r.shards) == [0, 1]
    assert all(len(r.shards) == 1 and r.live and not r.behind for r in status.replicas), status
    assert all(r.cycle_seconds is not None and r.cycle_seconds < 5 for r in status.replicas)
    assert status.pending == {ALERTS: 1}
    assert [(b.name, b.reachable) for b in status.backends] == [("ACC", True)]

    slack_view = str(render_watcher_status(status, Actor(VIEWER, OTHER)).blocks)
    assert "(this replica)" in slack_view and "shards 1 of 2" in slack_view
    assert f"<#{ALERTS}> 1" in slack_view and "ACC answers" in slack_view


def test_an_acc_outage_and_a_stuck_replica_show(acc, slack, replicas, clock):
    first, second = replicas
    for service in (first, second, first, second):
        service.run_cycle()
    agent = acc.state.add_agent(PATH)
    execute(
        Watch(
            AgentRef("acc", PATH),
            ALERTS,
            False,
        ),
        Actor(ADMIN, ALERTS),
        first.services,
    )
    assert agent
    acc.state.fail_next(100_000, status=503)
    for _ in range(FAILED_CYCLES_BEFORE_NOTICE + 1):
        for service in (first, second):
            service.run_cycle()
    clock.advance(seconds=60)  # no cycle for 6 intervals: every replica is behind,
    for service in (*replicas, *replicas):  # though their heartbeats (a job of its own)
        service.shards.heartbeat()  # keep their leases: a fair share each again

    status = status_of(first)
    assert [(b.name, b.reachable) for b in status.backends] == [("ACC", False)]
    assert len(status.replicas) == 2
    assert all(r.behind and r.shards for r in status.replicas)
    view = str(render_watcher_status(status, Actor(VIEWER, OTHER)).blocks)
    assert "The watcher is behind" in view and "ACC unreachable" in view


def test_status_before_any_watcher_ran_says_so_in_slack_and_in_the_terminal(services, monkeypatch):
    status = status_of_services(services)
    assert status.replicas == () and status.pending == {}
    assert "No watcher cycle has ended yet." in str(
        render_watcher_status(status, Actor(VIEWER, OTHER)).blocks
    )
    monkeypatch.setattr("accbot.cli._login", lambda: "tester")
    out, err = io.StringIO(), io.StringIO()
    code = main(["status"], out=out, err=err, services=services, names=Names())
    assert code == 0, err.getvalue()
    assert_plain(out.getvalue())
    assert out.getvalue().splitlines() == [
        "Watcher: ok, no cycle has ended yet, a cycle every 1s",
        "Waiting to be posted: none",
        "Health: ACC ok",
    ]


def status_of_services(services) -> WatcherStatus:
    result = execute(ShowStatus(), Actor(VIEWER, OTHER), services)
    assert isinstance(result, WatcherStatus)
    return result


def test_accbot_status_prints_the_replicas_plainly(services, watcher, monkeypatch):
    watcher.run_cycle()
    monkeypatch.setattr("accbot.cli._login", lambda: "tester")
    out, err = io.StringIO(), io.StringIO()
    code = main(["status"], out=out, err=err, services=services, names=Names())
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert_plain(text)
    assert text.startswith("Watcher: ok, last cycle ended ")
    assert "  test-watcher (this replica)  shards 0,1,2,3,4,5,6,7 of 8  last cycle " in text


def test_slash_acc_status_answers_a_viewer_in_slack(acc, slack, tmp_path):
    bot = start_bot(
        acc_url=acc.url,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        watcher=True,
        ACCBOT_POLL_SECONDS=1,
    )
    sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
    try:
        deadline = time.monotonic() + 10
        while bot.watcher.selfwatch.last_cycle_end is None and time.monotonic() < deadline:
            time.sleep(0.1)
        sender.command("status", user=VIEWER)
        [answer] = slack.wait_for_response()
    finally:
        sender.close()
        stop_bot(bot)
    text = str(answer)
    assert "Watcher status" in text
    assert "(this replica)" in text and "shards 0, 1, 2, 3, 4, 5, 6, 7 of 8" in text
    assert "No alert is waiting to be posted." in text
    assert "ACC answers" in text
