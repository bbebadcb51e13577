"""How long one watcher cycle takes as the number of watched agents grows.

Every watched agent costs one run-history and one job-history request per cycle; they
are fetched with bounded concurrency, so with ACC answering in 20 ms a cycle over many
agents should take far less than agents x requests x 20 ms. The second measurement is
a storm: every agent has one new failure, which become one digest per channel.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.commands.model import AgentRef, Watch
from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.watcher.service import WatcherService
from tests.support.bot import ACC_TOKEN, ADMIN, BOT_TOKEN
from tests.support.fake_slack import FakeSlack

CHANNEL = "CBENCH"


def measure(agents: int, acc_latency: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        state = SimState(seed=False)
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            settings = load_settings(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_API_URL=slack.api_url,
                ACC_BASE_URL=acc.url,
                ACC_API_TOKEN=ACC_TOKEN,
                DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}",
                ACCBOT_ADMINS=ADMIN,
            )
            services = build_services(settings)
            services.db.migrate()
            ids = []
            for i in range(agents):
                agent = state.add_agent(f"bench/agents/a{i:04d}")
                ids.append(agent["agentId"])
                state.add_run(agent["agentId"], 4)
                execute(
                    Watch(agent=AgentRef("acc", f"bench/agents/a{i:04d}"), channel_id=CHANNEL),
                    Actor(ADMIN, CHANNEL),
                    services,
                )
            watcher = WatcherService(
                services, SlackSink(build_web_client(settings)), poll_seconds=60
            )
            watcher.run_cycle()  # first cycle: baselines
            state.latency = acc_latency
            started = time.perf_counter()
            quiet = watcher.run_cycle()
            quiet_s = time.perf_counter() - started
            for agent_id in ids:
                state.add_run(agent_id, 5, errors=3, status_message="Failed")
            started = time.perf_counter()
            storm = watcher.run_cycle()
            storm_s = time.perf_counter() - started
            posts = slack.count("chat.postMessage")
            close_services(services)
    return {
        "agents": agents,
        "acc_latency_ms": int(acc_latency * 1000),
        "requests_per_cycle": quiet.requests,
        "quiet_cycle_s": round(quiet_s, 2),
        "serial_estimate_s": round(quiet.requests * acc_latency, 2),
        "storm_failures": len(storm.reserved),
        "storm_cycle_s": round(storm_s, 2),
        "slack_posts_in_storm": posts,
    }


def run() -> dict:
    return measure(agents=200, acc_latency=0.02)


if __name__ == "__main__":
    for n in (10, 50, 200):
        print(measure(agents=n, acc_latency=0.02))
