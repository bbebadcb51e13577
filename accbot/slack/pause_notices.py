"""Slack's side of the pause keeper: reminders and "turned back on" messages go to the
channel where the pause was made (else ACCBOT_ALERT_CHANNEL)."""

from __future__ import annotations

from slack_sdk import WebClient

from accbot.actions.results import PauseEnded, PauseView
from accbot.slack.views.pauses import ended_message, reminder_message
from accbot.slack.views.reply import Reply


class SlackPauseSink:
    def __init__(self, client: WebClient, fallback_channel: str | None = None) -> None:
        self.client = client
        self.fallback_channel = fallback_channel

    def reminder(self, pause: PauseView) -> None:
        self._post(pause, reminder_message(pause))

    def ended(self, result: PauseEnded) -> None:
        self._post(result.pause, ended_message(result))

    def _post(self, pause: PauseView, reply: Reply) -> None:
        channel = pause.channel_id or self.fallback_channel
        if not channel:
            return  # made from the terminal with no alert channel: nobody to tell
        self.client.chat_postMessage(
            channel=channel, text=reply.text, blocks=reply.block_dicts(), unfurl_links=False
        )
