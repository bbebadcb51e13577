r"""Endpoint templates filled with ids that stay one path segment each.

Each endpoint is called through a template (``"api/run/{id}/log"``): the template is the
metrics label and the log name, whatever the id. An id is percent-encoded into its
segment, and one that could still change the endpoint is refused before anything is
sent: ``..`` and ``.`` are resolved away by URL normalisation (``api/job/schedule/..``
becomes ``api/job``), an empty id joins two segments, and ``/ \ ? # %`` would start a
new segment (IIS reads a backslash as a slash), a query, a fragment or an escape of the
server's own decoding.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from accbot.backend.errors import InvalidId

FORBIDDEN_CHARACTERS = frozenset("/?#%\\")


def check_segment(value: Any, *, what: str = "id", backend: str = "ACC") -> str:
    """``value`` as a string if it can be one path segment; otherwise ``InvalidId``."""
    text = str(value)
    if (
        not text.strip()
        or text.strip() in (".", "..")
        or any(c in FORBIDDEN_CHARACTERS for c in text)
        or any(ord(c) < 32 or ord(c) == 127 for c in text)
    ):
        raise InvalidId(text, what=what, backend=backend)
    return text


def is_valid_segment(value: Any) -> bool:
    """True when :func:`check_segment` would accept ``value`` (for callers that branch)."""
    try:
        check_segment(value)
    except InvalidId:
        return False
    return True


def expand(template: str, *, backend: str = "ACC", what: str = "id", **ids: Any) -> str:
    """``template`` with each ``{name}`` replaced by its checked, percent-encoded id."""
    return template.format(
        **{
            name: quote(check_segment(value, what=what, backend=backend), safe="")
            for name, value in ids.items()
        }
    )
