"""The bot end to end: signed Slack requests over HTTP, ACC served by the simulator,
Slack's Web API by a fake that records calls, and a fresh SQLite database per test."""

from __future__ import annotations

import pytest

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from tests.support.bot import ACC_TOKEN, SIGNING_SECRET, start_bot, stop_bot
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender


@pytest.fixture
def acc():
    with SimulatorServer(state=SimState(seed=True), token=ACC_TOKEN) as sim:
        yield sim


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def bot_env() -> dict:
    """Extra settings for the bot under test; a test may override this fixture."""
    return {}


@pytest.fixture
def bot(acc, slack, tmp_path, bot_env):
    running = start_bot(
        acc_url=acc.url,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'accbot.db'}",
        **bot_env,
    )
    yield running
    stop_bot(running)


@pytest.fixture
def send(bot, slack):
    sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
    yield sender
    sender.close()
