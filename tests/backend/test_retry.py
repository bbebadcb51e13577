"""The retry policy both clients follow: reads again, writes only if never sent."""

from __future__ import annotations

import httpx
import pytest

from accbot.backend.retry import RetryPolicy

REQUEST = httpx.Request("GET", "http://acc.test/")


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("t", request=REQUEST),
        httpx.RemoteProtocolError("x"),
        httpx.ConnectError("x"),
    ],
)
def test_reads_are_retried_after_any_transport_failure(exc):
    assert RetryPolicy(2).after_transport_error("GET", exc, 0)


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT"])
def test_writes_are_retried_only_when_no_connection_was_made(method):
    policy = RetryPolicy(2)
    assert policy.after_transport_error(method, httpx.ConnectError("refused"), 0)
    assert policy.after_transport_error(method, httpx.ConnectTimeout("slow"), 0)
    assert not policy.after_transport_error(method, httpx.ReadTimeout("t"), 0)
    assert not policy.after_transport_error(method, httpx.WriteTimeout("t"), 0)
    assert not policy.after_transport_error(method, httpx.RemoteProtocolError("cut"), 0)
    assert not policy.after_status(method, 503, 0)


def test_only_reads_are_retried_after_5xx_and_never_after_4xx():
    policy = RetryPolicy(2)
    assert policy.after_status("GET", 502, 0)
    assert not policy.after_status("GET", 404, 0)


def test_retries_stop_at_the_limit_and_back_off_exponentially():
    policy = RetryPolicy(retries=3, backoff=0.25)
    assert [policy.delay(a) for a in range(3)] == [0.25, 0.5, 1.0]
    assert policy.after_status("GET", 500, 2)
    assert not policy.after_status("GET", 500, 3)
    assert RetryPolicy(retries=-1).retries == 0
