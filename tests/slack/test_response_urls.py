"""A response_url is used only when it is Slack's; otherwise the answer goes by
chat.postEphemeral and nothing is sent to the other address."""

from __future__ import annotations

import pytest

from accbot.slack import ids
from accbot.slack.response_urls import is_slacks
from tests.support.fake_slack import FakeSlack

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
API = "https://slack.com/api/"


@pytest.fixture
def elsewhere():
    """Another server on loopback that records whatever is posted to it."""
    with FakeSlack() as other:
        yield other


def test_a_commands_answer_never_goes_to_a_foreign_response_url(send, slack, elsewhere):
    send.command(f"run {SAMPLE_RUN}", response_url=elsewhere.response_url("steal"))
    [answer] = slack.wait_for("chat.postEphemeral")
    assert answer.params["user"] == "UVIEWER" and answer.params["channel"] == "CCHANNEL"
    assert "Succeeded" in str(answer.params)
    assert elsewhere.responses == [] and elsewhere.calls == []


def test_a_clicks_answer_never_goes_to_a_foreign_response_url(send, slack, elsewhere):
    send.click(ids.RUN_SHOW_LOG, SAMPLE_RUN, response_url=elsewhere.response_url("steal"))
    slack.wait_for("chat.postEphemeral")
    assert elsewhere.responses == []


def test_slacks_own_response_url_is_still_used(send, slack):
    send.command(f"run {SAMPLE_RUN}")
    [answer] = slack.wait_for_response()
    assert "Succeeded" in str(answer)
    assert slack.count("chat.postEphemeral") == 0


@pytest.mark.parametrize(
    ("url", "slacks"),
    [
        ("https://hooks.slack.com/commands/T0TEST/1234/abcd", True),
        ("https://hooks.slack.com:443/actions/T0TEST/1/x", True),
        ("http://hooks.slack.com/commands/T0TEST/1234/abcd", False),
        ("https://hooks.slack.com.evil.example/commands/1", False),
        ("https://evil.example/?u=https://hooks.slack.com/", False),
        ("https://user@hooks.slack.com/commands/1", False),
        ("https://hooks.slack.com:8443/commands/1", False),
        ("https://slack.com/api/chat.postMessage", True),  # SLACK_API_URL's own origin
        ("https://api.slack.com/", False),
        ("", False),
        (None, False),
    ],
)
def test_which_addresses_are_slacks(url, slacks):
    assert is_slacks(url, API) is slacks


def test_the_origin_of_slack_api_url_counts_for_proxies_and_tests():
    api = "http://127.0.0.1:8123/api/"
    assert is_slacks("http://127.0.0.1:8123/respond/x", api)
    assert not is_slacks("http://127.0.0.1:8124/respond/x", api)
    assert not is_slacks("https://127.0.0.1:8123/respond/x", api)
