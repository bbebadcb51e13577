"""Ids that would change the URL called (``..``, ``.``, ``a/b``) never reach ACC or SAS,
whether typed in a command or carried by a (forged) button value. End to end over HTTP:
the simulator's request log proves nothing was sent."""

from __future__ import annotations

import json

import pytest

from accbot.commands.model import AgentRef, ListRuns, ScheduleAction
from tests.support.bot import ADMIN, OPERATOR
from tests.support.sas_sim import acc_and_sas

HOSTILE = ["..", ".", "../..", "a/b", "x?y", "%2e%2e"]


@pytest.fixture
def acc():
    with acc_and_sas() as sim:
        yield sim


@pytest.fixture
def bot_env(acc) -> dict:
    return acc.sas_env()


@pytest.mark.parametrize("agent_id", HOSTILE)
def test_runs_of_a_hostile_sas_agent_id_is_refused_without_asking_sas(send, slack, acc, agent_id):
    response = send.command(f"runs sas:{agent_id}")
    assert response.status_code == 200
    assert "is not a SAS agent ID" in response.text
    assert acc.sas.requests == []
    assert slack.count("chat.postMessage") == 0


@pytest.mark.parametrize("agent_id", ["..", "a/b"])
def test_watching_a_hostile_sas_agent_id_is_refused_without_asking_sas(send, acc, agent_id):
    response = send.command(f"watch sas:{agent_id}", user=ADMIN)
    assert "is not a SAS agent ID" in response.text
    assert acc.sas.requests == []


@pytest.mark.parametrize("value", HOSTILE + ["", " "])
@pytest.mark.parametrize(
    "action_id", ["schedule_delete", "schedule_enable", "schedule_run", "run_restart", "run_data"]
)
def test_a_button_carrying_a_hostile_id_calls_nothing(send, slack, acc, action_id, value):
    send.click(action_id, value, user=ADMIN)
    [answer] = slack.wait_for_response()
    assert "no usable value" in answer["text"]
    assert acc.state.requests == []


def test_the_clients_refuse_a_hostile_id_even_past_the_front_ends(bot, acc):
    """The last line: a command built without the parser still sends nothing."""
    from accbot.actions.context import Actor
    from accbot.actions.dispatch import execute
    from accbot.backend.errors import InvalidId

    actor = Actor(user_id=ADMIN, channel_id="COPS")
    with pytest.raises(InvalidId):
        execute(
            ScheduleAction(schedule_id="..", action="delete"), actor, bot.services, confirmed=True
        )
    with pytest.raises(InvalidId):
        execute(ListRuns(agent=AgentRef("sas", "..")), actor, bot.services)
    assert [r for r in acc.state.requests if r.method == "DELETE"] == []
    assert acc.sas.requests == []


def test_a_real_schedule_button_still_works(send, slack, acc):
    schedule = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"  # the document's sample schedule
    send.click("schedule_disable", schedule, user=OPERATOR, channel="COPS")
    slack.wait_for("chat.postMessage")
    assert acc.state.count_requests("POST", f"/api/job/schedule/{schedule}/off") == 1


def test_input_file_names_in_a_start_reach_acc_as_basenames_only(send, slack, acc):
    send.command("start sequentum/Test2/quick --files ../../secret/x.csv", user=OPERATOR)
    [answer] = slack.wait_for_response()  # ACC: x.csv was never uploaded
    assert "x.csv" in answer["text"]
    [start] = [r for r in acc.state.requests if r.path.endswith("/cluster/start")]
    assert json.loads(start.body)["inputFiles"] == ["x.csv"]


def test_an_input_file_name_with_nothing_left_is_refused_and_nothing_started(send, slack, acc):
    send.command("start sequentum/Test2/quick --files ..", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "'..' is not a valid file name" in answer["text"]
    assert [r for r in acc.state.requests if r.path.endswith("/cluster/start")] == []
