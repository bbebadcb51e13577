"""A stateful fake ACC server, written only from the ACC API document.

It imports nothing from ``accbot.acc`` so that the client and the simulator cannot share
a misreading of the document. ``SimState`` holds the data and knobs, ``create_app`` serves
it over HTTP, and ``SimulatorServer`` runs that on a loopback socket for tests and demos.
"""

from accbot.simulator.app import create_app
from accbot.simulator.models import RecordedRequest
from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState

__all__ = ["RecordedRequest", "SimState", "SimulatorServer", "create_app"]
