"""The HTTP front: Slack's events endpoint plus health, readiness and metrics.

bolt's App is synchronous; its dispatch runs in Starlette's thread pool so that one
slow request never blocks the event loop (and with it every other ack).
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from accbot import metrics
from accbot.actions.context import Services
from accbot.actions.health import readiness

logger = logging.getLogger("accbot.http")

SLACK_EVENTS_PATH = "/slack/events"


def build_asgi(bolt_app: App, services: Services) -> Starlette:
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        report = await run_in_threadpool(readiness, services)
        return JSONResponse(report.as_dict(), status_code=200 if report.ready else 503)

    async def metrics_endpoint(request: Request) -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    return Starlette(
        routes=[
            Route(SLACK_EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ]
    )
