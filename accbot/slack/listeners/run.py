"""Run a command for a Slack user and deliver the outcome: shared by /acc and buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import execute
from accbot.actions.results import Result
from accbot.metrics import ERRORS
from accbot.slack.delivery import Respond, deliver, tell
from accbot.slack.views.errors import explain
from accbot.slack.views.render import render

logger = logging.getLogger("accbot.slack")


def run_and_deliver(
    command: Any,
    actor: Actor,
    services: Services,
    *,
    client: WebClient,
    respond: Respond | None,
    confirmed: bool = False,
) -> Result | None:
    """Execute, render, deliver; any failure becomes a clear ephemeral message."""

    def progress(result: Result) -> None:
        deliver(render(result, actor), actor, client=client, respond=respond)

    try:
        result = execute(command, actor, services, confirmed=confirmed, progress=progress)
        deliver(render(result, actor), actor, client=client, respond=respond)
        return result
    except Exception as exc:  # every failure is told to the asker, none escapes
        ERRORS.labels(kind=type(exc).__name__).inc()
        try:
            tell(actor, explain(exc), client=client, respond=respond)
        except Exception:
            logger.exception("could not tell %s about a failure", actor.user_id)
        return None
