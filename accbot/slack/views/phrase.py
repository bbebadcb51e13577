"""A Phrase as Slack mrkdwn: the one place where an action's words meet Slack markup.

Text parts are escaped whoever wrote them, code values are escaped inside their
backticks, and a mention is built only from something shaped like a Slack id: a value
that is not (``cli:alice``) is shown as escaped text, never as markup.
"""

from __future__ import annotations

import re

from accbot.actions.phrases import ChannelRef, Code, Heading, Moment, Part, Phrase, UserRef
from accbot.slack.views import format as fmt

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


def mrkdwn(phrase: Phrase) -> str:
    return "".join(_part(part) for part in phrase.parts)


def user(user_id: str) -> str:
    """``<@U…>`` or ``<!subteam^S…>`` for a Slack id; anything else as escaped text."""
    if USER_ID.match(user_id):
        return f"<@{user_id}>"
    if GROUP_ID.match(user_id):
        return f"<!subteam^{user_id}>"
    return fmt.escape(user_id)


def channel(channel_id: str) -> str:
    return f"<#{channel_id}>" if CHANNEL_ID.match(channel_id) else "#" + fmt.escape(channel_id)


def code(text: str) -> str:
    """An inline code span; a backtick inside would end it early, so it becomes a quote."""
    return "`" + fmt.escape(text.replace("`", "'")) + "`"


def _part(part: Part) -> str:
    if isinstance(part, str):
        return fmt.escape(part)
    if isinstance(part, Code):
        return code(part.text)
    if isinstance(part, UserRef):
        return user(part.id)
    if isinstance(part, ChannelRef):
        return channel(part.id)
    if isinstance(part, Heading):
        return f"*{fmt.escape(part.text)}*"
    if isinstance(part, Moment):
        return fmt.when(part.at)
    raise TypeError(f"not a phrase part: {part!r}")
