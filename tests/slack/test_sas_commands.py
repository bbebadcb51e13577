"""/acc runs sas:<agentId>, end to end: signed Slack requests to the bot, whose SAS client
talks over loopback to the simulator's SAS catalog routes."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from tests.support.sas_sim import (
    DATASOURCE,
    SAS_AGENT,
    SAS_AGENT_NAME,
    SAS_TOKEN,
    acc_and_sas,
)

HISTORY = f"/catalog/bots/{SAS_AGENT}/history"
UNKNOWN_AGENT = "00000000-1111-2222-3333-444444444444"


@pytest.fixture
def acc():
    with acc_and_sas() as sim:
        yield sim


@pytest.fixture
def sas_token() -> str | None:
    """The SAS token the bot is configured with; None leaves SAS unconfigured."""
    return SAS_TOKEN


@pytest.fixture
def bot_env(acc, sas_token) -> dict:
    return acc.sas_env(sas_token) if sas_token else {}


def everything(message: dict) -> str:
    return json.dumps(message.get("blocks") or []) + (message.get("text") or "")


def answer_to(send, slack, text: str) -> dict:
    response = send.command(text)
    assert response.status_code == 200
    [answer] = slack.wait_for_response()
    return answer


def history_queries(acc) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in acc.sas.requests_to(HISTORY, "GET")]


def test_runs_lists_counts_parameters_and_absolute_asset_links_to_the_asker(send, slack, acc):
    run = acc.add_sas_run("completed", nEnumerated=290, nAdded=239, nExcluded=49)
    answer = answer_to(send, slack, f"runs sas:{SAS_AGENT}")
    assert answer["response_type"] == "ephemeral"
    text = everything(answer)
    assert SAS_AGENT_NAME in text
    assert run["runId"] in text
    assert ":white_check_mark: completed" in text
    for count in ("290 enumerated", "239 added", "3 updated", "1 removed", "49 excluded"):
        assert count in text
    assert f"datasourceURI={DATASOURCE}" in text
    assert "samplePercent=20" in text
    # Relative SAS hrefs are made absolute with SAS_BASE_URL (& escaped for mrkdwn).
    new_assets = f"{acc.url}/catalog/search?type=adv&amp;q=runId:{run['runId']}+runStatus:new"
    assert f"<{new_assets}|New assets>" in text
    assert "runStatus:changed|Changed assets>" in text
    assert slack.count("chat.postMessage") == 0


def test_runs_asks_sas_for_count_runs_and_shows_them_newest_first(send, slack, acc):
    runs = [acc.add_sas_run("completed") for _ in range(5)]
    text = everything(answer_to(send, slack, f"runs sas:{SAS_AGENT} 3"))
    newest_three = [r["runId"] for r in reversed(runs)][:3]
    positions = [text.index(run_id) for run_id in newest_three]
    assert positions == sorted(positions)
    assert runs[0]["runId"] not in text and runs[1]["runId"] not in text
    [query] = history_queries(acc)
    assert query["limit"] == ["3"]


def test_status_failed_keeps_every_failure_wording_and_nothing_else(send, slack, acc):
    kept = [
        acc.add_sas_run(status)
        for status in ("failed", "error", "cancelled", "completedWithErrors")
    ]
    left_out = [acc.add_sas_run(status) for status in ("completed", "running", "paused")]
    text = everything(answer_to(send, slack, f"runs sas:{SAS_AGENT} --status failed"))
    assert "Latest failed runs of SAS agent" in text
    for run in kept:
        assert run["runId"] in text
    for run in left_out:
        assert run["runId"] not in text
    # Classified here, not by an eq(status,...) filter that would miss "error" and the rest.
    assert all("filter" not in query for query in history_queries(acc))


def test_status_failed_follows_next_links_past_a_page_of_successes(send, slack, acc):
    old_failure = acc.add_sas_run("failed")
    for _ in range(60):
        acc.add_sas_run("completed")
    text = everything(answer_to(send, slack, f"runs sas:{SAS_AGENT} 1 --status failed"))
    assert old_failure["runId"] in text
    assert "Searched the latest 61 runs" in text
    starts = [query["start"] for query in history_queries(acc)]
    assert starts == [["0"], ["50"]]


def test_status_failed_with_no_failures_says_how_far_it_looked(send, slack, acc):
    for _ in range(4):
        acc.add_sas_run("completed")
    answer = answer_to(send, slack, f"runs sas:{SAS_AGENT} --status failed")
    assert "No failed runs found" in answer["text"]
    assert "among its latest 4 runs" in answer["text"]


def test_an_undocumented_status_is_shown_as_unknown_with_the_word_sas_sent(send, slack, acc):
    acc.add_sas_run("paused")
    text = everything(answer_to(send, slack, f"runs sas:{SAS_AGENT}"))
    assert "unknown status `paused`" in text


def test_an_agent_without_runs_gets_a_plain_answer(send, slack, acc):
    answer = answer_to(send, slack, f"runs sas:{SAS_AGENT}")
    assert answer["text"] == f"No runs found for `{SAS_AGENT_NAME} (sas:{SAS_AGENT})`."


@pytest.mark.parametrize("sas_token", [None])
def test_without_sas_configured_the_answer_names_the_variables_to_set(send, slack, acc):
    answer = answer_to(send, slack, f"runs sas:{SAS_AGENT}")
    assert "SAS is not configured" in answer["text"]
    for variable in ("SAS_BASE_URL", "SAS_TOKEN", "SAS_CLIENT_ID", "SAS_CLIENT_SECRET"):
        assert variable in answer["text"]
    assert acc.sas.requests == []


def test_an_unknown_agent_is_named_with_sas_remediation(send, slack, acc):
    answer = answer_to(send, slack, f"runs sas:{UNKNOWN_AGENT}")
    text = answer["text"]
    assert text.startswith(":mag:")
    assert f"SAS agent {UNKNOWN_AGENT} was not found (HTTP 404)" in text
    assert f"The agent {UNKNOWN_AGENT} was not found." in text  # SAS's own message
    assert "SAS suggests: Check the agent ID and retry." in text
    assert "SAS error 10404" in text


@pytest.mark.parametrize("sas_token", ["a-wrong-sas-token-77"])
def test_a_refused_token_is_explained_without_showing_it(send, slack, acc):
    text = answer_to(send, slack, f"runs sas:{SAS_AGENT}")["text"]
    assert text.startswith(":lock:")
    assert "HTTP 401" in text
    assert "The access token is missing, invalid or expired." in text
    assert "renew SAS_TOKEN" in text
    assert "a-wrong-sas-token-77" not in slack.all_text()


def test_a_forbidden_answer_shows_sas_message_and_error_code(send, slack, acc):
    acc.sas.fail_next(1, 403)
    text = answer_to(send, slack, f"runs sas:{SAS_AGENT}")["text"]
    assert text.startswith(":no_entry:")
    assert "HTTP 403" in text
    assert "Simulated failure with status 403." in text
    assert "SAS error 10403" in text
    assert SAS_TOKEN not in slack.all_text()


def test_sas_agents_are_refused_by_acc_only_commands_before_any_call(send, acc):
    response = send.command(f"start sas:{SAS_AGENT}")
    assert "SAS agents" in response.text
    assert acc.sas.requests == []


def test_sas_calls_are_counted_per_endpoint_like_acc_calls(send, slack, acc, bot):
    import httpx

    acc.add_sas_run("completed")
    answer_to(send, slack, f"runs sas:{SAS_AGENT}")
    text = httpx.get(f"{bot.url}/metrics").text
    assert 'accbot_sas_calls_total{endpoint="GET /catalog/bots/{id}/history",outcome="200"}' in text
    assert 'accbot_sas_call_seconds_bucket{endpoint="GET /catalog/bots/{id}/history"' in text
    sas_lines = "\n".join(line for line in text.splitlines() if "accbot_sas" in line)
    assert SAS_AGENT not in sas_lines  # one label per endpoint, never one per agent


def test_sas_server_errors_are_retried_like_acc_reads(send, slack, acc, bot):
    acc.add_sas_run("completed")
    bot.services.sas.retry.backoff = 0.0
    acc.sas.fail_next(2, 503)
    answer = answer_to(send, slack, f"runs sas:{SAS_AGENT}")
    assert "completed" in everything(answer)
    assert len(acc.sas.requests_to(HISTORY, "GET")) == 3
