"""Schedule pauses end to end: `/acc schedule off <id> for 2h` and `/acc schedules off
<agent> for 2h` over HTTP, the watcher turning exactly those schedules back on when the
time is up (after a restart too, and once with two replicas), the reminder with "Turn back
on now" and "Extend 1h", schedules turned back on by hand, and `/acc paused`.

The bot's clock is moved forward instead of waiting: the watcher reads the same clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from accbot.slack import ids
from accbot.store import pauses as pause_store
from tests.slack.helpers import audit_rows, button_labels, buttons
from tests.support.bot import ADMIN, OPERATOR, VIEWER, start_bot, stop_bot

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
SCHEDULE = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"  # the quick agent's, enabled


class Clock:
    """Real time plus an offset that a test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, span: timedelta) -> None:
        self.offset += span


@pytest.fixture
def bot_env() -> dict:
    return {"watcher": True, "ACCBOT_POLL_SECONDS": 1}


@pytest.fixture
def clock(bot) -> Clock:
    fake = Clock()
    bot.services.clock = fake
    return fake


def enabled(acc, schedule_id: str) -> bool:
    return bool(acc.state.schedule(schedule_id)["isEnabled"])


def posts_in(slack, channel: str, containing: str) -> list:
    return [m for m in slack.channel_messages(channel) if containing in (m.text or "")]


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the watcher did not get there in time")
        time.sleep(0.1)


def active_pauses(bot) -> list:
    with bot.services.db.session() as session:
        return list(pause_store.active(session))


def pause_one(send, slack, *, span: str = "2h", user: str = OPERATOR, channel: str = "COPS"):
    send.command(f"schedule off {SCHEDULE} for {span}", user=user, channel=channel)
    wait_until(lambda: posts_in(slack, channel, "turned off"))
    return posts_in(slack, channel, "turned off")[-1]


# --- one schedule ----------------------------------------------------------------------


def test_schedule_off_for_2h_turns_it_off_and_says_until_when(send, slack, acc, bot, clock):
    post = pause_one(send, slack)
    assert not enabled(acc, SCHEDULE)
    assert post.text.startswith(f"<@{OPERATOR}> turned off schedule `{SCHEDULE}` until <!date^")
    assert "accbot turns them back on then" in post.text
    assert [b["text"]["text"] for b in buttons({"blocks": post.blocks})] == ["Turn back on now"]
    [pause] = active_pauses(bot)
    assert pause.schedule_ids == [SCHEDULE]
    assert pause.channel_id == "COPS"
    assert timedelta(hours=1, minutes=59) < pause.ends_at - clock() <= timedelta(hours=2)
    [row] = audit_rows(bot)
    assert row[:3] == (OPERATOR, "schedule off", "ok")
    assert row[3]["pause"] == 7200.0


def test_when_the_time_is_up_the_watcher_turns_it_back_on_and_says_so(send, slack, acc, bot, clock):
    pause_one(send, slack)
    clock.advance(timedelta(hours=2, seconds=1))
    wait_until(lambda: enabled(acc, SCHEDULE))
    wait_until(lambda: posts_in(slack, "COPS", "Pause over"))
    [over] = posts_in(slack, "COPS", "Pause over")
    assert f"turned schedule `{SCHEDULE}` back on (paused by <@{OPERATOR}>" in over.text
    assert active_pauses(bot) == []
    time.sleep(2.5)  # more cycles: nothing more is posted or turned on
    assert len(posts_in(slack, "COPS", "Pause over")) == 1
    assert acc.state.count_requests("POST", f"/api/job/schedule/{SCHEDULE}/on") == 1


def test_a_reminder_comes_15_minutes_before_the_end_with_its_two_buttons(send, slack, bot, clock):
    pause_one(send, slack)
    clock.advance(timedelta(hours=1, minutes=40))
    time.sleep(2.5)
    assert posts_in(slack, "COPS", "Reminder") == []
    clock.advance(timedelta(minutes=6))
    wait_until(lambda: posts_in(slack, "COPS", "Reminder"))
    [reminder] = posts_in(slack, "COPS", "Reminder")
    assert button_labels({"blocks": reminder.blocks}) == ["Turn back on now", "Extend 1h"]
    time.sleep(2.5)
    assert len(posts_in(slack, "COPS", "Reminder")) == 1  # once


def test_a_short_pause_is_reminded_at_half_time_and_for_1m_works(send, slack, acc, bot, clock):
    pause_one(send, slack, span="1m")
    clock.advance(timedelta(seconds=20))
    time.sleep(2.5)
    assert posts_in(slack, "COPS", "Reminder") == []
    clock.advance(timedelta(seconds=11))
    wait_until(lambda: posts_in(slack, "COPS", "Reminder"))
    clock.advance(timedelta(seconds=30))
    wait_until(lambda: enabled(acc, SCHEDULE))
    wait_until(lambda: posts_in(slack, "COPS", "Pause over"))


