"""Fixtures for the ACC client tests: a client bound to the shared simulator."""

from __future__ import annotations

import socket
import uuid

import pytest

from accbot.acc.client import AccClient

SIM_TOKEN = "test-token"  # noqa: S105 - the simulator's fixed test token
SIM_TIMEOUT = 5.0


@pytest.fixture
def sim_acc(acc_simulator):
    """An AccClient speaking to the simulator over a loopback socket."""
    with AccClient(
        acc_simulator.url, SIM_TOKEN, timeout=SIM_TIMEOUT, backoff=0, max_retries=2
    ) as client:
        yield client


@pytest.fixture
def fresh_agent(acc_simulator):
    """A new agent of its own, so tests that change state never meet each other."""
    path = f"acc-tests/{uuid.uuid4().hex[:8]}/agent"
    agent = acc_simulator.state.add_agent(path)
    return path, agent["agentId"]


def closed_port() -> int:
    """A loopback port that was just free: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
