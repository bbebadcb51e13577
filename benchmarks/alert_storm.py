"""A storm in one channel and one failure in another, at Slack's real pace.

The fake Slack enforces one chat.postMessage a second per channel (bursts of four) and
answers 429 with Retry-After beyond it. The bot runs in a process of its own
(benchmarks/watcher_bot.py in ``serve`` mode: the scheduled watcher with its background
publisher, built as app.py builds it), as it runs beside a real ACC and a real Slack; the
ACC simulator and the fake Slack run in this process. 1,000 agents watched in channel A
fail at once; once they are all recorded and A's digest is up (its thread still
draining), one agent watched in channel B fails. Measured: how long B's alert takes (target: at most the interval + 1 s)
and, of that, how long it waited once the cycle that recorded it handed it over (the
publisher's share; the rest is the cycle finding and recording it), how many top-level
posts and replies A gets (targets: <= 3 and <= 55), and whether every run is listed
exactly once.

    .venv/bin/python -m benchmarks.alert_storm [failures] [interval_seconds]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from benchmarks.watcher_replicas import Replica
from benchmarks.watcher_scale import bot_environment, write_watches
from tests.support.bot import ACC_TOKEN
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
        storm_agents = []
        watched = []
        for i in range(failures):
            path = f"storm/agents/a{i:04d}"
            storm_agents.append(state.add_agent(path)["agentId"])
            watched.append((path, storm_agents[-1], CHANNEL_A))
        quiet_agent = state.add_agent("quiet/agent")["agentId"]
        watched.append(("quiet/agent", quiet_agent, CHANNEL_B))
        database_url = f"sqlite:///{Path(tmp) / 'storm.db'}"
        write_watches(database_url, watched)
        with SimulatorServer(state=state, token=ACC_TOKEN) as acc:
            env = bot_environment(
                acc.url, slack.api_url, database_url, ACCBOT_POLL_SECONDS=str(interval)
            )
            bot = Replica("storm", env, Path(tmp) / "bot.log")
            try:
                _wait(lambda: len(bot.reports) >= 3, timeout=60)  # the first look, then quiet
                quiet_cycle = bot.reports[-1]["seconds"]
                storm_wall = time.time()
                runs = [r["agentRunHistoryId"] for r in state.add_runs(storm_agents, 5, errors=1)]
                storm_at = time.monotonic()
                _wait(
                    lambda: [m for m in slack.channel_messages(CHANNEL_A) if m.thread_ts is None],
                    120,
                )
                digest_s = time.monotonic() - storm_at
                # B fails once every one of A's failures is recorded (the runs went in while
                # a cycle was under way, so two cycles may share them): what B then waits
                # for is A's posting backlog, if anything, not A's recording.
                _wait(
                    lambda: (
                        sum(r["reserved"] for r in bot.reports if r["at"] > storm_wall) >= failures
                    ),
                    120,
                )

                state.add_run(quiet_agent, 5, errors=1)
                failed_at, failed_wall = time.monotonic(), time.time()
                _wait(lambda: [m for m in slack.channel_messages(CHANNEL_B) if _alert_key(m)], 60)
                b_seen, b_seen_wall = time.monotonic(), time.time()
                b_latency = b_seen - failed_at
                # The cycle that recorded B's alert: the first to reserve anything after the
                # failure; it hands its alerts to the publisher as it ends ("at").
                handed = _wait(
                    lambda: [r for r in bot.reports if r["at"] > failed_wall and r["reserved"]],
                    10,
                )[0]["at"]
                b_after_handoff = b_seen_wall - handed
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
                bot.stop()
            messages = slack.channel_messages(CHANNEL_A)
    top = [m for m in messages if m.thread_ts is None]
    replies = [m for m in messages if m.thread_ts is not None]
    listed = "\n".join(  # each run's line in digest replies (its buttons repeat its id)
        block["text"]["text"]
        for m in replies
        for block in m.blocks or []
        if block.get("type") == "section"
    )
    alerted = "\n".join(_alert_key(m) or "" for m in top)  # runs alerted one by one
    once = all(listed.count(run) + alerted.count(run) == 1 for run in runs)
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
        "every_run_posted_once": once,
        "A_drained_s": round(drained_s, 1),
        "slack_429s": len(slack.rate_limited),
        "replies_in_a_digest_thread": all(m.thread_ts in {t.ts for t in top} for m in replies),
    }


def run() -> dict:
    return measure()


if __name__ == "__main__":
    args = sys.argv[1:]
    result = measure(int(args[0]) if args else 1000, float(args[1]) if len(args) > 1 else 1.0)
    print("| " + " | ".join(result) + " |")
    print("|" + "---|" * len(result))
    print("| " + " | ".join(str(v) for v in result.values()) + " |")
