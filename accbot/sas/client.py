"""SAS Viya Information Catalog client: agents ("bots") and their run history.

Authentication is either a fixed bearer token (``SAS_TOKEN``) or the OAuth
client-credentials grant at ``/SASLogon/oauth/token`` (``SAS_CLIENT_ID`` /
``SAS_CLIENT_SECRET``). A granted token is cached and replaced shortly before it
expires; a 401 with a granted token triggers exactly one new grant and one retry.

Requests go through the HTTP layer the ACC client uses too
(:class:`accbot.backend.transport.HttpBackend`): the same retry policy (reads after a
5xx, a timeout or a broken connection; the token grant only when no connection was
made), the same byte limits, id checks (``sas:..`` never becomes ``/catalog/history``)
and metrics labels (``GET /catalog/bots/{id}/history``). Every failure surfaces as the
shared error tree in ``accbot.backend.errors`` with ``backend="SAS"``. Tokens and secrets
live only in private attributes, the ``Authorization`` header and the secret scrubber;
they never reach a message, a log line or a repr.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from accbot.backend.errors import (
    BackendResponseError,
    BadRequest,
    InvalidResponse,
    Unauthorized,
    status_error,
)
from accbot.backend.retry import DEFAULT_BACKOFF_SECONDS, DEFAULT_RETRIES, RetryPolicy
from accbot.backend.secrets import Scrubber, reveal
from accbot.backend.transport import HttpBackend, RequestHook
from accbot.sas.models import Bot, BotHistoryItem, HistoryPage, Link

logger = logging.getLogger(__name__)

BACKEND = "SAS"
OAUTH_GRANT_PATH = "/SASLogon/oauth/token"
BOTS_TEMPLATE = "/catalog/bots"
BOT_TEMPLATE = "/catalog/bots/{id}"
HISTORY_TEMPLATE = "/catalog/bots/{id}/history"
COLLECTION_MEDIA_TYPE = "application/vnd.sas.collection+json"
HISTORY_ITEM_MEDIA_TYPE = "application/vnd.sas.metadata.bot.history+json"
BOT_MEDIA_TYPE = "application/vnd.sas.metadata.bot+json"

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DEFAULT_PAGE_SIZE = 10  # the document's default ``limit``
DEFAULT_BOTS_PAGE_SIZE = 100
# Replace a granted token this long before SAS says it expires (at most a tenth of its life).
TOKEN_REFRESH_MARGIN_SECONDS = 60.0
MAX_ERROR_TEXT = 300

_STATUS_WORDING = {
    400: "SAS refused the request as malformed",
    401: "SAS did not accept accbot's credentials",
    403: "SAS does not allow accbot's user to do this",
    406: "SAS cannot answer in the requested representation (Accept header)",
    415: "SAS does not accept the request's content type",
}


class SasClient:
    """Synchronous client for the SAS catalog agent endpoints; safe to share across threads."""

    def __init__(
        self,
        base_url: str,
        *,
        token: Any = None,
        client_id: str | None = None,
        client_secret: Any = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retries: int = DEFAULT_RETRIES,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_request: RequestHook | None = None,
        scrubber: Scrubber | None = None,
    ) -> None:
        """``token`` and ``client_secret`` may be plain strings or pydantic ``SecretStr``."""
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ValueError("SAS base URL must start with http:// or https://")
        self._static_token = reveal(token)
        self._client_id = client_id
        self._client_secret = reveal(client_secret)
        if self._static_token is None and not (self._client_id and self._client_secret):
            raise ValueError("SAS needs either a token or both a client id and a client secret")
        if self._static_token is not None and (self._client_id or self._client_secret):
            raise ValueError("give SAS either a token or client credentials, not both")
        self.base_url = base_url.rstrip("/")
        self._origin = httpx.URL(self.base_url)
        self._clock = clock
        self._token_lock = threading.Lock()
        self._granted_token: str | None = None
        self._granted_expires_at = 0.0
        self._backend = HttpBackend(
            BACKEND,
            self.base_url,
            logger=logger,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            transport=transport,
            retry=RetryPolicy(retries, backoff_seconds),
            scrubber=scrubber,
            on_request=on_request,
            sleep=sleep,
        )
        self._backend.scrubber.add(self._static_token, self._client_secret)

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> SasClient:
        """Build from ``accbot.config.Settings`` (``SAS_BASE_URL`` and token or credentials)."""
        if not settings.SAS_BASE_URL:
            raise ValueError("SAS_BASE_URL is not set")
        if settings.SAS_TOKEN is not None:
            return cls(settings.SAS_BASE_URL, token=settings.SAS_TOKEN, **kwargs)
        return cls(
            settings.SAS_BASE_URL,
            client_id=settings.SAS_CLIENT_ID,
            client_secret=settings.SAS_CLIENT_SECRET,
            **kwargs,
        )

    def __repr__(self) -> str:
        mode = "token" if self._static_token is not None else f"client {self._client_id!r}"
        return f"SasClient({self._backend.shown_url!r}, auth={mode})"

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy in use (the same as ACC's); tests may drop its waiting."""
        return self._backend.retry

    @property
    def on_request(self) -> RequestHook | None:
        return self._backend.on_request

    @on_request.setter
    def on_request(self, hook: RequestHook | None) -> None:
        self._backend.on_request = hook

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> SasClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- endpoints

    def get_history(
        self,
        agent_id: str,
        *,
        filter: str | None = None,
        start: int = 0,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> HistoryPage:
        """One page of an agent's run history, newest first."""
        if start < 0 or limit < 1:
            raise ValueError("start must be >= 0 and limit >= 1")
        params: dict[str, Any] = {"start": start, "limit": limit}
        if filter:
            params["filter"] = filter
        data = self._get_json(
            HISTORY_TEMPLATE,
            ids={"id": _agent_id(agent_id)},
            params=params,
            headers=self._history_headers(),
            what=f"SAS agent {agent_id}",
        )
        return self._parse(_history_page(agent_id), data, "agent history")

    def iter_history(
        self,
        agent_id: str,
        *,
        filter: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> Iterator[BotHistoryItem]:
        """Runs newest first, following ``next`` links until ``max_items`` or the end."""
        if max_items is not None and max_items <= 0:
            return
        page = self.get_history(agent_id, filter=filter, start=0, limit=page_size)
        seen_hrefs: set[str] = set()
        produced = 0
        while True:
            for item in page.items:
                yield item
                produced += 1
                if max_items is not None and produced >= max_items:
                    return
            href = page.next_href
            # An empty page or a link seen before would otherwise loop forever.
            if not href or not page.items or href in seen_hrefs:
                return
            seen_hrefs.add(href)
            data = self._get_json(
                HISTORY_TEMPLATE,
                url=self._follow(href),
                headers=self._history_headers(),
                what=f"SAS agent {agent_id}",
            )
            page = self._parse(_history_page(agent_id), data, "agent history")

    def recent_history(
        self, agent_id: str, count: int, *, filter: str | None = None
    ) -> list[BotHistoryItem]:
        """The ``count`` most recent runs (fewer if the agent has fewer)."""
        if count <= 0:
            return []
        return list(self.iter_history(agent_id, filter=filter, page_size=count, max_items=count))

    def list_bots(self) -> list[Bot]:
        """Every catalog agent, following ``next`` links."""
        headers = {"Accept": COLLECTION_MEDIA_TYPE}
        data = self._get_json(
            BOTS_TEMPLATE,
            params={"start": 0, "limit": DEFAULT_BOTS_PAGE_SIZE},
            headers=headers,
            what="SAS catalog agents",
        )
        bots: list[Bot] = []
        seen_hrefs: set[str] = set()
        while True:
            page_bots, next_href = self._parse(_bots_page, data, "agent list")
            bots.extend(page_bots)
            if not next_href or not page_bots or next_href in seen_hrefs:
                return bots
            seen_hrefs.add(next_href)
            data = self._get_json(
                BOTS_TEMPLATE,
                url=self._follow(next_href),
                headers=headers,
                what="SAS catalog agents",
            )

    def get_bot(self, agent_id: str) -> Bot:
        data = self._get_json(
            BOT_TEMPLATE,
            ids={"id": _agent_id(agent_id)},
            headers={"Accept": f"{BOT_MEDIA_TYPE}, application/json"},
            what=f"SAS agent {agent_id}",
        )
        return self._parse(Bot.from_json, data, "agent")

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _history_headers() -> dict[str, str]:
        return {"Accept": COLLECTION_MEDIA_TYPE, "Accept-Item": HISTORY_ITEM_MEDIA_TYPE}

    def _follow(self, href: str) -> httpx.URL:
        """Resolve a ``links`` href; refuse one that leaves the SAS server (it gets our token)."""
        url = self._origin.join(href)
        if (url.scheme, url.host, url.port) != (
            self._origin.scheme,
            self._origin.host,
            self._origin.port,
        ):
            raise InvalidResponse(
                "SAS returned a paging link to another server; not following it",
                backend=BACKEND,
            )
        return url

    def _parse(self, parse: Callable[[Any], Any], data: Any, what: str) -> Any:
        try:
            return parse(data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidResponse(
                f"SAS returned an {what} response accbot cannot read: {exc}", backend=BACKEND
            ) from exc

    def _get_json(
        self,
        template: str,
        *,
        ids: dict[str, str] | None = None,
        url: httpx.URL | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str],
        what: str,
    ) -> Any:
        response = self._send_authenticated(
            "GET", template, ids=ids, url=url, params=params, headers=headers
        )
        if response.status_code >= 400:
            raise self._error_for(response, what)
        try:
            return response.json()
        except ValueError as exc:
            raise InvalidResponse(
                f"SAS answered {response.status_code} without a JSON body", backend=BACKEND
            ) from exc

    def _send_authenticated(
        self,
        method: str,
        template: str,
        *,
        ids: dict[str, str] | None,
        url: httpx.URL | None,
        params: dict[str, Any] | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        token = self._current_token()
        response = self._send(method, template, ids, url, params, headers, token)
        if response.status_code == 401 and self._static_token is None:
            # A granted token may have been revoked or expired early: one new grant, one retry.
            logger.info("SAS answered 401; requesting a new access token once")
            token = self._current_token(rejected=token)
            response = self._send(method, template, ids, url, params, headers, token)
        return response

    def _send(
        self,
        method: str,
        template: str,
        ids: dict[str, str] | None,
        url: httpx.URL | None,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        token: str,
    ) -> httpx.Response:
        return self._backend.request(
            method,
            template,
            ids=ids,
            url=url,
            what="SAS agent ID",
            params=params,
            headers={**headers, "Authorization": f"Bearer {token}"},
            extra_secrets=(self._granted_token,),
        )

    # ----------------------------------------------------------------- tokens

    def _current_token(self, rejected: str | None = None) -> str:
        """The token to send; grants a new one when none is cached, it is due, or was rejected."""
        if self._static_token is not None:
            return self._static_token
        with self._token_lock:
            cached = self._granted_token
            due = self._clock() >= self._granted_expires_at
            # Another thread may already have replaced the rejected token: use the new one.
            if cached is not None and not due and cached != rejected:
                return cached
            return self._grant_token()

    def _grant_token(self) -> str:
        assert self._client_id is not None and self._client_secret is not None
        response = self._backend.request(
            "POST",
            OAUTH_GRANT_PATH,
            headers={"Accept": "application/json"},
            data={"grant_type": "client_credentials"},
            auth=(self._client_id, self._client_secret),
        )
        if response.status_code >= 400:
            error = self._error_for(response, "SAS token endpoint")
            if isinstance(error, Unauthorized | BadRequest):
                raise Unauthorized(
                    f"SAS refused the OAuth client credentials for client {self._client_id!r}"
                    f" (HTTP {response.status_code}); check SAS_CLIENT_ID and SAS_CLIENT_SECRET"
                    + (f": {error.detail}" if error.detail else ""),
                    status_code=401,
                    backend=BACKEND,
                    detail=error.detail,
                    remediation=error.remediation,
                    error_code=error.error_code,
                ) from None
            raise error
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidResponse(
                "SAS token endpoint answered without an access_token", backend=BACKEND
            ) from exc
        if not isinstance(token, str) or not token:
            raise InvalidResponse("SAS token endpoint answered an empty token", backend=BACKEND)
        margin = min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 10)
        self._granted_token = token
        self._granted_expires_at = self._clock() + max(0.0, lifetime - margin)
        logger.info("SAS granted an access token for %.0f s", lifetime)
        return token

    # ----------------------------------------------------------------- errors

    def _error_for(self, response: httpx.Response, what: str) -> BackendResponseError:
        status = response.status_code
        message, detail, remediation, error_code = self._error_body(response)
        if status == 404:
            head = f"{what} was not found"  # SAS's own message follows
        elif status == 401 and self._static_token is not None:
            head = "SAS did not accept the access token (SAS_TOKEN); it may have expired"
        elif status == 401:
            head = (
                "SAS did not accept accbot's access token even after a new one was granted"
                f" for client {self._client_id!r}"
            )
        elif status >= 500:
            head = "SAS failed to answer"
        else:
            head = _STATUS_WORDING.get(status, "SAS refused the request")
        text = f"{head} (HTTP {status})"
        if message:
            text += f": {message}"
        return status_error(
            status,
            text,
            backend=BACKEND,
            what=what,
            detail=detail,
            remediation=remediation,
            error_code=error_code,
        )

    def _error_body(
        self, response: httpx.Response
    ) -> tuple[str | None, str | None, str | None, int | None]:
        """message, detail, remediation and errorCode from a SAS (or OAuth) error body."""
        body: Any = None
        if "json" in response.headers.get("content-type", ""):
            try:
                body = response.json()
            except ValueError:
                body = None
        if not isinstance(body, dict):
            text = response.text.strip() if response.content else ""
            return (self._clean(text) or None), None, None, None
        message = body.get("message") or body.get("error_description") or body.get("error")
        details = body.get("details")
        if isinstance(details, list):
            detail = "; ".join(str(d) for d in details if d) or None
        elif details:
            detail = str(details)
        else:
            detail = None
        remediation = body.get("remediation") or None
        error_code = body.get("errorCode")
        if isinstance(error_code, bool) or not isinstance(error_code, int):
            error_code = None
        return (
            self._clean(message),
            self._clean(detail),
            self._clean(remediation),
            error_code,
        )

    def _clean(self, text: Any) -> str | None:
        """Shorten server text and blank out our secrets should the server echo them."""
        if text is None or text == "":
            return None
        return self._backend.clean(text, (self._granted_token,), limit=MAX_ERROR_TEXT)


def _bots_page(data: Any) -> tuple[list[Bot], str | None]:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError("expected a collection with 'items'")
    links = [Link.from_json(link) for link in data.get("links") or []]
    next_href = next((link.href for link in links if link.rel == "next"), None)
    return [Bot.from_json(item) for item in data["items"]], next_href


def _agent_id(agent_id: str) -> str:
    """The id as typed, without surrounding blanks (blank and ``..`` are refused later)."""
    return str(agent_id).strip()


def _history_page(agent_id: str) -> Callable[[Any], HistoryPage]:
    """Parses one page of ``agent_id``'s history; its items learn whose they are."""
    return lambda data: HistoryPage.from_json(data, agent_id=agent_id)
