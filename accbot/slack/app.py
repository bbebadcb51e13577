"""Build the bolt App: one WebClient on SLACK_API_URL with retries, and the listeners."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from accbot.actions.context import Services
from accbot.config import Settings
from accbot.slack.lazy import LazyPool
from accbot.slack.listeners import register

logger = logging.getLogger("accbot.slack")

RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 2
LAZY_WORKERS = 32  # concurrent lazy listeners; they mostly wait on ACC or Slack

# bolt's loggers are configured from this one (level included). At INFO, bolt logs the
# whole body of every badly signed request, so anyone could write lines into accbot's
# log; its warnings and errors (a listener that raised) still come through.
BOLT_LOGGER = logging.getLogger("accbot.bolt")
BOLT_LOGGER.setLevel(logging.WARNING)


def build_web_client(settings: Settings) -> WebClient:
    """slack-sdk reads no environment for its base URL; SLACK_API_URL is passed here."""
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    base_url = settings.SLACK_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token,
        base_url=base_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


def build_bolt_app(services: Services, client: WebClient | None = None) -> App:
    settings = services.settings
    client = client or build_web_client(settings)
    secret = (
        settings.SLACK_SIGNING_SECRET.get_secret_value() if settings.SLACK_SIGNING_SECRET else ""
    )
    # One pool for all lazy work: bolt's lazy listeners and what listeners hand to LazyPool.
    lazy_pool = ThreadPoolExecutor(max_workers=LAZY_WORKERS, thread_name_prefix="accbot-lazy")
    app = App(
        client=client,
        signing_secret=secret,
        logger=BOLT_LOGGER,
        # auth.test runs on the first request instead of at import, so a slow Slack
        # never blocks start-up and tests can build many apps.
        token_verification_enabled=False,
        # Ack functions run in the request's own thread and answer at once; only the
        # lazy work goes to the pool. Otherwise acks queue behind lazy work that waits
        # on a slow ACC, and Slack's 3-second deadline is missed under load.
        process_before_response=True,
        listener_executor=lazy_pool,
    )
    register(app, services, LazyPool(lazy_pool))
    return app
