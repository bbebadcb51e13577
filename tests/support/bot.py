"""The whole bot on loopback: simulator (ACC), fake Slack, SQLite, real bolt over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from accbot.config import load_settings
from accbot.http import build_asgi
from accbot.runtime import build_services, close_services
from accbot.slack.app import build_bolt_app, build_web_client

SIGNING_SECRET = "test-signing-secret-0123456789"  # noqa: S105 (a test value)
BOT_TOKEN = "xoxb-fake_bot_token"  # noqa: S105
ACC_TOKEN = "acc-test-token-9f8e7d"  # noqa: S105

OPERATOR = "UOPERATOR"
APPROVER = "UAPPROVER"
ADMIN = "UADMIN"
VIEWER = "UVIEWER"


class ServerThread:
    """uvicorn on a socket we bind ourselves, so the port is known before it serves."""

    def __init__(self, asgi: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as accbot.server
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(asgi, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("bot HTTP server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


@dataclass
class RunningBot:
    url: str
    services: Any
    bolt: Any
    server: ServerThread
    watcher: Any = None

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"


def start_bot(
    *, acc_url: str, slack_api_url: str, database_url: str, watcher: bool = False, **env: Any
) -> RunningBot:
    """The bot on a loopback port; with ``watcher``, its watcher runs too, as in app.py."""
    settings = load_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api_url,
        ACC_BASE_URL=acc_url,
        ACC_API_TOKEN=ACC_TOKEN,
        DATABASE_URL=database_url,
        ACCBOT_OPERATORS=env.pop("ACCBOT_OPERATORS", OPERATOR),
        ACCBOT_APPROVERS=env.pop("ACCBOT_APPROVERS", APPROVER),
        ACCBOT_ADMINS=env.pop("ACCBOT_ADMINS", ADMIN),
        **env,
    )
    client = build_web_client(settings)
    services = build_services(
        settings,
        group_members=lambda group: client.usergroups_users_list(usergroup=group)["users"],
    )
    services.wait_poll_seconds = 0.1
    services.db.migrate()
    bolt = build_bolt_app(services, client)
    running = None
    if watcher:
        from accbot.slack.pause_notices import SlackPauseSink
        from accbot.slack.sink import SlackSink
        from accbot.watcher.pauses import PauseKeeper
        from accbot.watcher.service import WatcherService

        keeper = PauseKeeper(services, SlackPauseSink(client, settings.ACCBOT_ALERT_CHANNEL))
        running = WatcherService(services, SlackSink(client))
        running.add_singleton(keeper.run)
        running.start()
        services.watcher_probe = running.snapshot
    probe = running.snapshot if running is not None else None
    server = ServerThread(build_asgi(bolt, services, probe)).start()
    return RunningBot(url=server.url, services=services, bolt=bolt, server=server, watcher=running)


def stop_bot(bot: RunningBot) -> None:
    bot.server.stop()
    if bot.watcher is not None:
        bot.watcher.stop()
    close_services(bot.services)
