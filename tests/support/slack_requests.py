"""Signed requests exactly as Slack sends them: form bodies, timestamps, signatures."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier


class SlackSender:
    """Posts signed slash commands and interactions to the bot's /slack/events."""

    def __init__(self, events_url: str, signing_secret: str, response_url: str) -> None:
        self.events_url = events_url
        self.signer = SignatureVerifier(signing_secret)
        self.response_url = response_url
        self.http = httpx.Client(timeout=10.0)

    def close(self) -> None:
        self.http.close()

    def signed_headers(
        self, body: str, *, timestamp: int | None = None, content_type: str
    ) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.signer.generate_signature(timestamp=ts, body=body),
        }

    def post_form(self, fields: dict[str, str], **header_options: Any) -> httpx.Response:
        body = urlencode(fields)
        headers = self.signed_headers(
            body, content_type="application/x-www-form-urlencoded", **header_options
        )
        return self.http.post(self.events_url, content=body, headers=headers)

    def command(
        self,
        text: str,
        *,
        user: str = "UVIEWER",
        channel: str = "CCHANNEL",
        team: str = "T0TEST",
        response_url: str | None = None,
        **header_options: Any,
    ) -> httpx.Response:
        form = self.command_form(
            text, user=user, channel=channel, team=team, response_url=response_url
        )
        return self.post_form(form, **header_options)

    def command_form(
        self,
        text: str,
        *,
        user: str = "UVIEWER",
        channel: str = "CCHANNEL",
        team: str = "T0TEST",
        response_url: str | None = None,
    ) -> dict[str, str]:
        """The form fields of an ``/acc`` slash command, as Slack posts them."""
        return {
            "token": "legacy-verification-token",
            "team_id": team,
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "ops",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/acc",
            "text": text,
            "api_app_id": "A0ACCBOT",
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "UVIEWER",
        channel: str = "CCHANNEL",
        message_ts: str = "1700000000.000100",
        block_id: str = "b1",
        team: str = "T0TEST",
        response_url: str | None = None,
    ) -> httpx.Response:
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "example"},
            "user": {"id": user, "username": user.lower(), "team_id": team},
            "api_app_id": "A0ACCBOT",
            "token": "legacy-verification-token",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "channel": {"id": channel, "name": "ops"},
            "message": {"type": "message", "ts": message_ts, "text": "", "blocks": []},
            "response_url": response_url or self.response_url,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "text": {"type": "plain_text", "text": "button"},
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.post_form({"payload": json.dumps(payload)})

    def event(self, event: dict[str, Any]) -> httpx.Response:
        """An Events API delivery (JSON body), e.g. app_home_opened."""
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": "T0TEST",
                "api_app_id": "A0ACCBOT",
                "event": event,
                "type": "event_callback",
                "event_id": f"Ev{int(time.time() * 1000)}",
                "event_time": int(time.time()),
            }
        )
        headers = self.signed_headers(body, content_type="application/json")
        return self.http.post(self.events_url, content=body, headers=headers)

    def view_submission(
        self,
        callback_id: str,
        values: dict,
        *,
        user: str = "UVIEWER",
        private_metadata: str = "",
        team: str = "T0TEST",
    ) -> httpx.Response:
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "example"},
            "user": {"id": user, "username": user.lower(), "team_id": team},
            "api_app_id": "A0ACCBOT",
            "token": "legacy-verification-token",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "view": {
                "id": "V0VIEW",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
                "hash": "156772938.1827394",
            },
        }
        return self.post_form({"payload": json.dumps(payload)})
