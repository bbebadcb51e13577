"""`accbot watcher`: the watcher in the foreground, alerts printed, stopped by a signal.

Run as a real process against the simulator over loopback, with no Slack at all: the
README's "Try it" story (watch, watcher, start) end to end.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from accbot.simulator.seed import FLAKY_PATH
from accbot.simulator.server import SimulatorServer
from tests.test_cli import assert_plain

TOKEN = "watcher-token"  # noqa: S105 (a test value)
CHANNEL = "C0ALERTS1"


@pytest.fixture
def acc():
    with SimulatorServer(token=TOKEN) as sim:
        yield sim


@pytest.fixture
def env(acc, tmp_path) -> dict[str, str]:
    """The process environment of a shell with only ACC configured (no Slack)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "ACC_", "ACCBOT_", "SAS_", "DATABASE_URL"))
    }
    return {
        **clean,
        "ACC_BASE_URL": acc.url,
        "ACC_API_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'try.db'}",
        "ACCBOT_ALERT_CHANNEL": CHANNEL,
        "ACCBOT_POLL_SECONDS": "1",
    }


def accbot(env: dict[str, str], cwd: Path, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accbot.cli", *words],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


class Lines:
    """A process's output, line by line, read in the background."""

    def __init__(self, stream) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} was not printed; got {self.seen}")

    def rest(self) -> list[str]:
        while not self._queue.empty():
            self.seen.append(self._queue.get())
        return self.seen


def test_a_failed_run_is_printed_once_by_the_foreground_watcher(env, tmp_path):
    done = accbot(env, tmp_path, "watch", FLAKY_PATH)
    assert done.returncode == 0, done.stderr
    assert f"Started watching {FLAKY_PATH} in #{CHANNEL}" in done.stdout

    process = subprocess.Popen(
        [sys.executable, "-m", "accbot.cli", "watcher"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        out, err = Lines(process.stdout), Lines(process.stderr)
        err.wait_for("polling every 1s")
        started = accbot(env, tmp_path, "start", FLAKY_PATH)
        assert started.returncode == 0, started.stderr
        run_id = started.stdout.split("run ID ")[1].split()[0]

        alert = out.wait_for("ALERT")
        assert f"#{CHANNEL}  ALERT  {FLAKY_PATH}: run {run_id} Failed" in alert
        time.sleep(3.5)  # three more cycles: nothing is printed twice
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=90) == 0
        err.wait_for("stopped.")
    finally:
        if process.poll() is None:
            process.kill()
    printed = out.rest()
    assert sum("  ALERT  " in line for line in printed) == 1, printed
    assert_plain("\n".join(printed))
    assert not any("Traceback" in line for line in err.rest())


def test_sigterm_stops_it_cleanly_and_a_restart_does_not_repeat_the_alert(env, tmp_path):
    accbot(env, tmp_path, "watch", FLAKY_PATH)
    started = accbot(env, tmp_path, "start", FLAKY_PATH, "--wait")
    assert started.returncode == 0, started.stderr

    first = accbot(env, tmp_path, "watcher", "--once")
    assert first.returncode == 0, first.stderr
    assert sum("  ALERT  " in line for line in first.stdout.splitlines()) == 1

    process = subprocess.Popen(
        [sys.executable, "-m", "accbot.cli", "watcher"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        err = Lines(process.stderr)
        err.wait_for("polling every 1s")
        time.sleep(2.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=90) == 0
        assert "  ALERT  " not in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()


def test_it_says_when_nothing_is_watched_and_refuses_unknown_options(env, tmp_path):
    once = accbot(env, tmp_path, "watcher", "--once")
    assert once.returncode == 0
    assert "nothing is watched yet" in once.stderr
    wrong = accbot(env, tmp_path, "watcher", "--forever")
    assert wrong.returncode == 2
    assert "accbot watcher takes no '--forever'" in wrong.stderr
    assert "usage: accbot watcher [--once]" in wrong.stderr


def test_without_acc_configured_it_says_what_is_missing(env, tmp_path):
    del env["ACC_BASE_URL"]
    done = accbot(env, tmp_path, "watcher")
    assert done.returncode == 2
    assert "ACC_BASE_URL" in done.stderr
    assert TOKEN not in done.stderr
