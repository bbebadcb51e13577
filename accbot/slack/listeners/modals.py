"""Modal submissions: the inputs upload form and the approval decision form."""

from __future__ import annotations

from slack_bolt import App

from accbot.actions.context import Services
from accbot.slack.listeners import approvals, inputs_modal


def register(app: App, services: Services) -> None:
    inputs_modal.register(app, services)
    approvals.register(app, services)
