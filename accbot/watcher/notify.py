"""The watcher's Slack calls: post, reply in a thread, update, and find its own alerts.

Every alert message carries its alert key in Slack message metadata
(``event_type`` ``accbot_alert``), so that an alert left pending by a crash can be found
in the channel's recent history (``conversations.history`` with
``include_all_metadata``) instead of being posted twice.

The WebClient already waits out 429s (``Retry-After``) and retries 5xx and connection
errors a few times. What still fails comes out as :class:`SlackFailure`, which says
whether trying again later can help; the caller keeps the alert pending either way.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from accbot.slack.views.alerts import SlackMessage

logger = logging.getLogger("accbot.watcher")

ALERT_EVENT_TYPE = "accbot_alert"
HISTORY_PAGE_SIZE = 200
HISTORY_MAX_PAGES = 5
# Slack's clock and ours differ; look a little further back than the record's own time.
HISTORY_MARGIN = timedelta(hours=1)
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class SlackFailure(Exception):
    """A Slack call that failed after the client's own retries."""

    def __init__(self, method: str, error: str, *, transient: bool) -> None:
        super().__init__(f"{method} failed: {error}")
        self.method = method
        self.error = error
        self.transient = transient  # rate limits, 5xx, network: worth trying next cycle


def alert_metadata(key: str) -> dict[str, Any]:
    return {"event_type": ALERT_EVENT_TYPE, "event_payload": {"alert_key": key}}


class Notifier:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post_alert(self, channel: str, key: str, message: SlackMessage) -> str:
        """Post a top-level alert (or digest) carrying ``key``; returns its ts."""
        return self.post(channel, message, metadata=alert_metadata(key))

    def post(
        self,
        channel: str,
        message: SlackMessage,
        *,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        response = self._call(
            "chat.postMessage",
            self.client.chat_postMessage,
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    def reply(self, channel: str, thread_ts: str, message: SlackMessage) -> str:
        return self.post(channel, message, thread_ts=thread_ts)

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        self._call(
            "chat.update",
            self.client.chat_update,
            channel=channel,
            ts=ts,
            text=message.text,
            blocks=message.blocks,
        )

    def find_alerts(self, channel: str, since: datetime | None = None) -> dict[str, str]:
        """Alert keys found in the channel's recent top-level messages, with their ts."""
        found: dict[str, str] = {}
        cursor: str | None = None
        oldest = f"{(since - HISTORY_MARGIN).timestamp():.6f}" if since is not None else None
        for _ in range(HISTORY_MAX_PAGES):
            response = self._call(
                "conversations.history",
                self.client.conversations_history,
                channel=channel,
                include_all_metadata=True,
                limit=HISTORY_PAGE_SIZE,
                oldest=oldest,
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
    def _call(method: str, func, **kwargs: Any) -> Any:
        try:
            return func(**{k: v for k, v in kwargs.items() if v is not None})
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or status)
            transient = status == 429 or status >= 500 or error in TRANSIENT_ERRORS
            raise SlackFailure(method, error, transient=transient) from exc
        except (SlackClientError, OSError) as exc:  # connection refused, reset, timed out
            raise SlackFailure(method, type(exc).__name__, transient=True) from exc


def _alert_key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != ALERT_EVENT_TYPE:
        return None
    key = (metadata.get("event_payload") or {}).get("alert_key")
    return str(key) if key else None
