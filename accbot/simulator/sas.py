"""A stateful fake of SAS Viya's catalog agent ("bot") endpoints, for tests and demos.

Written only from the SAS document ``004_3d19d3f0d51237eb.txt`` (``GET
/catalog/bots/{agentId}/history``) plus the two neighbours accbot needs for names
(``GET /catalog/bots`` and ``GET /catalog/bots/{id}``) and the OAuth token endpoint
(``POST /SASLogon/oauth/token``, client-credentials grant). It imports nothing from
``accbot.sas``, so the client and the simulator cannot share a misreading.

Every error answers with the SAS error media type ``application/vnd.sas.error+json``
(message, details, remediation, errorCode, httpStatusCode).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

ERROR_MEDIA_TYPE = "application/vnd.sas.error+json"
COLLECTION_MEDIA_TYPE = "application/vnd.sas.collection+json"
HISTORY_MEDIA_TYPE = "application/vnd.sas.metadata.bot.history+json"
BOT_MEDIA_TYPE = "application/vnd.sas.metadata.bot+json"
JSON_MEDIA_TYPE = "application/json"
# Allowed values from the document, the default first.
HISTORY_ACCEPT = (COLLECTION_MEDIA_TYPE, JSON_MEDIA_TYPE)
HISTORY_ACCEPT_ITEM = (HISTORY_MEDIA_TYPE, JSON_MEDIA_TYPE)
BOT_ACCEPT = (BOT_MEDIA_TYPE, JSON_MEDIA_TYPE)
# "The properties that can be used as filter criteria are: id, status, and runId."
HISTORY_FILTER_FIELDS = frozenset({"id", "status", "runId"})
DEFAULT_LIMIT = 10
DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
DEFAULT_CLIENT_ID = "accbot"
DEFAULT_CLIENT_SECRET = "accbot-secret"  # noqa: S105 - the simulator's demo credential

SAMPLE_AGENT_ID = "ba14bc66-8aaf-4a57-bff1-87a39774ac1a"
SAMPLE_RUN_ID = "4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab"


class SasSimError(Exception):
    """An error answer, rendered as ``application/vnd.sas.error+json``."""

    def __init__(
        self, status: int, message: str, *, details: list[str] | None = None, remediation: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.remediation = remediation


@dataclass(frozen=True)
class SasRequest:
    """One request as the simulator saw it (never its credentials)."""

    method: str
    path: str
    query: str
    accept: str | None
    accept_item: str | None


def _timestamp(moment: datetime) -> str:
    """SAS style: UTC, milliseconds, ``Z`` (``2021-09-17T18:51:02.780Z``)."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


