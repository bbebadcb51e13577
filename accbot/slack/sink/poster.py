"""The Slack calls the watcher's sink makes, with an alert's key in message metadata.

Every keyed message (an alert, a digest, each reply of a digest) carries its key in
Slack message metadata (``event_type`` ``accbot_alert``), so that a record left pending
by a crash can be found in the channel's recent history, or in the digest's thread
(``conversations.history`` / ``conversations.replies`` with ``include_all_metadata``),
instead of being posted twice.

The client used here retries connection errors and 5xx a few times but never waits out
a 429 itself: a rate limit comes out as ``RateLimited`` with Slack's Retry-After, so the
publisher holds back that one channel instead of a thread waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)

from accbot.slack.views.alerts import SlackMessage
from accbot.watcher.sink import RateLimited, SinkError

logger = logging.getLogger("accbot.watcher")

ALERT_EVENT_TYPE = "accbot_alert"
HISTORY_PAGE_SIZE = 200
HISTORY_MAX_PAGES = 5
# Slack's clock and ours differ; look a little further back than the record's own time.
HISTORY_MARGIN = timedelta(hours=1)
DEFAULT_RETRY_AFTER = 1.0  # a 429 without Retry-After
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class SlackFailure(SinkError):
    """A Slack call that failed after the client's own retries."""

    def __init__(self, method: str, error: str, *, transient: bool) -> None:
        super().__init__(f"{method} failed: {error}", transient=transient)
        self.method = method
        self.error = error


class SlackRateLimited(RateLimited):
    def __init__(self, method: str, retry_after: float) -> None:
        super().__init__(f"{method} failed: ratelimited", retry_after)
        self.method = method


def alert_metadata(key: str) -> dict[str, Any]:
    return {"event_type": ALERT_EVENT_TYPE, "event_payload": {"alert_key": key}}


def unpaced_client(client: WebClient) -> WebClient:
    """A client like ``client`` (token, base URL) that leaves 429s to the caller."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class Poster:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(
        self,
        channel: str,
        message: SlackMessage,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        """Post (in ``thread_ts`` if given, carrying ``key`` if given); returns its ts."""
        response = self._call(
            "chat.postMessage",
            self.client.chat_postMessage,
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            metadata=alert_metadata(key) if key else None,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        self._call(
            "chat.update",
            self.client.chat_update,
            channel=channel,
            ts=ts,
            text=message.text,
            blocks=message.blocks,
        )

    def find_keys(
        self, channel: str, since: datetime | None = None, thread: str | None = None
    ) -> dict[str, str]:
        """Keys found in the channel's recent top-level messages (or in ``thread``), with
        their ts."""
        found: dict[str, str] = {}
        cursor: str | None = None
        oldest = f"{(since - HISTORY_MARGIN).timestamp():.6f}" if since is not None else None
        for _ in range(HISTORY_MAX_PAGES):
            if thread is None:
                response = self._call(
                    "conversations.history",
                    self.client.conversations_history,
                    channel=channel,
                    include_all_metadata=True,
                    limit=HISTORY_PAGE_SIZE,
                    oldest=oldest,
                    cursor=cursor,
                )
            else:
                response = self._call(
                    "conversations.replies",
                    self.client.conversations_replies,
                    channel=channel,
                    ts=thread,
                    include_all_metadata=True,
                    limit=HISTORY_PAGE_SIZE,
                    cursor=cursor,
                )
            for message in response.get("messages") or []:
                key = _alert_key_of(message)
                if key is not None and key not in found:
                    found[key] = str(message.get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                break
        return found

    @staticmethod
    def _call(method: str, func: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return func(**{k: v for k, v in kwargs.items() if v is not None})
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429:
                raise SlackRateLimited(method, _retry_after(exc)) from exc
            error = str(exc.response.get("error") or status)
            transient = status >= 500 or error in TRANSIENT_ERRORS
            raise SlackFailure(method, error, transient=transient) from exc
        except (SlackClientError, OSError) as exc:  # connection refused, reset, timed out
            raise SlackFailure(method, type(exc).__name__, transient=True) from exc


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


def _alert_key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != ALERT_EVENT_TYPE:
        return None
    key = (metadata.get("event_payload") or {}).get("alert_key")
    return str(key) if key else None
