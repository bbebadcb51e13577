"""A watcher cycle at 10,000 watches: its duration, ACC requests per watch, and the bot's RSS.

The bot runs in a process of its own (benchmarks/watcher_bot.py: services, bolt app and
watcher, as app.py builds them), so its CPU and memory are its own; the ACC simulator
(every request answered after ``acc_latency``) and the fake Slack run in this process.
Each agent has three finished runs; its watches are written to the database directly
(as 10,000 ``/acc watch`` commands would leave them).

The first cycle is the bot's first look (it creates every cursor and asks every job
history) and runs without latency; the cycles measured after it are steady quiet cycles.
The bound is one request per watch, ``concurrency`` at a time: N x latency / concurrency.
Requests are counted by the simulator, RSS read from the bot's /proc/self/status.
After the cycles a bare http.client reader (same concurrency, same simulator, a process
of its own) gives the floor: what a history read costs per slot before any of the bot's
own work.

    .venv/bin/python -m benchmarks.watcher_scale [agents] [latency_s] [concurrency]
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from accbot.store import Database, Watch
from tests.support.bot import ACC_TOKEN, ADMIN, BOT_TOKEN, SIGNING_SECRET
from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
RUNS_PER_AGENT = 3
AGENTS_PER_CHANNEL = 100
MEASURED_CYCLES = 3


def seed_fleet(state: SimState, agents: int, runs: int = RUNS_PER_AGENT) -> list[tuple[str, str]]:
    """``agents`` agents with ``runs`` finished runs each; their (path, id)."""
    fleet = []
    for number in range(agents):
        path = f"bench/fleet/agent{number:05d}"
        agent_id = state.add_agent(path)["agentId"]
        for _ in range(runs):
            state.add_run(agent_id, 4)
        fleet.append((path, agent_id))
    return fleet


def seed_watches(
    database_url: str, fleet: list[tuple[str, str]], *, per_channel: int = AGENTS_PER_CHANNEL
) -> None:
    write_watches(
        database_url,
        [
            (path, agent_id, f"CBENCH{number // per_channel:04d}")
            for number, (path, agent_id) in enumerate(fleet)
        ],
    )


def write_watches(database_url: str, watched: list[tuple[str, str, str]]) -> None:
    """A watch per (path, agent id, channel), as ``/acc watch`` would leave it."""
    database = Database(database_url)
    try:
        database.migrate()
        now = datetime.now(UTC)
        rows = [
            {
                "kind": "acc",
                "agent_ref": path,
                "agent_id": agent_id,
                "channel_id": channel,
                "all_states": False,
                "created_by": ADMIN,
                "created_at": now,
            }
            for path, agent_id, channel in watched
        ]
        with database.session() as session:
            session.execute(insert(Watch), rows)
    finally:
        database.dispose()


def bot_environment(acc_url: str, slack_url: str, database_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_url,
        "ACC_BASE_URL": acc_url,
        "ACC_API_TOKEN": ACC_TOKEN,
        "DATABASE_URL": database_url,
        "ACCBOT_ADMINS": ADMIN,
        **extra,
    }


class BotProcess:
    """benchmarks.watcher_bot in ``cycles`` mode: one cycle per call."""

    def __init__(self, env: dict) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.watcher_bot", "cycles"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.started = self._read()

    def _read(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the bot process ended ({self.process.wait()})")
        return json.loads(line)

    def cycle(self) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write("cycle\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def bare_client_floor(
    url: str, agent_ids: list[str], concurrency: int, requests: int = 2_000
) -> float:
    """Milliseconds a history read takes, per slot, for a client that does nothing else
    (http.client, ``concurrency`` threads, kept-alive connections): what the simulator
    and loopback cost before any of the bot's own work."""
    host, _, port = url.removeprefix("http://").partition(":")
    local = threading.local()

    def read(number: int) -> None:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(host, int(port))
        agent_id = agent_ids[number % len(agent_ids)]
        connection.request(
            "GET",
            f"/api/agent/{agent_id}/history?count=10",
            headers={"Authorization": f"Bearer {ACC_TOKEN}"},
        )
        connection.getresponse().read()

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(read, range(concurrency)))  # connections opened
        started = time.perf_counter()
        list(pool.map(read, range(requests)))
        elapsed = time.perf_counter() - started
    return elapsed * concurrency / requests * 1000


def measure(agents: int = 10_000, acc_latency: float = 0.05, concurrency: int = 8) -> dict:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        state = SimState(seed=False)
        seeded = time.perf_counter()
        fleet = seed_fleet(state, agents)
        database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed_watches(database_url, fleet)
        seeded = time.perf_counter() - seeded
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            env = bot_environment(
                acc.url,
                slack.api_url,
                database_url,
                ACCBOT_ACC_CONCURRENCY=str(concurrency),
                ACCBOT_POLL_SECONDS="60",
            )
            bot = BotProcess(env)
            try:
                first = bot.cycle()  # the first look: cursors created, job histories asked
                state.latency = acc_latency
                quiet = []
                for _ in range(MEASURED_CYCLES):
                    before = len(state.requests)
                    report = bot.cycle()
                    report["served"] = len(state.requests) - before
                    quiet.append(report)
            finally:
                bot.close()
            # in a process of its own, as the bot is: in this one its threads would
            # share an interpreter with the simulator and slow it down
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(1, mp_context=spawn) as reader:
                floor_ms = reader.submit(
                    bare_client_floor, acc.url, [a for _, a in fleet], concurrency
                ).result()
    bound = agents * acc_latency / concurrency
    seconds = [r["seconds"] for r in quiet]
    served = [r["served"] for r in quiet]
    return {
        "watches": agents,
        "acc_latency_ms": int(acc_latency * 1000),
        "concurrency": concurrency,
        "bound_s": round(bound, 2),
        "cycle_s_median": round(statistics.median(seconds), 2),
        "cycle_s_max": round(max(seconds), 2),
        "x_bound_max": round(max(seconds) / bound, 3) if bound else None,
        "requests_per_watch_max": round(max(served) / agents, 3),
        "bare_client_ms_per_request": round(floor_ms, 2),
        "bot_cpu_s_per_cycle": round(statistics.median(r["cpu_s"] for r in quiet), 1),
        "load_1m": quiet[-1]["load_1m"],
        "first_look_s": first["seconds"],
        "first_look_requests_per_watch": round(first["requests"] / agents, 2),
        "rss_mb_after": quiet[-1]["rss_mb"],
        "peak_rss_mb": quiet[-1]["peak_rss_mb"],
        "rss_mb_started": bot.started["rss_mb"],
        "seed_s": round(seeded, 1),
    }


def run() -> dict:
    return measure()


if __name__ == "__main__":
    arguments = [float(a) for a in sys.argv[1:]]
    agents = int(arguments[0]) if arguments else 10_000
    latency = arguments[1] if len(arguments) > 1 else 0.05
    concurrency = int(arguments[2]) if len(arguments) > 2 else 8
    print(json.dumps(measure(agents, latency, concurrency)))
