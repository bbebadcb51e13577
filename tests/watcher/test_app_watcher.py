"""`python app.py` runs the watcher by default: a watched agent's failure reaches Slack."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accbot.store import lease
from accbot.watcher.shards import SHARD_PREFIX
from tests.watcher.helpers import ALERTS, alert_key, alerts_in

ROOT = Path(__file__).resolve().parents[2]
PATH = "acme/shop/prices"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.timeout(90)
def test_the_bot_process_alerts_a_watched_agents_failure_and_stops_cleanly(
    acc, slack, settings_env, services, watch, tmp_path
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    env = {
        "PATH": os.environ.get("PATH", ""),
        **settings_env,
        "PORT": str(_free_port()),
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        failed = acc.state.add_run(agent_id, 5)["agentRunHistoryId"]
        deadline = time.monotonic() + 30
        while not alerts_in(slack, ALERTS):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "no alert from the bot process"
            time.sleep(0.1)
        [alert] = alerts_in(slack, ALERTS)
        assert failed in alert_key(alert)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    with services.db.session() as session:
        assert lease.holders(session, SHARD_PREFIX) == {}  # given up on the way out
