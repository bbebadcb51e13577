"""How fast /acc is acknowledged while ACC is slow, under concurrent load.

The whole bot runs as in production (bolt over uvicorn on loopback) against the
simulator with added latency; N signed slash commands are sent from a pool of client
threads. Slack's deadline is 3 s; the ack must not wait for ACC.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def run(requests: int = 200, concurrency: int = 20, acc_latency: float = 0.5) -> dict:
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
                senders = [
                    SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
                    for _ in range(concurrency)
                ]

                def one(i: int) -> float:
                    sender = senders[i % concurrency]
                    started = time.perf_counter()
                    response = sender.command(f"run {SAMPLE_RUN}")
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text
                    return elapsed

                wall = time.perf_counter()
                with ThreadPoolExecutor(max_workers=concurrency) as pool:
                    acks = sorted(pool.map(one, range(requests)))
                slack.wait_for_response(count=requests, timeout=120)
                wall = time.perf_counter() - wall
                for sender in senders:
                    sender.close()
            finally:
                stop_bot(bot)
    return {
        "requests": requests,
        "concurrency": concurrency,
        "acc_latency_s": acc_latency,
        "ack_p50_ms": round(statistics.median(acks) * 1000, 1),
        "ack_p99_ms": round(acks[int(len(acks) * 0.99) - 1] * 1000, 1),
        "ack_max_ms": round(acks[-1] * 1000, 1),
        "all_answered_s": round(wall, 2),
    }


def run_app_process(requests: int = 200, concurrency: int = 50, acc_latency: float = 5.0) -> dict:
    """The same measure with the bot as ``python app.py`` in a process of its own (HTTP
    mode, watcher running), so the 50 client threads here do not share its interpreter."""
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
                acks, wall = _load(f"{base}/slack/events", slack, requests, concurrency)
            finally:
                app.send_signal(signal.SIGTERM)
                try:
                    app.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    app.kill()
    return {
        "requests": requests,
        "concurrency": concurrency,
        "acc_latency_s": acc_latency,
        "ack_p50_ms": round(statistics.median(acks) * 1000, 1),
        "ack_p99_ms": round(acks[int(len(acks) * 0.99) - 1] * 1000, 1),
        "ack_max_ms": round(acks[-1] * 1000, 1),
        "all_answered_s": round(wall, 2),
    }


def _load(events_url: str, slack: FakeSlack, requests: int, concurrency: int):
    senders = [
        SlackSender(events_url, SIGNING_SECRET, slack.response_url()) for _ in range(concurrency)
    ]

    def one(i: int) -> float:
        started = time.perf_counter()
        response = senders[i % concurrency].command(f"run {SAMPLE_RUN}")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text
        return elapsed

    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        acks = sorted(pool.map(one, range(requests)))
    slack.wait_for_response(count=requests, timeout=300)
    wall = time.perf_counter() - wall
    for sender in senders:
        sender.close()
    return acks, wall


if __name__ == "__main__":
    # python -m benchmarks.ack_latency [requests] [concurrency] [acc_latency_s] [--process]
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    measure = run_app_process if "--process" in flags else run
    print(
        measure(int(arguments[0]), int(arguments[1]), float(arguments[2]))
        if len(arguments) == 3
        else measure()
    )
