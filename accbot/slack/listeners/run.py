"""Run a command for a Slack user and deliver the outcome: shared by /acc and buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accbot.actions import confirmations
from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import execute
from accbot.actions.results import ConfirmationRequired, OpenModal, Result
from accbot.metrics import ERRORS
from accbot.slack.delivery import Respond, tell
from accbot.slack.results import MODAL_OPENERS, deliver_result
from accbot.slack.views import format as fmt
from accbot.slack.views.errors import explain

logger = logging.getLogger("accbot.slack")


def run_and_deliver(
    command: Any,
    actor: Actor,
    services: Services,
    *,
    client: WebClient,
    respond: Respond | None,
    confirmed: bool = False,
    trigger_id: str | None = None,
) -> Result | None:
    """Execute, render, deliver; any failure becomes a clear ephemeral message.

    A result that asks for a modal is opened with ``trigger_id`` (valid for 3 seconds
    after the click or command) instead of being posted; one that asks for a Confirm
    click is first held on the server, so the button carries only its id.
    """

    def progress(result: Result) -> None:
        deliver_result(result, actor, services, client=client, respond=respond)

    try:
        result = execute(command, actor, services, confirmed=confirmed, progress=progress)
        if isinstance(result, ConfirmationRequired):
            result = confirmations.hold(services, actor, result)
        if isinstance(result, OpenModal):
            open_modal(result, actor, client=client, respond=respond, trigger_id=trigger_id)
        else:
            deliver_result(result, actor, services, client=client, respond=respond)
        return result
    except Exception as exc:  # every failure is told to the asker, none escapes
        ERRORS.labels(kind=type(exc).__name__).inc()
        try:
            tell(actor, explain(exc), client=client, respond=respond)
        except Exception:
            logger.exception("could not tell %s about a failure", actor.user_id)
        return None


def open_modal(
    result: OpenModal,
    actor: Actor,
    *,
    client: WebClient,
    respond: Respond | None,
    trigger_id: str | None,
) -> None:
    opener = MODAL_OPENERS.get(result.kind)
    if opener is None or not trigger_id:
        tell(
            actor,
            ":warning: That needs a Slack form: type the command in Slack to open it.",
            client=client,
            respond=respond,
        )
        return
    try:
        opener(result, actor, client, trigger_id)
    except SlackApiError as exc:
        error = exc.response.get("error")
        logger.warning("views.open failed: %s", error)
        tell(
            actor,
            f":warning: Slack would not open the form ({fmt.escape(error)}). Please run the command again.",
            client=client,
            respond=respond,
        )
