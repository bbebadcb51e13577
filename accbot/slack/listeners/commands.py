"""The /acc slash command: ack at once, do the work in the lazy pool.

Parsing is pure and fast, so a bad command or help is answered in the ack itself;
everything that talks to ACC happens after the ack, so a slow ACC never makes Slack
show a timeout. The parsed command goes to the pool as it is (see ``accbot.slack.lazy``
for why this is not a bolt ``lazy=`` listener).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from accbot.actions.context import Actor, Services
from accbot.actions.help import help_result
from accbot.commands.errors import CommandError
from accbot.commands.model import Help
from accbot.commands.parser import parse
from accbot.metrics import SLACK_REQUESTS
from accbot.slack.lazy import LazyPool
from accbot.slack.listeners.run import run_and_deliver
from accbot.slack.views import format as fmt
from accbot.slack.views.help import help_reply_text

logger = logging.getLogger("accbot.slack")


def register(app: App, services: Services, lazy: LazyPool) -> None:
    def on_command(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        SLACK_REQUESTS.labels(kind="command").inc()
        try:
            parsed = parse(command.get("text") or "")
        except CommandError as exc:
            ack(text=f":warning: {fmt.escape(exc)}")
            return
        if isinstance(parsed, Help):
            ack(text=full_help(parsed.topic, services))
            return
        ack()
        actor = Actor(
            user_id=command["user_id"],
            channel_id=command.get("channel_id"),
            name=command.get("user_name"),
        )
        lazy.submit(
            run_and_deliver,
            parsed,
            actor,
            services,
            client=client,
            respond=respond,
            trigger_id=command.get("trigger_id"),
        )

    app.command("/acc")(on_command)


def full_help(topic: str | None, services: Services) -> str:
    """Help is answered in the ack itself: no ACC call, nothing to wait for."""
    try:
        result = help_result(Help(topic), admins_configured=services.roles.admins_configured)
    except CommandError as exc:
        return f":warning: {fmt.escape(exc)}"
    return help_reply_text(result)
