"""Run the bot: migrate, build services and the Slack app, start the watcher, serve.

Socket Mode when SLACK_APP_TOKEN is set (development), otherwise HTTP on PORT with
uvicorn (production). SIGTERM stops the transport, then the watcher, then the clients.
"""

from __future__ import annotations

import errno
import logging
import signal
import socket
import threading

import uvicorn
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from accbot.config import Settings
from accbot.http import build_asgi
from accbot.runtime import build_services, close_services, settle_heap
from accbot.slack.app import build_bolt_app, build_web_client
from accbot.slack.sink import SlackSink
from accbot.store.db import DatabaseUnavailable
from accbot.watcher.service import WatcherService

logger = logging.getLogger("accbot")

HTTP_HOST = "0.0.0.0"  # noqa: S104 (Slack must reach the bot)


class StartupError(Exception):
    """accbot cannot start serving; the message says why in one sentence, and what to do."""


def serve(settings: Settings) -> int:
    """Serve until SIGTERM; raises StartupError when the port or Slack is not available.

    In HTTP mode the port is taken first, so a port in use stops accbot before it
    migrates the database or starts the watcher.
    """
    listener = None if settings.socket_mode else listen(settings.PORT)
    try:
        _serve(settings, listener)
    finally:
        if listener is not None:
            listener.close()
    return 0


def listen(port: int) -> socket.socket:
    """Bind the HTTP port now, so that a port in use is one clear sentence."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Inherited by every connection: asyncio only disables Nagle itself on sockets made
    # with IPPROTO_TCP, and without it each response's body waits ~40 ms for Slack's
    # delayed ACK of its head.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HTTP_HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(
                f"Port {port} is already in use by another program: stop it, "
                "or set PORT to a free port."
            ) from exc
        raise StartupError(
            f"Port {port} cannot be opened ({exc.strerror}): set PORT to another port."
        ) from exc
    return sock


def _serve(settings: Settings, listener: socket.socket | None) -> None:
    client = build_web_client(settings)
    services = build_services(
        settings,
        group_members=lambda group: client.usergroups_users_list(usergroup=group)["users"],
    )
    try:
        services.db.migrate()
    except DatabaseUnavailable as exc:
        close_services(services)
        raise StartupError(str(exc)) from exc
    if not services.roles.admins_configured:
        logger.warning(
            "No admins configured (ACCBOT_ADMINS): mutations that need an admin are disabled, "
            "and unset roles are held by nobody."
        )
    bolt_app = build_bolt_app(services, client)
    settle_heap()
    watcher = start_watcher(services, client)
    try:
        if listener is None:
            serve_socket_mode(bolt_app, settings)
        else:
            serve_http(bolt_app, services, settings, watcher, listener=listener)
    finally:
        watcher.stop()
        close_services(services)


def start_watcher(services, client) -> WatcherService:
    from accbot.slack.pause_notices import SlackPauseSink
    from accbot.watcher.pauses import PauseKeeper

    keeper = PauseKeeper(services, SlackPauseSink(client, services.settings.ACCBOT_ALERT_CHANNEL))
    watcher = WatcherService(services, SlackSink(client))
    watcher.add_singleton(keeper.run)
    watcher.start()
    services.watcher_probe = watcher.snapshot  # the App Home's health line
    return watcher


def serve_http(
    bolt_app, services, settings: Settings, watcher=None, *, listener: socket.socket | None = None
) -> None:
    asgi = build_asgi(bolt_app, services, watcher.snapshot if watcher is not None else None)
    config = uvicorn.Config(
        asgi, host=HTTP_HOST, port=settings.PORT, log_level="info", access_log=False
    )
    logger.info("accbot serving Slack on http://0.0.0.0:%s/slack/events", settings.PORT)
    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the
    # handler that was installed before it; this one lets serve() close the watcher and
    # clients and exit 0 instead of dying by the signal.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda sig, frame: logger.info("signal %s: stopped", sig))
    uvicorn.Server(config).run(sockets=[listener] if listener is not None else None)


def serve_socket_mode(bolt_app, settings: Settings) -> None:
    handler = SocketModeHandler(bolt_app, settings.SLACK_APP_TOKEN.get_secret_value())
    stop = threading.Event()

    def shutdown(signum, frame) -> None:
        logger.info("signal %s: closing the Socket Mode connection", signum)
        stop.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    try:
        handler.connect()
    except SlackApiError as exc:
        raise StartupError(
            f"Slack refused the Socket Mode connection ({exc.response.get('error')}): check "
            "SLACK_APP_TOKEN (an xapp- app-level token with connections:write)."
        ) from exc
    except OSError as exc:  # urllib's URLError and socket errors alike
        raise StartupError(
            "Could not reach Slack to open the Socket Mode connection: check the network "
            "(and SLACK_API_URL, if set)."
        ) from exc
    logger.info("accbot connected to Slack in Socket Mode")
    stop.wait()
    handler.close()
