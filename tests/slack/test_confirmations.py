"""Confirm buttons: the question is kept on the server, so a click runs what was asked
about, once, only for the person asked, and not after it expired."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from accbot.slack import ids
from tests.slack.helpers import audit_rows, buttons
from tests.support.bot import ADMIN

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
OTHER_ADMIN = "UADMIN2"
DELETES = ("DELETE", f"/api/job/{QUICK_ID}/schedules")


@pytest.fixture
def bot_env() -> dict:
    """A second admin: one who could run the command, but was not the one asked."""
    return {"ACCBOT_ADMINS": f"{ADMIN},{OTHER_ADMIN}"}


def ask(send, slack, *, answers: int = 1) -> str:
    """``/acc schedules delete`` as an admin; the Confirm button's value."""
    send.command(f"schedules delete {QUICK}", user=ADMIN, channel="COPS")
    prompt = slack.wait_for_response(answers)[-1]
    confirm, cancel = buttons(prompt)
    assert confirm["value"] == cancel["value"]
    return confirm["value"]


def settle() -> None:
    time.sleep(0.5)  # lazy listeners run in threads: give a wrong one time to act


def test_the_button_carries_an_opaque_id_and_confirming_runs_the_command(send, slack, acc, bot):
    value = ask(send, slack)
    assert QUICK not in value and "delete" not in value and len(value) >= 20
    send.click(ids.CONFIRM_COMMAND, value, user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    assert acc.state.count_requests(*DELETES) == 1
    assert [r[:3] for r in audit_rows(bot)] == [(ADMIN, "schedules delete", "ok")]


def test_a_confirmation_is_used_once(send, slack, acc):
    value = ask(send, slack)
    send.click(ids.CONFIRM_COMMAND, value, user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    send.click(ids.CONFIRM_COMMAND, value, user=ADMIN, channel="COPS")
    answers = slack.wait_for_response(3)  # prompt, "Confirmed", then the refusal
    assert "already confirmed or cancelled" in answers[-1]["text"]
    settle()
    assert acc.state.count_requests(*DELETES) == 1


def test_only_the_person_asked_can_confirm_and_a_stranger_is_audited(send, slack, acc, bot):
    value = ask(send, slack)
    send.click(ids.CONFIRM_COMMAND, value, user=OTHER_ADMIN, channel="COPS")
    [_, refusal] = slack.wait_for_response(2)
    assert "Only the person who ran the command can confirm it" in refusal["text"]
    settle()
    assert acc.state.count_requests(*DELETES) == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OTHER_ADMIN, "confirm", "refused")]

    send.click(ids.CONFIRM_COMMAND, value, user=ADMIN, channel="COPS")  # still theirs to use
    slack.wait_for("chat.postMessage")
    assert acc.state.count_requests(*DELETES) == 1


def test_an_expired_confirmation_runs_nothing(send, slack, acc, bot):
    value = ask(send, slack)
    clock = bot.services.clock
    bot.services.clock = lambda: clock() + timedelta(minutes=16)
    send.click(ids.CONFIRM_COMMAND, value, user=ADMIN, channel="COPS")
    [_, refusal] = slack.wait_for_response(2)
    assert "expired" in refusal["text"]
    settle()
    assert acc.state.count_requests(*DELETES) == 0


def test_cancel_uses_the_confirmation_up(send, slack, acc):
    value = ask(send, slack)
    send.click(ids.CANCEL_COMMAND, value, user=ADMIN, channel="COPS")
    [_, cancelled] = slack.wait_for_response(2)
    assert "nothing was changed" in cancelled["text"]
    send.click(ids.CONFIRM_COMMAND, value, user=ADMIN, channel="COPS")
    [*_, refusal] = slack.wait_for_response(3)
    assert "already confirmed or cancelled" in refusal["text"]
    settle()
    assert acc.state.count_requests(*DELETES) == 0


def test_a_made_up_id_runs_nothing(send, slack, acc):
    send.click(ids.CONFIRM_COMMAND, "x" * 24, user=ADMIN, channel="COPS")
    [refusal] = slack.wait_for_response()
    assert "no record of that confirmation" in refusal["text"]
    settle()
    assert acc.state.count_requests("DELETE", "/api/") == 0
