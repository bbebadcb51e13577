"""/acc watch, unwatch, watching and mute, and the alert's buttons, end to end over HTTP:
signed commands to the bot, ACC served by the simulator, Slack faked."""

from __future__ import annotations

import pytest

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.actions.errors import InvalidInput
from accbot.commands.model import AgentRef, Watch
from accbot.slack import ids
from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.store import cursors, mutes, watches
from accbot.watcher.service import WatcherService
from tests.slack.helpers import audit_rows, blocks_text, buttons
from tests.support.bot import ADMIN, OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
QUICK_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
DEFAULT_CHANNEL = "CDEFAULT"


@pytest.fixture
def bot_env() -> dict:
    return {"ACCBOT_ALERT_CHANNEL": DEFAULT_CHANNEL}


def _watches(bot) -> list[tuple[str, str, str, bool]]:
    with bot.services.db.session() as session:
        return [
            (w.kind, w.agent_ref, w.channel_id, w.all_states) for w in watches.list_watches(session)
        ]


def _mutes(bot) -> list[tuple[str, str]]:
    with bot.services.db.session() as session:
        now = bot.services.clock()
        return [(m.agent_ref, m.created_by) for m in mutes.active_mutes(session, now)]


def test_an_admin_watches_an_agent_in_the_channel_the_command_came_from(send, slack, bot):
    send.command(f"watch {QUICK}", user=ADMIN, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{ADMIN}> started watching `{QUICK}` in <#COPS>" in post.params["text"]
    assert _watches(bot) == [("acc", QUICK, "COPS", False)]
    with bot.services.db.session() as session:  # starts from the current history
        seen = cursors.get_cursor(session, "acc", QUICK_ID).seen_keys
    assert f"{QUICK_RUN}:Succeeded" in seen
    assert audit_rows(bot)[-1][:3] == (ADMIN, "watch", "ok")


def test_a_named_channel_and_all_states_are_kept(send, slack, bot):
    send.command(f"watch {QUICK} <#CALERTS|alerts> --all", user=ADMIN, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert "in <#CALERTS>: alerts on every end state" in post.params["text"]
    assert _watches(bot) == [("acc", QUICK, "CALERTS", True)]


def test_watching_again_changes_only_what_differs(send, slack, bot):
    send.command(f"watch {QUICK}", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    send.command(f"watch {QUICK}", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "already watched" in answer["text"]
    send.command(f"watch {QUICK} --all", user=ADMIN, channel="COPS")
    posts = slack.wait_for("chat.postMessage", 2)
    assert "changed the watch of" in posts[1].params["text"]
    assert _watches(bot) == [("acc", QUICK, "COPS", True)]


def test_a_viewer_may_not_watch_and_acc_is_not_asked(send, slack, bot, acc):
    asked = acc.state.count_requests("GET", "/api/agent")
    send.command(f"watch {QUICK}", user=VIEWER, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert _watches(bot) == []
    assert acc.state.count_requests("GET", "/api/agent") == asked


def test_an_unknown_agent_is_not_watched_and_the_answer_names_it(send, slack, bot):
    send.command("watch nobody/has/this", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]
    assert _watches(bot) == []


def test_acc_down_while_watching_says_so_and_stores_nothing(send, slack, bot, acc):
    bot.services.acc.backoff = 0.0
    acc.state.fail_next(100, status=503)
    send.command(f"watch {QUICK}", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "ACC" in answer["text"]
    assert _watches(bot) == []


def test_unwatch_removes_the_channels_watch_and_says_when_there_is_none(send, slack, bot):
    send.command(f"watch {QUICK}", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    send.command(f"unwatch {QUICK.upper()}", user=ADMIN, channel="COPS")
    posts = slack.wait_for("chat.postMessage", 2)
    assert f"stopped watching `{QUICK.upper()}` in <#COPS>" in posts[1].params["text"]
    assert _watches(bot) == []
    with bot.services.db.session() as session:
        assert cursors.get_cursor(session, "acc", QUICK_ID) is None
    send.command(f"unwatch {QUICK}", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "is not watched in <#COPS>" in answer["text"]


def test_unwatch_without_a_channel_finds_the_agents_only_watch(send, slack, bot):
    send.command(f"watch {QUICK} <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    send.command(f"unwatch {QUICK}", user=ADMIN, channel="CELSEWHERE")
    posts = slack.wait_for("chat.postMessage", 2)
    assert f"stopped watching `{QUICK}` in <#CALERTS>" in posts[1].params["text"]
    assert _watches(bot) == []


def test_unwatch_without_a_channel_asks_which_when_several_watch_it(send, slack, bot):
    send.command(f"watch {QUICK} <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    send.command(f"watch {QUICK} <#CTEAM|team>", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage", 2)
    send.command(f"unwatch {QUICK}", user=ADMIN, channel="CELSEWHERE")
    [answer] = slack.wait_for_response()
    assert "<#CALERTS>, <#CTEAM>" in answer["text"] and "name the channel" in answer["text"]
    assert len(_watches(bot)) == 2
    send.command(f"unwatch {QUICK}", user=ADMIN, channel="CTEAM")  # typed in one of them
    posts = slack.wait_for("chat.postMessage", 3)
    assert f"stopped watching `{QUICK}` in <#CTEAM>" in posts[2].params["text"]
    assert _watches(bot) == [("acc", QUICK, "CALERTS", False)]


def test_watching_without_the_admin_role_names_the_setting_to_ask_for(send, slack, bot):
    send.command(f"watch {QUICK}", user=OPERATOR, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "You need the admin role" in answer["text"] and "ACCBOT_ADMINS" in answer["text"]
    assert _watches(bot) == []


def test_anyone_lists_the_watches_and_the_mutes(send, slack, bot):
    send.command(f"watch {QUICK} <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    send.command(f"mute {QUICK} 2h", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage", 2)
    send.command("watching", user=VIEWER, channel="COPS")
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    text = blocks_text(answer)
    assert f"`{QUICK}` in <#CALERTS>: failures" in text
    assert "*Muted* (1)" in text and "until" in text


def test_watching_nothing_says_how_to_start(send, slack):
    send.command("watching", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "/acc watch" in answer["text"]


def test_an_admin_mutes_an_agent_for_a_while(send, slack, bot):
    send.command(f"mute {QUICK} 1h30m", user=ADMIN, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert f"<@{ADMIN}> muted alerts for `{QUICK}` for 1h 30m" in post.params["text"]
    assert _mutes(bot) == [(QUICK, ADMIN)]


def test_muting_an_unknown_agent_is_refused(send, slack, bot):
    send.command("mute nobody/has/this 1h", user=ADMIN, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]
    assert _mutes(bot) == []


def test_the_alerts_buttons_act_through_the_same_actions_and_roles(send, slack, bot, acc):
    send.command(f"watch {QUICK} <#CALERTS|alerts>", user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage")
    failed = acc.state.add_run(QUICK_ID, 5, errors=2, log_text="Error: timed out\n")
    watcher = WatcherService(
        bot.services, SlackSink(build_web_client(bot.services.settings)), poll_seconds=1
    )
    try:
        watcher.run_cycle()
    finally:
        watcher.stop()
    [alert] = [m for m in slack.channel_messages("CALERTS") if m.metadata]
    by_label = {b["text"]["text"]: b for b in buttons({"blocks": alert.blocks})}
    assert list(by_label) == ["Retry errors", "Restart", "Show log", "Mute 1h", "Acknowledge"]

    retry = by_label["Retry errors"]
    send.click(retry["action_id"], retry["value"], user=VIEWER, channel="CALERTS")
    [refusal] = slack.wait_for_response()
    assert "operator" in refusal["text"]
    send.click(retry["action_id"], retry["value"], user=OPERATOR, channel="CALERTS")
    slack.wait_for("chat.postMessage", 4)  # watch notice, alert, log excerpt, retry notice
    assert acc.state.retries == [
        (failed["agentRunHistoryId"], "ContinueAndRetryErrorsRefreshAgent")
    ]

    mute = by_label["Mute 1h"]
    assert (mute["action_id"], mute["value"]) == (ids.ALERT_MUTE_1H, QUICK)
    send.click(mute["action_id"], mute["value"], user=ADMIN, channel="CALERTS")
    posts = slack.wait_for("chat.postMessage", 5)
    assert f"muted alerts for `{QUICK}` for 1h" in posts[-1].params["text"]
    assert _mutes(bot) == [(QUICK, ADMIN)]


def test_mute_1h_clicked_by_a_non_admin_names_who_may_mute_and_mutes_nothing(send, slack, bot):
    send.click(ids.ALERT_MUTE_1H, QUICK, user=OPERATOR, channel="CALERTS")

    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    assert "Only admins can mute alerts" in answer["text"]
    assert "`ACCBOT_ADMINS`" in answer["text"] and f"/acc mute {QUICK} 1h" in answer["text"]
    assert _mutes(bot) == []
    assert audit_rows(bot)[-1][:3] == (OPERATOR, "mute", "refused")
    assert slack.count("chat.postMessage") == 0  # nothing announced in the channel


def test_a_mute_refusal_escapes_the_agent_the_button_carried(send, slack, bot):
    send.click(ids.ALERT_MUTE_1H, "<!channel> & co", user=VIEWER, channel="CALERTS")
    [answer] = slack.wait_for_response()
    assert "&lt;!channel&gt; &amp; co" in answer["text"]
    assert "<!channel>" not in answer["text"]


def test_answers_to_one_person_never_offer_mute_1h(send, slack, acc):
    send.command(f"run {QUICK_RUN}", user=VIEWER)
    [answer] = slack.wait_for_response()
    labels = [b["text"]["text"] for b in buttons(answer)]
    assert "Restart" in labels and "Mute 1h" not in labels


def test_without_a_channel_the_alert_channel_is_used_else_the_command_is_refused(bot):
    services = bot.services
    command = Watch(AgentRef("acc", QUICK))
    execute(command, Actor(ADMIN, channel_id=None, source="cli"), services)
    assert _watches(bot) == [("acc", QUICK, DEFAULT_CHANNEL, False)]

    services.settings = services.settings.model_copy(update={"ACCBOT_ALERT_CHANNEL": None})
    with pytest.raises(InvalidInput, match="ACCBOT_ALERT_CHANNEL"):
        execute(Watch(AgentRef("acc", "sequentum/Demo/prices")), Actor(ADMIN, None), services)
