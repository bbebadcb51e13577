"""Watching SAS catalog agents end to end: `/acc watch sas:<agentId>` through signed Slack
requests, watcher cycles polling the simulator's SAS routes over loopback, and alerts,
recoveries and notices counted on the fake Slack API."""

from __future__ import annotations

import json

import pytest

from accbot.sas.client import SasClient
from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.store import alerts as store_alerts
from accbot.store import cursors
from accbot.watcher.service import WatcherService
from tests.support.bot import ADMIN, SIGNING_SECRET, start_bot, stop_bot
from tests.support.fake_slack import FakeSlack
from tests.support.sas_sim import DATASOURCE, SAS_AGENT, SAS_AGENT_NAME, SAS_TOKEN, acc_and_sas
from tests.support.slack_requests import SlackSender

ALERTS = "CALERTS"
OTHER_AGENT = "5e0c9a11-7d2b-4f3a-8c1e-9b4d2a6f0e73"


@pytest.fixture
def sim():
    with acc_and_sas() as served:
        yield served


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def sas_configured() -> bool:
    return True


@pytest.fixture
def bot(sim, slack, tmp_path, sas_configured):
    env = sim.sas_env() if sas_configured else {}
    running = start_bot(
        acc_url=sim.url,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'accbot.db'}",
        **env,
    )
    yield running
    stop_bot(running)


@pytest.fixture
def send(bot, slack):
    sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
    yield sender
    sender.close()


@pytest.fixture
def watcher(bot):
    service = WatcherService(
        bot.services,
        SlackSink(build_web_client(bot.services.settings)),
        poll_seconds=1,
        holder_id="test",
    )
    yield service
    service.stop()


def ask(send, slack, text: str) -> dict:
    """An admin's command whose answer goes to the asker alone (errors, refusals)."""
    before = len(slack.responses)
    send.command(text, user=ADMIN, channel=ALERTS)
    return slack.wait_for_response(before + 1)[-1]


def announce(send, slack, text: str) -> str:
    """An admin's command that is announced in the channel; the calls are then forgotten,
    so that a test counts only what the watcher posts."""
    send.command(text, user=ADMIN, channel=ALERTS)
    [post] = slack.wait_for("chat.postMessage")
    slack.calls.clear()
    return post.params["text"]


def watch(send, slack, agent: str = SAS_AGENT, *options: str) -> None:
    said = announce(send, slack, " ".join(["watch", f"sas:{agent}", *options]))
    assert f"started watching `sas:{agent}`" in said


def posts(slack, channel: str = ALERTS) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def top_level(slack) -> list:
    return [c for c in posts(slack) if not c.params.get("thread_ts")]


def everything(call) -> str:
    return json.dumps(call.params.get("blocks") or []) + (call.params.get("text") or "")


def test_a_failed_run_alerts_once_with_counts_parameters_and_asset_links(send, slack, sim, watcher):
    sim.add_sas_run("failed")  # before the watch: never alerted
    watch(send, slack)
    failed = sim.add_sas_run("failed", nEnumerated=290, nAdded=239, nExcluded=49)
    report = watcher.run_cycle()
    assert report is not None and len(report.reserved) == 1
    [alert] = top_level(slack)
    text = everything(alert)
    assert f"SAS run failed: {SAS_AGENT_NAME}" in text
    assert failed["runId"] in text
    for count in ("290 enumerated", "239 added", "3 updated", "1 removed", "49 excluded"):
        assert count in text
    assert f"datasourceURI={DATASOURCE}" in text and "samplePercent=20" in text
    assert (
        f"<{sim.url}/catalog/search?type=adv&amp;q=runId:{failed['runId']}+runStatus:new|New assets>"
        in text
    )
    assert "runStatus:changed|Changed assets>" in text
    assert '"text": "Mute 1h"' in text
    key = alert.params["metadata"]["event_payload"]["alert_key"]
    assert key.startswith(f"sas:{SAS_AGENT}:{failed['runId']}:failed")
    # No log to quote for a SAS run, and nothing more on the next cycles.
    watcher.run_cycle()
    watcher.run_cycle()
    assert len(posts(slack)) == 1


