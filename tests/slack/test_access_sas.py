"""A refused person's SAS request reaches SAS no more than ACC."""

from __future__ import annotations

import time

import pytest

from tests.support.sas_sim import SAS_AGENT, acc_and_sas


@pytest.fixture
def acc():
    with acc_and_sas() as sim:
        yield sim


@pytest.fixture
def bot_env(acc) -> dict:
    return acc.sas_env()


@pytest.mark.parametrize(("team", "guest"), [("T0OTHER", None), ("T0TEST", "multi")])
def test_a_stranger_or_guest_asking_for_sas_runs_reaches_nothing(send, slack, acc, team, guest):
    slack.add_user("UNOTSERVED", team_id=team, guest=guest)
    response = send.command(f"runs sas:{SAS_AGENT}", user="UNOTSERVED", team=team)
    assert "Nothing was done" in response.json()["text"]
    time.sleep(0.5)
    assert acc.sas.requests == []
    assert acc.state.requests == []


def test_a_member_asking_for_sas_runs_is_served(send, slack, acc):
    acc.add_sas_run("completed")
    send.command(f"runs sas:{SAS_AGENT}")
    slack.wait_for_response()
    assert acc.sas.requests != []
