"""The App Home tab: roles, watches and recent changes for whoever opens it."""

from __future__ import annotations

import json

from tests.support.bot import ADMIN, OPERATOR, VIEWER

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


def open_home(send, slack, user: str, count: int = 1) -> str:
    response = send.event(
        {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    )
    assert response.status_code == 200
    calls = slack.wait_for("views.publish", count=count)
    assert calls[-1].params["user_id"] == user
    return json.dumps(calls[-1].params["view"])


def test_home_shows_a_viewer_their_role_and_how_to_start(send, slack):
    view = open_home(send, slack, VIEWER)
    assert "viewer" in view
    assert "/acc help" in view


def test_home_lists_watches_and_recent_changes(send, slack):
    send.command("watch sequentum/Test2/quick", user=ADMIN, channel="CALERTS")
    slack.wait_for("chat.postMessage")
    send.command(f"restart {SAMPLE_RUN}", user=OPERATOR, channel="CALERTS")
    slack.wait_for("chat.postMessage", count=2)
    view = open_home(send, slack, OPERATOR)
    assert "operator" in view
    assert "sequentum/Test2/quick" in view and "<#CALERTS>" in view
    assert f"<@{OPERATOR}> restart" in view


def test_home_for_the_messages_tab_publishes_nothing(send, slack):
    send.event({"type": "app_home_opened", "user": VIEWER, "channel": "D0HOME", "tab": "messages"})
    send.command("help")  # a later request, so the event has surely been handled
    assert slack.count("views.publish") == 0
