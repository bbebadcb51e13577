"""/acc watch with data-quality options and an escalation, and /acc watch server:<name>,
end to end over HTTP: signed commands to the bot, ACC served by the simulator, Slack faked."""

from __future__ import annotations

import json

import pytest

from accbot.store import server_watches, watches
from accbot.store.watches import WatchOptions
from tests.slack.helpers import audit_rows, blocks_text
from tests.support.bot import ADMIN, VIEWER

QUICK = "sequentum/Test2/quick"
SERVER_KEY = "se1-key-that-must-stay-secret"
ONCALL = "<!subteam^S0ONCALL1|@oncall>"


@pytest.fixture
def bot_env() -> dict:
    servers = [{"name": "se1", "ip": "127.0.0.1", "port": 8004, "key": SERVER_KEY}]
    return {"ACCBOT_SERVERS": json.dumps(servers)}


def _options(bot) -> list[WatchOptions]:
    with bot.services.db.session() as session:
        return [WatchOptions.of(w) for w in watches.list_watches(session)]


def _server_watches(bot) -> list[tuple[str, str, str]]:
    with bot.services.db.session() as session:
        return [
            (w.server_name, w.channel_id, w.created_by)
            for w in server_watches.list_server_watches(session)
        ]


def test_a_watch_stores_its_quality_options_and_escalation_and_lists_them(send, slack, bot):
    send.command(
        f"watch {QUICK} --empty --drop 50 --escalate 30m {ONCALL}", user=ADMIN, channel="COPS"
    )
    [post] = slack.wait_for("chat.postMessage")
    text = post.params["text"]
    assert f"started watching `{QUICK}` in <#COPS>" in text
    assert "empty runs" in text and "more than 50% below the median" in text
    assert "after 30m, <!subteam^S0ONCALL1> is told" in text
    assert _options(bot) == [
        WatchOptions(
            empty_alerts=True, drop_percent=50, escalate_seconds=1800, escalate_to="S0ONCALL1"
        )  # fmt: skip
    ]

    send.command("watching", user=VIEWER, channel="COPS")
    [answer] = slack.wait_for_response()
    listed = blocks_text(answer)
    assert f"`{QUICK}` in <#COPS>: failures, empty runs, data counts more than 50%" in listed
    assert "unacknowledged after 30m, <!subteam^S0ONCALL1> is told" in listed


def test_a_watch_with_an_escalation_is_audited_with_its_options(send, slack, bot):
    send.command(f"watch {QUICK} --drop 50 --escalate 30m {ONCALL}", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    [(user, action, result, arguments, _)] = audit_rows(bot)
    assert (user, action, result) == (ADMIN, "watch", "ok")
    assert arguments["escalate"] == {"after": 1800.0, "target_id": "S0ONCALL1"}
    assert arguments["drop_percent"] == 50


def test_watching_again_with_other_options_replaces_them(send, slack, bot):
    send.command(f"watch {QUICK} --empty", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    send.command(f"watch {QUICK} --empty", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "already watched" in answer["text"]
    send.command(f"watch {QUICK} --drop 30 --escalate 1m <@U0BOB1234|bob>", user=ADMIN,
                 channel="COPS")  # fmt: skip
    posts = slack.wait_for("chat.postMessage", 2)
    assert "changed the watch of" in posts[1].params["text"]
    assert _options(bot) == [
        WatchOptions(drop_percent=30, escalate_seconds=60, escalate_to="U0BOB1234")
    ]


def test_a_bad_option_is_refused_before_anything_is_stored(send, slack, bot):
    response = send.command(f"watch {QUICK} --drop 150", user=ADMIN, channel="COPS")
    assert "--drop '150' is not a percentage from 1 to 99" in response.text
    assert _options(bot) == []


def test_an_admin_watches_a_configured_server_and_everyone_sees_it_listed(send, slack, bot):
    send.command("watch server:SE1 <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{ADMIN}> started watching `server:se1` in <#CALERTS>" in post.params["text"]
    assert _server_watches(bot) == [("se1", "CALERTS", ADMIN)]

    send.command("watch server:se1 <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    [again] = slack.wait_for_response()
    assert "already watched" in again["text"]

    send.command("watching", user=VIEWER, channel="COPS")
    [_, answer] = slack.wait_for_response(2)
    assert "*Servers* (1)" in answer["text"] and "`server:se1` in <#CALERTS>" in answer["text"]

    (user, action, result, arguments, _) = audit_rows(bot)[-1]
    assert (user, action, result) == (ADMIN, "watch", "ok")
    assert SERVER_KEY not in json.dumps(arguments) and arguments["server"] == "se1"


def test_unwatching_a_server_removes_the_channels_watch(send, slack, bot):
    send.command("watch server:se1", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    send.command("unwatch server:Se1", user=ADMIN, channel="COPS")
    posts = slack.wait_for("chat.postMessage", 2)
    assert "stopped watching `server:se1` in <#COPS>" in posts[1].params["text"]
    assert _server_watches(bot) == []
    send.command("unwatch server:<!here>", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "No server of that name is watched in any channel" in answer["text"]
    assert "here" not in answer["text"]


def test_unwatching_a_server_watched_in_several_channels_asks_which(send, slack, bot):
    send.command("watch server:se1 <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    send.command("watch server:se1 <#CNIGHT|night>", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage", 2)
    send.command("unwatch server:se1", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "is watched in <#CALERTS>, <#CNIGHT>: name the channel" in answer["text"]
    send.command("unwatch server:se1", user=ADMIN, channel="CNIGHT")
    posts = slack.wait_for("chat.postMessage", 3)
    assert "stopped watching `server:se1` in <#CNIGHT>" in posts[2].params["text"]
    assert _server_watches(bot) == [("se1", "CALERTS", ADMIN)]


def test_an_unknown_server_is_refused_with_the_configured_names(send, slack, bot):
    send.command("watch server:se9", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "No server is named 'se9'" in answer["text"] and "`se1`" in answer["text"]
    assert _server_watches(bot) == []


def test_a_viewer_may_not_watch_a_server(send, slack, bot):
    send.command("watch server:se1", user=VIEWER, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert _server_watches(bot) == []
    assert audit_rows(bot)[-1][:3] == (VIEWER, "watch", "refused")
