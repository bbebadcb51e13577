"""A real `python app.py` stays small under oversized POSTs: measured from the bot
process's own /proc/<pid>/status (VmHWM, the peak resident size), not guessed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from accbot.simulator.server import SimulatorServer
from tests.slack.test_http_guard import post_chunked
from tests.support.fake_slack import FakeSlack
from tests.test_app import ROOT, clean_env, free_port

BIG = 32 * 1024 * 1024
GROWTH_LIMIT_KB = 10 * 1024


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def post_with_length(url: str, total: int, headers: dict[str, str] | None = None) -> int:
    """Declare ``total`` bytes and send them (as far as the server lets us); the status."""

    def body():
        piece = b"a" * (256 * 1024)
        for _ in range(total // len(piece)):
            yield piece

    try:
        response = httpx.post(
            url,
            content=body(),
            headers={"Content-Length": str(total), **(headers or {})},
            timeout=30,
        )
        return response.status_code
    except httpx.HTTPError:  # the server answered and closed while we were still sending
        return -1


@pytest.fixture
def bot_process(tmp_path):
    port = free_port()
    with SimulatorServer(token="mem-test-token") as acc, FakeSlack() as slack:  # noqa: S106
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-mem-test",
            SLACK_SIGNING_SECRET="mem-test-secret",
            SLACK_API_URL=slack.api_url,
            ACC_BASE_URL=acc.url,
            ACC_API_TOKEN="mem-test-token",
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            PORT=str(port),
            ACCBOT_POLL_SECONDS="60",
        )
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, "the bot exited"
                assert time.monotonic() < deadline, "the bot did not start serving"
                time.sleep(0.2)
            yield process.pid, f"{url}/slack/events"
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.timeout(120)
def test_oversized_posts_are_refused_without_growing_the_process(bot_process):
    pid, events_url = bot_process
    forged = {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    # warm up every path once, so that loading code is not counted as growth
    post_with_length(events_url, 4 * 1024 * 1024)
    post_chunked(events_url, forged, 4 * 1024 * 1024)
    httpx.post(events_url, content=b"text=help", headers=forged)
    time.sleep(0.5)
    before = memory_kb(pid)

    unsigned = post_with_length(events_url, BIG)
    chunked = post_chunked(events_url, forged, BIG)
    forged_status = post_with_length(events_url, BIG, forged)
    time.sleep(0.5)
    after = memory_kb(pid)

    grown = after["VmHWM"] - before["VmHWM"]
    assert grown < GROWTH_LIMIT_KB, f"peak resident size grew by {grown} kB: {before} -> {after}"
    assert unsigned in (413, -1)  # -1: refused and closed while the client still sent
    assert chunked == 413
    assert forged_status in (413, -1)
    # and the bot still serves
    assert httpx.get(events_url.replace("/slack/events", "/healthz")).status_code == 200
