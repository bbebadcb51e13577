"""SasClient against the SAS simulator over a real loopback socket."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from accbot.backend.errors import (
    BackendTimeout,
    BackendUnreachable,
    BadRequest,
    Forbidden,
    InvalidId,
    InvalidResponse,
    NotFound,
    ResponseTooLarge,
    ServerError,
    Unauthorized,
)
from accbot.config import load_settings
from accbot.sas.client import SasClient
from accbot.sas.filters import and_, eq
from accbot.sas.models import SasRunState
from tests.sas.conftest import AGENT_ID, CLIENT_ID, CLIENT_SECRET, STATIC_TOKEN, SasSim

HISTORY_PATH = f"/catalog/bots/{AGENT_ID}/history"
GRANT_PATH = "/SASLogon/oauth/token"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def token_client(sim: SasSim, **kwargs) -> SasClient:
    return SasClient(sim.url, token=STATIC_TOKEN, sleep=lambda _: None, **kwargs)


def oauth_client(sim: SasSim, **kwargs) -> SasClient:
    return SasClient(
        sim.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, sleep=lambda _: None, **kwargs
    )


def test_history_page_sends_the_documented_headers(sas_sim: SasSim) -> None:
    sas_sim.state.add_history(AGENT_ID, "completed", nAdded=239)
    with token_client(sas_sim) as client:
        page = client.get_history(AGENT_ID)
    assert page.count == 1 and page.start == 0 and page.limit == 10
    assert page.items[0].n_added == 239
    assert page.items[0].state is SasRunState.SUCCEEDED
    (request,) = sas_sim.state.requests_to(HISTORY_PATH)
    assert request.accept == "application/vnd.sas.collection+json"
    assert request.accept_item == "application/vnd.sas.metadata.bot.history+json"
    assert "start=0" in request.query and "limit=10" in request.query


def test_iter_history_follows_next_links_newest_first(sas_sim: SasSim) -> None:
    added = [sas_sim.state.add_history(AGENT_ID, "completed") for _ in range(7)]
    with token_client(sas_sim) as client:
        runs = list(client.iter_history(AGENT_ID, page_size=3))
        assert [r.run_id for r in runs] == [a["runId"] for a in reversed(added)]
        assert len(sas_sim.state.requests_to(HISTORY_PATH)) == 3
        limited = list(client.iter_history(AGENT_ID, page_size=2, max_items=3))
    assert [r.run_id for r in limited] == [a["runId"] for a in reversed(added)][:3]
    # two pages of two were enough for three items
    assert len(sas_sim.state.requests_to(HISTORY_PATH)) == 5


def test_recent_history_returns_at_most_count(sas_sim: SasSim) -> None:
    for _ in range(4):
        sas_sim.state.add_history(AGENT_ID, "completed")
    with token_client(sas_sim) as client:
        assert len(client.recent_history(AGENT_ID, 3)) == 3
        assert len(client.recent_history(AGENT_ID, 20)) == 4
        assert client.recent_history(AGENT_ID, 0) == []


def test_filter_quoting_round_trips_through_the_server(sas_sim: SasSim) -> None:
    odd = sas_sim.state.add_history(AGENT_ID, "it's odd")
    failed = sas_sim.state.add_history(AGENT_ID, "failed")
    sas_sim.state.add_history(AGENT_ID, "completed")
    with token_client(sas_sim) as client:
        assert [
            r.run_id for r in client.recent_history(AGENT_ID, 10, filter=eq("status", "it's odd"))
        ] == [odd["runId"]]
        both = and_(eq("status", "failed"), eq("runId", failed["runId"]))
        assert [r.run_id for r in client.recent_history(AGENT_ID, 10, filter=both)] == [
            failed["runId"]
        ]
        paged = list(client.iter_history(AGENT_ID, filter=eq("status", "failed"), page_size=1))
    assert [r.run_id for r in paged] == [failed["runId"]]


def test_filter_paging_keeps_the_filter_on_next_links(sas_sim: SasSim) -> None:
    for _ in range(3):
        sas_sim.state.add_history(AGENT_ID, "failed")
        sas_sim.state.add_history(AGENT_ID, "completed")
    with token_client(sas_sim) as client:
        runs = list(client.iter_history(AGENT_ID, filter=eq("status", "failed"), page_size=2))
    assert [r.status for r in runs] == ["failed"] * 3


def test_bots_are_listed_and_fetched(sas_sim: SasSim) -> None:
    for n in range(3):
        sas_sim.state.add_bot(f"bot-{n}", f"Bot {n}")
    with token_client(sas_sim) as client:
        bots = client.list_bots()
        bot = client.get_bot(AGENT_ID)
    assert {b.id for b in bots} == {AGENT_ID, "bot-0", "bot-1", "bot-2"}
    assert (bot.id, bot.name, bot.description) == (
        AGENT_ID,
        "SASHELP discovery",
        "Catalog agent over SASHELP",
    )


def test_client_credentials_grant_is_cached(sas_sim: SasSim) -> None:
    with oauth_client(sas_sim) as client:
        client.get_history(AGENT_ID)
        client.get_bot(AGENT_ID)
    assert len(sas_sim.state.requests_to(GRANT_PATH, "POST")) == 1


def test_token_is_replaced_before_it_expires(sas_sim: SasSim) -> None:
    sas_sim.state.token_lifetime = 600
    clock = FakeClock()
    with oauth_client(sas_sim, clock=clock) as client:
        client.get_history(AGENT_ID)
        clock.now += 500  # well within the lifetime
        client.get_history(AGENT_ID)
        assert len(sas_sim.state.requests_to(GRANT_PATH)) == 1
        clock.now += 50  # 550 s: within a tenth of the lifetime of expiring
        client.get_history(AGENT_ID)
    assert len(sas_sim.state.requests_to(GRANT_PATH)) == 2
    # no request was refused on the way
    assert len(sas_sim.state.requests_to(HISTORY_PATH)) == 3


def test_a_401_triggers_one_new_grant_and_a_retry(sas_sim: SasSim) -> None:
    sas_sim.state.add_history(AGENT_ID, "failed")
    with oauth_client(sas_sim) as client:
        client.get_history(AGENT_ID)
        sas_sim.state.expire_tokens()
        page = client.get_history(AGENT_ID)
    assert page.items[0].status == "failed"
    assert len(sas_sim.state.requests_to(GRANT_PATH)) == 2
    assert len(sas_sim.state.requests_to(HISTORY_PATH)) == 3


def test_a_second_401_is_a_clear_unauthorized_after_exactly_one_refresh(sas_sim: SasSim) -> None:
    with oauth_client(sas_sim) as client:
        client.get_history(AGENT_ID)
        sas_sim.state.fail_next(2, 401)
        with pytest.raises(Unauthorized) as info:
            client.get_history(AGENT_ID)
    assert len(sas_sim.state.requests_to(GRANT_PATH)) == 2
    assert info.value.status_code == 401 and info.value.backend == "SAS"
    assert "even after a new one was granted" in info.value.message
    assert CLIENT_SECRET not in str(info.value)


def test_static_token_401_is_not_retried(sas_sim: SasSim) -> None:
    with SasClient(sas_sim.url, token="wrong-token", sleep=lambda _: None) as client:  # noqa: S106
        with pytest.raises(Unauthorized) as info:
            client.get_history(AGENT_ID)
    assert "SAS_TOKEN" in info.value.message
    assert "wrong-token" not in str(info.value)
    assert sas_sim.state.requests_to(GRANT_PATH) == []
    assert len(sas_sim.state.requests_to(HISTORY_PATH)) == 1


def test_bad_client_credentials_say_what_to_check(sas_sim: SasSim) -> None:
    client = SasClient(
        sas_sim.url,
        client_id=CLIENT_ID,
        client_secret="not-it",  # noqa: S106
        sleep=lambda _: None,
    )
    with client, pytest.raises(Unauthorized) as info:
        client.get_history(AGENT_ID)
    assert "SAS_CLIENT_ID and SAS_CLIENT_SECRET" in info.value.message
    assert "not-it" not in str(info.value)
    assert sas_sim.state.requests_to(HISTORY_PATH) == []


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (406, BadRequest),
        (415, BadRequest),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_every_documented_error_code_is_mapped_with_the_sas_body(
    sas_sim: SasSim, status: int, error_type: type
) -> None:
    # four failures: more than the retries of a 5xx, and a static token does not retry 4xx
    sas_sim.state.fail_next(4, status)
    with token_client(sas_sim) as client, pytest.raises(error_type) as info:
        client.get_history(AGENT_ID)
    error = info.value
    assert error.status_code == status and error.backend == "SAS"
    assert f"(HTTP {status}): Simulated failure with status {status}." in error.message
    assert error.remediation == "Retry the request later."
    assert error.error_code == 10000 + status
    assert f"path: {HISTORY_PATH}" in error.detail
    assert "correlator:" in error.detail
    assert STATIC_TOKEN not in str(error)
    if status == 404:
        assert error.what == f"SAS agent {AGENT_ID}"


def test_unknown_agent_is_not_found(sas_sim: SasSim) -> None:
    with token_client(sas_sim) as client, pytest.raises(NotFound) as info:
        client.get_history("no-such-agent")
    assert isinstance(info.value, LookupError)
    assert info.value.message.startswith("SAS agent no-such-agent was not found (HTTP 404)")
    assert "The agent no-such-agent was not found." in info.value.message
    assert info.value.remediation == "Check the agent ID and retry."


def test_unfilterable_property_is_a_bad_request_from_the_server(sas_sim: SasSim) -> None:
    with token_client(sas_sim) as client, pytest.raises(BadRequest) as info:
        client.get_history(AGENT_ID, filter="eq(createdBy,'sasuser')")
    assert "cannot be used in a filter" in info.value.message
    assert "filterable: id, runId, status" in info.value.detail


def test_server_errors_are_retried_with_backoff(sas_sim: SasSim) -> None:
    sas_sim.state.add_history(AGENT_ID, "completed")
    sleeps: list[float] = []
    sas_sim.state.fail_next(2, 502)
    client = SasClient(sas_sim.url, token=STATIC_TOKEN, sleep=sleeps.append, backoff_seconds=0.25)
    with client:
        assert len(client.get_history(AGENT_ID).items) == 1
    assert sleeps == [0.25, 0.5]
    assert len(sas_sim.state.requests_to(HISTORY_PATH)) == 3


def test_connection_refused_is_unreachable_after_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{free_port}"
    with SasClient(url, token=STATIC_TOKEN, sleep=sleeps.append) as client:
        with pytest.raises(BackendUnreachable) as info:
            client.get_history(AGENT_ID)
    assert info.value.backend == "SAS"
    assert len(sleeps) == 3  # the same three retries as ACC
    assert STATIC_TOKEN not in str(info.value)


def test_timeouts_are_backend_timeouts() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    client = SasClient(
        "http://sas.test",
        token=STATIC_TOKEN,
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
    )
    with client, pytest.raises(BackendTimeout):
        client.get_history(AGENT_ID)
    assert len(calls) == 4  # first try and three retries, as ACC


def test_non_json_success_is_an_invalid_response() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>login</html>"))
    with SasClient("http://sas.test", token=STATIC_TOKEN, transport=transport) as client:
        with pytest.raises(InvalidResponse):
            client.get_history(AGENT_ID)


def test_next_link_to_another_host_is_not_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(
            200,
            json={
                "items": [{"id": AGENT_ID, "status": "completed"}],
                "links": [{"rel": "next", "href": "https://evil.test/steal?start=1"}],
            },
        )

    client = SasClient(
        "http://sas.test", token=STATIC_TOKEN, transport=httpx.MockTransport(handler)
    )
    with client, pytest.raises(InvalidResponse, match="another server"):
        list(client.iter_history(AGENT_ID))
    assert all(url.startswith("http://sas.test/") for url in seen)


def test_secrets_stay_out_of_reprs_and_logs(
    sas_sim: SasSim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sas_sim.state.fail_next(1, 500)
    with oauth_client(sas_sim) as client:
        client.get_history(AGENT_ID)
        sas_sim.state.expire_tokens()
        client.get_history(AGENT_ID)
        granted = list(sas_sim.state.tokens)
        text = repr(client) + caplog.text
    assert CLIENT_ID in repr(client)
    assert CLIENT_SECRET not in text
    assert all(token not in text for token in granted)
    with token_client(sas_sim) as client:
        assert STATIC_TOKEN not in repr(client)


def test_constructor_requires_one_way_to_authenticate() -> None:
    with pytest.raises(ValueError):
        SasClient("http://sas.test")
    with pytest.raises(ValueError):
        SasClient("http://sas.test", client_id=CLIENT_ID)
    with pytest.raises(ValueError):
        SasClient("http://sas.test", token="t", client_id="c", client_secret="s")  # noqa: S106
    with pytest.raises(ValueError):
        SasClient("sas.test", token="t")  # noqa: S106


def test_from_settings_uses_the_token_or_the_client_credentials(sas_sim: SasSim) -> None:
    with_token = load_settings(SAS_BASE_URL=sas_sim.url + "/", SAS_TOKEN=STATIC_TOKEN)
    with SasClient.from_settings(with_token) as client:
        assert client.get_bot(AGENT_ID).id == AGENT_ID
    assert sas_sim.state.requests_to(GRANT_PATH) == []

    with_client = load_settings(
        SAS_BASE_URL=sas_sim.url, SAS_CLIENT_ID=CLIENT_ID, SAS_CLIENT_SECRET=CLIENT_SECRET
    )
    with SasClient.from_settings(with_client) as client:
        assert client.get_bot(AGENT_ID).id == AGENT_ID
    assert len(sas_sim.state.requests_to(GRANT_PATH)) == 1


# ----------------------------------------------- the HTTP layer shared with ACC


def test_each_attempt_is_reported_to_the_metrics_hook_by_endpoint_template(sas_sim: SasSim) -> None:
    sas_sim.state.add_history(AGENT_ID, "completed")
    sas_sim.state.fail_next(1, 503)
    calls: list[tuple] = []
    with token_client(sas_sim, on_request=lambda *args: calls.append(args[:3])) as client:
        client.get_history(AGENT_ID)
        client.get_bot(AGENT_ID)
    assert calls == [
        ("GET", "GET /catalog/bots/{id}/history", 503),
        ("GET", "GET /catalog/bots/{id}/history", 200),
        ("GET", "GET /catalog/bots/{id}", 200),
    ]


@pytest.mark.parametrize("bad", ["..", ".", "", "a/b", "x?y", "%2e%2e"])
def test_an_agent_id_that_would_change_the_url_never_reaches_sas(sas_sim: SasSim, bad: str) -> None:
    with token_client(sas_sim) as client:
        with pytest.raises(InvalidId) as info:
            client.get_history(bad)
        with pytest.raises(InvalidId):
            client.get_bot(bad)
    assert info.value.backend == "SAS"
    assert sas_sim.state.requests == []


def test_the_token_grant_is_not_sent_twice_after_a_server_error() -> None:
    grants: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        grants.append(request)
        return httpx.Response(500, json={"message": "token store down"})

    client = SasClient(
        "http://sas.test",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
    )
    with client, pytest.raises(ServerError):
        client.get_history(AGENT_ID)
    assert [(r.method, r.url.path) for r in grants] == [("POST", GRANT_PATH)]


def test_a_history_page_larger_than_the_byte_limit_is_refused(sas_sim: SasSim) -> None:
    for _ in range(20):
        sas_sim.state.add_history(AGENT_ID, "completed")
    with token_client(sas_sim) as client:
        client._backend.max_body_bytes = 512  # noqa: SLF001  # a page of 20 runs is several KiB
        with pytest.raises(ResponseTooLarge):
            client.get_history(AGENT_ID, limit=20)
