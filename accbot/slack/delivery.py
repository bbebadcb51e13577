"""Getting a Reply to people: ephemeral to the asker, announced in the channel, files.

Reads answer only the asker (``respond`` through the command's response_url, which
works even where the bot is not a member); mutations are announced with
chat.postMessage so the team sees who did what, falling back to an in-channel
``respond`` when the bot may not post there. Files go up with files_upload_v2.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accbot.actions.context import Actor
from accbot.slack.response_urls import usable
from accbot.slack.views import format as fmt
from accbot.slack.views.reply import Reply

logger = logging.getLogger("accbot.slack")

Respond = Callable[..., Any]

CHANNEL_POST_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


def deliver(reply: Reply, actor: Actor, *, client: WebClient, respond: Respond | None) -> None:
    blocks = reply.block_dicts()
    if reply.announce and actor.channel_id:
        _announce(reply, blocks, actor, client=client, respond=respond)
    else:
        tell(actor, reply.text, blocks=blocks, client=client, respond=respond)
    for upload in reply.uploads:
        _upload(upload, actor, client=client, respond=respond)


def tell(
    actor: Actor,
    text: str,
    *,
    client: WebClient,
    respond: Respond | None,
    blocks: list[dict] | None = None,
) -> None:
    """An ephemeral answer for the asker alone (through the response_url only when it
    is Slack's)."""
    respond = usable(respond, client)
    if respond is not None:
        try:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        except Exception:  # an expired or unreachable response_url: try the Web API
            logger.warning("response_url failed; falling back to chat.postEphemeral")
    if actor.channel_id:
        try:
            client.chat_postEphemeral(
                channel=actor.channel_id, user=actor.user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError as exc:
            logger.warning("chat.postEphemeral failed: %s", exc.response.get("error"))
    client.chat_postMessage(channel=actor.user_id, text=text, blocks=blocks)


def _announce(
    reply: Reply, blocks: list[dict], actor: Actor, *, client: WebClient, respond: Respond | None
) -> None:
    try:
        client.chat_postMessage(channel=actor.channel_id, text=reply.text, blocks=blocks)
        return
    except SlackApiError as exc:
        error = exc.response.get("error")
        respond = usable(respond, client)
        if error not in CHANNEL_POST_ERRORS or respond is None:
            raise
        logger.info(
            "cannot post in %s (%s); answering in channel via response_url", actor.channel_id, error
        )
    respond(text=reply.text, blocks=blocks, response_type="in_channel", replace_original=False)


def _upload(upload, actor: Actor, *, client: WebClient, respond: Respond | None) -> None:
    channel = actor.channel_id or actor.user_id
    try:
        client.files_upload_v2(
            channel=channel,
            content=upload.content,
            filename=upload.filename,
            title=upload.title,
        )
    except SlackApiError as exc:
        error = exc.response.get("error")
        logger.warning("files_upload_v2 failed: %s", error)
        tell(
            actor,
            f":paperclip: Could not upload `{fmt.escape(upload.filename)}` here ({fmt.escape(error)}). "
            "Invite accbot to this channel (`/invite @accbot`) and ask again.",
            client=client,
            respond=respond,
        )


def respond_by_web_api(actor: Actor, client: WebClient) -> Respond:
    """A form submission has no response_url: answers the asker would get through one
    go to them by the Web API instead (ephemeral in the channel, else a direct message)."""

    def respond(text: str, blocks: list[dict] | None = None, **_: Any) -> None:
        tell(actor, text, client=client, respond=None, blocks=blocks)

    return respond
