"""The App Home as a dashboard, end to end: app_home_opened → views.publish, with the
watcher running, real watches, a mute, a pause and an approval request behind it."""

from __future__ import annotations

import json
import time

import pytest

from accbot.slack import ids
from tests.support.bot import ADMIN, APPROVER, OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"  # its latest run succeeded
PRICES = "sequentum/Demo/prices"  # its latest run failed
NEWS = "sequentum/Demo/news"  # its latest run succeeded
INVENTORY = "sequentum/Demo/inventory"  # never run
FLAKY = "sequentum/Demo/flaky"  # every run started fails
SCHEDULE = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"  # the quick agent's, enabled


@pytest.fixture
def bot_env() -> dict:
    return {"watcher": True, "ACCBOT_POLL_SECONDS": 1}


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def open_home(send, slack, user: str) -> dict:
    before = slack.count("views.publish")
    send.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    call = slack.wait_for("views.publish", count=before + 1)[-1]
    assert call.params["user_id"] == user
    return call.params["view"]


def section(view: dict, title: str) -> str:
    """The text of the section whose first line is ``title``."""
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if text.startswith(title):
            return text
    raise AssertionError(f"no {title!r} section in {json.dumps(view)[:2000]}")


def approval_buttons(view: dict) -> list[tuple[str, str, str]]:
    return [
        (e["text"]["text"], e["action_id"], e["value"])
        for b in view["blocks"] if b["type"] == "actions"
        for e in b["elements"]
    ]  # fmt: skip


def watcher_line(view: dict) -> str:
    [line] = [
        b["elements"][0]["text"] for b in view["blocks"]
        if b["type"] == "context" and "Watcher" in b["elements"][0]["text"]
    ]  # fmt: skip
    return line


def watched(bot) -> int:
    from accbot.store import watches

    with bot.services.db.session() as session:
        return len(watches.list_watches(session))


@pytest.fixture
def dashboard(bot, send, slack):
    """Watches (one failing, one fine), a mute, a pause and a pending request."""
    for path in (QUICK, PRICES, NEWS, INVENTORY):
        send.command(f"watch {path}", user=ADMIN, channel="CALERTS")
    send.command(f"mute {PRICES} 2h", user=ADMIN, channel="CALERTS")
    send.command(f"schedule off {SCHEDULE} for 2h", user=OPERATOR, channel="COPS")
    send.command(f"request-approval {QUICK} ship it &lt;b&gt;&amp;", user=OPERATOR, channel="COPS")
    wait_until(lambda: any("asks for approval" in (m.text or "") for m in slack.messages))
    wait_until(lambda: watched(bot) == 4)
    wait_until(lambda: bot.watcher.snapshot().last_cycle_at is not None)
    return bot


def test_an_approver_sees_every_section_with_real_data(dashboard, send, slack):
    view = open_home(send, slack, APPROVER)
    assert view["type"] == "home"

    watching = section(view, "*Watching*")
    _, prices, inventory, news, quick = watching.split("\n• ")  # failing first, then by name
    assert prices.startswith(f"`{PRICES}` → <#CALERTS>")
    assert ":x: Failed · run `" in prices
    assert "<!date^" in prices  # when it ended, in each reader's time zone
    assert inventory.startswith(f"`{INVENTORY}`") and "no run seen yet" in inventory
    assert news.startswith(f"`{NEWS}`") and ":white_check_mark: Succeeded · run `" in news
    assert quick.startswith(f"`{QUICK}`") and ":white_check_mark: Succeeded" in quick

    muted = section(view, "*Muted*")
    assert f"`{PRICES}` until <!date^" in muted

    paused = section(view, "*Paused schedules*")
    assert f"schedule `{SCHEDULE}` back on at <!date^" in paused
    assert f"(by <@{OPERATOR}>)" in paused

    waiting = section(view, "*Waiting for approval* (1)")
    assert waiting == "*Waiting for approval* (1)"
    request = section(view, f"`{QUICK}` · asked by <@{OPERATOR}>")
    assert "in <#COPS>" in request
    assert "ship it &lt;b&gt;&amp;" in request  # the note, escaped
    labels = [(text, action) for text, action, _ in approval_buttons(view)]
    assert labels == [("Approve", ids.APPROVAL_APPROVE), ("Disapprove", ids.APPROVAL_DISAPPROVE)]

    line = watcher_line(view)
    assert "polling every 1s" in line
    assert "last cycle ended <!date^" in line and ", took " in line
    assert "0 posts waiting" in line
    assert "shard leases 8 of 8" in line


