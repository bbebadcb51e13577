"""App Home: what accbot is watching, recent activity, and how to start."""

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
    def publish_home(event: dict[str, Any], client: WebClient) -> None:
        SLACK_REQUESTS.labels(kind="event").inc()
        if event.get("tab") not in (None, "home"):
            return
        try:
            view = home_view(home_summary(services, event["user"]))
            client.views_publish(user_id=event["user"], view=view)
        except Exception:
            logger.exception("could not publish the App Home for %s", event.get("user"))
