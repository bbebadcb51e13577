"""Acknowledge and escalate, end to end: a watched agent fails in the simulator, the
watcher posts the alert to the fake Slack with "Acknowledge", and signed clicks come in
over HTTP. A watch with `--escalate 1m` gets one reply in the alert's thread when nobody
acknowledged it and it did not recover — once, after a restart too.

The bot's clock is moved forward instead of waiting: the watcher reads the same clock."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from accbot.slack import ids
from accbot.store import alerts as alert_store
from accbot.store import cursors
from tests.slack.helpers import audit_rows, button_labels
from tests.support.bot import ADMIN, OPERATOR, SIGNING_SECRET, VIEWER, start_bot, stop_bot
from tests.support.slack_requests import SlackSender

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
ONCALL = "UONCALL01"
CHANNEL = "COPS"


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


def wait_until(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the bot did not get there in time")
        time.sleep(0.1)


def alerts_in(slack, channel: str = CHANNEL) -> list:
    return [
        m
        for m in slack.channel_messages(channel)
        if (m.metadata or {}).get("event_type") == "accbot_alert" and m.thread_ts is None
    ]


def thread_of(slack, alert, channel: str = CHANNEL) -> list:
    return [m for m in slack.channel_messages(channel) if m.thread_ts == alert.ts]


def escalations(slack, alert, channel: str = CHANNEL) -> list:
    return [m for m in thread_of(slack, alert, channel) if "unacknowledged" in (m.text or "")]


def key_of(message) -> str:
    return message.metadata["event_payload"]["alert_key"]


def record(bot, key: str):
    with bot.services.db.session() as session:
        return alert_store.get_alert(session, key)


def watch_and_fail(send, slack, bot, acc, *, escalate: str | None = "1m") -> object:
    """Watch the quick agent in #ops, let the watcher take its baseline, fail a run;
    the alert message as posted."""
    watch_quick(send, slack, bot, escalate)
    acc.state.add_run(QUICK_ID, 5)
    wait_until(lambda: alerts_in(slack))
    [alert] = alerts_in(slack)
    return alert


def watch_quick(send, slack, bot, escalate: str | None) -> None:
    option = f" --escalate {escalate} <@{ONCALL}|oncall>" if escalate else ""
    send.command(f"watch {QUICK}{option}", user=ADMIN, channel=CHANNEL)
    wait_until(
        lambda: any("started watching" in (m.text or "") for m in slack.channel_messages(CHANNEL))
    )

    def has_cursor() -> bool:
        with bot.services.db.session() as session:
            return cursors.get_cursor(session, "acc", QUICK_ID) is not None

    wait_until(has_cursor)


def click(send, alert, user: str):
    return send.click(
        ids.ALERT_ACKNOWLEDGE, key_of(alert), user=user, channel=CHANNEL, message_ts=alert.ts
    )


def stored(slack, alert):
    [message] = [m for m in slack.channel_messages(CHANNEL) if m.ts == alert.ts]
    return message


# --- Acknowledge ---------------------------------------------------------------------------


def test_an_alert_carries_acknowledge_and_a_click_marks_it_with_who_and_when(send, slack, acc, bot):
    alert = watch_and_fail(send, slack, bot, acc, escalate=None)
    assert "Acknowledge" in button_labels({"blocks": alert.blocks})
    click(send, alert, OPERATOR)
    wait_until(lambda: "Acknowledged by" in str(stored(slack, alert).blocks))
    message = stored(slack, alert)
    shown = str(message.blocks)
    assert f"Acknowledged by <@{OPERATOR}> at <!date^" in shown
    assert "UTC>" in shown  # the fallback says which time it is
    assert "Acknowledge" not in button_labels({"blocks": message.blocks})  # the button goes
    assert "Restart" in button_labels({"blocks": message.blocks})  # the others stay
    row = record(bot, key_of(alert))
    assert row.acknowledged_by == OPERATOR and row.acknowledged_at is not None
    assert [r[:3] for r in audit_rows(bot) if r[1] == "acknowledge"] == [
        (OPERATOR, "acknowledge", "ok")
    ]


def test_a_second_click_changes_nothing_and_is_told_who_was_first(send, slack, acc, bot):
    alert = watch_and_fail(send, slack, bot, acc, escalate=None)
    click(send, alert, OPERATOR)
    wait_until(lambda: record(bot, key_of(alert)).acknowledged_by == OPERATOR)
    first_at = record(bot, key_of(alert)).acknowledged_at
    click(send, alert, ADMIN)
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith(
        f":ballot_box_with_check: Already acknowledged by <@{OPERATOR}> at"
    )
    row = record(bot, key_of(alert))
    assert (row.acknowledged_by, row.acknowledged_at) == (OPERATOR, first_at)


def test_two_racing_clicks_record_one_acknowledgement(send, slack, acc, bot):
    alert = watch_and_fail(send, slack, bot, acc, escalate=None)
    threads = [threading.Thread(target=click, args=(send, alert, who)) for who in (OPERATOR, ADMIN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [answer] = slack.wait_for_response()  # the one who lost is told
    winner = record(bot, key_of(alert)).acknowledged_by
    assert winner in (OPERATOR, ADMIN)
    assert f"Already acknowledged by <@{winner}>" in answer["text"]
    wait_until(lambda: f"Acknowledged by <@{winner}>" in str(stored(slack, alert).blocks))
    time.sleep(0.5)
    assert len(slack.wait_for_response()) == 1


def test_someone_who_is_no_operator_is_told_who_may_and_the_refusal_is_audited(
    send, slack, acc, bot
):
    alert = watch_and_fail(send, slack, bot, acc, escalate=None)
    click(send, alert, VIEWER)
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    assert "Only operators can acknowledge alerts" in answer["text"]
    assert "`ACCBOT_OPERATORS`" in answer["text"]
    assert record(bot, key_of(alert)).acknowledged_by is None
    assert "Acknowledge" in button_labels({"blocks": stored(slack, alert).blocks})
    refused = [r for r in audit_rows(bot) if r[1] == "acknowledge"]
    assert [r[:3] for r in refused] == [(VIEWER, "acknowledge", "refused")]
    assert refused[0][3]["alert_key"] == key_of(alert)


def test_a_forged_key_is_refused_plainly(send, slack, acc, bot):
    watch_and_fail(send, slack, bot, acc, escalate=None)
    send.click(ids.ALERT_ACKNOWLEDGE, "acc:nothing:at:all", user=OPERATOR, channel=CHANNEL)
    [answer] = slack.wait_for_response()
    assert "not one accbot knows in this channel" in answer["text"]


def test_an_alert_from_another_channel_cannot_be_acknowledged_from_here(send, slack, acc, bot):
    alert = watch_and_fail(send, slack, bot, acc, escalate=None)
    send.click(ids.ALERT_ACKNOWLEDGE, key_of(alert), user=OPERATOR, channel="COTHER")
    [answer] = slack.wait_for_response()
    assert "not one accbot knows in this channel" in answer["text"]
    assert record(bot, key_of(alert)).acknowledged_by is None


def test_a_run_listed_in_a_digests_thread_is_acknowledged_on_its_own_line(send, slack, acc, bot):
    watch_quick(send, slack, bot, None)
    for _ in range(7):  # a storm: one digest, its runs listed in a reply
        acc.state.add_run(QUICK_ID, 5)
    wait_until(lambda: alerts_in(slack))
    [digest] = alerts_in(slack)

    def page():
        listed = [m for m in thread_of(slack, digest) if (m.text or "").startswith("Runs 1")]
        return listed[0] if listed else None

    wait_until(page)
    buttons = [
        b for block in page().blocks if block["type"] == "actions" for b in block["elements"]
    ]
    acks = [b for b in buttons if b["text"]["text"] == "Acknowledge"]
    assert len(acks) == 7
    send.click(ids.ALERT_ACKNOWLEDGE, acks[2]["value"], user=OPERATOR, channel=CHANNEL,
               message_ts=page().ts)  # fmt: skip
    wait_until(lambda: "acknowledged by" in str(page().blocks))
    after = page()
    assert str(after.blocks).count(f"acknowledged by <@{OPERATOR}> at <!date^") == 1
    assert button_labels({"blocks": after.blocks}).count("Acknowledge") == 6
    assert record(bot, acks[2]["value"]).acknowledged_by == OPERATOR


# --- Escalation ----------------------------------------------------------------------------


def test_an_unacknowledged_alert_is_escalated_once_in_its_thread(send, slack, acc, bot, clock):
    alert = watch_and_fail(send, slack, bot, acc)
    time.sleep(1.5)
    assert escalations(slack, alert) == []  # not before its time
    clock.advance(timedelta(seconds=61))
    wait_until(lambda: escalations(slack, alert))
    [reply] = escalations(slack, alert)
    assert reply.text.startswith(f"<@{ONCALL}> This alert went unacknowledged for 1m")
    assert f"<@{ONCALL}>" in str(reply.blocks)
    assert QUICK in str(reply.blocks)
    time.sleep(2.5)  # more cycles: still one
    assert len(escalations(slack, alert)) == 1
    assert record(bot, key_of(alert)).escalation_ts == reply.ts


def test_an_acknowledged_alert_is_not_escalated(send, slack, acc, bot, clock):
    alert = watch_and_fail(send, slack, bot, acc)
    click(send, alert, OPERATOR)
    wait_until(lambda: record(bot, key_of(alert)).acknowledged_by == OPERATOR)
    clock.advance(timedelta(minutes=5))
    time.sleep(2.5)
    assert escalations(slack, alert) == []


def test_a_recovered_alert_is_not_escalated(send, slack, acc, bot, clock):
    alert = watch_and_fail(send, slack, bot, acc)
    acc.state.add_run(QUICK_ID, 4)  # the next run succeeds
    wait_until(lambda: any("Recovered" in (m.text or "") for m in thread_of(slack, alert)))
    assert "Acknowledge" not in button_labels({"blocks": stored(slack, alert).blocks})
    clock.advance(timedelta(minutes=5))
    time.sleep(2.5)
    assert escalations(slack, alert) == []


def test_a_watch_without_escalate_never_escalates(send, slack, acc, bot, clock):
    alert = watch_and_fail(send, slack, bot, acc, escalate=None)
    clock.advance(timedelta(days=1))
    time.sleep(2.5)
    assert escalations(slack, alert) == []


# --- restarts ------------------------------------------------------------------------------


def _restart(acc, slack, url: str, clock: Clock):
    bot = start_bot(
        acc_url=acc.url, slack_api_url=slack.api_url, database_url=url, watcher=True,
        ACCBOT_POLL_SECONDS=1,
    )  # fmt: skip
    bot.services.clock = clock
    return bot


def test_an_escalation_recorded_before_a_crash_is_posted_once_by_the_next_process(
    acc, slack, tmp_path
):
    """The first process recorded the escalation and died before posting it."""
    url = f"sqlite:///{tmp_path / 'accbot.db'}"
    clock = Clock()
    first = _restart(acc, slack, url, clock)
    send = SlackSender(first.events_url, SIGNING_SECRET, slack.response_url())
    try:
        alert = watch_and_fail(send, slack, first, acc)
    finally:
        send.close()
        stop_bot(first)
    with _db(url) as session:
        row = alert_store.get_alert(session, key_of(alert))
        assert alert_store.claim_escalation(session, [row.alert_key], f"escalation:{row.id}")
    clock.advance(timedelta(seconds=61))
    second = _restart(acc, slack, url, clock)
    try:
        wait_until(lambda: escalations(slack, alert))
        time.sleep(2.5)
        assert len(escalations(slack, alert)) == 1
        assert record(second, key_of(alert)).escalation_ts == escalations(slack, alert)[0].ts
    finally:
        stop_bot(second)


def test_an_escalation_posted_just_before_a_crash_is_found_not_posted_again(acc, slack, tmp_path):
    """The first process posted the reply and died before marking it posted: the next
    one finds it in the thread by its key."""
    from slack_sdk import WebClient

    from accbot.slack.sink.poster import alert_metadata
    from tests.support.bot import BOT_TOKEN

    url = f"sqlite:///{tmp_path / 'accbot.db'}"
    clock = Clock()
    first = _restart(acc, slack, url, clock)
    send = SlackSender(first.events_url, SIGNING_SECRET, slack.response_url())
    try:
        alert = watch_and_fail(send, slack, first, acc)
    finally:
        send.close()
        stop_bot(first)
    with _db(url) as session:
        row = alert_store.get_alert(session, key_of(alert))
        key = f"escalation:{row.id}"
        assert alert_store.claim_escalation(session, [row.alert_key], key)
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url)
    posted = client.chat_postMessage(
        channel=CHANNEL, thread_ts=alert.ts, text=f"<@{ONCALL}> This alert went unacknowledged",
        metadata=alert_metadata(key),
    )  # fmt: skip
    clock.advance(timedelta(seconds=61))
    second = _restart(acc, slack, url, clock)
    try:
        wait_until(lambda: record(second, key_of(alert)).escalation_ts is not None)
        time.sleep(2.5)
        assert len(escalations(slack, alert)) == 1
        assert record(second, key_of(alert)).escalation_ts == posted["ts"]
    finally:
        stop_bot(second)


def test_an_alert_still_unacknowledged_after_a_restart_is_escalated_once(acc, slack, tmp_path):
    url = f"sqlite:///{tmp_path / 'accbot.db'}"
    clock = Clock()
    first = _restart(acc, slack, url, clock)
    send = SlackSender(first.events_url, SIGNING_SECRET, slack.response_url())
    try:
        alert = watch_and_fail(send, slack, first, acc)
    finally:
        send.close()
        stop_bot(first)
    clock.advance(timedelta(seconds=61))
    second = _restart(acc, slack, url, clock)
    try:
        wait_until(lambda: escalations(slack, alert))
        time.sleep(2.5)
        assert len(escalations(slack, alert)) == 1
    finally:
        stop_bot(second)


class _db:
    """A short-lived session on the test's database, between two processes."""

    def __init__(self, url: str) -> None:
        from accbot.store import Database

        self.database = Database(url)
        self._context = None

    def __enter__(self):
        self._context = self.database.session()
        return self._context.__enter__()

    def __exit__(self, *exc):
        try:
            return self._context.__exit__(*exc)
        finally:
            self.database.dispose()
