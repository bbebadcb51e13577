"""Two watcher replicas on one PostgreSQL, 2,000 watches: the share each polls, and what a
kill -9 of one costs (how long until every agent is polled again; alerts doubled or lost).

Two bot processes (benchmarks/watcher_bot.py in ``serve`` mode: the scheduled watcher
with its shard leases, as app.py runs it) share a fresh PostgreSQL schema; the ACC
simulator (answering after ``acc_latency``) and the fake Slack run in this process. Each
agent alerts in a channel of five agents, so no storm becomes a digest and every alert
is a top-level message carrying its run's key.

1. Both start; once the shards are split, a steady cycle of each gives its share.
2. A failure is added to one agent in ten; all must be alerted once.
3. Another one in ten fails, and one replica is killed (SIGKILL) half an interval later,
   mid-cycle; from then on, every agent's run-history request is tracked until all
   2,000 were asked again. The survivor must alert every failure, none twice.

    .venv/bin/python -m benchmarks.watcher_replicas [agents] [poll_seconds] [latency_s]
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from accbot.store import Database, lease
from accbot.watcher.shards import SHARD_PREFIX
from benchmarks.watcher_scale import ROOT, bot_environment, seed_fleet, seed_watches
from tests.support.bot import ACC_TOKEN
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import fresh_schema

AGENTS_PER_CHANNEL = 5
FAILING_FRACTION = 10  # one agent in ten fails at each step
ALERT_WAIT_SECONDS = 600.0  # posting is not what is measured here; losing or doubling is


class Replica:
    """benchmarks.watcher_bot in ``serve`` mode; its cycle reports are collected."""

    def __init__(self, holder: str, env: dict, log: Path) -> None:
        self.holder = holder
        self.reports: list[dict] = []
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.watcher_bot", "serve", holder],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            report = json.loads(line)
            if "seconds" in report:
                self.reports.append(report)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _wait(predicate, timeout: float, step: float = 0.1) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise TimeoutError("condition not met in time")
        time.sleep(step)
    return time.monotonic() - started


def _alerted(slack: FakeSlack, channels: list[str]) -> Counter:
    runs: Counter = Counter()
    for channel in channels:
        for message in slack.channel_messages(channel):
            payload = (message.metadata or {}).get("event_payload") or {}
            key = payload.get("alert_key", "")
            if key.startswith("acc:") and message.thread_ts is None:
                runs[key.split(":")[2]] += 1
    return runs


def measure(agents: int = 2000, poll_seconds: float = 10.0, acc_latency: float = 0.01) -> dict:
    with fresh_schema() as database_url, FakeSlack() as slack, tempfile.TemporaryDirectory() as tmp:
        state = SimState(seed=False)
        fleet = seed_fleet(state, agents)
        seed_watches(database_url, fleet, per_channel=AGENTS_PER_CHANNEL)
        channels = sorted({f"CBENCH{n // AGENTS_PER_CHANNEL:04d}" for n in range(agents)})
        ids = [agent_id for _, agent_id in fleet]
        database = Database(database_url)
        state.latency = acc_latency
        logs = Path(tmp)
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            env = bot_environment(
                acc.url, slack.api_url, database_url, ACCBOT_POLL_SECONDS=str(poll_seconds)
            )
            replicas = [Replica(h, env, logs / f"{h}.log") for h in ("replica-a", "replica-b")]
            try:
                result = _run(state, slack, database, replicas, ids, channels, poll_seconds)
            finally:
                for replica in replicas:
                    replica.stop()
                database.dispose()
    return {
        "watches": agents,
        "poll_seconds": poll_seconds,
        "acc_latency_ms": int(acc_latency * 1000),
        **result,
    }


def _run(state, slack, database, replicas, ids, channels, poll_seconds) -> dict:
    def split() -> dict[str, int]:
        with database.session() as session:
            return Counter(lease.holders(session, SHARD_PREFIX).values())

    _wait(lambda: sorted(split().values()) == [4, 4], timeout=10 * poll_seconds)
    balanced = {r.holder: len(r.reports) for r in replicas}
    # A whole cycle of each after the split: its share.
    _wait(lambda: all(len(r.reports) >= balanced[r.holder] + 2 for r in replicas), 6 * poll_seconds)
    shares = {r.holder: r.reports[-1]["agents"] / len(ids) for r in replicas}
    cycle_s = {r.holder: r.reports[-1]["seconds"] for r in replicas}

    first = [state.add_run(a, 5)["agentRunHistoryId"] for a in ids[::FAILING_FRACTION]]
    first_alerted_s = _wait(
        lambda: set(_alerted(slack, channels)) >= set(first), timeout=ALERT_WAIT_SECONDS, step=0.5
    )

    victim, survivor = replicas
    second = [state.add_run(a, 5)["agentRunHistoryId"] for a in ids[1::FAILING_FRACTION]]
    time.sleep(poll_seconds / 2)  # some of them recorded or posted by the victim, some not
    mark = len(state.requests)
    victim.kill()
    killed = time.monotonic()

    def everyone_asked_again() -> bool:
        asked = {
            r.path.split("/")[3]
            for r in state.requests[mark:]
            if r.path.startswith("/api/agent/") and r.path.endswith("/history")
        }
        return asked >= set(ids)

    _wait(everyone_asked_again, timeout=10 * poll_seconds, step=0.05)
    watched_again_s = time.monotonic() - killed
    _wait(
        lambda: set(_alerted(slack, channels)) >= set(first + second),
        timeout=ALERT_WAIT_SECONDS,
        step=0.5,
    )
    time.sleep(2 * poll_seconds)  # the survivor keeps polling: nothing may come twice
    alerted = _alerted(slack, channels)
    return {
        "share_a": round(shares["replica-a"], 3),
        "share_b": round(shares["replica-b"], 3),
        "cycle_s_a": cycle_s["replica-a"],
        "cycle_s_b": cycle_s["replica-b"],
        "failures": len(first) + len(second),
        "first_failures_alerted_s": round(first_alerted_s, 1),
        "watched_again_s": round(watched_again_s, 2),
        "x_interval": round(watched_again_s / poll_seconds, 2),
        "doubled": sum(1 for count in alerted.values() if count > 1),
        "missing": len(set(first + second) - set(alerted)),
        "survivor_shards": len(survivor.reports[-1]["shards"]),
    }


def run() -> dict:
    return measure()


if __name__ == "__main__":
    arguments = [float(a) for a in sys.argv[1:]]
    agents = int(arguments[0]) if arguments else 2000
    poll = arguments[1] if len(arguments) > 1 else 10.0
    latency = arguments[2] if len(arguments) > 2 else 0.01
    print(json.dumps(measure(agents, poll, latency)))
