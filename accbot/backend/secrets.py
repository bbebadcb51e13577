"""One scrubber for every secret accbot is configured with.

ACC and SAS sometimes echo what they were sent: a server key quoted in an error body, a
token in a proxy's error page, a ``user:password@`` in a connection error. Everything a
server says passes through :meth:`Scrubber.scrub` before it becomes part of an error
message, and the logging filter (``accbot.logging_setup``) runs every log line through
the same scrubber, so a secret is caught wherever it surfaces.

``SCRUBBER`` is the process's scrubber: ``accbot.runtime`` feeds it every secret in the
settings (``Settings.secret_values``) and both clients feed it their own credentials, so
the filter knows what the clients know. Besides exact values it masks what looks like a
secret whatever its value: Slack tokens, ``Bearer …`` credentials and the password part
of ``scheme://user:password@host`` URLs.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

MASK = "***"
# Values shorter than this are not treated as secrets: masking "abc" in every log line
# would garble ordinary words, and no real token, key or password is that short.
MIN_SECRET_CHARS = 6

_TOKEN_SHAPES = re.compile(r"\b(?:xox[abposre]|xapp)-[0-9A-Za-z-]+")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s'\",;]+")
# scheme://user:password@  (the password may hold ':' but never '@', '/' or whitespace)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:)[^/\s@]+@")


class _Secret(Protocol):
    def get_secret_value(self) -> str: ...


def reveal(value: str | _Secret | None) -> str | None:
    """A plain string from a ``str`` or a pydantic ``SecretStr`` (None stays None)."""
    if value is None:
        return None
    if hasattr(value, "get_secret_value"):
        return value.get_secret_value()
    return str(value)


def url_password(url: str | None) -> str | None:
    """The password of ``scheme://user:password@host/…``, or None when there is none."""
    if not url:
        return None
    try:
        password = urlsplit(url).password
    except ValueError:  # a malformed port and such: the pattern still masks it
        return None
    return password or None


def redact_url(url: str) -> str:
    """The URL with any password replaced by the mask; fit for messages and logs."""
    return _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + "@", url)


class Scrubber:
    """Replaces every known secret, and every secret-shaped string, with ``***``.

    Thread-safe: secrets are added while requests are being served; readers see either
    the old or the new tuple, never a half-built one.
    """

    def __init__(self, secrets: Iterable[str | _Secret | None] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self.add(*secrets)

    def add(self, *secrets: str | _Secret | None) -> None:
        """Remember more secrets (too short or empty ones are ignored)."""
        found: set[str] = set()
        for secret in secrets:
            value = reveal(secret)
            if not value or len(value.strip()) < MIN_SECRET_CHARS:
                continue
            # as configured, and as it appears once percent-encoded or decoded in a URL
            for form in (value, quote(value, safe=""), unquote(value)):
                if len(form) >= MIN_SECRET_CHARS:
                    found.add(form)
        if not found:
            return
        with self._lock:
            merged = set(self._secrets) | found
            # longest first, so a secret that contains another is masked whole
            self._secrets = tuple(sorted(merged, key=len, reverse=True))

    def add_url(self, url: str | None) -> None:
        """Remember the password of a URL such as DATABASE_URL, if it has one."""
        self.add(url_password(url))

    def scrub(self, text: str) -> str:
        """``text`` with every secret masked."""
        if not text:
            return text
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _TOKEN_SHAPES.sub(MASK, text)
        text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
        return redact_url(text)

    __call__ = scrub


SCRUBBER = Scrubber()
"""The process's scrubber: fed from the settings at startup and by each client."""
