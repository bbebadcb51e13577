"""Run the bot: migrate, build services and the Slack app, start the watcher, serve.

Socket Mode when SLACK_APP_TOKEN is set (development), otherwise HTTP on PORT with
uvicorn (production). SIGTERM stops the transport, then the watcher, then the clients.
"""

from __future__ import annotations

import logging
import signal
import threading

import uvicorn

from accbot.config import Settings
from accbot.http import build_asgi
from accbot.runtime import build_services, close_services
from accbot.slack.app import build_bolt_app, build_web_client
from accbot.watcher.service import WatcherService

logger = logging.getLogger("accbot")


def serve(settings: Settings) -> int:
    client = build_web_client(settings)
    services = build_services(
        settings,
        group_members=lambda group: client.usergroups_users_list(usergroup=group)["users"],
    )
    services.db.migrate()
    if not services.roles.admins_configured:
        logger.warning(
            "No admins configured (ACCBOT_ADMINS): mutations that need an admin are disabled, "
            "and unset roles are held by nobody."
        )
    bolt_app = build_bolt_app(services, client)
    watcher = start_watcher(services, client)
    try:
        if settings.socket_mode:
            serve_socket_mode(bolt_app, settings)
        else:
            serve_http(bolt_app, services, settings, watcher)
    finally:
        watcher.stop()
        close_services(services)
    return 0


def start_watcher(services, client) -> WatcherService:
    watcher = WatcherService(services, client)
    watcher.start()
    return watcher


def serve_http(bolt_app, services, settings: Settings, watcher=None) -> None:
    asgi = build_asgi(bolt_app, services, watcher.snapshot if watcher is not None else None)
    config = uvicorn.Config(
        asgi, host="0.0.0.0", port=settings.PORT, log_level="info", access_log=False  # noqa: S104
    )
    logger.info("accbot serving Slack on http://0.0.0.0:%s/slack/events", settings.PORT)
    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the
    # handler that was installed before it; this one lets serve() close the watcher and
    # clients and exit 0 instead of dying by the signal.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda sig, frame: logger.info("signal %s: stopped", sig))
    uvicorn.Server(config).run()


def serve_socket_mode(bolt_app, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(bolt_app, settings.SLACK_APP_TOKEN.get_secret_value())
    stop = threading.Event()

    def shutdown(signum, frame) -> None:
        logger.info("signal %s: closing the Socket Mode connection", signum)
        stop.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    handler.connect()
    logger.info("accbot connected to Slack in Socket Mode")
    stop.wait()
    handler.close()
