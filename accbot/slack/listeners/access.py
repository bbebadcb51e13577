"""The first check on every command, click, form and event: is this person served?

A global bolt middleware, so it runs before any listener (and so before anything can
reach ACC or SAS). The refusal is one ephemeral sentence: in the slash command's own
answer, else by chat.postEphemeral (a direct message when there is no channel).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accbot.actions.access import NotServed, Requester, admit
from accbot.actions.context import Actor, Services
from accbot.slack.delivery import tell
from accbot.slack.directory import SlackDirectory
from accbot.slack.views.errors import explain

logger = logging.getLogger("accbot.slack")

LOOKUP_FAILED = (
    ":warning: accbot could not check your account with Slack just now, so nothing was "
    "done. Please try again in a minute."
)


def register(app: App, services: Services, directory: SlackDirectory | None = None) -> None:
    directory = directory or SlackDirectory(app.client)
    configured = frozenset(services.settings.ACCBOT_ALLOWED_TEAMS)

    def admit_request(
        body: dict[str, Any], context: BoltContext, client: WebClient, next: Callable[[], Any]
    ) -> Any:
        user_id = context.user_id
        if not user_id:
            return next()
        try:
            person = directory.person(user_id)
            allowed = configured or directory.home()
        except SlackApiError as exc:
            logger.warning("could not check %s with Slack: %s", user_id, exc.response.get("error"))
            return _refuse(body, context, client, LOOKUP_FAILED)
        teams = {context.team_id, (body.get("user") or {}).get("team_id"), person.team_id}
        requester = Requester(
            user_id=user_id,
            teams=frozenset(t for t in teams if t),
            enterprise_id=person.enterprise_id or context.enterprise_id,
            guest=person.guest,
        )
        attempted, arguments = describe(body)
        try:
            admit(services, requester, allowed, attempted=attempted, arguments=arguments)
        except NotServed as exc:
            return _refuse(body, context, client, explain(exc))
        return next()

    app.middleware(admit_request)


def describe(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What was attempted, for the audit table."""
    if body.get("command"):
        return str(body["command"]), {"text": str(body.get("text") or "")[:500]}
    kind = str(body.get("type") or "request")
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return "button", {"action_id": str(actions[0].get("action_id") or "")}
    if kind in ("view_submission", "view_closed"):
        return "form", {"callback_id": str((body.get("view") or {}).get("callback_id") or "")}
    if kind == "event_callback":
        return "event", {"type": str((body.get("event") or {}).get("type") or "")}
    return kind, {}


def _refuse(
    body: dict[str, Any], context: BoltContext, client: WebClient, text: str
) -> BoltResponse:
    if body.get("command"):
        answer = {"response_type": "ephemeral", "text": text}
        return BoltResponse(
            status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
        )
    if body.get("type") in ("block_actions", "view_submission"):
        actor = Actor(user_id=context.user_id or "", channel_id=context.channel_id)
        try:
            tell(actor, text, client=client, respond=None)
        except SlackApiError as exc:
            logger.warning(
                "could not tell %s they are not served: %s",
                actor.user_id,
                exc.response.get("error"),
            )
    return BoltResponse(status=200, body="")
