"""Escalation across replicas and in storms, on SQLite and PostgreSQL: two replicas that
both reach for a due escalation post it once; a digest's runs due together share one
reply in the digest's thread; a user group is mentioned as a group."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Escalation, Watch
from accbot.slack.sink import SlackSink
from accbot.store import alerts as alert_store
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN
from tests.support.postgres import fresh_schema
from tests.watcher.helpers import ALERTS, alerts_in, replies

PATH = "acme/shop/prices"
ONCALL = "S0ONCALL1"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_env(request) -> Iterator[dict]:
    if request.param == "sqlite":
        yield {}
        return
    with fresh_schema() as url:
        yield {"DATABASE_URL": url}


def escalations(slack, thread: str) -> list:
    return [m for m in replies(slack, ALERTS, thread) if "unacknowledged" in (m.text or "")]


def watch_escalating(services, path: str = PATH) -> None:
    command = Watch(
        AgentRef("acc", path), ALERTS, escalate=Escalation(timedelta(minutes=1), ONCALL)
    )
    execute(command, Actor(ADMIN, ALERTS), services)


def test_two_replicas_reaching_for_one_escalation_post_it_once(
    acc, slack, client, make_services, clock, database_env
):
    first = WatcherService(
        make_services(**database_env), SlackSink(client), poll_seconds=1, holder_id="a"
    )
    second = WatcherService(
        make_services(**database_env), SlackSink(client), poll_seconds=1, holder_id="b"
    )
    try:
        agent_id = acc.state.add_agent(PATH)["agentId"]
        watch_escalating(first.services)
        first.run_cycle()  # the baseline
        acc.state.add_run(agent_id, 5)
        first.run_cycle()
        [alert] = alerts_in(slack, ALERTS)
        clock.advance(seconds=61)
        barrier = threading.Barrier(2)

        def escalate(service: WatcherService) -> None:
            barrier.wait()
            service.escalator.run()

        threads = [threading.Thread(target=escalate, args=(s,)) for s in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first.escalator.run()
        second.escalator.run()
        [reply] = escalations(slack, alert.ts)
        assert reply.text.startswith(f"<!subteam^{ONCALL}> This alert went unacknowledged for 1m")
    finally:
        first.stop()
        second.stop()


def test_a_digests_runs_due_together_share_one_reply_in_its_thread(
    acc, slack, watcher, services, clock
):
    agents = [acc.state.add_agent(f"acme/storm/a{i}")["agentId"] for i in range(7)]
    for i in range(7):
        watch_escalating(services, f"acme/storm/a{i}")
    watcher.run_cycle()  # the baselines
    for agent_id in agents:
        acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    [digest] = alerts_in(slack, ALERTS)
    assert "7 alerts" in (digest.text or "")
    clock.advance(seconds=61)
    watcher.run_cycle()
    [reply] = escalations(slack, digest.ts)
    assert reply.text.startswith(f"<!subteam^{ONCALL}> 7 alerts went unacknowledged for 1m")
    watcher.run_cycle()
    assert len(escalations(slack, digest.ts)) == 1
    with services.db.session() as session:
        assert alert_store.pending_escalations(session) == []


def test_an_escalation_slack_refuses_for_good_is_given_up_not_retried_for_ever(
    acc, slack, watcher, services, clock
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch_escalating(services)
    watcher.run_cycle()
    acc.state.add_run(agent_id, 5)
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    clock.advance(seconds=61)
    slack.fail_next(
        "chat.postMessage", status=200, body={"ok": False, "error": "channel_not_found"}
    )
    watcher.run_cycle()
    assert escalations(slack, alert.ts) == []
    watcher.run_cycle()
    assert escalations(slack, alert.ts) == []
    with services.db.session() as session:
        assert alert_store.pending_escalations(session) == []


def test_a_run_that_merely_ended_is_news_and_never_escalated(acc, slack, watcher, services, clock):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    command = Watch(
        AgentRef("acc", PATH), ALERTS, all_states=True,
        escalate=Escalation(timedelta(minutes=1), ONCALL),
    )  # fmt: skip
    execute(command, Actor(ADMIN, ALERTS), services)
    watcher.run_cycle()
    acc.state.add_run(agent_id, 4)  # succeeded: alerted with --all
    watcher.run_cycle()
    [alert] = alerts_in(slack, ALERTS)
    clock.advance(minutes=5)
    watcher.run_cycle()
    watcher.run_cycle()
    assert escalations(slack, alert.ts) == []
    with services.db.session() as session:
        assert alert_store.escalation_candidates(session) == []  # out for good
