"""Register every bolt listener; each callback lives in its own small module."""

from __future__ import annotations

from slack_bolt import App

from accbot.actions.context import Services
from accbot.slack.lazy import LazyPool
from accbot.slack.listeners import access, buttons, commands, home, modals


def register(app: App, services: Services, lazy: LazyPool) -> None:
    access.register(app, services)  # first: nobody unserved reaches a listener
    commands.register(app, services, lazy)
    buttons.register(app, services)
    modals.register(app, services)
    home.register(app, services)
