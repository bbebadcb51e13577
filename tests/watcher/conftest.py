"""The watcher against the ACC simulator and the fake Slack, both on loopback sockets.

Each test gets a fresh simulator (no seeded agents), a fresh fake Slack, a fresh SQLite
database and a clock it may move forward. Cycles are run by calling ``run_cycle()``
directly wherever timing is not the point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from accbot.acc.client import AccClient
from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Watch
from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.watcher.service import WatcherService
from tests.support.bot import ACC_TOKEN, ADMIN, BOT_TOKEN
from tests.support.fake_slack import FakeSlack
from tests.watcher.helpers import ALERTS


class Clock:
    """The services' clock: real UTC time, moved forward on demand.

    ``freeze()`` stops it where it is, so only ``advance()`` moves it: for tests whose
    point is how long a lease lasts, which must not depend on how slowly a loaded machine
    runs the cycles in between.
    """

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self.frozen_at: datetime | None = None

    def __call__(self) -> datetime:
        return (self.frozen_at or datetime.now(UTC)) + self.offset

    def freeze(self) -> None:
        self.frozen_at = datetime.now(UTC)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def acc() -> Iterator[SimulatorServer]:
    with SimulatorServer(state=SimState(seed=False), token=ACC_TOKEN) as sim:
        yield sim


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings_env(acc, slack, tmp_path) -> dict[str, Any]:
    """The environment a watcher process of this test would get."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "unused-in-watcher-tests",
        "SLACK_API_URL": slack.api_url,
        "ACC_BASE_URL": acc.url,
        "ACC_API_TOKEN": ACC_TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'accbot.db'}",
        "ACCBOT_ADMINS": ADMIN,
        "ACCBOT_POLL_SECONDS": "1",
    }


@pytest.fixture
def make_services(settings_env, clock) -> Iterator[Callable[..., Services]]:
    """Builds services as a (re)started process would: same database, fresh clients."""
    built: list[Services] = []

    def make(**overrides: Any) -> Services:
        settings = load_settings(**{**settings_env, **overrides})
        # No client-side retries: an ACC outage shows in one request, not four.
        acc_client = AccClient(settings.ACC_BASE_URL, ACC_TOKEN, max_retries=0, backoff=0)
        services = build_services(settings, acc=acc_client)
        services.clock = clock
        services.db.migrate()
        built.append(services)
        return services

    yield make
    for services in built:
        close_services(services)


@pytest.fixture
def services(make_services) -> Services:
    return make_services()


@pytest.fixture
def client(services):
    return build_web_client(services.settings)


@pytest.fixture
def sink(client) -> SlackSink:
    return SlackSink(client)


@pytest.fixture
def watcher(services, sink) -> Iterator[WatcherService]:
    service = WatcherService(services, sink, poll_seconds=1, holder_id="test-watcher")
    yield service
    service.stop()


@pytest.fixture
def watch(services) -> Callable[..., Any]:
    """``watch(path, channel, all_states=False)`` through the real action, as an admin."""

    def watch_agent(path: str, channel: str = ALERTS, *, all_states: bool = False) -> Any:
        command = Watch(AgentRef("acc", path), channel, all_states)
        return execute(command, Actor(ADMIN, channel), services)

    return watch_agent


@pytest.fixture
def restart_watcher(watcher, make_services, client) -> Iterator[Callable[[], WatcherService]]:
    """``restart_watcher()``: stop the running watcher (it gives its lease up, as on
    SIGTERM) and start another as a new process would: fresh services, same database."""
    running = [watcher]

    def restart() -> WatcherService:
        running[-1].stop()
        service = WatcherService(
            make_services(),
            SlackSink(client),
            poll_seconds=1,
            holder_id=f"restarted-{len(running)}",
        )
        running.append(service)
        return service

    yield restart
    running[-1].stop()
