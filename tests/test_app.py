"""`python app.py` as an operator runs it: clear errors without configuration, HTTP
mode serving health and Slack, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from accbot.simulator.server import SimulatorServer
from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]


def clean_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**keep, **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_without_configuration_it_names_every_missing_variable_and_where_to_get_it(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env=clean_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "ACC_BASE_URL", "ACC_API_TOKEN"):
        assert name in result.stderr
    assert "manifest.yml" in result.stderr
    assert "Traceback" not in result.stderr


def test_socket_mode_needs_no_signing_secret(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env=clean_env(SLACK_APP_TOKEN="xapp-1-test"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" not in result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr


def test_an_invalid_value_is_reported_without_echoing_it(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env=clean_env(ACCBOT_POLL_SECONDS="0", ACC_API_TOKEN="secret-token-value"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ACCBOT_POLL_SECONDS" in result.stderr
    assert "secret-token-value" not in result.stderr + result.stdout


@pytest.mark.timeout(90)
def test_http_mode_serves_health_and_stops_cleanly_on_sigterm(tmp_path):
    port = free_port()
    with SimulatorServer(token="app-test-token") as acc, FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-app-test",
            SLACK_SIGNING_SECRET="app-test-secret",
            SLACK_API_URL=slack.api_url,
            ACC_BASE_URL=acc.url,
            ACC_API_TOKEN="app-test-token",
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            PORT=str(port),
            ACCBOT_POLL_SECONDS="1",
        )
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the bot did not start serving"
                time.sleep(0.2)
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
            assert ready.status_code == 200
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0, output
        assert "app-test-token" not in output
        assert "xoxb-app-test" not in output


def run_app(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-app-test",
        SLACK_SIGNING_SECRET="app-test-secret",
        ACC_BASE_URL="http://127.0.0.1:9",
        ACC_API_TOKEN="app-test-token",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        **extra,
    )


def test_a_port_in_use_is_one_sentence_naming_port_and_nothing_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 (where the bot would listen)
        taken.listen()
        port = taken.getsockname()[1]
        result = run_app(bot_env(tmp_path, PORT=str(port)), tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Port {port} is already in use by another program: stop it, or set PORT to a free port."
    )
    assert not (tmp_path / "bot.db").exists()  # it stopped before migrating or watching


def test_socket_mode_refused_by_slack_is_one_sentence_naming_the_app_token(tmp_path):
    with FakeSlack() as slack:
        slack.fail_next(
            "apps.connections.open", status=200, body={"ok": False, "error": "invalid_auth"}
        )
        result = run_app(
            bot_env(
                tmp_path, SLACK_APP_TOKEN="xapp-fake_socket_app_token", SLACK_API_URL=slack.api_url
            ),
            tmp_path,
        )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        "Slack refused the Socket Mode connection (invalid_auth): check SLACK_APP_TOKEN "
        "(an xapp- app-level token with connections:write)."
    )
    assert "Traceback" not in result.stderr
    assert "xapp-fake_socket_app_token" not in result.stderr + result.stdout


def test_socket_mode_without_slack_reachable_is_one_sentence(tmp_path):
    unreachable = f"http://127.0.0.1:{free_port()}/api/"
    result = run_app(
        bot_env(tmp_path, SLACK_APP_TOKEN="xapp-fake_socket_app_token", SLACK_API_URL=unreachable),
        tmp_path,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("Could not reach Slack to open the Socket Mode connection")
    )
    assert "Traceback" not in result.stderr


def test_a_database_that_cannot_be_reached_is_one_sentence_without_its_password(tmp_path):
    port = free_port()  # nothing listens there
    url = f"postgresql://accbot:db-pass-6d1e@127.0.0.1:{port}/accbot"
    result = run_app({**bot_env(tmp_path, PORT=str(free_port())), "DATABASE_URL": url}, tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"The database postgresql+psycopg://accbot:***@127.0.0.1:{port}/accbot")
    assert last.endswith("check DATABASE_URL and that the server is running.")
    assert "Traceback" not in result.stderr
    assert "db-pass-6d1e" not in result.stderr + result.stdout
