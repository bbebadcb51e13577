"""Modal submissions: the inputs upload and CSV forms, the start form and the approval
decision form."""

from __future__ import annotations

from slack_bolt import App

from accbot.actions.context import Services
from accbot.slack.listeners import approvals, csv_inputs, inputs_modal, start_form


def register(app: App, services: Services) -> None:
    inputs_modal.register(app, services)
    approvals.register(app, services)
    start_form.register(app, services)
    csv_inputs.register(app, services)