class SasSimState:
    """Bots, their histories (newest first), OAuth clients and tokens; thread-safe."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_lifetime: float = DEFAULT_TOKEN_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lock = threading.RLock()
        self.bots: dict[str, dict[str, Any]] = {}
        self.histories: dict[str, list[dict[str, Any]]] = {}
        self.clients: dict[str, str] = {client_id: client_secret}
        self.tokens: dict[str, float] = {}  # token -> expiry (clock seconds)
        self.requests: list[SasRequest] = []
        self.token_lifetime = token_lifetime
        self.clock = clock
        self._failures: list[int] = []
        self._last_created: datetime | None = None

    # ----------------------------------------------------------------- setup

    def add_bot(self, agent_id: str, name: str, description: str = "") -> dict[str, Any]:
        with self.lock:
            bot = {
                "version": 1,
                "id": agent_id,
                "name": name,
                "description": description,
                "createdBy": "sasuser",
                "creationTimeStamp": _timestamp(datetime.now(UTC)),
                "links": [
                    _link("self", f"/catalog/bots/{agent_id}", BOT_MEDIA_TYPE),
                    _link(
                        "history",
                        f"/catalog/bots/{agent_id}/history",
                        COLLECTION_MEDIA_TYPE,
                        HISTORY_MEDIA_TYPE,
                    ),
                ],
            }
            self.bots[agent_id] = bot
            self.histories.setdefault(agent_id, [])
            return dict(bot)

    def add_history(
        self, agent_id: str, status: str, *, catalog_shape: bool = False, **fields: Any
    ) -> dict[str, Any]:
        """Record a run as the newest history item; ``fields`` use wire names (``nAdded``).

        An unknown agent is created with a placeholder name. Like the document's sample,
        the item's ``id`` is the agent's id; the run has its own ``runId``. With
        ``catalog_shape``, the item looks like SAS's other catalog samples instead: its
        ``id`` is the run's, with neither ``runId`` nor asset links.
        """
        with self.lock:
            if agent_id not in self.bots:
                self.add_bot(agent_id, f"Agent {agent_id[:8]}")
            # runId=None: no runId at all, as in the document's sample (the asset links
            # still name the run).
            without_run_id = "runId" in fields and fields["runId"] is None
            run_id = str(fields.pop("runId", None) or uuid.uuid4())
            created = self._next_creation_time()
            search = "/catalog/search?type=adv&q=runId:" + run_id
            item: dict[str, Any] = {
                "version": 1,
                "id": agent_id,
                "runId": run_id,
                "status": status,
                "createdBy": "sasuser",
                "creationTimeStamp": _timestamp(created),
                "endTimeStamp": _timestamp(created + timedelta(seconds=90)),
                "nEnumerated": 0,
                "nExcluded": 0,
                "nAdded": 0,
                "nUpdated": 0,
                "nRemoved": 0,
                "averageRunTime": 90,
                "parameters": {},
                "jobParameters": {},
                "links": [
                    _link(
                        "newAssets",
                        search + "+runStatus:new",
                        "application/vnd.sas.metadata.search.collection",
                        "application/vnd.sas.metadata.search.result",
                    ),
                    _link(
                        "changedAssets",
                        search + "+runStatus:changed",
                        "application/vnd.sas.metadata.search.collection",
                        "application/vnd.sas.metadata.search.result",
                    ),
                ],
            }
            if without_run_id:
                del item["runId"]
            if catalog_shape:
                item["id"] = run_id
                item.pop("runId", None)
                del item["links"]
            item.update(fields)
            self.histories[agent_id].insert(0, item)
            return dict(item)

    def _next_creation_time(self) -> datetime:
        # Strictly increasing, so "newest first" also holds for items added in one millisecond.
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last_created is not None and now <= self._last_created:
            now = self._last_created + timedelta(milliseconds=1)
        self._last_created = now
        return now

    def fail_next(self, count: int, status: int) -> None:
        """The next ``count`` catalog requests answer ``status`` (the token endpoint is spared)."""
        with self.lock:
            self._failures.extend([status] * count)

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (as if SAS restarted or revoked them)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0.0

    # ----------------------------------------------------------------- queries

    def requests_to(self, path: str, method: str | None = None) -> list[SasRequest]:
        with self.lock:
            return [
                r
                for r in self.requests
                if r.path == path and (method is None or r.method == method)
            ]

    def issue_token(self, client_id: str, client_secret: str) -> str | None:
        with self.lock:
            expected = self.clients.get(client_id)
            if expected is None or not secrets.compare_digest(expected, client_secret):
                return None
            token = secrets.token_urlsafe(24)
            self.tokens[token] = self.clock() + self.token_lifetime
            return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and self.clock() < expiry

    def _record(self, request: Request) -> None:
        with self.lock:
            self.requests.append(
                SasRequest(
                    method=request.method,
                    path=request.url.path,
                    query=request.url.query,
                    accept=request.headers.get("accept"),
                    accept_item=request.headers.get("accept-item"),
                )
            )

    def _take_failure(self) -> int | None:
        with self.lock:
            return self._failures.pop(0) if self._failures else None


def seed_sample(state: SasSimState) -> None:
    """The document's sample agent with a few runs, the newest one failed."""
    state.add_bot(SAMPLE_AGENT_ID, "SASHELP discovery", "Catalog agent over the SASHELP library")
    parameters = {
        "datasourceURI": "/dataSources/providers/Compute/sources/"
        "eb654570-efb4-4d61-9814-3444869805b0~fs~SASHELP"
    }
    state.add_history(
        SAMPLE_AGENT_ID,
        "completed",
        runId=SAMPLE_RUN_ID,
        nEnumerated=290,
        nExcluded=49,
        nAdded=239,
        averageRunTime=1550,
        parameters=parameters,
        jobParameters={"samplePercent": "20"},
    )
    state.add_history(
        SAMPLE_AGENT_ID,
        "completed",
        nEnumerated=290,
        nExcluded=49,
        nUpdated=3,
        parameters=parameters,
        jobParameters={"samplePercent": "20"},
    )
    state.add_history(
        SAMPLE_AGENT_ID,
        "failed",
        nEnumerated=12,
        parameters=parameters,
        jobParameters={"samplePercent": "20"},
    )


