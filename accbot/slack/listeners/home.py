"""App Home: the dashboard, drawn when the tab is opened (and again after a decision
taken from it)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from accbot.actions.context import Services
from accbot.actions.home import home_summary
from accbot.metrics import SLACK_REQUESTS
from accbot.slack.views.home import home_view

logger = logging.getLogger("accbot.slack")


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        SLACK_REQUESTS.labels(kind="event").inc()
        if event.get("tab") not in (None, "home"):
            return
        publish_home(client, services, event["user"])


def publish_home(client: WebClient, services: Services, user_id: str) -> None:
    """Draw ``user_id``'s Home tab from what is stored now; a failure is only logged."""
    try:
        client.views_publish(user_id=user_id, view=home_view(home_summary(services, user_id)))
    except Exception:
        logger.exception("could not publish the App Home for %s", user_id)
