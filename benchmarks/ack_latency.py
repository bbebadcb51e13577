"""How fast /acc is acknowledged while ACC is slow, under concurrent load.

The whole bot runs as in production (bolt over uvicorn on loopback) against the
simulator with added latency; N signed slash commands are sent from a pool of client
threads. Slack's deadline is 3 s; the ack must not wait for ACC.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from tests.support.bot import ACC_TOKEN, SIGNING_SECRET, start_bot, stop_bot
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


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


if __name__ == "__main__":
    # python -m benchmarks.ack_latency [requests] [concurrency] [acc_latency_s]
    import sys

    arguments = sys.argv[1:]
    print(
        run(int(arguments[0]), int(arguments[1]), float(arguments[2]))
        if len(arguments) == 3
        else run()
    )
