"""Crashes around posting: a real process dies, another starts; the fake Slack counts.

The first process records the alert and dies either before posting it or after Slack
accepted it but before marking it posted. The restarted process must post exactly what
is missing: never a second copy, never nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from accbot.store import alerts
from accbot.store.models import Alert
from tests.watcher.helpers import ALERTS, alert_key, alerts_in, replies
from tests.watcher.watcher_process import CRASH_EXIT

ROOT = Path(__file__).resolve().parents[2]
PATH = "acme/shop/prices"


def run_watcher_process(settings_env: dict, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings_env}
    return subprocess.run(
        [sys.executable, "-m", "tests.watcher.watcher_process", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.mark.parametrize(
    ("crash", "failures", "visible_after_crash"),
    [
        ("after-record", 1, 0),
        ("after-post", 1, 1),
        ("after-post", 6, 1),  # a digest
    ],
    ids=["between-recording-and-posting", "after-posting", "after-posting-a-digest"],
)
def test_a_crash_around_posting_neither_loses_nor_doubles_alerts(
    crash, failures, visible_after_crash, acc, slack, settings_env, services, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    runs = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(failures)]

    crashed = run_watcher_process(settings_env, "once", "--crash", crash, "--holder", "crashing")
    assert crashed.returncode == CRASH_EXIT, crashed.stderr
    assert len(alerts_in(slack, ALERTS)) == visible_after_crash
    with services.db.session() as session:
        assert len(alerts.pending_alerts(session)) == failures  # recorded, not marked posted

    restarted = run_watcher_process(settings_env, "once", "--holder", "restarted")
    assert restarted.returncode == 0, restarted.stderr

    [alert] = alerts_in(slack, ALERTS)
    with services.db.session() as session:
        assert alerts.pending_alerts(session) == []
        records = list(session.scalars(select(Alert)))
    assert len(records) == failures
    assert all(r.state == "posted" for r in records)
    if failures == 1:
        assert runs[0] in alert_key(alert)
        assert records[0].slack_ts == alert.ts
    else:
        assert all(run in alert.text or run in str(alert.blocks) for run in runs)
        assert {r.thread_ts for r in records} == {alert.ts}
    if visible_after_crash:
        assert slack.count("conversations.history") >= 1  # found, not posted again
    else:
        assert len(replies(slack, ALERTS, alert.ts)) == 1  # the log excerpt came with it