def test_turn_back_on_now_ends_the_pause_at_once(send, slack, acc, bot, clock):
    post = pause_one(send, slack)
    [button] = buttons({"blocks": post.blocks})
    send.click(ids.PAUSE_RESUME, button["value"], user=OPERATOR, channel="COPS")
    wait_until(lambda: posts_in(slack, "COPS", "back on now"))
    assert enabled(acc, SCHEDULE)
    [said] = posts_in(slack, "COPS", "back on now")
    assert (
        said.text
        == f"<@{OPERATOR}> turned schedule `{SCHEDULE}` back on now, before the pause ended."
    )
    assert active_pauses(bot) == []
    clock.advance(timedelta(hours=3))
    time.sleep(2.5)
    assert posts_in(slack, "COPS", "Pause over") == []  # it is over already
    send.click(ids.PAUSE_RESUME, button["value"], user=OPERATOR, channel="COPS")
    [answer] = slack.wait_for_response()
    assert "already over" in answer["text"]


def test_extend_1h_moves_the_end(send, slack, acc, bot, clock):
    pause_one(send, slack)
    [pause] = active_pauses(bot)
    send.click(ids.PAUSE_EXTEND_1H, str(pause.id), user=OPERATOR, channel="COPS")
    wait_until(lambda: posts_in(slack, "COPS", "extended the pause"))
    [extended] = active_pauses(bot)
    assert extended.ends_at - pause.ends_at == timedelta(hours=1)
    clock.advance(timedelta(hours=2, minutes=10))
    time.sleep(2.5)
    assert not enabled(acc, SCHEDULE)  # not yet: an hour more
    clock.advance(timedelta(hours=1))
    wait_until(lambda: enabled(acc, SCHEDULE))


def test_turning_a_paused_schedule_on_through_accbot_ends_its_pause(send, slack, acc, bot, clock):
    pause_one(send, slack)
    send.command(f"schedule on {SCHEDULE}", user=OPERATOR, channel="COPS")
    wait_until(lambda: enabled(acc, SCHEDULE))
    wait_until(lambda: active_pauses(bot) == [])
    send.command(f"schedule off {SCHEDULE}", user=OPERATOR, channel="COPS")  # off for good
    wait_until(lambda: not enabled(acc, SCHEDULE))
    clock.advance(timedelta(hours=3))
    time.sleep(2.5)
    assert not enabled(acc, SCHEDULE)  # the ended pause did not turn it back on


def look_up_quick(send, slack) -> None:
    """`/acc schedules` makes the bot meet the agent, so it can find its schedules."""
    before = len(slack.responses)
    send.command(f"schedules {QUICK}", user=OPERATOR, channel="COPS")
    slack.wait_for_response(count=before + 1)


def test_a_schedule_of_a_known_agent_that_is_already_off_is_not_paused(send, slack, acc, bot):
    look_up_quick(send, slack)
    off = acc.state.add_schedule(QUICK_ID, "0 0 7 * * ?")["scheduleId"]
    acc.state.set_schedule_enabled(off, False)
    send.command(f"schedule off {off} for 1h", user=OPERATOR, channel="COPS")
    answers = slack.wait_for_response(count=2)
    assert f"Schedule `{off}` is already disabled; nothing to pause." in answers[1]["text"]
    assert active_pauses(bot) == []
    assert acc.state.count_requests("POST", f"/api/job/schedule/{off}/") == 0


def test_a_single_pause_turned_back_on_in_acc_ends_when_its_agent_is_known(
    send, slack, acc, bot, clock
):
    look_up_quick(send, slack)
    pause_one(send, slack)
    [pause] = active_pauses(bot)
    assert pause.agent_id == QUICK_ID
    acc.state.set_schedule_enabled(SCHEDULE, True)  # someone in ACC's portal
    wait_until(lambda: posts_in(slack, "COPS", "turned back on by hand"))
    assert active_pauses(bot) == []


