"""Fixtures shared across the test tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState


@pytest.fixture(scope="session")
def acc_simulator() -> Iterator[SimulatorServer]:
    """One seeded ACC simulator on a loopback socket for the whole session.

    Tests that change its state should use agents of their own (``state.add_agent``),
    and leave the seeded ``sequentum/Test2/quick`` as the document prints it.
    """
    with SimulatorServer(state=SimState(seed=True), token="test-token") as sim:  # noqa: S106
        yield sim
