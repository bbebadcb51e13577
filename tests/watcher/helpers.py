"""Reading what the watcher sent to the fake Slack."""

from __future__ import annotations

import json
from typing import Any

from tests.support.fake_slack import FakeSlack, SlackCall, StoredMessage

ALERTS = "CALERTS"
OTHER = "COTHER"


def alert_key(message: StoredMessage) -> str | None:
    metadata = message.metadata or {}
    if metadata.get("event_type") != "accbot_alert":
        return None
    return metadata["event_payload"]["alert_key"]


def alerts_in(slack: FakeSlack, channel: str) -> list[StoredMessage]:
    """Alert (and digest) messages that exist in the channel, as people see them, oldest first."""
    return [m for m in slack.channel_messages(channel) if alert_key(m) and m.thread_ts is None]


def replies(slack: FakeSlack, channel: str, thread_ts: str) -> list[StoredMessage]:
    return [m for m in slack.channel_messages(channel) if m.thread_ts == thread_ts]


def notices(slack: FakeSlack, channel: str, words: str) -> list[StoredMessage]:
    return [
        m
        for m in slack.channel_messages(channel)
        if not m.metadata and m.thread_ts is None and words in (m.text or "")
    ]


def text_of(message: Any) -> str:
    if isinstance(message, SlackCall):
        params = message.params
        return (params.get("text") or "") + json.dumps(params.get("blocks") or [])
    return (message.text or "") + json.dumps(message.blocks or [])


def button_texts(message: Any) -> list[str]:
    blocks = message.params.get("blocks") if isinstance(message, SlackCall) else message.blocks
    return [
        element["text"]["text"]
        for block in blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]
