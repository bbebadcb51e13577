"""One HTTP layer under the ACC and SAS clients.

:class:`HttpBackend` sends one logical request and hands back a complete 2xx-or-error
answer. On the way it

* fills an endpoint template with checked ids (:mod:`accbot.backend.paths`), so the
  metrics hook and the logs see one label per endpoint (``GET api/run/{id}``), never
  one per run, and no id can change the endpoint called;
* retries what :class:`~accbot.backend.retry.RetryPolicy` allows (reads after a 5xx,
  a timeout or a broken connection; anything else only when no connection was made);
* reads every answer as a stream with a byte limit, so a hostile or broken server
  cannot make the bot hold more than the caller allows (success bodies raise
  :class:`ResponseTooLarge` over the limit; error bodies are cut short);
* maps transport failures to :class:`BackendTimeout` / :class:`BackendUnreachable`,
  with the server's own words passed through the secret scrubber.

What an error *status* means is left to each client (ACC and SAS word it differently);
:meth:`HttpBackend.clean` gives both the same trimmed, scrubbed server text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx

from accbot.backend.errors import BackendTimeout, BackendUnreachable, ResponseTooLarge
from accbot.backend.paths import expand
from accbot.backend.retry import RetryPolicy
from accbot.backend.secrets import SCRUBBER, Scrubber, redact_url

RequestHook = Callable[[str, str, "int | None", float], None]
"""``on_request(method, endpoint label, status or None, seconds)``, once per attempt."""

MiB = 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 16 * MiB  # any JSON answer is far smaller
MAX_ERROR_BODY_BYTES = 64 * 1024  # an error body is only ever quoted, trimmed
MAX_DETAIL_CHARS = 300
# Sent with every request: zips and JSON gain little from gzip, and an identity body's
# size is the size the byte limit counts, with no decompression ahead of the count.
IDENTITY_ENCODING = {"Accept-Encoding": "identity"}
_KEPT_EXTENSIONS = ("http_version", "reason_phrase")
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class HttpBackend:
    """One backend's connection pool, retry policy, byte limit, scrubber and metrics hook."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        logger: logging.Logger,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        scrubber: Scrubber | None = None,
        on_request: RequestHook | None = None,
        sleep: Callable[[float], None] | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.logger = logger
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.scrubber = scrubber or SCRUBBER
        self.on_request = on_request
        self._sleep = sleep
        self.max_body_bytes = max_body_bytes
        self.http = httpx.Client(
            base_url=base_url,
            headers={**IDENTITY_ENCODING, **(headers or {})},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    @property
    def shown_url(self) -> str:
        """The base URL as it may be shown: any ``user:password@`` masked."""
        return redact_url(self.base_url)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HttpBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ sending

    def request(
        self,
        method: str,
        template: str,
        *,
        ids: Mapping[str, Any] | None = None,
        url: str | httpx.URL | None = None,
        what: str = "id",
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        files: list[Any] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        max_bytes: int | None = None,
        extra_secrets: Iterable[str | None] = (),
    ) -> httpx.Response:
        """Send ``method template`` (or ``url``, labelled by ``template``), retrying as allowed.

        Returns the final answer, read in full (success) or cut short (error). Raises
        ``InvalidId`` before sending anything when an id cannot be a path segment,
        ``ResponseTooLarge`` when a success body is over ``max_bytes``, and
        ``BackendTimeout`` / ``BackendUnreachable`` when no answer came.
        """
        target = (
            url
            if url is not None
            else expand(template, backend=self.name, what=what, **(ids or {}))
        )
        label = f"{method} {template}"
        limit = self.max_body_bytes if max_bytes is None else max_bytes
        attempt = 0
        while True:
            request = self.http.build_request(
                method,
                target,
                params=params,
                json=json,
                content=content,
                files=files,
                data=data,
                headers=headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
            started = time.monotonic()
            try:
                response = self.http.send(
                    request,
                    stream=True,
                    auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                )
                try:
                    if self.retry.after_status(method, response.status_code, attempt):
                        self._observe(label, request, response.status_code, started)
                        attempt = self._wait(attempt, label, str(response.status_code))
                        continue
                    body = self._read(response, limit, label)
                finally:
                    response.close()
                    _unlink(response)
            except httpx.TransportError as exc:
                self._observe(label, request, None, started)
                if self.retry.after_transport_error(method, exc, attempt):
                    attempt = self._wait(attempt, label, type(exc).__name__)
                    continue
                raise self._transport_error(exc, label, extra_secrets) from exc
            self._observe(label, request, response.status_code, started)
            return _complete(response, body)

    def _read(self, response: httpx.Response, limit: int, label: str) -> bytes:
        """The body, at most ``limit`` bytes of a success and MAX_ERROR_BODY_BYTES of an error."""
        if not response.is_success:
            return _read_capped(response, MAX_ERROR_BODY_BYTES, truncate=True)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(label, limit, int(declared))
        body = _read_capped(response, limit, truncate=False)
        if body is None:
            raise self._too_large(label, limit, None)
        return body

    def _too_large(self, label: str, limit: int, size: int | None) -> ResponseTooLarge:
        said = f" ({size:,} bytes)" if size is not None else ""
        self.logger.warning(
            "%s %s answer is over %s bytes%s; not read", self.name, label, f"{limit:,}", said
        )
        return ResponseTooLarge(
            f"{self.name}'s answer to {label} is larger than {_size(limit)}{said}",
            limit=limit,
            backend=self.name,
        )

    def _wait(self, attempt: int, label: str, reason: str) -> int:
        delay = self.retry.delay(attempt)
        self.logger.warning(
            "%s %s failed (%s); retry %d of %d in %.2fs",
            self.name,
            label,
            reason,
            attempt + 1,
            self.retry.retries,
            delay,
        )
        if delay > 0:
            (self._sleep or time.sleep)(delay)
        return attempt + 1

    def _observe(
        self, label: str, request: httpx.Request, status: int | None, started: float
    ) -> None:
        elapsed = time.monotonic() - started
        method = request.method
        if self.logger.isEnabledFor(logging.DEBUG):  # the URL is not taken apart for nothing
            # the path only: a query may hold user-typed filter text
            self.logger.debug(
                "%s %s %s -> %s in %.3fs",
                self.name,
                method,
                request.url.path,
                status or "no answer",
                elapsed,
            )
        if self.on_request is None:
            return
        try:
            self.on_request(method, label, status, elapsed)
        except Exception:  # a broken metrics hook must not break backend calls
            self.logger.exception("%s on_request hook failed for %s", self.name, label)

    def _transport_error(
        self, exc: httpx.TransportError, label: str, extra_secrets: Iterable[str | None]
    ) -> Exception:
        kind = type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            self.logger.warning("%s %s timed out (%s)", self.name, label, kind)
            return BackendTimeout(
                f"{self.name} did not answer {label} in time ({kind})", backend=self.name
            )
        reason = self.scrub(str(exc), extra_secrets) or kind
        self.logger.warning("%s %s unreachable: %s", self.name, label, reason)
        return BackendUnreachable(
            f"{self.name} is unreachable at {self.shown_url} ({reason})", backend=self.name
        )

    # ------------------------------------------------------------------ text

    def scrub(self, text: str, extra_secrets: Iterable[str | None] = ()) -> str:
        """``text`` with every configured secret, and ``extra_secrets``, masked."""
        for secret in extra_secrets:
            if secret:
                text = text.replace(secret, "***")
        return self.scrubber.scrub(text)

    def clean(
        self, text: Any, extra_secrets: Iterable[str | None] = (), limit: int = MAX_DETAIL_CHARS
    ) -> str | None:
        """Server text fit to quote: whitespace collapsed, secrets masked, trimmed."""
        if text is None:
            return None
        cleaned = self.scrub(" ".join(str(text).split()), extra_secrets)
        if not cleaned:
            return None
        if len(cleaned) > limit:
            cleaned = cleaned[: limit - 1].rstrip() + "…"
        return cleaned


def _read_capped(response: httpx.Response, limit: int, *, truncate: bool) -> bytes | None:
    """Up to ``limit`` bytes; past it, the cut body (``truncate``) or None. Never more."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if size + len(chunk) > limit:
            if not truncate:
                return None
            chunks.append(chunk[: limit - size])
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _unlink(response: httpx.Response) -> None:
    """Break the cycle between a closed streamed response and its stream.

    httpx's stream points back at its response, so without this every request leaves
    some forty objects that only the cyclic garbage collector can free: at a thousand
    requests a second that is a collection every few milliseconds, each one a pause for
    every thread. With it, reference counting frees them as soon as the request is done.
    """
    response.stream = httpx.ByteStream(b"")


def _complete(response: httpx.Response, body: bytes) -> httpx.Response:
    """A finished response holding ``body`` (already decoded) with the original status."""
    headers = [
        (k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED_HEADERS
    ]
    extensions = {k: v for k, v in response.extensions.items() if k in _KEPT_EXTENSIONS}
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=extensions,
    )


def _size(limit: int) -> str:
    return f"{limit / MiB:g} MiB" if limit >= MiB else f"{limit:,} bytes"
