"""How fast /acc is acknowledged while ACC is slow, under concurrent load.

The whole bot runs as in production (bolt over uvicorn on loopback) against the
simulator with added latency; N signed slash commands are sent over ``concurrency``
keep-alive connections. Slack's deadline is 3 s; the ack must not wait for ACC.

What is timed is what Slack waits for: from the request's first byte written to the
response's last byte read. The requests are built and signed before the clock starts
(Slack signs before it sends), and the client is a small asyncio loop writing those
bytes, so the client's own CPU is not queued into the measure: with 50 httpx client
threads in the driver's interpreter, a thread could wait for the driver's GIL, after
its response had arrived, longer than the bot took to answer.

Before the timed load, one ``/acc help`` from another user (WARM_UP_USER) takes the
process's one-time start costs (the bot's first ``auth.test``, imports done on first
use, thread pools filling); the timed user's own ``users.info`` lookup is still in the
measure. ``--cold`` skips it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from tests.support.bot import (
    ACC_TOKEN,
    BOT_TOKEN,
    OPERATOR,
    SIGNING_SECRET,
    start_bot,
    stop_bot,
)
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
ROOT = Path(__file__).resolve().parents[1]
WARM_UP_USER = "UWARMUP"  # not the timed user: its users.info stays in the measure


def run(
    requests: int = 200, concurrency: int = 20, acc_latency: float = 0.5, warm_up: bool = True
) -> dict:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        state = SimState(seed=True)
        state.latency = acc_latency
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            bot = start_bot(
                acc_url=acc.url,
                slack_api_url=slack.api_url,
                database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
            )
            try:
                acks, wall = _load(bot.events_url, slack, requests, concurrency, warm_up)
            finally:
                stop_bot(bot)
    return _summary(requests, concurrency, acc_latency, acks, wall)


def run_app_process(
    requests: int = 200, concurrency: int = 50, acc_latency: float = 5.0, warm_up: bool = True
) -> dict:
    """The same measure with the bot as ``python app.py`` in a process of its own (HTTP
    mode, watcher running), so the client here does not share its interpreter."""
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        state = SimState(seed=True)
        state.latency = acc_latency
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            env = {
                **os.environ,
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": slack.api_url,
                "ACC_BASE_URL": acc.url,
                "ACC_API_TOKEN": ACC_TOKEN,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "PORT": str(port),
                "ACCBOT_OPERATORS": OPERATOR,
                "ACCBOT_LOG_LEVEL": "WARNING",
            }
            app = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py")],
                cwd=tmp,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline or app.poll() is not None:
                        raise RuntimeError("the bot process did not start")
                    time.sleep(0.2)
                acks, wall = _load(f"{base}/slack/events", slack, requests, concurrency, warm_up)
            finally:
                app.send_signal(signal.SIGTERM)
                try:
                    app.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    app.kill()
    return _summary(requests, concurrency, acc_latency, acks, wall)


def _summary(
    requests: int, concurrency: int, acc_latency: float, acks: list[float], wall: float
) -> dict:
    """The row: ack percentiles (``acks`` sorted, in seconds) and the time to answer all."""
    return {
        "requests": requests,
        "concurrency": concurrency,
        "acc_latency_s": acc_latency,
        "ack_p50_ms": round(statistics.median(acks) * 1000, 1),
        "ack_p99_ms": round(acks[int(len(acks) * 0.99) - 1] * 1000, 1),
        "ack_max_ms": round(acks[-1] * 1000, 1),
        "all_answered_s": round(wall, 2),
    }


def _load(events_url: str, slack: FakeSlack, requests: int, concurrency: int, warm_up: bool):
    sender = SlackSender(events_url, SIGNING_SECRET, slack.response_url())
    if warm_up:
        response = sender.command("help", user=WARM_UP_USER)
        assert response.status_code == 200, response.text
    wire = [_signed_command(sender, events_url) for _ in range(requests)]
    sender.close()
    wall = time.perf_counter()
    acks = sorted(asyncio.run(_send_all(events_url, wire, concurrency)))
    slack.wait_for_response(count=requests, timeout=300)
    wall = time.perf_counter() - wall
    return acks, wall


def _signed_command(sender: SlackSender, events_url: str) -> bytes:
    """One ``/acc run`` exactly as Slack sends it, signed now, as bytes on the wire."""
    body = urlencode(sender.command_form(f"run {SAMPLE_RUN}"))
    headers = sender.signed_headers(body, content_type="application/x-www-form-urlencoded")
    url = urlsplit(events_url)
    head = [f"POST {url.path} HTTP/1.1", f"Host: {url.netloc}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    head.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(head) + "\r\n\r\n" + body).encode()


async def _send_all(events_url: str, wire: list[bytes], concurrency: int) -> list[float]:
    """Each of ``concurrency`` connections sends the next request as soon as its last
    one was answered; returns the seconds each took, first byte out to last byte in."""
    url = urlsplit(events_url)
    pending = iter(wire)
    acks: list[float] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        try:
            for request in pending:
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                acks.append(time.perf_counter() - started)
                assert status == 200, (status, body)
        finally:
            writer.close()
            await writer.wait_closed()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return acks


if __name__ == "__main__":
    # python -m benchmarks.ack_latency [requests] [concurrency] [acc_latency_s]
    #                                  [--process] [--cold]
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    measure = run_app_process if "--process" in flags else run
    warm_up = "--cold" not in flags
    print(
        measure(int(arguments[0]), int(arguments[1]), float(arguments[2]), warm_up)
        if len(arguments) == 3
        else measure(warm_up=warm_up)
    )
