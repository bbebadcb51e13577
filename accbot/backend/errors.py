"""Errors raised by the ACC and SAS clients.

The whole tree, so that callers catch exactly what they can handle:

    BackendError                       anything that went wrong talking to ACC or SAS
    ├── InvalidId (ValueError too)     an id that would change the URL called; nothing sent
    ├── ResponseTooLarge               the answer is over the byte limit; reading stopped
    ├── BackendUnavailable             no usable answer: the server could not be asked
    │   ├── BackendUnreachable         connection refused, DNS, TLS, reset
    │   └── BackendTimeout             connected, but no answer within the timeout
    ├── InvalidResponse                a 2xx whose body is not what the API documents
    └── BackendResponseError           the server answered with an error status
        ├── Unauthorized (401)         the token is wrong or expired
        ├── Forbidden (403)            the token may not do this
        ├── NotFound (404)             carries what was not found (LookupError too)
        ├── BadRequest (400, 406, 415, other 4xx)
        └── ServerError (5xx)

Lower-level httpx errors are mapped at the client boundary with ``raise X from exc``.
Messages are built from what the error carries and never from request headers, and
whatever the server said is passed through the secret scrubber first
(:mod:`accbot.backend.secrets`), so a token or server key cannot leak into a message, a
log line or Slack.
"""

from __future__ import annotations


class BackendError(Exception):
    """Base class: something went wrong talking to a backend (ACC or SAS)."""

    def __init__(self, message: str, *, backend: str = "ACC") -> None:
        super().__init__(message)
        self.message = message
        self.backend = backend

    def __str__(self) -> str:
        return self.message


class InvalidId(BackendError, ValueError):
    r"""An id that cannot be one path segment (empty, ``.``, ``..``, or holding ``/\?#%``).

    Sent as it is, such an id changes which endpoint is called (``DELETE api/job/schedule/..``
    is ``DELETE api/job``), so the request is refused before anything is sent.
    """

    def __init__(self, value: str, *, what: str = "id", backend: str = "ACC") -> None:
        shown = value if len(value) <= 60 else value[:59] + "…"
        super().__init__(
            f"{shown!r} is not a valid {what}: it cannot be empty, '.' or '..', "
            "nor contain '/', '\\', '?', '#', '%' or control characters",
            backend=backend,
        )
        self.value = value
        self.what = what


class ResponseTooLarge(BackendError):
    """The answer was longer than the caller's byte limit; the rest was never read."""

    def __init__(self, message: str, *, limit: int, backend: str = "ACC") -> None:
        super().__init__(message, backend=backend)
        self.limit = limit


class BackendUnavailable(BackendError):
    """The backend could not be asked at all; worth retrying later."""


class BackendUnreachable(BackendUnavailable):
    """Connection refused, name not resolved, TLS failure, connection reset."""


class BackendTimeout(BackendUnavailable):
    """The backend did not answer within the configured timeout."""


class InvalidResponse(BackendError):
    """A success status with a body that does not parse as the documented shape."""


class BackendResponseError(BackendError):
    """The backend answered with an error status code."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        backend: str = "ACC",
        detail: str | None = None,
        remediation: str | None = None,
        error_code: int | None = None,
    ) -> None:
        super().__init__(message, backend=backend)
        self.status_code = status_code
        self.detail = detail
        self.remediation = remediation
        self.error_code = error_code


class Unauthorized(BackendResponseError):
    """401: the access token is wrong, expired or missing."""


class Forbidden(BackendResponseError):
    """403: the token's user may not do this."""


class NotFound(BackendResponseError, LookupError):
    """404: carries ``what`` (e.g. "agent sequentum/Test2/quick") was not found."""

    def __init__(self, message: str, *, what: str, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.what = what


class BadRequest(BackendResponseError):
    """400 and other 4xx: the request was refused as malformed or unacceptable."""


class ServerError(BackendResponseError):
    """5xx: the backend failed; safe reads are retried before this is raised."""


# ACC's own name for the tree's root, for callers that only speak to ACC.
AccError = BackendError


def status_error(
    status: int,
    message: str,
    *,
    backend: str,
    what: str,
    detail: str | None = None,
    remediation: str | None = None,
    error_code: int | None = None,
) -> BackendResponseError:
    """The error class a status code stands for, built with one message for every backend."""
    common = {
        "status_code": status,
        "backend": backend,
        "detail": detail,
        "remediation": remediation,
        "error_code": error_code,
    }
    if status == 401:
        return Unauthorized(message, **common)
    if status == 403:
        return Forbidden(message, **common)
    if status == 404:
        return NotFound(message, what=what, **common)
    if 400 <= status < 500:
        return BadRequest(message, **common)
    if status >= 500:
        return ServerError(message, **common)
    return BackendResponseError(message, **common)
