"""One loopback simulator that serves ACC and the SAS catalog endpoints, as a bot with
SAS configured sees them (SAS_BASE_URL is the same server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from accbot.simulator.sas import SasSimState, sas_routes
from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from tests.support.bot import ACC_TOKEN

SAS_TOKEN = "sas-test-token-5c1e"  # noqa: S105 (a test value)
SAS_AGENT = "7d3c1a52-0f4b-4c8e-9a61-2b5e8f0d4c37"
SAS_AGENT_NAME = "Finance catalog discovery"
DATASOURCE = "/dataSources/providers/Compute/sources/eb654570~fs~FINANCE"


@dataclass
class AccAndSas:
    server: SimulatorServer
    sas: SasSimState

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def state(self) -> SimState:
        """The ACC state, as ``acc.state`` in the other Slack tests."""
        return self.server.state

    def sas_env(self, token: str = SAS_TOKEN) -> dict[str, str]:
        return {"SAS_BASE_URL": self.url, "SAS_TOKEN": token}

    def add_sas_run(self, status: str, **fields) -> dict:
        """A run of SAS_AGENT with counts and parameters, as the newest history item."""
        values = {
            "nEnumerated": 120,
            "nAdded": 7,
            "nUpdated": 3,
            "nRemoved": 1,
            "nExcluded": 9,
            "parameters": {"datasourceURI": DATASOURCE},
            "jobParameters": {"samplePercent": "20"},
        }
        values.update(fields)
        return self.sas.add_history(SAS_AGENT, status, **values)


@contextmanager
def acc_and_sas() -> Iterator[AccAndSas]:
    sas = SasSimState()
    sas.add_bot(SAS_AGENT, SAS_AGENT_NAME, "Discovers the finance library")
    routes = sas_routes(sas, SAS_TOKEN)
    with SimulatorServer(state=SimState(seed=True), token=ACC_TOKEN, extra_routes=routes) as server:
        yield AccAndSas(server=server, sas=sas)
