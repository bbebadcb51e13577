"""A storm in one channel and one failure in another, at Slack's real pace.

The fake Slack enforces one chat.postMessage a second per channel (bursts of four) and
answers 429 with Retry-After beyond it. The watcher runs as in the bot: scheduled cycles
and a background publisher. 1,000 agents watched in channel A fail at once; once A's
digest is up (its thread still draining), one agent watched in channel B fails. Measured:
how long B's alert takes (target: at most the interval + 1 s) and, of that, how long it
waited once the cycle handed it over (the publisher's share; the rest is the cycle
finding and recording it), how many
top-level posts and replies A gets (targets: <= 3 and <= 55), and whether every run is
listed exactly once.

    .venv/bin/python -m benchmarks.alert_storm [failures] [interval_seconds]
"""

from __future__ import annotations

import sys
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
from tests.support.fake_slack import SLACK_LIMIT, FakeSlack, StoredMessage

CHANNEL_A = "CSTORM"
CHANNEL_B = "CQUIET"
DRAIN_TIMEOUT_S = 300.0


def _alert_key(message: StoredMessage) -> str | None:
    metadata = message.metadata or {}
    return (metadata.get("event_payload") or {}).get("alert_key")


def _wait(found, timeout: float, poll: float = 0.01):
    deadline = time.monotonic() + timeout
    while not (result := found()):
        if time.monotonic() > deadline:
            raise TimeoutError("the storm did not drain in time")
        time.sleep(poll)
    return result


def measure(failures: int = 1000, interval: float = 1.0) -> dict:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack(limit=SLACK_LIMIT) as slack:
        state = SimState(seed=False)
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            settings = load_settings(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_API_URL=slack.api_url,
                ACC_BASE_URL=acc.url,
                ACC_API_TOKEN=ACC_TOKEN,
                DATABASE_URL=f"sqlite:///{Path(tmp) / 'storm.db'}",
                ACCBOT_ADMINS=ADMIN,
                ACCBOT_POLL_SECONDS=str(interval),
            )
            services = build_services(settings)
            services.db.migrate()
            storm_agents = []
            for i in range(failures):
                path = f"storm/agents/a{i:04d}"
                storm_agents.append(state.add_agent(path)["agentId"])
                execute(Watch(AgentRef("acc", path), CHANNEL_A), Actor(ADMIN, CHANNEL_A), services)
            quiet_agent = state.add_agent("quiet/agent")["agentId"]
            execute(
                Watch(AgentRef("acc", "quiet/agent"), CHANNEL_B), Actor(ADMIN, CHANNEL_B), services
            )
            watcher = WatcherService(
                services, SlackSink(build_web_client(settings)), poll_seconds=interval
            )
            durations: list[float] = []
            run_cycle = watcher.cycle.run

            def timed_cycle(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return run_cycle(*args, **kwargs)
                finally:
                    durations.append(time.perf_counter() - started)

            watcher.cycle.run = timed_cycle  # type: ignore[method-assign]
            handed: list[tuple[float, list[str]]] = []  # (when, alert keys) given to post
            submit = watcher.cycle.publisher.submit

            def timed_submit(fresh=(), **options):
                handed.append((time.monotonic(), list(fresh)))
                return submit(fresh, **options)

            watcher.cycle.publisher.submit = timed_submit  # type: ignore[method-assign]
            watcher.start()
            try:
                _wait(lambda: len(durations) >= 2, timeout=60)  # warmed up: a quiet cycle
                quiet_cycle = durations[-1]
                runs = [state.add_run(a, 5, errors=1)["agentRunHistoryId"] for a in storm_agents]
                storm_at = time.monotonic()
                [digest] = _wait(
                    lambda: [m for m in slack.channel_messages(CHANNEL_A) if m.thread_ts is None],
                    120,
                )
                digest_s = time.monotonic() - storm_at

                state.add_run(quiet_agent, 5, errors=1)
                failed_at = time.monotonic()
                _wait(lambda: [m for m in slack.channel_messages(CHANNEL_B) if _alert_key(m)], 60)
                b_seen = time.monotonic()
                b_latency = b_seen - failed_at
                [b_handed] = [at for at, keys in handed if any(CHANNEL_B in k for k in keys)]
                b_after_handoff = b_seen - b_handed
                replies_then = len([m for m in slack.channel_messages(CHANNEL_A) if m.thread_ts])

                expected_pages = -(-failures // 20)
                _wait(
                    lambda: (
                        len([m for m in slack.channel_messages(CHANNEL_A) if m.thread_ts])
                        >= expected_pages
                    ),
                    DRAIN_TIMEOUT_S,
                    poll=0.1,
                )
                drained_s = time.monotonic() - storm_at
                time.sleep(3 * interval)  # anything doubled would show by now
            finally:
                watcher.stop()
                close_services(services)
            messages = slack.channel_messages(CHANNEL_A)
    top = [m for m in messages if m.thread_ts is None]
    replies = [m for m in messages if m.thread_ts is not None]
    listed = "\n".join(  # each run's line in the replies (its buttons repeat its id)
        block["text"]["text"]
        for m in replies
        for block in m.blocks or []
        if block.get("type") == "section"
    )
    once = all(listed.count(run) == 1 for run in runs)
    return {
        "failures_in_A": failures,
        "interval_s": interval,
        "quiet_cycle_s": round(quiet_cycle, 2),
        "A_digest_after_s": round(digest_s, 2),
        "B_alert_s": round(b_latency, 2),
        "B_posted_after_handoff_s": round(b_after_handoff, 2),
        "A_replies_when_B_alerted": replies_then,
        "A_top_level_posts": len(top),
        "A_replies": len(replies),
        "every_run_listed_once": once,
        "A_drained_s": round(drained_s, 1),
        "slack_429s": len(slack.rate_limited),
        "digest_ts_is_thread": all(m.thread_ts == digest.ts for m in replies),
    }


def run() -> dict:
    return measure()


if __name__ == "__main__":
    args = sys.argv[1:]
    result = measure(int(args[0]) if args else 1000, float(args[1]) if len(args) > 1 else 1.0)
    print("| " + " | ".join(result) + " |")
    print("|" + "---|" * len(result))
    print("| " + " | ".join(str(v) for v in result.values()) + " |")