def test_every_failure_wording_alerts_and_a_later_completion_recovers_them(
    send, slack, sim, watcher
):
    watch(send, slack)
    error = sim.add_sas_run("error")
    cancelled = sim.add_sas_run("cancelled")
    watcher.run_cycle()
    alerts = top_level(slack)
    assert len(alerts) == 2
    assert error["runId"] in everything(alerts[0]) and cancelled["runId"] in everything(alerts[1])
    alert_ts = {m.ts for m in slack.channel_messages(ALERTS) if m.metadata}
    assert len(alert_ts) == 2
    done = sim.add_sas_run("completed")
    watcher.run_cycle()
    replies = [c for c in posts(slack) if c.params.get("thread_ts")]
    assert {r.params["thread_ts"] for r in replies} == alert_ts
    assert all(
        "Recovered" in r.params["text"] and done["runId"] in r.params["text"] for r in replies
    )
    updates = slack.calls_to("chat.update")
    assert len(updates) == 2 and all(u.params["text"].startswith("Recovered") for u in updates)
    watcher.run_cycle()
    assert len(posts(slack)) == 4


def test_a_failure_that_happens_between_cycles_in_a_burst_is_not_skipped(send, slack, sim, watcher):
    watch(send, slack)
    failed = sim.add_sas_run("failed")
    for _ in range(25):  # more than the first page the watcher asks for
        sim.add_sas_run("completed")
    watcher.run_cycle()
    [alert] = top_level(slack)
    assert failed["runId"] in everything(alert)


def test_an_unknown_status_is_reported_once_per_status_and_not_as_a_failure(
    send, slack, sim, watcher
):
    watch(send, slack)
    first = sim.add_sas_run("paused")
    watcher.run_cycle()
    [notice] = top_level(slack)
    text = everything(notice)
    assert "unknown status paused" in notice.params["text"]
    assert first["runId"] in text
    assert ":x:" not in text and "failed" not in text
    sim.add_sas_run("paused")  # the same word again: already said
    watcher.run_cycle()
    assert len(top_level(slack)) == 1
    sim.add_sas_run("completed")  # not a failure, so nothing to recover
    watcher.run_cycle()
    assert len(posts(slack)) == 1 and slack.count("chat.update") == 0
    sim.add_sas_run("halted")  # another word is news again
    watcher.run_cycle()
    assert "unknown status halted" in top_level(slack)[-1].params["text"]
    with watcher.services.db.session() as session:
        records = [
            store_alerts.get_alert(session, c.params["metadata"]["event_payload"]["alert_key"])
            for c in top_level(slack)
        ]
    assert [r.is_failure for r in records] == [False, False]


def test_with_all_a_completed_run_is_announced(send, slack, sim, watcher):
    watch(send, slack, SAS_AGENT, "--all")
    done = sim.add_sas_run("completed")
    watcher.run_cycle()
    [alert] = top_level(slack)
    assert "SAS run completed" in everything(alert) and done["runId"] in everything(alert)


def test_a_muted_agent_is_recorded_but_not_alerted(send, slack, sim, watcher):
    watch(send, slack)
    assert f"muted alerts for `sas:{SAS_AGENT}` for 1h" in announce(
        send, slack, f"mute sas:{SAS_AGENT} 1h"
    )
    sim.add_sas_run("failed")
    watcher.run_cycle()
    assert posts(slack) == []
    with watcher.services.db.session() as session:
        cursor = cursors.get_cursor(session, "sas", SAS_AGENT)
        assert cursor is not None and len(cursor.seen_keys) == 2


