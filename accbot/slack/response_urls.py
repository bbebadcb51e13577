"""A ``response_url`` is used only when it is Slack's own.

A request's ``response_url`` is where bolt's ``respond()`` posts the answer, which may
hold run data, logs or a Confirm button. Only ``https://hooks.slack.com/`` is Slack's
(and, for a proxy or a test double, the origin of SLACK_API_URL); any other address is
ignored and the answer goes by chat.postEphemeral instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient

SLACK_HOOKS_HOST = "hooks.slack.com"


def is_slacks(url: str | None, api_url: str) -> bool:
    if not url:
        return False
    try:
        parts, api = urlsplit(url), urlsplit(api_url)
        port, api_port = parts.port, api.port
    except ValueError:  # a malformed port
        return False
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https" and host == SLACK_HOOKS_HOST and port in (None, 443):
        return True
    return (parts.scheme, host, port) == (api.scheme, (api.hostname or "").lower(), api_port)


def usable(respond: Any, client: WebClient) -> Any:
    """``respond`` when it may be called, else None (answer by the Web API instead).

    bolt's Respond carries the request's ``response_url`` (None when the request had
    none); a plain callable of accbot's own, such as a form's reply-by-Web-API, is
    always usable.
    """
    if respond is None:
        return None
    if not hasattr(respond, "response_url"):
        return respond
    return respond if is_slacks(respond.response_url, client.base_url) else None