# --------------------------------------------------------------------- wire helpers


def _link(rel: str, href: str, media_type: str, item_type: str | None = None) -> dict[str, str]:
    link = {"method": "GET", "rel": rel, "href": href, "uri": href, "type": media_type}
    if item_type:
        link["itemType"] = item_type
    return link


def _error_response(error: SasSimError, path: str) -> JSONResponse:
    body = {
        "version": 2,
        "httpStatusCode": error.status,
        "errorCode": 10000 + error.status,
        "message": error.message,
        "details": [*error.details, f"path: {path}", f"correlator: {uuid.uuid4()}"],
        "remediation": error.remediation,
        "errors": [],
        "links": [],
    }
    return JSONResponse(body, status_code=error.status, media_type=ERROR_MEDIA_TYPE)


def _negotiate(header: str | None, allowed: tuple[str, ...], name: str) -> str:
    """The first acceptable media type of ``allowed`` (the document's default when absent)."""
    if not header or not header.strip():
        return allowed[0]
    for part in header.split(","):
        media_type = part.split(";", 1)[0].strip().lower()
        if media_type in allowed:
            return media_type
        if media_type in ("*/*", "application/*"):
            return allowed[0]
    raise SasSimError(
        406,
        f"The {name} header value is not supported.",
        details=[f"{name}: {header}", "supported: " + ", ".join(allowed)],
        remediation=f"Include a {name} header with a supported value on the request.",
    )


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise SasSimError(
            400,
            f"The query parameter {name} must be a non-negative integer.",
            details=[f"{name}: {raw}"],
            remediation=f"Correct the {name} parameter and retry.",
        )
    return value


# --------------------------------------------------------------------- filters


class _FilterParser:
    """Parses ``eq(field,value)`` and ``and(expr,...)`` into a predicate over an item."""

    def __init__(self, text: str, fields: frozenset[str]) -> None:
        self.text = text
        self.fields = fields
        self.pos = 0

    def parse(self) -> Callable[[dict[str, Any]], bool]:
        predicate = self._expression()
        self._skip_spaces()
        if self.pos != len(self.text):
            self._fail("unexpected text after the expression")
        return predicate

    def _fail(self, why: str) -> None:
        raise SasSimError(
            400,
            f"The filter is not valid: {why}.",
            details=[f"filter: {self.text}", f"position: {self.pos}"],
            remediation="Correct the filter criteria and retry.",
        )

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _word(self) -> str:
        self._skip_spaces()
        start = self.pos
        while self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] in "_."
        ):
            self.pos += 1
        return self.text[start : self.pos]

    def _expect(self, char: str) -> None:
        self._skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != char:
            self._fail(f"expected {char!r}")
        self.pos += 1

    def _peek(self) -> str:
        self._skip_spaces()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expression(self) -> Callable[[dict[str, Any]], bool]:
        function = self._word()
        self._expect("(")
        if function == "eq":
            field = self._word()
            if field not in self.fields:
                raise SasSimError(
                    400,
                    f"The property {field!r} cannot be used in a filter.",
                    details=[
                        f"filter: {self.text}",
                        "filterable: " + ", ".join(sorted(self.fields)),
                    ],
                    remediation="Filter on one of the documented properties.",
                )
            self._expect(",")
            value = self._value()
            self._expect(")")
            return lambda item: str(item.get(field, "")) == value
        if function == "and":
            parts = [self._expression()]
            while self._peek() == ",":
                self.pos += 1
                parts.append(self._expression())
            self._expect(")")
            return lambda item: all(part(item) for part in parts)
        self._fail(f"unsupported function {function!r}")
        raise AssertionError("unreachable")

    def _value(self) -> str:
        if self._peek() != "'":
            value = self._word()
            if not value:
                self._fail("expected a value")
            return value
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "'":
                if self.text[self.pos + 1 : self.pos + 2] == "'":
                    chars.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(chars)
            chars.append(char)
            self.pos += 1
        self._fail("unterminated quoted value")
        raise AssertionError("unreachable")


