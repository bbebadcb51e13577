from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from accbot.simulator.sas import SasSimState, sas_routes
from accbot.simulator.server import SimulatorServer

ACC_TOKEN = "acc-token-unused-here"  # noqa: S105 - test credential
STATIC_TOKEN = "static-sas-token-9f2c"  # noqa: S105 - test credential
CLIENT_ID = "accbot-tests"
CLIENT_SECRET = "client-secret-41d7"  # noqa: S105 - test credential
AGENT_ID = "ba14bc66-8aaf-4a57-bff1-87a39774ac1a"


@dataclass
class SasSim:
    state: SasSimState
    url: str


@pytest.fixture
def sas_sim() -> Iterator[SasSim]:
    """The simulator on a loopback socket, serving the SAS routes beside the fake ACC."""
    state = SasSimState(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    state.add_bot(AGENT_ID, "SASHELP discovery", "Catalog agent over SASHELP")
    routes = sas_routes(state, STATIC_TOKEN)
    with SimulatorServer(token=ACC_TOKEN, extra_routes=routes) as server:
        yield SasSim(state=state, url=server.url)
