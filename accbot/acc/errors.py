"""The backend error tree, under the name ACC callers have always imported it by.

The tree itself lives in :mod:`accbot.backend.errors` (SAS shares it); this module
re-exports it so ``from accbot.acc.errors import NotFound`` keeps working.
"""

from accbot.backend.errors import (
    AccError,
    BackendError,
    BackendResponseError,
    BackendTimeout,
    BackendUnavailable,
    BackendUnreachable,
    BadRequest,
    Forbidden,
    InvalidId,
    InvalidResponse,
    NotFound,
    ResponseTooLarge,
    ServerError,
    Unauthorized,
)

__all__ = [
    "AccError",
    "BackendError",
    "BackendResponseError",
    "BackendTimeout",
    "BackendUnavailable",
    "BackendUnreachable",
    "BadRequest",
    "Forbidden",
    "InvalidId",
    "InvalidResponse",
    "NotFound",
    "ResponseTooLarge",
    "ServerError",
    "Unauthorized",
]
