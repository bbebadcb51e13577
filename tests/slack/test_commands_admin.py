"""/acc server (health of a configured SE server, its key kept secret) and /acc audit,
end to end over HTTP."""

from __future__ import annotations

import json
import logging

import pytest

from accbot.simulator.seed import DEMO_SERVER
from tests.slack.helpers import blocks_text, shown
from tests.support.bot import ADMIN, OPERATOR, VIEWER

IP, PORT, KEY = DEMO_SERVER
WRONG_KEY = "0123456789abcdef0123456789abcdef"  # noqa: S105 (a test value)
SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


@pytest.fixture
def bot_env() -> dict:
    servers = [
        {"name": "se1", "ip": IP, "port": PORT, "key": KEY},
        {"name": "se2", "ip": IP, "port": PORT, "key": WRONG_KEY},
        {"name": "se3", "ip": "10.9.9.9", "port": 8004, "key": KEY, "ssl": True},
    ]
    return {"ACCBOT_SERVERS": json.dumps(servers)}


def server_checks(acc) -> list[dict]:
    return [json.loads(r.body) for r in acc.state.requests if r.path == "/api/server/check"]


# --- server --------------------------------------------------------------------------


def test_server_shows_accs_message_usage_and_thresholds(send, slack, acc):
    send.command("server se1")
    [answer] = slack.wait_for_response()
    assert answer["response_type"] == "ephemeral"
    text = blocks_text(answer)
    assert f"Connection to server {IP}:{PORT} is successful." in text
    assert ":large_green_circle:" in text
    assert "0%, a:2%, p:20% (threshold 100%)" in text  # CPU
    assert "(threshold 90%)" in text  # memory
    assert "C:47%" in text  # disk
    [check] = server_checks(acc)
    assert check["ipAddress"] == IP and check["port"] == PORT and check["key"] == KEY


def test_server_names_are_matched_regardless_of_case(send, slack, acc):
    send.command("server SE1")
    [answer] = slack.wait_for_response()
    assert "is successful" in blocks_text(answer)


def test_a_failing_check_is_highlighted(send, slack):
    send.command("server se2")
    [answer] = slack.wait_for_response()
    text = blocks_text(answer)
    assert ":red_circle: *Problem*" in text
    assert "invalid API key" in text
    assert "ERROR" in answer["text"]


def test_the_key_never_reaches_slack_or_a_log_line(send, slack, caplog):
    caplog.set_level(logging.DEBUG)
    send.command("server se1")
    send.command("server se3")
    slack.wait_for_response(count=2)
    assert KEY not in slack.all_text()
    assert KEY not in caplog.text


def test_an_unknown_server_lists_the_configured_names_without_asking_acc(send, slack, acc):
    send.command("server se9")
    [answer] = slack.wait_for_response()
    assert "No server is named 'se9'" in answer["text"]
    assert "`se1`, `se2`, `se3`" in answer["text"]
    assert server_checks(acc) == []


@pytest.mark.parametrize("bot_env", [{}])
def test_without_configured_servers_it_says_how_to_configure_them(send, slack, acc):
    send.command("server se1")
    [answer] = slack.wait_for_response()
    assert "No servers are configured" in answer["text"]
    assert "ACCBOT_SERVERS" in answer["text"]
    assert server_checks(acc) == []


def test_acc_failing_the_check_is_explained(send, slack, acc):
    acc.state.fail_next(1, status=500)  # a POST is never retried
    send.command("server se1")
    [answer] = slack.wait_for_response()
    assert "internal error (500)" in answer["text"]


def test_acc_refusing_the_token_is_explained(send, slack, acc):
    acc.state.fail_next(1, status=401)
    send.command("server se1")
    [answer] = slack.wait_for_response()
    assert "access token" in answer["text"]
    assert KEY not in slack.all_text()


def test_server_without_a_name_is_refused_in_the_ack(send, acc):
    response = send.command("server")
    assert "missing <name>" in shown(response.text)
    assert server_checks(acc) == []


# --- audit ---------------------------------------------------------------------------


def test_audit_shows_who_did_what_with_which_arguments_and_the_result(send, slack):
    send.command(f"restart {SAMPLE_RUN}", user=OPERATOR)
    slack.wait_for("chat.postMessage")
    send.command(f"retry {SAMPLE_RUN} Continue", user=VIEWER)
    slack.wait_for_response()
    send.command("audit", user=VIEWER)
    answer = slack.wait_for_response(count=2)[1]
    assert answer["response_type"] == "ephemeral"
    text = blocks_text(answer)
    assert "Latest 2 changes" in text
    assert (
        f"<@{VIEWER}> · *retry* `run_id={SAMPLE_RUN} method=Continue` · :no_entry: refused" in text
    )
    assert f"<@{OPERATOR}> · *restart* `run_id={SAMPLE_RUN}` · :white_check_mark: ok" in text
    assert text.index("*retry*") < text.index("*restart*")  # newest first
    assert "<!date^" in text  # when, in each reader's own time zone


def test_audit_count_limits_the_entries(send, slack):
    send.command(f"restart {SAMPLE_RUN}", user=ADMIN)
    slack.wait_for("chat.postMessage")
    send.command(f"retry {SAMPLE_RUN}", user=VIEWER)
    slack.wait_for_response()
    send.command("audit 1")
    answer = slack.wait_for_response(count=2)[1]
    text = blocks_text(answer)
    assert "Latest 1 change" in text
    assert "*retry*" in text and "*restart*" not in text


def test_audit_when_nothing_happened_yet_says_so(send, slack):
    send.command("audit")
    [answer] = slack.wait_for_response()
    assert "No changes have been recorded yet." in answer["text"]


def test_audit_with_a_bad_count_is_refused_in_the_ack(send):
    response = send.command("audit lots")
    assert "'lots' is not a count" in response.text


def test_help_for_server_and_audit_shows_usage_and_an_example(send):
    server = shown(send.command("help server").text)
    assert "`/acc server <name>`" in server and "Example: `/acc server se1`" in server
    audit = shown(send.command("help audit").text)
    assert "`/acc audit [count 1-100]`" in audit and "Needs the viewer role." in audit
