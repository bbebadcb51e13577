"""SimulatorServer: the simulator on a real loopback socket, in a daemon thread.

Tests, the demo and benchmarks talk to it over real HTTP, so the client's transport,
timeouts and retries are exercised exactly as against ACC. The socket is bound here
(port 0 by default) before uvicorn starts, so the URL is known and free of races.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import uvicorn
from starlette.routing import BaseRoute

from accbot.simulator.app import create_app
from accbot.simulator.state import SimState

_START_TIMEOUT = 10.0


class SimulatorServer:
    """``with SimulatorServer() as sim: httpx.get(sim.url + "/api/agent?...")``."""

    def __init__(
        self,
        state: SimState | None = None,
        token: str = "test-token",  # noqa: S107 - a fixed test credential, not a secret
        host: str = "127.0.0.1",
        port: int = 0,
        extra_routes: Sequence[BaseRoute] | None = None,
    ) -> None:
        self.state = state if state is not None else SimState()
        self.token = token
        self.host = host
        self.port = port
        self.app = create_app(self.state, token, extra_routes=extra_routes)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("SimulatorServer is not started")
        return self._url

    def start(self) -> str:
        """Bind, serve in a daemon thread, and return the base URL once it accepts requests."""
        if self._url is not None:
            return self._url
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it a response's body waits for the
        # client's delayed ACK of its head (~40 ms a request on Linux loopback).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="acc-simulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("the ACC simulator failed to start")
            time.sleep(0.01)
        self._server, self._thread = server, thread
        self._url = f"http://{self.host}:{self.port}"
        return self._url

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._server = self._thread = None
        self._url = None

    def __enter__(self) -> SimulatorServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
