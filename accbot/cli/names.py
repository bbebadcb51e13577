"""Names for the Slack ids a terminal would otherwise show raw (``U…``, ``C…``).

With a bot token configured the CLI asks Slack (``users.info``, ``conversations.info``,
at ``SLACK_API_URL``) once per id; without one, or when Slack does not answer, an id
is shown as it is: a name is a nicety, never a reason for a command to fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from accbot.config import Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

SLACK_ID = re.compile(r"^[UWCGDS][A-Z0-9]{2,}$")
LOOKUP_TIMEOUT_SECONDS = 5

Lookup = Callable[[str], str | None]


class Names:
    def __init__(self, user: Lookup | None = None, channel: Lookup | None = None) -> None:
        self._lookups = {"user": user, "channel": channel}
        self._cache: dict[tuple[str, str], str | None] = {}

    def user(self, user_id: str) -> str:
        """``@alice`` for a Slack user the CLI could name; ``cli:bob`` and unknown ids as is."""
        name = self._name("user", user_id)
        return f"@{name}" if name else user_id

    def channel(self, channel_id: str) -> str:
        return "#" + (self._name("channel", channel_id) or channel_id)

    def _name(self, kind: str, slack_id: str) -> str | None:
        lookup = self._lookups[kind]
        if lookup is None or not SLACK_ID.match(slack_id):
            return None
        key = (kind, slack_id)
        if key not in self._cache:
            try:
                self._cache[key] = lookup(slack_id)
            except Exception:  # an unreachable or unwilling Slack leaves the id as it is
                self._cache[key] = None
        return self._cache[key]


def slack_client(settings: Settings) -> WebClient:
    """A Web API client at SLACK_API_URL with the bot token (which must be set)."""
    from slack_sdk import WebClient

    assert settings.SLACK_BOT_TOKEN is not None
    base_url = (
        settings.SLACK_API_URL
        if settings.SLACK_API_URL.endswith("/")
        else settings.SLACK_API_URL + "/"
    )
    return WebClient(
        token=settings.SLACK_BOT_TOKEN.get_secret_value(),
        base_url=base_url,
        timeout=LOOKUP_TIMEOUT_SECONDS,
    )


def slack_names(settings: Settings) -> Names:
    """Names looked up with the bot token, or none at all without one."""
    if settings.SLACK_BOT_TOKEN is None:
        return Names()
    client = slack_client(settings)

    def user(user_id: str) -> str | None:
        if user_id.startswith("S"):
            return None  # a user group: usergroups.list would be needed; the id will do
        found = client.users_info(user=user_id).get("user") or {}
        profile = found.get("profile") or {}
        return profile.get("display_name") or found.get("name") or profile.get("real_name")

    def channel(channel_id: str) -> str | None:
        found = client.conversations_info(channel=channel_id).get("channel") or {}
        return found.get("name")

    return Names(user=user, channel=channel)
