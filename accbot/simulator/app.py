"""The simulator's ASGI application: every ACC endpoint of the API document under /api.

A gate in front of the routes records each request, applies the injected latency,
hangs and failures, and demands ``Authorization: Bearer <token>`` on /api paths, so
tests see exactly what a client sent and can make the "server" misbehave on cue.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accbot.simulator import routes_inputs, routes_jobs, routes_runs
from accbot.simulator.errors import SimError
from accbot.simulator.models import RecordedRequest
from accbot.simulator.state import SimState
from accbot.simulator.web import sim_error_handler


async def _send_json(send: Send, status: int, message: str) -> None:
    response = JSONResponse({"message": message}, status_code=status)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


# A read's answer is worked out at once and sent when its latency is up, so "ACC answers
# in 50 ms" means 50 ms from arrival, not 50 ms plus the simulator's own work queued
# behind other requests that came in at the same moment. A write waits first and acts
# after, as before: what it changes is not visible before its answer is due.
_READS = frozenset({"GET", "HEAD"})


# asyncio's timers wake up to a millisecond late (epoll counts whole milliseconds, rounded
# up), about 0.9 ms on average here: an ACC "answering in 50 ms" answered in 50.9. The
# last millisecond is waited out by yielding to the loop instead, so an answer goes out
# at its due time, never before it.
_TIMER_SLACK = 0.001


async def until(loop: asyncio.AbstractEventLoop, due: float) -> None:
    """Return at ``loop.time() >= due``, as close to it as the loop allows."""
    remaining = due - loop.time()
    if remaining > _TIMER_SLACK:
        await asyncio.sleep(remaining - _TIMER_SLACK)
    while loop.time() < due:
        await asyncio.sleep(0)


def _sent_when_due(send: Send, loop: asyncio.AbstractEventLoop, due: float) -> Send:
    async def send_when_due(message: Message) -> None:
        if message["type"] == "http.response.start":
            await until(loop, due)
        await send(message)

    return send_when_due


class RequestGate:
    """Record, delay, fail and authenticate requests before they reach a route."""

    def __init__(self, app: ASGIApp, state: SimState, token: str) -> None:
        self.app = app
        self.state = state
        self.expected = f"bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        content_type = headers.get("content-type")
        self.state.record(
            RecordedRequest(
                method=scope["method"],
                path=scope["path"],
                query=dict(
                    parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
                ),
                body=body,
                content_type=content_type.decode("latin-1") if content_type else None,
            )
        )
        self.state.begin_request()
        try:
            await self._answer(scope, receive, send, headers, body)
        finally:
            self.state.end_request()

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, bytes], body: bytes
    ) -> None:
        fail_status, hang = self.state.take_fault()
        loop = asyncio.get_running_loop()
        due = loop.time() + self.state.latency
        if hang > 0:
            await asyncio.sleep(hang)
        if scope["method"] in _READS:
            send = _sent_when_due(send, loop, due + hang)
        elif self.state.latency > 0:
            await until(loop, due)
        if fail_status is not None:
            message = f"Simulated failure ({fail_status})"
            if self.state.take_fault_echo():
                message += ": could not process " + body.decode("utf-8", "replace")
            await _send_json(send, fail_status, message)
            return
        if scope["path"].startswith("/api/") or scope["path"] == "/api":
            presented = headers.get("authorization", b"")
            scheme, _, credential = presented.partition(b" ")
            if not secrets.compare_digest(
                scheme.lower() + b" " + credential.strip(), self.expected
            ):
                await _send_json(send, 401, "Authorization has been denied for this request.")
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"message": exc.detail}, status_code=exc.status_code)


def create_app(
    state: SimState, token: str, extra_routes: Sequence[BaseRoute] | None = None
) -> Starlette:
    """The ACC simulator app; ``extra_routes`` (e.g. a SAS fake) are served beside /api."""
    if not token:
        raise ValueError("the simulator needs a non-empty API token")
    routes = [
        *routes_runs.build_routes(state),
        *routes_jobs.build_routes(state),
        *routes_inputs.build_routes(state),
        *(extra_routes or []),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={SimError: sim_error_handler, HTTPException: _http_error},
    )
    app.add_middleware(RequestGate, state=state, token=token)
    app.state.sim = state
    return app