# --------------------------------------------------------------------- routes


def _page_links(
    base: str, up: str | None, start: int, limit: int, count: int, extra: dict[str, str]
) -> list[dict[str, str]]:
    item_type = HISTORY_MEDIA_TYPE if base.endswith("/history") else BOT_MEDIA_TYPE

    def href(page_start: int) -> str:
        return f"{base}?{urlencode({**extra, 'start': page_start, 'limit': limit})}"

    links = [
        _link("self", href(start), COLLECTION_MEDIA_TYPE, item_type),
        _link("collection", base, COLLECTION_MEDIA_TYPE, item_type),
    ]
    if up:
        links.append(_link("up", up, BOT_MEDIA_TYPE))
    if limit > 0 and start + limit < count:
        links.append(_link("next", href(start + limit), COLLECTION_MEDIA_TYPE, item_type))
    if start > 0:
        links.append(_link("prev", href(max(0, start - limit)), COLLECTION_MEDIA_TYPE, item_type))
    return links


def _collection(
    items: list[dict[str, Any]], start: int, limit: int, name: str, accept: str, links: list
) -> dict[str, Any]:
    page = items[start : start + limit]
    return {
        "version": 2,
        "accept": accept,
        "count": len(items),
        "start": start,
        "limit": limit,
        "name": name,
        "items": page,
        "links": links,
    }


