"""Approvals end to end over HTTP: request card, buttons, the decision form
(view_submission), the card updated in place, refusals, races and ACC failures."""

from __future__ import annotations

import json
import threading

import pytest

from accbot.store import approvals, audit
from tests.support.bot import ADMIN, APPROVER, OPERATOR, VIEWER

APPROVALS = "CAPPROVALS"
OPS = "COPS"
SECOND_APPROVER = "UAPPROVER2"
BOTH = "UBOTH"  # operator and approver, not admin
AGENT = "team/shop/prices"
RUN_ID = "0f6d1f3a-2b4c-4d5e-8f90-a1b2c3d4e5f6"
APPROVE = "approval_approve"
DISAPPROVE = "approval_disapprove"
MODAL = "approval_decision_modal"

DEFAULT_ENV = {
    "ACCBOT_APPROVAL_CHANNEL": APPROVALS,
    "ACCBOT_OPERATORS": f"{OPERATOR},{BOTH}",
    "ACCBOT_APPROVERS": f"{APPROVER},{SECOND_APPROVER},{BOTH}",
}


@pytest.fixture
def bot_env(request):
    return getattr(request, "param", DEFAULT_ENV)


@pytest.fixture
def agent(acc):
    created = acc.state.add_agent(AGENT, description="Daily competitor prices")
    acc.state.add_run(created["agentId"], 5, errors=3, run_history_id=RUN_ID, data_count=42)
    return created


def text_of(params: dict) -> str:
    return json.dumps(params.get("blocks") or []) + (params.get("text") or "")


def toggles(acc, flag: str | None = None) -> int:
    prefix = "/api/agent/"
    return sum(
        1
        for r in acc.state.requests
        if r.method == "POST"
        and r.path.startswith(prefix)
        and "/toggleAgentApproval/" in r.path
        and (flag is None or r.path.endswith("/" + flag))
    )


