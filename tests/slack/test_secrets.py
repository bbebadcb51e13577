"""Configured secrets never reach a Slack reply or a log line, even when ACC echoes them.

End to end: the simulator (ACC) quotes the request it refused, which holds a server key
from ACCBOT_SERVERS; the fake Slack records the reply; the log is read both as pytest
captures it and as the bot's own filtered handler writes it to a file.
"""

from __future__ import annotations

import json
import logging
import socket

import pytest

from accbot.logging_setup import install_filter
from accbot.simulator.seed import DEMO_SERVER
from tests.support.bot import ACC_TOKEN, start_bot, stop_bot

IP, PORT, KEY = DEMO_SERVER
ECHOED_KEY = "se-key-echoed-back-7c1d9e"  # noqa: S105 (a test value)
URL_PASSWORD = "acc-url-pa55word-91b2"  # noqa: S105 (a test value)
SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


@pytest.fixture
def bot_env() -> dict:
    servers = [{"name": "se9", "ip": IP, "port": PORT, "key": ECHOED_KEY}]
    return {"ACCBOT_SERVERS": json.dumps(servers)}


@pytest.fixture
def log_file(tmp_path):
    """The root logger also writes to a file through accbot's secret filter, as in app.py."""
    path = tmp_path / "accbot.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    install_filter(handler)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(previous)
    handler.close()


def test_a_server_key_acc_echoes_in_an_error_reaches_neither_slack_nor_the_log(
    send, slack, acc, caplog, log_file
):
    caplog.set_level(logging.DEBUG)
    acc.state.fail_next(1, status=400, echo_body=True)
    send.command("server se9")
    [answer] = slack.wait_for_response()
    [check] = [r for r in acc.state.requests if r.path == "/api/server/check"]
    assert ECHOED_KEY in check.body.decode()  # the key was sent, and ACC quoted it back
    assert "could not process" in answer["text"]  # ACC's words are shown…
    assert ECHOED_KEY not in answer["text"]  # …without the key
    assert ECHOED_KEY not in slack.all_text()
    assert "could not process" in caplog.text  # the error was logged…
    assert ECHOED_KEY not in caplog.text  # …without the key
    logged = log_file.read_text(encoding="utf-8")
    assert "api/server/check" in logged
    assert ECHOED_KEY not in logged


def test_a_password_in_acc_base_url_reaches_neither_slack_nor_the_log(
    slack, tmp_path, caplog, log_file
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    caplog.set_level(logging.DEBUG)
    bot = start_bot(
        acc_url=f"http://ops:{URL_PASSWORD}@127.0.0.1:{port}",
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'accbot.db'}",
    )
    bot.services.acc.max_retries = 0
    try:
        from tests.support.bot import SIGNING_SECRET
        from tests.support.slack_requests import SlackSender

        sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
        sender.command(f"run {SAMPLE_RUN}")
        [answer] = slack.wait_for_response()
        sender.close()
    finally:
        stop_bot(bot)
    assert "unreachable" in answer["text"]
    assert "unreachable" in caplog.text
    for text in (slack.all_text(), caplog.text, log_file.read_text(encoding="utf-8")):
        assert URL_PASSWORD not in text
        assert ACC_TOKEN not in text
