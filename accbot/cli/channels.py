"""``#name`` on the command line: the channel's ID, asked of Slack with the bot token.

In Slack, picking ``#alerts`` from the autocomplete sends the channel's ID; a terminal
only has the name. ``accbot watch a/b #alerts`` (and ``unwatch``) looks the name up with
``conversations.list`` (public and private channels the bot can see, page after page
with Slack's cursors) before the command is parsed, so the grammar and the actions see
an ID exactly as from Slack. Without a bot token, or for a name Slack does not know, the
command stops with one clear sentence; an ID (``C…``) needs no lookup at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from accbot.commands.errors import CommandError
from accbot.config import Settings

# Slack channel names: lowercase letters, digits, hyphens, underscores and periods.
CHANNEL_NAME = re.compile(r"^#([^\s#<>@]{1,80})$")
# ``#C0123ABCD``: an ID with a '#' in front (names have no capitals), taken as the ID.
CHANNEL_ID = re.compile(r"^#([CGD][A-Z0-9]{6,})$")
COMMANDS_WITH_CHANNELS = frozenset({"watch", "unwatch"})
PAGE_SIZE = 200
MAX_PAGES = 100  # 20,000 channels: far more than a workspace the bot is in


class ChannelLookupFailed(Exception):
    """Slack did not answer the lookup (network, a token without the scope)."""


# name (without '#', lowercase) -> channel ID, or None when Slack knows no such channel
ChannelFinder = Callable[[str], str | None]


def resolve_channel_names(
    words: list[str], finder: Callable[[], ChannelFinder | None]
) -> list[str]:
    """The words with each ``#name`` of a watch / unwatch replaced by the channel's ID.

    ``finder`` makes the lookup (None without a bot token), only when a name is there to
    look up. Raises CommandError for a name that cannot be resolved, ChannelLookupFailed
    when Slack does not answer.
    """
    if not words or words[0].lower() not in COMMANDS_WITH_CHANNELS:
        return words
    resolved = [words[0]]
    found: list[ChannelFinder | None] = []
    for word in words[1:]:
        given_id = CHANNEL_ID.match(word)
        if given_id is not None:
            resolved.append(given_id.group(1))
            continue
        match = CHANNEL_NAME.match(word)
        if match is None:
            resolved.append(word)
            continue
        name = match.group(1).lower()
        if not found:
            found.append(finder())
        find = found[0]
        if find is None:
            raise CommandError(
                f"'{word}' is a channel name; looking it up needs SLACK_BOT_TOKEN. Set it, or "
                "give the channel's ID (C…, in Slack: the channel's details, at the bottom)."
            )
        channel_id = find(name)
        if channel_id is None:
            raise CommandError(
                f"Slack knows no channel named '#{name}' that accbot can see: check the "
                "spelling, or invite accbot to it (/invite @accbot) if it is private."
            )
        resolved.append(channel_id)
    return resolved


def slack_channel_finder(settings: Settings) -> ChannelFinder | None:
    """Looks names up with ``conversations.list``; None without a bot token."""
    if settings.SLACK_BOT_TOKEN is None:
        return None
    from slack_sdk.errors import SlackApiError, SlackClientError

    from accbot.cli.names import slack_client

    client = slack_client(settings)

    def find(name: str) -> str | None:
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            try:
                response = client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=PAGE_SIZE,
                    **({"cursor": cursor} if cursor else {}),
                )
            except SlackApiError as exc:
                error = exc.response.get("error") or exc.response.status_code
                raise ChannelLookupFailed(
                    f"Slack would not list its channels ({error}); give the channel's ID (C…)"
                ) from None
            except (SlackClientError, OSError) as exc:
                raise ChannelLookupFailed(
                    f"could not reach Slack to look the channel up ({type(exc).__name__});"
                    " give the channel's ID (C…)"
                ) from None
            for channel in response.get("channels") or []:
                names = {channel.get("name"), channel.get("name_normalized")}
                if name in {str(n).lower() for n in names if n}:
                    return str(channel["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    return find