def test_people_who_cannot_approve_see_no_requests_and_no_buttons(dashboard, send, slack):
    for person in (VIEWER, OPERATOR):
        view = open_home(send, slack, person)
        assert "Waiting for approval" not in json.dumps(view)
        assert approval_buttons(view) == []
        assert PRICES in section(view, "*Watching*")
    # an admin may approve, like an approver
    assert [t for t, _, _ in approval_buttons(open_home(send, slack, ADMIN))] == [
        "Approve", "Disapprove",
    ]  # fmt: skip


def test_a_failure_the_watcher_finds_becomes_the_agents_last_status(bot, send, slack):
    send.command(f"watch {NEWS}", user=ADMIN, channel="CALERTS")
    send.command(f"watch {FLAKY} <#CFLAKY1|flaky>", user=ADMIN, channel="CALERTS")
    send.command(f"watch {FLAKY}", user=ADMIN, channel="CALERTS")
    wait_until(lambda: watched(bot) == 3)
    watching = section(open_home(send, slack, VIEWER), "*Watching*")
    _, flaky, news = watching.split("\n• ")  # both fine: by name
    assert flaky.startswith(f"`{FLAKY}` → ")  # one line for the agent, with both channels
    assert "<#CFLAKY1>" in flaky.split("\n")[0] and "<#CALERTS>" in flaky.split("\n")[0]
    assert ":white_check_mark: Succeeded" in flaky

    send.command(f"start {FLAKY}", user=OPERATOR, channel="COPS")

    def alert() -> str | None:
        texts = [m.text or "" for m in slack.channel_messages("CALERTS")]
        return next((t for t in texts if t.startswith(f"{FLAKY}: run ")), None)

    wait_until(lambda: alert() is not None, 30)
    run_id = alert().split(" run ")[1].split()[0]
    watching = section(open_home(send, slack, VIEWER), "*Watching*")
    _, first, _ = watching.split("\n• ")
    assert first.startswith(f"`{FLAKY}`")
    assert f":x: Failed · run `{run_id}`" in first


def test_a_decided_request_leaves_the_approvers_list(dashboard, send, slack):
    from accbot.store import approvals

    with dashboard.services.db.session() as session:
        [request] = approvals.pending_requests(session)
        approvals.decide(session, request.id, "approved", APPROVER, "ok")
    view = open_home(send, slack, APPROVER)
    assert section(view, "*Waiting for approval*") == (
        "*Waiting for approval*\nNo request is waiting."
    )
    assert approval_buttons(view) == []


def click_on_home(send, action_id: str, value: str, user: str):
    """A button pressed on the Home tab: Slack sends the view, no channel, no response_url."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEST", "domain": "example"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0TEST"},
        "api_app_id": "A0ACCBOT",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "view": {"id": "V0HOME", "type": "home", "blocks": []},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "Approve"}, "action_ts": "1"}],
    }  # fmt: skip
    return send.post_form({"payload": json.dumps(payload)})


def test_approving_from_the_home_decides_in_acc_and_redraws_the_home(dashboard, send, slack):
    view = open_home(send, slack, APPROVER)
    [(_, action, request_id), _] = approval_buttons(view)
    assert click_on_home(send, action, request_id, APPROVER).status_code == 200
    [opened] = slack.wait_for("views.open")
    form = opened.params["view"]
    assert form["callback_id"] == ids.APPROVAL_MODAL

    published = slack.count("views.publish")
    values = {"approval_message": {"message": {"type": "plain_text_input", "value": "looks good"}}}
    send.view_submission(
        ids.APPROVAL_MODAL, values, user=APPROVER, private_metadata=form["private_metadata"]
    )
    redrawn = slack.wait_for("views.publish", count=published + 1)[-1]
    assert redrawn.params["user_id"] == APPROVER
    assert section(redrawn.params["view"], "*Waiting for approval*") == (
        "*Waiting for approval*\nNo request is waiting."
    )
    from accbot.store import approvals

    with dashboard.services.db.session() as session:
        assert approvals.get_request(session, int(request_id)).state == "approved"