def test_viewers_cannot_pause(send, slack, acc, bot):
    send.command(f"schedule off {SCHEDULE} for 2h", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert enabled(acc, SCHEDULE)
    assert active_pauses(bot) == []


def test_a_bad_duration_is_refused_in_the_ack(send, acc):
    response = send.command(f"schedule off {SCHEDULE} for soon", user=OPERATOR)
    assert "'soon' is not a duration" in response.text
    assert acc.state.count_requests("POST", "/api/") == 0


# --- all of an agent's schedules -------------------------------------------------------


def add_schedules(acc, *, enabled_count: int, disabled_count: int) -> tuple[list[str], list[str]]:
    on = [
        acc.state.add_schedule(QUICK_ID, "0 0 6 * * ?")["scheduleId"] for _ in range(enabled_count)
    ]
    off = []
    for _ in range(disabled_count):
        schedule = acc.state.add_schedule(QUICK_ID, "0 0 7 * * ?")
        acc.state.set_schedule_enabled(schedule["scheduleId"], False)
        off.append(schedule["scheduleId"])
    return on, off


def pause_all(send, slack, *, span: str = "1h", user: str = ADMIN) -> None:
    send.command(f"schedules off {QUICK} for {span}", user=user, channel="COPS")
    [prompt] = slack.wait_for_response()
    assert button_labels(prompt) == ["Confirm", "Cancel"]
    assert "accbot turns them back on when the time is up" in prompt["text"]
    send.click(ids.CONFIRM_COMMAND, buttons(prompt)[0]["value"], user=user, channel="COPS")
    wait_until(lambda: posts_in(slack, "COPS", "turned off"))


def test_bulk_pause_turns_back_on_exactly_the_schedules_that_were_on(send, slack, acc, bot, clock):
    on, off = add_schedules(acc, enabled_count=1, disabled_count=1)
    pause_all(send, slack)
    [post] = posts_in(slack, "COPS", "turned off")
    assert f"turned off 2 schedules of `{QUICK}`" in post.text
    assert "1 already off, left off" in str(post.blocks)
    assert not any(enabled(acc, s) for s in [SCHEDULE, *on, *off])
    clock.advance(timedelta(hours=1, seconds=1))
    wait_until(lambda: posts_in(slack, "COPS", "Pause over"))
    assert enabled(acc, SCHEDULE) and enabled(acc, on[0])
    assert not enabled(acc, off[0])  # it was off before the pause: it stays off


def test_bulk_pauses_need_an_admin(send, slack, acc, bot):
    send.command(f"schedules off {QUICK} for 1h", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert enabled(acc, SCHEDULE)


def test_an_agent_pause_turned_back_on_by_hand_in_acc_ends(send, slack, acc, bot, clock):
    pause_all(send, slack)
    acc.state.set_schedule_enabled(SCHEDULE, True)  # someone in ACC's portal
    wait_until(lambda: posts_in(slack, "COPS", "turned back on by hand"))
    assert active_pauses(bot) == []
    acc.state.set_schedule_enabled(SCHEDULE, False)  # and off again, for good
    clock.advance(timedelta(hours=2))
    time.sleep(2.5)
    assert not enabled(acc, SCHEDULE)


def test_paused_lists_each_pause_with_turn_back_on_now(send, slack, acc, bot, clock):
    pause_one(send, slack)
    send.command("paused", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert SCHEDULE in str(answer["blocks"])
    assert button_labels(answer) == ["Turn back on now"]
    send.command("paused", user=VIEWER)
    answers = slack.wait_for_response(count=2)
    assert SCHEDULE in str(answers[1]["blocks"]) and button_labels(answers[1]) == []


def test_paused_with_nothing_paused(send, slack):
    send.command("paused")
    [answer] = slack.wait_for_response()
    assert "No schedules are paused" in answer["text"]


# --- restarts and replicas -------------------------------------------------------------


def test_a_pause_survives_a_restart_and_the_new_process_ends_it(acc, slack, tmp_path):
    from tests.support.bot import SIGNING_SECRET
    from tests.support.slack_requests import SlackSender

    url = f"sqlite:///{tmp_path / 'accbot.db'}"
    first = start_bot(acc_url=acc.url, slack_api_url=slack.api_url, database_url=url,
                      watcher=True, ACCBOT_POLL_SECONDS=1)  # fmt: skip
    sender = SlackSender(first.events_url, SIGNING_SECRET, slack.response_url())
    try:
        pause_one(sender, slack, span="1m")
    finally:
        sender.close()
        stop_bot(first)
    assert not enabled(acc, SCHEDULE)
    second = start_bot(acc_url=acc.url, slack_api_url=slack.api_url, database_url=url,
                       watcher=True, ACCBOT_POLL_SECONDS=1)  # fmt: skip
    try:
        clock = Clock()
        clock.advance(timedelta(minutes=1, seconds=1))
        second.services.clock = clock
        wait_until(lambda: enabled(acc, SCHEDULE))
        wait_until(lambda: posts_in(slack, "COPS", "Pause over"))
    finally:
        stop_bot(second)


def test_two_replicas_end_a_pause_once(acc, slack, tmp_path):
    from tests.support.bot import SIGNING_SECRET
    from tests.support.slack_requests import SlackSender

    url = f"sqlite:///{tmp_path / 'accbot.db'}"
    bots = [
        start_bot(
            acc_url=acc.url,
            slack_api_url=slack.api_url,
            database_url=url,
            watcher=True,
            ACCBOT_POLL_SECONDS=1,
        )  # fmt: skip
        for _ in range(2)
    ]
    sender = SlackSender(bots[0].events_url, SIGNING_SECRET, slack.response_url())
    try:
        pause_one(sender, slack, span="1m")
        clock = Clock()
        clock.advance(timedelta(minutes=1, seconds=1))
        for running in bots:
            running.services.clock = clock
        wait_until(lambda: posts_in(slack, "COPS", "Pause over"))
        time.sleep(3)
        assert len(posts_in(slack, "COPS", "Pause over")) == 1
        assert acc.state.count_requests("POST", f"/api/job/schedule/{SCHEDULE}/on") == 1
    finally:
        sender.close()
        for running in bots:
            stop_bot(running)


def test_help_describes_pauses(send):
    text = send.command("help schedule off").text
    assert "[for &lt;duration&gt;]" in text and "back on by itself" in text
    assert "Turn back on now" in send.command("help paused").text