def test_the_alerts_mute_button_mutes_the_sas_agent(send, slack, sim, watcher):
    watch(send, slack)
    sim.add_sas_run("failed")
    watcher.run_cycle()
    [alert] = top_level(slack)
    [button] = [
        element
        for block in alert.params["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == "Mute 1h"
    ]
    assert button["value"] == f"sas:{SAS_AGENT}"
    slack.calls.clear()
    send.click(button["action_id"], button["value"], user=ADMIN, channel=ALERTS)
    [said] = slack.wait_for("chat.postMessage")
    assert f"muted alerts for `sas:{SAS_AGENT}` for 1h" in said.params["text"]
    slack.calls.clear()
    sim.add_sas_run("failed")
    watcher.run_cycle()
    assert posts(slack) == []


def test_more_than_five_failures_in_one_cycle_become_one_digest(send, slack, sim, watcher):
    watch(send, slack)
    runs = [sim.add_sas_run("failed") for _ in range(6)]
    watcher.run_cycle()
    [digest] = top_level(slack)
    assert "6 alerts" in digest.params["text"]
    text = everything(digest)
    assert all(run["runId"] in text for run in runs)
    [details] = [c for c in posts(slack) if c.params.get("thread_ts")]
    listed = everything(details)
    assert all(run["runId"] in listed for run in runs)  # every run, with its Mute 1h
    assert listed.count('"text": "Mute 1h"') == 6


def test_unwatch_stops_the_alerts(send, slack, sim, watcher):
    watch(send, slack)
    assert f"stopped watching `sas:{SAS_AGENT}`" in announce(
        send, slack, f"unwatch sas:{SAS_AGENT}"
    )
    sim.add_sas_run("failed")
    watcher.run_cycle()
    assert posts(slack) == []


def test_watching_an_unknown_sas_agent_is_refused_with_sas_message(send, slack, sim, watcher):
    answer = ask(send, slack, f"watch sas:{OTHER_AGENT}")
    assert f"SAS agent {OTHER_AGENT} was not found (HTTP 404)" in answer["text"]
    assert "Check the agent ID and retry." in answer["text"]
    with watcher.services.db.session() as session:
        assert cursors.get_cursor(session, "sas", OTHER_AGENT) is None
    assert slack.count("chat.postMessage") == 0


@pytest.mark.parametrize("sas_configured", [False])
def test_watching_without_sas_configured_names_the_variables(send, slack, sim):
    answer = ask(send, slack, f"watch sas:{SAS_AGENT}")
    assert "SAS is not configured" in answer["text"]
    assert "SAS_BASE_URL" in answer["text"] and "SAS_TOKEN" in answer["text"]
    assert sim.sas.requests == []


def test_a_sas_outage_is_announced_once_and_what_failed_meanwhile_is_alerted_after(
    send, slack, sim, bot, watcher
):
    watch(send, slack)
    # One request per cycle, no retries inside it: the cycles, not the client, count failures.
    bot.services.sas.close()
    bot.services.sas = SasClient(sim.url, token=SAS_TOKEN, retries=0)
    sim.sas.fail_next(3, 503)
    failed = sim.add_sas_run("failed")
    for _ in range(12):
        watcher.run_cycle()
        if any("reachable again" in c.params["text"] for c in posts(slack)):
            break
    texts = [c.params["text"] for c in top_level(slack)]
    assert texts.count("SAS unreachable") == 1
    assert texts.count("SAS reachable again") == 1
    alerts = [c for c in top_level(slack) if c.params.get("metadata")]
    assert len(alerts) == 1 and failed["runId"] in everything(alerts[0])


def test_the_sas_token_never_reaches_slack(send, slack, sim, watcher):
    watch(send, slack)
    sim.add_sas_run("failed")
    watcher.run_cycle()
    assert SAS_TOKEN not in slack.all_text()


def test_runs_whose_item_id_is_the_runs_own_are_told_apart_by_it(send, slack, sim, watcher):
    # SAS's other catalog samples: ``id`` is the run's, with no runId and no asset links.
    watch(send, slack)
    first = sim.add_sas_run("failed", catalog_shape=True)
    second = sim.add_sas_run("failed", catalog_shape=True)
    watcher.run_cycle()
    keys = sorted(c.params["metadata"]["event_payload"]["alert_key"] for c in top_level(slack))
    assert keys == sorted(f"sas:{SAS_AGENT}:{run['id']}:failed@{ALERTS}" for run in (first, second))


def test_in_the_history_documents_shape_no_alert_is_keyed_by_the_agents_id(
    send, slack, sim, watcher
):
    watch(send, slack)
    sim.add_sas_run("failed", runId=None)  # id is the agent's; the links name the run
    sim.add_sas_run("failed", runId=None, links=[])  # nothing but the agent's id and a time
    watcher.run_cycle()
    keys = [c.params["metadata"]["event_payload"]["alert_key"] for c in top_level(slack)]
    assert len(keys) == 2
    for key in keys:
        run_part = key.split(":", 2)[2].rsplit(":", 1)[0]
        assert run_part != SAS_AGENT
