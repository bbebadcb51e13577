"""HttpBackend: byte limits, metrics labels, retries and typed failures for both clients."""

from __future__ import annotations

import gc
import logging

import httpx
import pytest

from accbot.backend.errors import BackendUnreachable, InvalidId, ResponseTooLarge
from accbot.backend.retry import RetryPolicy
from accbot.backend.secrets import Scrubber
from accbot.backend.transport import MAX_ERROR_BODY_BYTES, HttpBackend

LOG = logging.getLogger("tests.backend")


class Streamed(httpx.SyncByteStream):
    """A body that counts how much of it was pulled from the 'network'."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    def __iter__(self):
        while self.sent < self.total:
            size = min(self.chunk, self.total - self.sent)
            self.sent += size
            yield b"x" * size


def backend(handler, **kwargs) -> HttpBackend:
    return HttpBackend(
        "ACC",
        "http://acc.test/",
        logger=LOG,
        timeout=httpx.Timeout(5.0),
        transport=httpx.MockTransport(handler),
        retry=kwargs.pop("retry", RetryPolicy(0, 0)),
        scrubber=kwargs.pop("scrubber", Scrubber()),
        **kwargs,
    )


def test_a_body_over_the_limit_stops_being_read_and_raises():
    stream = Streamed(50 * 1024 * 1024)
    with backend(lambda request: httpx.Response(200, stream=stream)) as http:
        with pytest.raises(ResponseTooLarge) as info:
            http.request("GET", "api/run/{id}/log", ids={"id": "r1"}, max_bytes=1024 * 1024)
    assert info.value.limit == 1024 * 1024
    assert stream.sent <= 1024 * 1024 + 64 * 1024  # stopped within a chunk of the limit


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    stream = Streamed(10 * 1024 * 1024)
    answer = lambda request: httpx.Response(  # noqa: E731
        200, stream=stream, headers={"Content-Length": str(10 * 1024 * 1024)}
    )
    with backend(answer) as http, pytest.raises(ResponseTooLarge, match="larger than 1 MiB"):
        http.request("GET", "api/run/{id}/backup", ids={"id": "r1"}, max_bytes=1024 * 1024)
    assert stream.sent == 0


def test_a_body_within_the_limit_is_returned_whole():
    with backend(lambda request: httpx.Response(200, content=b"z" * 5000)) as http:
        response = http.request("GET", "api/run/{id}", ids={"id": "r1"}, max_bytes=5000)
    assert response.content == b"z" * 5000


def test_an_error_body_is_cut_short_not_refused():
    stream = Streamed(10 * 1024 * 1024)
    with backend(lambda request: httpx.Response(500, stream=stream)) as http:
        response = http.request("GET", "api/run/{id}", ids={"id": "r1"})
    assert response.status_code == 500
    assert len(response.content) == MAX_ERROR_BODY_BYTES


def test_a_gzip_answer_is_decoded_once():
    import gzip

    body = gzip.compress(b'{"ok": true}')
    answer = lambda request: httpx.Response(  # noqa: E731
        200, content=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    with backend(answer) as http:
        assert http.request("GET", "api/agent").json() == {"ok": True}


def test_requests_ask_for_an_identity_body():
    seen = []

    def answer(request):
        seen.append(request.headers.get("accept-encoding"))
        return httpx.Response(200)

    with backend(answer) as http:
        http.request("GET", "api/agent")
    assert seen == ["identity"]


def test_each_attempt_is_reported_under_the_endpoint_template():
    calls = []
    answers = iter([httpx.Response(503), httpx.Response(200)])
    with backend(
        lambda request: next(answers),
        retry=RetryPolicy(1, 0),
        on_request=lambda *args: calls.append(args[:3]),
    ) as http:
        http.request("GET", "/catalog/bots/{id}/history", ids={"id": "b1"})
    assert calls == [
        ("GET", "GET /catalog/bots/{id}/history", 503),
        ("GET", "GET /catalog/bots/{id}/history", 200),
    ]


def test_an_invalid_id_sends_nothing_and_reports_nothing():
    sent, calls = [], []
    with backend(
        lambda request: sent.append(request), on_request=lambda *a: calls.append(a)
    ) as http:
        with pytest.raises(InvalidId):
            http.request("DELETE", "api/job/schedule/{id}", ids={"id": ".."})
    assert sent == [] and calls == []


def test_a_connection_error_names_the_server_without_its_password():
    def refuse(request):
        raise httpx.ConnectError("refused by https://ops:pa55word-xyz@acc.test")

    http = HttpBackend(
        "ACC",
        "https://ops:pa55word-xyz@acc.test/",
        logger=LOG,
        timeout=httpx.Timeout(1.0),
        transport=httpx.MockTransport(refuse),
        retry=RetryPolicy(0, 0),
        scrubber=Scrubber(),
    )
    with http, pytest.raises(BackendUnreachable) as info:
        http.request("GET", "api/agent")
    assert "pa55word-xyz" not in str(info.value)
    assert "https://ops:***@acc.test/" in str(info.value)


def test_a_finished_request_leaves_nothing_for_the_cycle_collector():
    # Every request's objects are freed as soon as it is done, by reference counting:
    # a watcher asking thousands of histories a cycle is not paused by collections.
    with backend(lambda request: httpx.Response(200, json=[{"id": 1}])) as http:
        http.request("GET", "api/agent/{id}/history", ids={"id": "a1"}, params={"count": 10})
        gc.collect()
        gc.disable()
        try:
            for _ in range(20):
                http.request("GET", "api/agent/{id}/history", ids={"id": "a1"}).json()
            unreachable = gc.collect()
        finally:
            gc.enable()
    assert unreachable == 0
