"""The SAS part of the simulator, spoken to with plain httpx over a loopback socket."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from accbot.simulator.sas import (
    ERROR_MEDIA_TYPE,
    SAMPLE_AGENT_ID,
    SasSimState,
    sas_routes,
    seed_sample,
)
from accbot.simulator.server import SimulatorServer

TOKEN = "sim-static-token"  # noqa: S105 - test credential
ACC_TOKEN = "acc-token-unused-here"  # noqa: S105 - test credential
CLIENT = ("sim-client", "sim-secret")
AGENT = "agent-1"
HISTORY = f"/catalog/bots/{AGENT}/history"
HISTORY_HEADERS = {
    "Accept": "application/vnd.sas.collection+json",
    "Accept-Item": "application/vnd.sas.metadata.bot.history+json",
}


@dataclass
class Sim:
    state: SasSimState
    http: httpx.Client


@pytest.fixture
def sim() -> Iterator[Sim]:
    state = SasSimState(client_id=CLIENT[0], client_secret=CLIENT[1], token_lifetime=120)
    state.add_bot(AGENT, "Agent one", "first")
    routes = sas_routes(state, TOKEN)
    with SimulatorServer(token=ACC_TOKEN, extra_routes=routes) as server:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=server.url, headers=headers) as http:
            yield Sim(state, http)


def assert_sas_error(response: httpx.Response, status: int, message_part: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith(ERROR_MEDIA_TYPE)
    body = response.json()
    assert body["httpStatusCode"] == status
    assert message_part in body["message"]
    assert isinstance(body["details"], list)
    assert isinstance(body["remediation"], str) and body["remediation"]
    assert isinstance(body["errorCode"], int)
    return body


def hrefs(body: dict) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in body["links"]}


def test_history_has_the_documented_shape(sim: Sim) -> None:
    item = sim.state.add_history(
        AGENT, "completed", nAdded=3, jobParameters={"samplePercent": "20"}
    )
    response = sim.http.get(HISTORY, headers=HISTORY_HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.sas.collection+json")
    body = response.json()
    assert {k: body[k] for k in ("version", "accept", "count", "start", "limit", "name")} == {
        "version": 2,
        "accept": "application/vnd.sas.metadata.bot.history",
        "count": 1,
        "start": 0,
        "limit": 10,
        "name": "history",
    }
    (got,) = body["items"]
    assert got == item
    assert set(got) >= {
        "version", "id", "status", "createdBy", "creationTimeStamp", "endTimeStamp",
        "nEnumerated", "nExcluded", "nAdded", "nUpdated", "nRemoved", "averageRunTime",
        "parameters", "jobParameters", "links",
    }  # fmt: skip
    assert got["id"] == AGENT and got["nAdded"] == 3
    assert got["creationTimeStamp"].endswith("Z")
    assert [link["rel"] for link in got["links"]] == ["newAssets", "changedAssets"]
    assert f"runId:{got['runId']}" in got["links"][0]["href"]
    assert hrefs(body) == {
        "self": f"{HISTORY}?start=0&limit=10",
        "collection": HISTORY,
        "up": f"/catalog/bots/{AGENT}",
    }


def test_history_is_newest_first_with_paging_links(sim: Sim) -> None:
    runs = [sim.state.add_history(AGENT, "completed")["runId"] for _ in range(12)]
    first = sim.http.get(HISTORY).json()
    assert first["limit"] == 10 and first["count"] == 12
    assert [i["runId"] for i in first["items"]] == runs[::-1][:10]
    assert "prev" not in hrefs(first)
    assert hrefs(first)["next"] == f"{HISTORY}?start=10&limit=10"
    second = sim.http.get(hrefs(first)["next"]).json()
    assert [i["runId"] for i in second["items"]] == runs[::-1][10:]
    assert "next" not in hrefs(second)
    assert hrefs(second)["prev"] == f"{HISTORY}?start=0&limit=10"
    middle = sim.http.get(HISTORY, params={"start": 4, "limit": 3}).json()
    assert [i["runId"] for i in middle["items"]] == runs[::-1][4:7]
    assert hrefs(middle)["next"] == f"{HISTORY}?start=7&limit=3"
    assert hrefs(middle)["prev"] == f"{HISTORY}?start=1&limit=3"


def test_filter_eq_and_with_doubled_quotes(sim: Sim) -> None:
    odd = sim.state.add_history(AGENT, "it's, odd)")
    failed = sim.state.add_history(AGENT, "failed")
    sim.state.add_history(AGENT, "failed")
    sim.state.add_history(AGENT, "completed")

    def run_ids(filter_text: str) -> list[str]:
        response = sim.http.get(HISTORY, params={"filter": filter_text})
        assert response.status_code == 200, response.text
        return [i["runId"] for i in response.json()["items"]]

    assert run_ids("eq(status,'it''s, odd)')") == [odd["runId"]]
    assert len(run_ids("eq(status,'failed')")) == 2
    assert len(run_ids("eq(status,failed)")) == 2
    assert run_ids(f"and(eq(status,'failed'), eq(runId,'{failed['runId']}'))") == [failed["runId"]]
    assert run_ids(f"eq(id,'{AGENT}')") != []
    assert run_ids("eq(status,'it''s')") == []
    page = sim.http.get(HISTORY, params={"filter": "eq(status,'failed')", "limit": 1}).json()
    assert page["count"] == 2
    assert httpx.URL(hrefs(page)["next"]).params["filter"] == "eq(status,'failed')"


@pytest.mark.parametrize(
    ("filter_text", "message"),
    [
        ("eq(createdBy,'sasuser')", "cannot be used in a filter"),
        ("eq(status,'open", "unterminated"),
        ("or(eq(status,'a'),eq(status,'b'))", "unsupported function"),
        ("eq(status,'a') trailing", "unexpected text"),
        ("eq(status)", "expected ','"),
    ],
)
def test_bad_filters_are_400(sim: Sim, filter_text: str, message: str) -> None:
    response = sim.http.get(HISTORY, params={"filter": filter_text})
    assert_sas_error(response, 400, message)


@pytest.mark.parametrize("params", [{"start": "-1"}, {"limit": "ten"}])
def test_bad_paging_parameters_are_400(sim: Sim, params: dict) -> None:
    assert_sas_error(sim.http.get(HISTORY, params=params), 400, "non-negative integer")


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Accept": "application/json"}, 200),
        ({"Accept": "text/html, */*;q=0.1"}, 200),
        ({"Accept-Item": "application/json"}, 200),
        ({"Accept": "text/html"}, 406),
        ({"Accept": "application/xml"}, 406),
        ({"Accept-Item": "application/vnd.sas.metadata.bot+json"}, 406),
    ],
)
def test_accept_headers_are_negotiated(sim: Sim, headers: dict, status: int) -> None:
    response = sim.http.get(HISTORY, headers=headers)
    if status == 406:
        assert_sas_error(response, 406, "header value is not supported")
    else:
        assert response.status_code == 200


def test_a_body_of_another_content_type_is_415(sim: Sim) -> None:
    response = sim.http.request(
        "GET", HISTORY, content=b"<x/>", headers={"Content-Type": "application/xml"}
    )
    assert_sas_error(response, 415, "Content-Type")


def test_unknown_agent_is_404(sim: Sim) -> None:
    assert_sas_error(sim.http.get("/catalog/bots/nope/history"), 404, "nope")
    assert_sas_error(sim.http.get("/catalog/bots/nope"), 404, "nope")


def test_bots_list_and_get(sim: Sim) -> None:
    sim.state.add_bot("agent-2", "Agent two")
    listed = sim.http.get("/catalog/bots").json()
    assert listed["count"] == 2
    assert {b["id"]: b["name"] for b in listed["items"]} == {
        AGENT: "Agent one",
        "agent-2": "Agent two",
    }
    one = sim.http.get(f"/catalog/bots/{AGENT}")
    assert one.headers["content-type"].startswith("application/vnd.sas.metadata.bot+json")
    assert one.json()["description"] == "first"


def test_requests_need_a_valid_token(sim: Sim) -> None:
    anonymous = httpx.get(str(sim.http.base_url.join(HISTORY)))
    assert_sas_error(anonymous, 401, "access token")
    wrong = sim.http.get(HISTORY, headers={"Authorization": "Bearer nope"})
    assert_sas_error(wrong, 401, "access token")


def test_client_credentials_grant_issues_tokens_that_expire(sim: Sim) -> None:
    grant = sim.http.post(
        "/SASLogon/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=CLIENT,
        headers={"Authorization": ""},
    )
    assert grant.status_code == 200
    body = grant.json()
    assert body["token_type"] == "bearer"  # noqa: S105 - the OAuth token type, not a secret
    assert body["expires_in"] == 120
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert sim.http.get(HISTORY, headers=bearer).status_code == 200
    sim.state.expire_tokens()
    assert_sas_error(sim.http.get(HISTORY, headers=bearer), 401, "expired")


def test_token_lifetime_follows_the_clock() -> None:
    now = [0.0]
    state = SasSimState(
        client_id="c", client_secret=CLIENT[1], token_lifetime=10, clock=lambda: now[0]
    )
    token = state.issue_token("c", CLIENT[1])
    assert token is not None and state.token_valid(token)
    now[0] = 10.0
    assert not state.token_valid(token)
    assert state.issue_token("c", "wrong") is None


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        (
            {"data": {"grant_type": "client_credentials"}, "auth": ("sim-client", "bad")},
            401,
            "Bad client",
        ),
        ({"data": {"grant_type": "password"}, "auth": CLIENT}, 400, "client_credentials"),
        ({"json": {"grant_type": "client_credentials"}, "auth": CLIENT}, 415, "form"),
    ],
)
def test_token_endpoint_errors(sim: Sim, request_kwargs: dict, status: int, message: str) -> None:
    response = sim.http.post(
        "/SASLogon/oauth/token", headers={"Authorization": ""}, **request_kwargs
    )
    assert_sas_error(response, status, message)


def test_form_fields_may_carry_the_client_credentials(sim: Sim) -> None:
    response = sim.http.post(
        "/SASLogon/oauth/token",
        headers={"Authorization": ""},
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT[0],
            "client_secret": CLIENT[1],
        },
    )
    assert response.status_code == 200


def test_fail_next_answers_the_given_status_then_recovers(sim: Sim) -> None:
    sim.state.fail_next(2, 503)
    assert_sas_error(sim.http.get(HISTORY), 503, "Simulated failure")
    assert_sas_error(sim.http.get("/catalog/bots"), 503, "Simulated failure")
    assert sim.http.get(HISTORY).status_code == 200
    assert [r.path for r in sim.state.requests] == [HISTORY, "/catalog/bots", HISTORY]


def test_seed_matches_the_document_sample() -> None:
    state = SasSimState()
    seed_sample(state)
    assert SAMPLE_AGENT_ID in state.bots
    history = state.histories[SAMPLE_AGENT_ID]
    assert [item["status"] for item in history] == ["failed", "completed", "completed"]
    oldest = history[-1]
    assert (oldest["nEnumerated"], oldest["nExcluded"], oldest["nAdded"]) == (290, 49, 239)
    assert oldest["runId"] == "4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab"
    times = [item["creationTimeStamp"] for item in history]
    assert times == sorted(times, reverse=True) and len(set(times)) == 3


def test_the_simulator_cli_serves_the_seeded_sas_agent() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("SAS_TOKEN", "SAS_CLIENT_ID", "SAS_CLIENT_SECRET"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "accbot.simulator", "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
        assert match, first
        url = match.group(1)
        grant = httpx.post(
            f"{url}/SASLogon/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("accbot", "accbot-secret"),
        )
        assert grant.status_code == 200
        bearer = {"Authorization": f"Bearer {grant.json()['access_token']}"}
        history = httpx.get(
            f"{url}/catalog/bots/{SAMPLE_AGENT_ID}/history",
            params={"filter": "eq(status,'failed')"},
            headers=bearer,
        )
        assert history.status_code == 200
        assert history.json()["count"] == 1
        with_static = httpx.get(
            f"{url}/catalog/bots/{SAMPLE_AGENT_ID}", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert with_static.json()["id"] == SAMPLE_AGENT_ID
    finally:
        process.terminate()
        process.wait(timeout=10)
