"""The HTTP front: Slack's events endpoint plus health, readiness and metrics.

bolt's App is synchronous; its dispatch runs in Starlette's thread pool so that one
slow request never blocks the event loop (and with it every other ack). A request for
``/slack/events`` passes ``slack_guard`` (size, signature over the raw bytes, UTF-8)
before bolt sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.request import BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from accbot import metrics, slack_guard
from accbot.actions.context import Services
from accbot.actions.health import Readiness, WatcherProbe, readiness

logger = logging.getLogger("accbot.http")

SLACK_EVENTS_PATH = "/slack/events"
READINESS_CACHE_SECONDS = 5.0


class CachedReadiness:
    """One readiness probe at a time, its answer kept for a few seconds.

    ``/readyz`` needs no auth, so it must not hand anyone a way to load ACC or to tie
    up the thread pool the acks run in: callers wait on an asyncio lock (no thread),
    one probe runs in the pool, and everyone waiting gets its answer.
    """

    def __init__(
        self,
        probe: Callable[[], Readiness],
        ttl: float = READINESS_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self._ttl = ttl
        self._clock = clock
        self._lock = asyncio.Lock()
        self._answer: tuple[float, Readiness] | None = None

    async def get(self) -> Readiness:
        async with self._lock:
            if self._answer is not None and self._clock() - self._answer[0] < self._ttl:
                return self._answer[1]
            report = await run_in_threadpool(self._probe)
            self._answer = (self._clock(), report)
            return report


def build_asgi(bolt_app: App, services: Services, watcher: WatcherProbe | None = None) -> Starlette:
    settings = services.settings
    secret = (
        settings.SLACK_SIGNING_SECRET.get_secret_value() if settings.SLACK_SIGNING_SECRET else ""
    )
    ready = CachedReadiness(lambda: readiness(services, watcher))

    async def slack_events(request: Request) -> Response:
        try:
            text = await _checked_body(request, secret)
        except slack_guard.Refusal as refusal:
            logger.info("refused a request to %s: %s", SLACK_EVENTS_PATH, refusal.reason)
            return PlainTextResponse(refusal.reason, status_code=refusal.status)
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            bolt_request = BoltRequest(
                body=text, query=request.query_params, headers=request.headers
            )
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            # Signed, yet not a payload bolt can read (broken JSON, a list where Slack
            # sends an object): a 400 like any other malformed request, never a 500.
            logger.info("refused a request to %s: malformed body", SLACK_EVENTS_PATH)
            return PlainTextResponse("malformed body", status_code=400)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        report = await ready.get()
        return JSONResponse(report.as_dict(), status_code=200 if report.ready else 503)

    async def metrics_endpoint(request: Request) -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    return Starlette(
        lifespan=_warm_thread_pool,
        routes=[
            Route(SLACK_EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
    )


@contextlib.asynccontextmanager
async def _warm_thread_pool(app: Starlette) -> AsyncIterator[None]:
    """Before the port serves: the first ``run_in_threadpool`` imports anyio's asyncio
    backend, on the event loop. Left to the first Slack request, that import held up
    every request arriving with it (a burst of 50 first acks waited about a second)."""
    await run_in_threadpool(lambda: None)
    yield


async def _checked_body(request: Request, secret: str) -> str:
    """The body as text, once its size, signature and encoding passed; see slack_guard."""
    slack_guard.check_length(request.headers)
    timestamp, signature = slack_guard.check_signature_headers(request.headers)
    if not secret:
        raise slack_guard.Refusal(401, "no signing secret configured")
    body = await slack_guard.read_capped(request.stream())
    return slack_guard.verify(secret, timestamp, signature, body)
