"""Getting approval results to Slack: a new request's card is posted to its channel,
and a decision changes the cards it settled in place.

An approval card is not an answer to the asker alone: it lives in the approval
channel, is remembered (``card_posted``) and is updated once decided, so these results
need more than ``delivery.deliver``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accbot.actions.approvals.ask import card_not_posted, card_posted
from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision
from accbot.actions.context import Actor, Services
from accbot.slack.delivery import deliver, tell
from accbot.slack.views import approvals as views
from accbot.slack.views.render import render

logger = logging.getLogger("accbot.slack")


def post_card(
    card: ApprovalCard, actor: Actor, services: Services, *, client: WebClient, respond: Any
) -> None:
    """A new request: the card goes to its channel; the requester gets a link to it."""
    request = card.request
    reply = render(card, actor)
    try:
        posted = client.chat_postMessage(
            channel=request.channel_id, text=reply.text, blocks=reply.block_dicts()
        )
    except SlackApiError as exc:
        error = exc.response.get("error")
        logger.warning("could not post approval request %s: %s", request.id, error)
        card_not_posted(services, request.id, f"Slack would not post the card ({error})")
        tell(
            actor, views.not_posted_text(request.channel_id, error), client=client, respond=respond
        )
        return
    channel, ts = posted.get("channel") or request.channel_id, posted["ts"]
    card_posted(services, request.id, channel, ts)
    tell(
        actor,
        views.sent_text(card, channel, _permalink(client, channel, ts)),
        client=client,
        respond=respond,
    )


def settle_cards(
    decision: ApprovalDecision,
    actor: Actor,
    services: Services,
    *,
    client: WebClient,
    respond: Any,
) -> None:
    """ACC took the decision: each settled card changes in place and its requester is
    mentioned in its thread; a decision typed or made on ``/acc agent`` is also announced."""
    for card in decision.cards:
        update_card(card, decision, actor, client=client)
    if not decision.from_card:
        deliver(render(decision, actor), actor, client=client, respond=respond)


def update_card(
    card: ApprovalCard, decision: ApprovalDecision, actor: Actor, *, client: WebClient
) -> None:
    request = card.request
    if not request.message_ts:
        return
    reply = render(card, actor)
    try:
        client.chat_update(
            channel=request.channel_id,
            ts=request.message_ts,
            text=reply.text,
            blocks=reply.block_dicts(),
        )
    except SlackApiError as exc:
        logger.warning(
            "could not update approval card %s: %s", request.id, exc.response.get("error")
        )
    try:
        client.chat_postMessage(
            channel=request.channel_id,
            thread_ts=request.message_ts,
            text=views.thread_reply_text(decision, request),
        )
    except SlackApiError as exc:
        logger.warning(
            "could not reply under approval card %s: %s", request.id, exc.response.get("error")
        )


def _permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError as exc:
        logger.info("no permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
        return None
