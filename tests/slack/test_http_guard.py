"""Before bolt parses anything: size limits, malformed headers and bodies, and logs that a
forged request cannot write into."""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import threading
import time

import httpx
import pytest
from slack_bolt.request import BoltRequest

from accbot.slack_guard import MAX_BODY_BYTES
from tests.support.bot import SIGNING_SECRET

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
FORM = "application/x-www-form-urlencoded"


def signed(body: bytes, *, timestamp: str | None = None, secret: str = SIGNING_SECRET) -> dict:
    ts = timestamp or str(int(time.time()))
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0="
        + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest(),
    }


def command_body(text: str) -> bytes:
    return f"command=%2Facc&text={text}&user_id=UVIEWER&team_id=T0TEST&channel_id=C1".encode()


def post_chunked(url: str, headers: dict[str, str], total: int, chunk: int = 64 * 1024) -> int:
    """POST ``total`` bytes with Transfer-Encoding: chunked over a raw socket; the status.

    The answer is read while the body is still being sent: a server that refuses early
    may close the connection before the client has finished."""
    parsed = httpx.URL(url)
    sock = socket.create_connection((parsed.host, parsed.port), timeout=10)
    head = [f"POST {parsed.raw_path.decode()} HTTP/1.1", f"Host: {parsed.host}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head += ["Transfer-Encoding: chunked", "", ""]
    answer: list[bytes] = []

    def read() -> None:
        try:
            answer.append(sock.recv(4096))
        except OSError:
            answer.append(b"")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        sock.sendall("\r\n".join(head).encode())
        piece = b"a" * chunk
        sent = 0
        while sent < total and reader.is_alive():
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sent += len(piece)
        if reader.is_alive():
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    reader.join(timeout=10)
    sock.close()
    status_line = (answer[0] if answer else b"").split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_a_body_declared_over_one_mib_is_refused_with_413_and_nothing_runs(bot, acc):
    body = command_body(f"run {SAMPLE_RUN}") + b"&pad=" + b"a" * MAX_BODY_BYTES
    response = httpx.post(bot.events_url, content=body, headers=signed(body))
    assert response.status_code == 413
    time.sleep(0.3)
    assert acc.state.count_requests("GET", "/api/run") == 0


def test_a_chunked_body_is_cut_off_at_one_mib_with_413(bot, acc):
    headers = signed(b"whatever is sent")  # well formed, so the body itself is read
    assert post_chunked(bot.events_url, headers, 8 * MAX_BODY_BYTES) == 413


def test_a_signed_body_just_under_the_limit_is_still_served(bot, send, slack):
    body = command_body("help") + b"&pad=" + b"a" * (MAX_BODY_BYTES - 200)
    response = httpx.post(bot.events_url, content=body, headers=signed(body))
    assert response.status_code == 200
    assert "/acc" in response.text


def test_a_timestamp_that_is_no_number_is_a_400_not_a_500(bot, acc):
    body = command_body(f"run {SAMPLE_RUN}")
    response = httpx.post(bot.events_url, content=body, headers=signed(body, timestamp="abc"))
    assert response.status_code == 400
    assert "Traceback" not in response.text


def test_a_malformed_signature_is_a_400(bot):
    body = command_body("help")
    headers = {**signed(body), "X-Slack-Signature": "v0=not-hex"}
    assert httpx.post(bot.events_url, content=body, headers=headers).status_code == 400


def test_a_malformed_content_length_is_a_400(bot):
    body = command_body("help")
    parsed = httpx.URL(bot.events_url)
    with socket.create_connection((parsed.host, parsed.port), timeout=10) as sock:
        head = [f"POST {parsed.raw_path.decode()} HTTP/1.1", f"Host: {parsed.host}"]
        head += [f"{k}: {v}" for k, v in signed(body).items()]
        sock.sendall(("\r\n".join([*head, "Content-Length: -5", "", ""])).encode() + body)
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]
    # uvicorn itself may refuse such a header before accbot sees it; never a 500
    assert int(status_line.split()[1]) == 400


def test_a_correctly_signed_body_that_is_not_utf8_is_a_400_not_a_500(bot, acc):
    body = b"command=%2Facc&text=run+" + b"\xff\xfe\xfa" + b"&user_id=UVIEWER"
    response = httpx.post(bot.events_url, content=body, headers=signed(body))
    assert response.status_code == 400
    assert acc.state.count_requests("GET", "/api/run") == 0


@pytest.fixture
def info_logs(caplog):
    """Logging at INFO from before the bot is built, as app.py configures it."""
    caplog.set_level(logging.INFO)
    return caplog


def test_a_badly_signed_body_never_reaches_the_log(info_logs, bot):
    caplog = info_logs
    marker = "FORGED-LINE-7f3a\n2026-12-01 00:00:00 ERROR accbot: admin password is hunter2"
    body = command_body("help").decode() + "&text=" + marker
    headers = signed(body.encode(), secret="not-the-signing-secret")
    response = httpx.post(bot.events_url, content=body, headers=headers)
    assert response.status_code == 401
    assert "FORGED-LINE-7f3a" not in caplog.text
    assert "hunter2" not in caplog.text


def test_bolt_itself_does_not_log_a_bad_signatures_body(info_logs, bot):
    """bolt verifies again behind the guard; its verification logger stays quiet too."""
    caplog = info_logs
    body = "command=%2Facc&text=FORGED-BOLT-LINE"
    headers = {k.lower(): [v] for k, v in signed(body.encode(), secret="nope-nope").items()}
    response = bot.bolt.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    assert "FORGED-BOLT-LINE" not in caplog.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bnot+json", FORM),  # a button's payload that is no JSON
        (b"payload=%5B1%2C2%5D", FORM),  # JSON, but a list where Slack sends an object
        (b'{"type": "event_callback"', "application/json"),  # an event cut short
        (b'["event_callback"]', "application/json"),
    ],
)
def test_a_signed_body_bolt_cannot_read_is_a_400_not_a_500(bot, body, content_type):
    headers = {**signed(body), "Content-Type": content_type}
    response = httpx.post(bot.events_url, content=body, headers=headers)
    assert response.status_code == 400
    assert response.text == "malformed body"
