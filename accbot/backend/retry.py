"""Which requests may be sent again, and how long to wait before each new try.

Reads (GET, HEAD) are repeated after a 5xx, a timeout or a broken connection: asking
twice changes nothing. Anything else (a start, a restart, a delete, a token grant) is
repeated only when the connection itself was never made (``httpx.ConnectError`` or a
connect timeout), which proves the server never saw it: a start must never be sent
twice. ACC and SAS follow the same policy.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

SAFE_METHODS = frozenset({"GET", "HEAD"})
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_SECONDS = 0.5  # before the first retry; doubled for each further one


def is_safe(method: str) -> bool:
    return method.upper() in SAFE_METHODS


def never_connected(exc: httpx.TransportError) -> bool:
    """The request cannot have reached the server: no connection was ever made."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)


@dataclass
class RetryPolicy:
    """How often and how patiently to try again; mutable so tests can drop the waiting."""

    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF_SECONDS

    def __post_init__(self) -> None:
        self.retries = max(0, int(self.retries))
        self.backoff = max(0.0, float(self.backoff))

    def after_transport_error(self, method: str, exc: httpx.TransportError, attempt: int) -> bool:
        """Try again after ``exc`` on try number ``attempt`` (0 for the first)?"""
        if attempt >= self.retries:
            return False
        return is_safe(method) or never_connected(exc)

    def after_status(self, method: str, status: int, attempt: int) -> bool:
        """Try again after an answer with ``status``? Only a read after a 5xx."""
        return attempt < self.retries and status >= 500 and is_safe(method)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before try number ``attempt + 1``."""
        return self.backoff * (2**attempt)
