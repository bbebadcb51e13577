"""Fixtures: one simulator on a real loopback socket, its state reset for every test.

The server runs for the whole session (starting and stopping uvicorn per test would
dominate the suite's time); ``SimState.reset`` gives each test fresh data and knobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState

TOKEN = "sim-test-token"  # noqa: S105 - test credential
QUICK = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
QUICK_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


class FakeClock:
    """A clock the test moves by hand, so run progression is exact, not timing-dependent."""

    def __init__(self) -> None:
        self.now = datetime(2024, 3, 1, 9, 0, 0, 123456, tzinfo=timezone(timedelta(hours=10)))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def shared_simulator() -> Iterator[SimulatorServer]:
    with SimulatorServer(SimState(seed=False), token=TOKEN) as server:
        yield server


@pytest.fixture
def sim(shared_simulator: SimulatorServer, clock: FakeClock) -> SimulatorServer:
    """The simulator, freshly seeded, on a hand-moved clock with 10-second runs."""
    shared_simulator.state.reset(seed=True, clock=clock, run_duration=10.0)
    return shared_simulator


@pytest.fixture
def state(sim: SimulatorServer) -> SimState:
    return sim.state


@pytest.fixture
def http(sim: SimulatorServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=sim.url, headers=headers, timeout=5.0) as client:
        yield client


@pytest.fixture
def agent_id(state: SimState) -> str:
    """A fresh agent with no history, for tests that change state."""
    return state.add_agent("acme/Tests/fresh", data_files={"fresh.csv": b"A,B\r\n1,2\r\n"})[
        "agentId"
    ]