def request_card(send, slack, *, user=OPERATOR, note="new login flow", channel=OPS):
    """Ask for approval; returns the card as posted (channel, ts, request id)."""
    send.command(f"request-approval {AGENT} {note}", user=user, channel=channel)
    [post] = slack.wait_for("chat.postMessage")
    slack.wait_for_response()  # "sent for approval", before anything else is answered
    blocks = post.params["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    request_id = int(next(e["value"] for e in buttons if e["action_id"] == APPROVE))
    ts = slack.channel_messages(post.params["channel"])[0].ts
    return post, ts, request_id


def open_form(send, slack, action_id, request_id, ts, *, user=APPROVER, opened=1):
    send.click(action_id, str(request_id), user=user, channel=APPROVALS, message_ts=ts)
    return slack.wait_for("views.open", opened)[-1].params["view"]


def submit(send, form, text, *, user=APPROVER):
    values = {"approval_message": {"message": {"type": "plain_text_input", "value": text}}}
    return send.view_submission(MODAL, values, user=user, private_metadata=form["private_metadata"])


def stored(bot, request_id):
    with bot.services.db.session() as session:
        return approvals.get_request(session, request_id)


def audit_rows(bot):
    with bot.services.db.session() as session:
        return [(e.user_id, e.action, e.result) for e in audit.recent(session, 50)]


def ephemerals(slack, count=1):
    return [r for r in slack.wait_for_response(count) if r.get("response_type") == "ephemeral"]


def test_request_posts_a_card_in_the_approval_channel_and_links_it_for_the_requester(
    send, slack, bot, agent
):
    post, ts, request_id = request_card(send, slack)
    assert post.params["channel"] == APPROVALS
    card = text_of(post.params)
    for expected in (AGENT, "Daily competitor prices", f"<@{OPERATOR}>", "new login flow", RUN_ID):
        assert expected in card
    assert '"text": "Approve"' in card and '"text": "Disapprove"' in card
    assert "42 rows" in card and "3 errors" in card
    [link] = slack.wait_for("chat.getPermalink")
    assert link.params["channel"] == APPROVALS
    [answer] = ephemerals(slack)
    assert "for approval" in answer["text"]
    assert f"https://example.slack.com/archives/{APPROVALS}/p" in answer["text"]
    row = stored(bot, request_id)
    assert (row.state, row.channel_id, row.message_ts) == ("pending", APPROVALS, ts)
    assert (OPERATOR, "request-approval", "ok") in audit_rows(bot)


@pytest.mark.parametrize("bot_env", [{}], indirect=True)
def test_without_an_approval_channel_the_card_goes_where_it_was_asked(send, slack, agent):
    send.command(f"request-approval {AGENT}", user=OPERATOR, channel=OPS)
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == OPS


def test_only_operators_may_ask_and_unknown_agents_are_named(send, slack, bot, acc):
    send.command(f"request-approval {AGENT}", user=VIEWER)
    send.command("request-approval nobody/has/this", user=OPERATOR)
    # Two commands from two people, each answered in the background: either may come first.
    answers = [answer["text"] for answer in slack.wait_for_response(2)]
    [unknown] = [text for text in answers if "nobody/has/this" in text]
    [refused] = [text for text in answers if "nobody/has/this" not in text]
    assert "operator" in refused
    assert slack.count("chat.postMessage") == 0
    with bot.services.db.session() as session:
        assert approvals.pending_requests(session) == []


def test_approve_opens_a_prefilled_form_and_submitting_approves_once(send, slack, bot, acc, agent):
    _, ts, request_id = request_card(send, slack)
    form = open_form(send, slack, APPROVE, request_id, ts)
    assert form["callback_id"] == MODAL
    prefilled = json.dumps(form["blocks"])
    assert "Approved in Slack by uapprover: new login flow" in prefilled

    response = submit(send, form, "Approved in Slack by uapprover: ship it")
    assert response.status_code == 200
    [update] = slack.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (APPROVALS, ts)
    card = text_of(update.params)
    assert f"Approved by <@{APPROVER}> at <!date^" in card
    assert APPROVE not in card and DISAPPROVE not in card
    assert AGENT in card and RUN_ID in card  # the rest of the card stays

    reply = next(c for c in slack.wait_for("chat.postMessage", 2) if c.params.get("thread_ts"))
    assert reply.params["thread_ts"] == ts
    assert f"<@{OPERATOR}>" in reply.params["text"]
    assert acc.state.approval(agent["agentId"]).messages == [
        "Approved in Slack by uapprover: ship it"
    ]
    assert toggles(acc, "False") == 1 and toggles(acc) == 1
    row = stored(bot, request_id)
    assert (row.state, row.decided_by) == ("approved", APPROVER)
    assert (APPROVER, "approve", "ok") in audit_rows(bot)


def test_disapprove_needs_a_reason_and_sends_it_to_acc(send, slack, bot, acc, agent):
    _, ts, request_id = request_card(send, slack)
    form = open_form(send, slack, DISAPPROVE, request_id, ts)
    response = submit(send, form, "   ")
    assert response.json()["response_action"] == "errors"
    assert "approval_message" in response.json()["errors"]
    assert toggles(acc) == 0

    submit(send, form, "selectors broke on the new site")
    [update] = slack.wait_for("chat.update")
    assert f"Disapproved by <@{APPROVER}> at" in text_of(update.params)
    approval = acc.state.approval(agent["agentId"])
    assert approval.approved is False
    assert approval.messages == [
        "Disapproved in Slack by uapprover: selectors broke on the new site"
    ]
    assert toggles(acc, "True") == 1
    assert stored(bot, request_id).state == "disapproved"


def test_a_non_approver_is_refused_naming_the_role_and_nothing_reaches_acc(
    send, slack, bot, acc, agent
):
    _, ts, request_id = request_card(send, slack)
    send.click(APPROVE, str(request_id), user=VIEWER, channel=APPROVALS, message_ts=ts)
    refusal = ephemerals(slack, 2)[-1]
    assert "approver" in refusal["text"]
    assert slack.count("views.open") == 0
    assert (VIEWER, "approve", "refused") in audit_rows(bot)

    # A forged form submission is checked again on the server.
    metadata = {"approve": True, "request_id": request_id, "channel_id": APPROVALS}
    form = {"private_metadata": json.dumps(metadata)}
    submit(send, form, "sneaky", user=VIEWER)
    slack.wait_for("chat.postEphemeral")
    assert toggles(acc) == 0
    assert stored(bot, request_id).state == "pending"


def test_a_requester_may_not_approve_their_own_request(send, slack, bot, acc, agent):
    _, ts, request_id = request_card(send, slack, user=BOTH)
    send.click(APPROVE, str(request_id), user=BOTH, channel=APPROVALS, message_ts=ts)
    refusal = ephemerals(slack, 2)[-1]
    assert "yourself" in refusal["text"] and "admin" in refusal["text"]
    assert slack.count("views.open") == 0
    assert (BOTH, "approve", "refused") in audit_rows(bot)
    assert toggles(acc) == 0


def test_an_admin_may_approve_their_own_request(send, slack, bot, acc, agent):
    _, ts, request_id = request_card(send, slack, user=ADMIN)
    form = open_form(send, slack, APPROVE, request_id, ts, user=ADMIN)
    submit(send, form, "Approved in Slack by uadmin", user=ADMIN)
    slack.wait_for("chat.update")
    assert toggles(acc) == 1
    assert stored(bot, request_id).decided_by == ADMIN


def test_two_approvers_at_once_call_acc_once_and_the_second_is_told_who_decided(
    send, slack, bot, acc, agent
):
    _, ts, request_id = request_card(send, slack)
    first = open_form(send, slack, APPROVE, request_id, ts, user=APPROVER, opened=1)
    second = open_form(send, slack, APPROVE, request_id, ts, user=SECOND_APPROVER, opened=2)
    acc.state.hang_next(1, 1.0)  # the winner's ACC call is slow: the other submits meanwhile
    threads = [
        threading.Thread(target=submit, args=(send, first, "first")),
        threading.Thread(
            target=submit, args=(send, second, "second"), kwargs={"user": SECOND_APPROVER}
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [update] = slack.wait_for("chat.update")
    told = [
        r["text"] for r in slack.wait_for_response(2) if "already approved" in r.get("text", "")
    ]
    slack.wait_for("chat.postMessage", 2)  # the thread reply
    assert toggles(acc) == 1
    row = stored(bot, request_id)
    winner = row.decided_by
    assert winner in (APPROVER, SECOND_APPROVER)
    assert acc.state.approval(agent["agentId"]).messages == [
        "first" if winner == APPROVER else "second"
    ]
    assert len(told) == 1 and f"<@{winner}>" in told[0] and "<!date^" in told[0]
    assert f"Approved by <@{winner}>" in text_of(update.params)
    assert slack.count("chat.update") == 1
    loser = SECOND_APPROVER if winner == APPROVER else APPROVER
    rows = audit_rows(bot)
    assert (winner, "approve", "ok") in rows and (loser, "approve", "refused") in rows


def test_a_click_after_the_decision_is_told_who_decided_without_a_form(send, slack, acc, agent):
    _, ts, request_id = request_card(send, slack)
    form = open_form(send, slack, APPROVE, request_id, ts)
    submit(send, form, "ok")
    slack.wait_for("chat.update")
    send.click(DISAPPROVE, str(request_id), user=SECOND_APPROVER, channel=APPROVALS, message_ts=ts)
    told = ephemerals(slack, 2)[-1]
    assert f"<@{APPROVER}> already approved" in told["text"]
    assert slack.count("views.open") == 1
    assert toggles(acc) == 1


def test_acc_failing_keeps_the_request_pending_with_its_buttons(send, slack, bot, acc, agent):
    _, ts, request_id = request_card(send, slack)
    form = open_form(send, slack, APPROVE, request_id, ts)
    acc.state.fail_next(1, status=500)
    submit(send, form, "ship it")
    answer = next(
        r for r in slack.wait_for_response(2, timeout=20) if "internal error" in r.get("text", "")
    )
    assert "still pending" in answer["text"]
    row = stored(bot, request_id)
    assert (row.state, row.decided_by) == ("pending", None)
    assert "500" in (row.error or "")
    assert slack.count("chat.update") == 0
    [card] = slack.channel_messages(APPROVALS)
    assert APPROVE in json.dumps(card.blocks)
    assert acc.state.approval(agent["agentId"]).messages == []
    assert (APPROVER, "approve", "error") in audit_rows(bot)

    submit(send, form, "ship it")  # ACC is back: the same form goes through
    slack.wait_for("chat.update")
    assert stored(bot, request_id).state == "approved"
    assert acc.state.approval(agent["agentId"]).messages == ["ship it"]


def test_direct_approve_and_disapprove_for_approvers(send, slack, bot, acc, agent):
    send.command(f"approve {AGENT} looks good", user=APPROVER, channel=OPS)
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == OPS
    assert f"<@{APPROVER}> approved `{AGENT}`" in post.params["text"]
    send.command(f'disapprove {AGENT} "selectors broke"', user=APPROVER, channel=OPS)
    slack.wait_for("chat.postMessage", 2)
    approval = acc.state.approval(agent["agentId"])
    assert approval.messages == [
        "Approved in Slack by uapprover: looks good",
        "Disapproved in Slack by uapprover: selectors broke",
    ]
    assert approval.approved is False
    rows = audit_rows(bot)
    assert (APPROVER, "approve", "ok") in rows and (APPROVER, "disapprove", "ok") in rows


def test_direct_approve_by_a_viewer_is_refused_naming_the_role(send, slack, acc, agent):
    send.command(f"approve {AGENT}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "approver" in answer["text"]
    assert toggles(acc) == 0


def test_direct_approve_settles_a_pending_card(send, slack, bot, acc, agent):
    _, ts, request_id = request_card(send, slack)
    send.command(f"approve {AGENT}", user=APPROVER, channel=OPS)
    [update] = slack.wait_for("chat.update")
    assert update.params["ts"] == ts
    assert f"Approved by <@{APPROVER}>" in text_of(update.params)
    posts = slack.wait_for("chat.postMessage", 3)  # card, thread reply, announcement
    assert any(c.params.get("thread_ts") == ts for c in posts)
    assert stored(bot, request_id).state == "approved"
    assert toggles(acc) == 1


def test_the_requester_cannot_approve_their_own_request_directly_either(send, slack, acc, agent):
    request_card(send, slack, user=BOTH)
    send.command(f"approve {AGENT}", user=BOTH, channel=OPS)
    answer = slack.wait_for_response(2)[-1]
    assert "yourself" in answer["text"]
    assert toggles(acc) == 0


def test_agent_buttons_open_the_same_form_for_approvers(send, slack, bot, acc, agent):
    send.command(f"agent {AGENT}", user=APPROVER, channel=OPS)
    [overview] = slack.wait_for_response()
    assert "agent_approve" in json.dumps(overview["blocks"])
    send.click("agent_disapprove", AGENT, user=APPROVER, channel=OPS)
    [opened] = slack.wait_for("views.open")
    form = opened.params["view"]
    assert json.loads(form["private_metadata"])["agent_path"] == AGENT
    submit(send, form, "broken selectors")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == OPS
    assert f"<@{APPROVER}> disapproved `{AGENT}`" in post.params["text"]
    assert acc.state.approval(agent["agentId"]).messages == [
        "Disapproved in Slack by uapprover: broken selectors"
    ]
    assert (APPROVER, "disapprove", "ok") in audit_rows(bot)


def test_agent_buttons_refuse_non_approvers(send, slack, acc, agent):
    send.command(f"agent {AGENT}", user=OPERATOR)
    [overview] = slack.wait_for_response()
    assert "agent_approve" not in json.dumps(overview["blocks"])
    send.click("agent_approve", AGENT, user=OPERATOR, channel=OPS)
    refusal = slack.wait_for_response(2)[-1]
    assert "approver" in refusal["text"]
    assert slack.count("views.open") == 0
    assert toggles(acc) == 0


def test_a_card_that_cannot_be_posted_fails_the_request_and_says_why(send, slack, bot, agent):
    slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"})
    send.command(f"request-approval {AGENT}", user=OPERATOR, channel=OPS)
    [answer] = slack.wait_for_response()
    assert "not_in_channel" in answer["text"] and "/invite" in answer["text"]
    with bot.services.db.session() as session:
        assert approvals.pending_requests(session) == []
