"""Who is served at all: members of the bot's own workspace (or ACCBOT_ALLOWED_TEAMS);
guests only when named. A refusal is one ephemeral sentence, is audited, and nothing of
it reaches ACC."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from accbot.slack import ids
from accbot.slack.views.inputs import UploadTarget
from tests.slack.helpers import audit_rows
from tests.support.bot import OPERATOR, SIGNING_SECRET, start_bot, stop_bot
from tests.support.slack_requests import SlackSender

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
STRANGER = "USTRANGER"
GUEST = "UGUEST"


def nothing_reached_acc(acc) -> bool:
    time.sleep(0.3)  # a lazy listener would have started by now
    return acc.state.requests == []


def ephemeral_texts(slack) -> list[str]:
    return [c.params.get("text", "") for c in slack.calls_to("chat.postEphemeral")]


# --- other workspaces ------------------------------------------------------------------


def test_a_command_from_another_workspace_is_refused_in_one_sentence_and_audited(
    send, slack, acc, bot
):
    slack.add_user(STRANGER, team_id="T0OTHER")
    response = send.command(f"restart {SAMPLE_RUN}", user=STRANGER, team="T0OTHER")
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert "own workspace" in answer["text"] and "Nothing was done" in answer["text"]
    assert nothing_reached_acc(acc)
    assert slack.responses == []
    [(user, action, result, arguments, detail)] = audit_rows(bot)
    assert (user, action, result) == (STRANGER, "/acc", "refused")
    assert arguments == {"text": f"restart {SAMPLE_RUN}"}
    assert "T0OTHER" in detail


def test_a_slack_connect_member_in_a_shared_channel_is_refused(send, slack, acc, bot):
    """The request comes through the bot's workspace; users.info says the person's home
    workspace is another one."""
    slack.add_user(STRANGER, team_id="T0OTHER")
    response = send.command(f"run {SAMPLE_RUN}", user=STRANGER)
    assert "own workspace" in response.json()["text"]
    assert nothing_reached_acc(acc)
    assert [row[2] for row in audit_rows(bot)] == ["refused"]


def test_a_button_clicked_from_another_workspace_is_refused_ephemerally(send, slack, acc, bot):
    slack.add_user(STRANGER, team_id="T0OTHER")
    response = send.click(ids.RUN_RESTART, SAMPLE_RUN, user=STRANGER, team="T0OTHER")
    assert response.status_code == 200
    [call] = slack.wait_for("chat.postEphemeral")
    assert call.params["user"] == STRANGER
    assert "own workspace" in call.params["text"]
    assert nothing_reached_acc(acc)
    assert [(r[1], r[2], r[3]) for r in audit_rows(bot)] == [
        ("button", "refused", {"action_id": ids.RUN_RESTART})
    ]


def test_members_of_the_bots_own_workspace_are_served(send, slack, acc):
    send.command(f"run {SAMPLE_RUN}")
    [answer] = slack.wait_for_response()
    assert "Succeeded" in str(answer)
    asked = slack.count("auth.test")
    send.command(f"run {SAMPLE_RUN}")
    slack.wait_for_response(2)
    assert slack.count("auth.test") == asked  # the bot's workspace is remembered


@pytest.mark.parametrize(
    ("allowed", "team", "enterprise"),
    [("T0OTHER,T0TEST", "T0OTHER", None), ("E0ORG", "T0SIBLING", "E0ORG")],
)
def test_allowed_teams_widen_access_to_other_workspaces_and_whole_orgs(
    acc, slack, tmp_path, allowed, team, enterprise
):
    bot = start_bot(
        acc_url=acc.url,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        ACCBOT_ALLOWED_TEAMS=allowed,
    )
    sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
    try:
        slack.add_user(STRANGER, team_id=team, enterprise_id=enterprise)
        sender.command(f"run {SAMPLE_RUN}", user=STRANGER, team=team)
        [answer] = slack.wait_for_response()
    finally:
        sender.close()
        stop_bot(bot)
    assert "Succeeded" in str(answer)


# --- guests ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["multi", "single"])
def test_a_guest_is_refused(send, slack, acc, bot, kind):
    slack.add_user(GUEST, guest=kind)
    response = send.command(f"run {SAMPLE_RUN}", user=GUEST)
    text = response.json()["text"]
    assert "guest" in text and "ACCBOT_VIEWERS" in text
    assert nothing_reached_acc(acc)
    [(user, action, result, _, detail)] = audit_rows(bot)
    assert (user, result, detail) == (GUEST, "refused", "not served: guest account")


def test_a_guests_form_submission_is_refused_before_any_file_is_fetched(send, slack, acc, bot):
    slack.add_user(GUEST, guest="multi")
    file = slack.add_file("rows.csv", b"a,b\n1,2\n")
    target = UploadTarget(QUICK, QUICK_ID, "COPS")
    values = {"files": {"files": {"type": "file_input", "files": [file]}}}
    response = send.view_submission(
        ids.INPUTS_MODAL, values, user=GUEST, private_metadata=target.dumps()
    )
    assert response.status_code == 200
    [call] = slack.wait_for("chat.postMessage")  # no channel: a direct message
    assert call.params["channel"] == GUEST and "guest" in call.params["text"]
    assert slack.count("files.info") == 0 and slack.downloads == []
    assert nothing_reached_acc(acc)


def test_a_guest_never_gets_the_app_home(send, slack, bot):
    slack.add_user(GUEST, guest="single")
    send.event({"type": "app_home_opened", "user": GUEST, "channel": "D1", "tab": "home"})
    time.sleep(0.5)
    assert slack.count("views.publish") == 0


@pytest.fixture
def bot_env() -> dict:
    return {"ACCBOT_VIEWERS": "UTRUSTEDGUEST,SGUESTGROUP"}


@pytest.mark.parametrize("who", ["UTRUSTEDGUEST", "UGROUPGUEST", OPERATOR])
def test_guests_named_as_viewers_or_in_a_role_list_are_served(send, slack, acc, who):
    slack.usergroups["SGUESTGROUP"] = ["UGROUPGUEST"]
    slack.add_user(who, guest="multi")
    send.command(f"run {SAMPLE_RUN}", user=who)
    [answer] = slack.wait_for_response()
    assert "Succeeded" in str(answer)


def test_who_someone_is_is_asked_once_and_remembered(send, slack, acc):
    for _ in range(3):
        send.command("help")
    assert slack.count("users.info") == 1


def test_many_first_requests_of_one_person_at_once_ask_slack_once(bot, slack):
    senders = [SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url()) for _ in range(10)]
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda sender: sender.command("help", user="UNEW"), senders))
    finally:
        for sender in senders:
            sender.close()
    assert all(a.status_code == 200 and "/acc" in a.text for a in answers)
    assert [c.params["user"] for c in slack.calls_to("users.info")] == ["UNEW"]


def test_when_slack_cannot_say_who_asks_nothing_is_done(send, slack, acc):
    slack.fail_next("users.info", status=500, count=10, body={"ok": False, "error": "fatal_error"})
    response = send.command(f"run {SAMPLE_RUN}")
    assert "could not check your account" in json.loads(response.text)["text"]
    assert nothing_reached_acc(acc)
