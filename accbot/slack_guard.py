"""What a request to ``/slack/events`` must pass before anything parses it.

Slack's body is read only up to MAX_BODY_BYTES (the declared Content-Length is checked
first, and a chunked body is cut off at the limit), its signature is verified over the
raw bytes, and only then is it decoded. bolt verifies the signature again; this guard
exists because bolt's adapter reads and decodes the whole body first, so an unsigned
400 MB POST cost the process gigabytes and a non-UTF-8 body or a timestamp such as
``abc`` ended in a 500.

Refusals carry a status and a short reason for the log; the body and the headers are
never logged, so a forged request cannot write lines of its choosing there.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; see DESIGN.md, Security
MAX_AGE_SECONDS = 5 * 60  # Slack's own rule: older requests may be replays

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_LENGTH = re.compile(r"[0-9]{1,19}")


class Refusal(Exception):
    """The request is answered with ``status`` and goes no further; ``reason`` is for
    the log and the response, and never holds anything the request carried."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


def check_length(headers: Mapping[str, str], limit: int = MAX_BODY_BYTES) -> None:
    """Refuse a declared body over ``limit`` before a byte of it is read."""
    declared = headers.get("content-length")
    if declared is None:
        return
    if not _LENGTH.fullmatch(declared.strip()):
        raise Refusal(400, "malformed Content-Length")
    if int(declared) > limit:
        raise Refusal(413, "body over the size limit")


def check_signature_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """The (timestamp, signature) headers, well formed, or a refusal: missing is 401
    like any unsigned request, malformed is 400."""
    timestamp = headers.get(TIMESTAMP_HEADER)
    signature = headers.get(SIGNATURE_HEADER)
    if timestamp is None or signature is None:
        raise Refusal(401, "unsigned request")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Refusal(400, "malformed timestamp header")
    if not _SIGNATURE.fullmatch(signature):
        raise Refusal(400, "malformed signature header")
    return timestamp, signature


async def read_capped(chunks: AsyncIterator[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read chunk by chunk and abandoned once it passes ``limit``."""
    parts: list[bytes] = []
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise Refusal(413, "body over the size limit")
        parts.append(chunk)
    return b"".join(parts)


def verify(
    secret: str,
    timestamp: str,
    signature: str,
    body: bytes,
    *,
    now: Callable[[], float] = time.time,
) -> str:
    """Check the HMAC over the raw bytes and the request's age; return the decoded body."""
    if abs(now() - int(timestamp)) > MAX_AGE_SECONDS:
        raise Refusal(401, "stale timestamp")
    if not hmac.compare_digest(signature_of(secret, timestamp, body), signature):
        raise Refusal(401, "bad signature")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "body is not UTF-8") from None


def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's ``v0=`` signature over the raw bytes. slack-sdk's SignatureVerifier
    decodes the body first, which fails (with a 500) on a body that is not UTF-8."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
