"""The HTTP front: signatures, the 3-second ack, health, readiness and metrics."""

from __future__ import annotations

import time

import httpx

from tests.support.bot import SIGNING_SECRET
from tests.support.slack_requests import SlackSender

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


def test_a_forged_signature_is_refused_with_401_and_nothing_runs(bot, slack, acc):
    forger = SlackSender(bot.events_url, "not-the-signing-secret", slack.response_url())
    response = forger.command(f"run {SAMPLE_RUN}")
    forger.close()
    assert response.status_code == 401
    time.sleep(0.3)
    assert acc.state.count_requests("GET", "/api/run") == 0
    assert slack.responses == []


def test_a_request_older_than_five_minutes_is_refused_with_401(send, acc):
    response = send.command(f"run {SAMPLE_RUN}", timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert acc.state.count_requests("GET", "/api/run") == 0


def test_an_unsigned_request_is_refused(bot):
    response = httpx.post(bot.events_url, content="command=/acc&text=help")
    assert response.status_code == 401


def test_the_ack_comes_at_once_even_when_acc_is_slow(send, slack, acc):
    acc.state.latency = 4.0
    started = time.monotonic()
    response = send.command(f"run {SAMPLE_RUN}")
    acked_in = time.monotonic() - started
    assert response.status_code == 200
    assert acked_in < 1.5, f"ack took {acked_in:.2f}s"
    [answer] = slack.wait_for_response(timeout=20)  # the work still finishes afterwards
    assert "Succeeded" in str(answer)


def test_help_is_answered_in_the_ack_itself(send):
    response = send.command("help")
    assert response.status_code == 200
    assert "/acc" in response.text and "start" in response.text


def test_an_unknown_command_gets_a_did_you_mean_in_the_ack(send):
    response = send.command("strat sequentum/Test2/quick")
    assert "start" in response.text


def test_healthz_answers_ok(bot):
    response = httpx.get(f"{bot.url}/healthz")
    assert response.status_code == 200


def test_metrics_count_slack_requests_and_acc_calls(send, slack, bot):
    send.command(f"run {SAMPLE_RUN}")
    slack.wait_for_response()
    text = httpx.get(f"{bot.url}/metrics").text
    assert "accbot_slack_requests_total" in text
    assert 'accbot_acc_calls_total{endpoint="GET api/run/{id}",outcome="200"}' in text
    assert "accbot_acc_call_seconds_bucket" in text


def test_signing_secret_is_in_no_response(send):
    response = send.command("nonsense-command")
    assert SIGNING_SECRET not in response.text