def sas_routes(state: SasSimState, token: str | None) -> list[BaseRoute]:
    """Starlette routes for the SAS endpoints; ``token`` is a fixed bearer token also accepted."""

    def authorize(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        presented = presented.strip()
        if scheme.lower() == "bearer" and presented:
            if token is not None and secrets.compare_digest(presented, token):
                return
            if state.token_valid(presented):
                return
        raise SasSimError(
            401,
            "The access token is missing, invalid or expired.",
            remediation="Obtain a new access token from /SASLogon/oauth/token and retry.",
        )

    def guarded(handler: Callable[[Request], Response]) -> Callable:
        async def endpoint(request: Request) -> Response:
            state._record(request)
            try:
                failure = state._take_failure()
                if failure is not None:
                    raise SasSimError(
                        failure,
                        f"Simulated failure with status {failure}.",
                        remediation="Retry the request later.",
                    )
                authorize(request)
                body = await request.body()
                content_type = request.headers.get("content-type", "")
                if body and "json" not in content_type:
                    raise SasSimError(
                        415,
                        "The request's Content-Type is not supported.",
                        details=[f"Content-Type: {content_type or '(none)'}"],
                        remediation="Include a Content-Type header with a supported value.",
                    )
                return handler(request)
            except SasSimError as error:
                return _error_response(error, request.url.path)

        return endpoint

    def bot_or_404(agent_id: str) -> dict[str, Any]:
        bot = state.bots.get(agent_id)
        if bot is None:
            raise SasSimError(
                404,
                f"The agent {agent_id} was not found.",
                details=[f"agentId: {agent_id}"],
                remediation="Check the agent ID and retry.",
            )
        return bot

    def list_bots(request: Request) -> Response:
        accept = _negotiate(request.headers.get("accept"), HISTORY_ACCEPT, "Accept")
        start = _int_param(request, "start", 0)
        limit = _int_param(request, "limit", DEFAULT_LIMIT)
        with state.lock:
            bots = [dict(bot) for bot in state.bots.values()]
        base = "/catalog/bots"
        links = _page_links(base, None, start, limit, len(bots), {})
        body = _collection(bots, start, limit, "bots", BOT_MEDIA_TYPE.removesuffix("+json"), links)
        return JSONResponse(body, media_type=accept)

    def get_bot(request: Request) -> Response:
        accept = _negotiate(request.headers.get("accept"), BOT_ACCEPT, "Accept")
        with state.lock:
            bot = dict(bot_or_404(request.path_params["agent_id"]))
        return JSONResponse(bot, media_type=accept)

    def get_history(request: Request) -> Response:
        accept = _negotiate(request.headers.get("accept"), HISTORY_ACCEPT, "Accept")
        _negotiate(request.headers.get("accept-item"), HISTORY_ACCEPT_ITEM, "Accept-Item")
        agent_id = request.path_params["agent_id"]
        start = _int_param(request, "start", 0)
        limit = _int_param(request, "limit", DEFAULT_LIMIT)
        filter_text = request.query_params.get("filter")
        predicate = (
            _FilterParser(filter_text, HISTORY_FILTER_FIELDS).parse() if filter_text else None
        )
        with state.lock:
            bot_or_404(agent_id)
            items = [dict(item) for item in state.histories.get(agent_id, [])]
        if predicate is not None:
            items = [item for item in items if predicate(item)]
        base = f"/catalog/bots/{agent_id}/history"
        extra = {"filter": filter_text} if filter_text else {}
        links = _page_links(base, f"/catalog/bots/{agent_id}", start, limit, len(items), extra)
        body = _collection(
            items, start, limit, "history", HISTORY_MEDIA_TYPE.removesuffix("+json"), links
        )
        return JSONResponse(body, media_type=accept)

    async def grant_token(request: Request) -> Response:
        state._record(request)
        try:
            return await _grant(state, request)
        except SasSimError as error:
            return _error_response(error, request.url.path)

    return [
        Route("/catalog/bots", guarded(list_bots), methods=["GET"]),
        Route("/catalog/bots/{agent_id}", guarded(get_bot), methods=["GET"]),
        Route("/catalog/bots/{agent_id}/history", guarded(get_history), methods=["GET"]),
        Route("/SASLogon/oauth/token", grant_token, methods=["POST"]),
    ]


async def _grant(state: SasSimState, request: Request) -> Response:
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" not in content_type:
        raise SasSimError(
            415,
            "The token endpoint accepts application/x-www-form-urlencoded only.",
            details=[f"Content-Type: {content_type or '(none)'}"],
            remediation="Send the grant as a form.",
        )
    form = await request.form()
    if form.get("grant_type") != "client_credentials":
        raise SasSimError(
            400,
            "Only the client_credentials grant is supported.",
            details=[f"grant_type: {form.get('grant_type')}"],
            remediation="Use grant_type=client_credentials.",
        )
    client_id, client_secret = _basic_credentials(request.headers.get("authorization", ""))
    if client_id is None:
        client_id = str(form.get("client_id") or "")
        client_secret = str(form.get("client_secret") or "")
    issued = state.issue_token(client_id, client_secret or "")
    if issued is None:
        raise SasSimError(
            401,
            "Bad client credentials.",
            remediation="Check the OAuth client id and secret.",
        )
    body = {
        "access_token": issued,
        "token_type": "bearer",
        "expires_in": int(state.token_lifetime),
        "scope": "uaa.none",
        "jti": uuid.uuid4().hex,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret
