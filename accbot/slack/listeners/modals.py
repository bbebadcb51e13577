"""Modal submissions (inputs upload, approval decisions) are registered here."""

from __future__ import annotations

from slack_bolt import App

from accbot.actions.context import Services


def register(app: App, services: Services) -> None:
    """Modal flows register themselves from their own modules when present."""
    import importlib
    import importlib.util

    for module in ("accbot.slack.listeners.inputs_modal", "accbot.slack.listeners.approvals"):
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).register(app, services)
