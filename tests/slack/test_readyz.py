"""/readyz: its exact shape, no addresses, one cached probe however many ask, and the
watcher's state as this replica sees it."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import httpx
import pytest

from tests.support.bot import ADMIN, SIGNING_SECRET, start_bot, stop_bot
from tests.support.slack_requests import SlackSender

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
PROBES = ("GET", "/api/agent")


def readyz(bot) -> httpx.Response:
    return httpx.get(f"{bot.url}/readyz", timeout=60)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ready_names_database_acc_and_watcher_and_nothing_else(bot):
    response = readyz(bot)
    assert response.status_code == 200
    assert response.json() == {"ready": True, "database": "ok", "acc": "ok", "watcher": "standby"}


def test_acc_down_is_a_503_that_names_no_address_and_no_password(slack, tmp_path):
    port = closed_port()
    bot = start_bot(
        acc_url=f"http://probe-user:s3cret-pass@127.0.0.1:{port}",
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    try:
        bot.services.acc.backoff = 0.0
        response = readyz(bot)
    finally:
        stop_bot(bot)
    assert response.status_code == 503
    assert response.json() == {
        "ready": False,
        "database": "ok",
        "acc": "down",
        "watcher": "standby",
    }
    for leak in ("s3cret-pass", "probe-user", "127.0.0.1", str(port)):
        assert leak not in response.text


def test_acc_answering_5xx_is_down(bot, acc):
    bot.services.acc.backoff = 0.0
    acc.state.fail_next(20, status=503)
    response = readyz(bot)
    assert response.status_code == 503
    assert response.json()["acc"] == "down"


def test_the_answer_is_cached_for_a_few_seconds(bot, acc):
    first, second = readyz(bot), readyz(bot)
    assert first.json() == second.json()
    assert acc.state.count_requests(*PROBES) == 1


def test_sixty_at_once_with_a_slow_acc_make_one_probe_and_commands_still_ack(bot, slack, acc):
    acc.state.latency = 2.0

    async def sixty() -> list[int]:
        async with httpx.AsyncClient(timeout=60) as http:
            answers = await asyncio.gather(*[http.get(f"{bot.url}/readyz") for _ in range(60)])
        return [a.status_code for a in answers]

    statuses: list[int] = []
    crowd = threading.Thread(target=lambda: statuses.extend(asyncio.run(sixty())))
    crowd.start()
    time.sleep(0.5)  # the readiness requests are all waiting on the slow ACC now
    sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
    try:
        started = time.monotonic()
        ack = sender.command(f"run {SAMPLE_RUN}")
        acked_in = time.monotonic() - started
    finally:
        sender.close()
    crowd.join(timeout=60)
    assert ack.status_code == 200
    assert acked_in < 3.0, f"the command's ack took {acked_in:.2f}s"
    assert statuses == [200] * 60
    assert acc.state.count_requests(*PROBES) == 1


@pytest.fixture
def watching_bot(acc, slack, tmp_path):
    running = start_bot(
        acc_url=acc.url,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        watcher=True,
        ACCBOT_POLL_SECONDS=1,
        ACCBOT_ALERT_CHANNEL="CALERTS",
    )
    yield running
    stop_bot(running)


def wait_for_watcher(bot, state: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        answer = readyz(bot).json()
        if answer["watcher"] == state or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_a_polling_watcher_is_ok_and_one_stuck_for_three_intervals_is_behind(
    watching_bot, slack, acc
):
    bot = watching_bot
    path = "acme/readiness/stuck"
    acc.state.add_agent(path)
    sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.response_url())
    try:
        sender.command(f"watch {path} <#CALERTS|alerts>", user=ADMIN)
    finally:
        sender.close()
    answer = wait_for_watcher(bot, "ok")
    assert answer == {"ready": True, "database": "ok", "acc": "ok", "watcher": "ok"}

    acc.state.hang_next(1, 6.0)  # the next cycle's history request hangs
    answer = wait_for_watcher(bot, "behind")
    assert answer["watcher"] == "behind"
    assert answer["ready"] is True  # commands are still served


def test_a_replica_holding_no_watch_shard_is_standby(acc, slack, tmp_path):
    # One shard for two replicas: one holds it and polls, the other waits.
    bots = [
        start_bot(
            acc_url=acc.url,
            slack_api_url=slack.api_url,
            database_url=f"sqlite:///{tmp_path / 'shared.db'}",
            watcher=True,
            ACCBOT_POLL_SECONDS=1,
            ACCBOT_WATCH_SHARDS=1,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 10
        states: set[str] = set()
        while states != {"ok", "standby"} and time.monotonic() < deadline:
            time.sleep(0.5)
            states = {readyz(bot).json()["watcher"] for bot in bots}
    finally:
        for bot in bots:
            stop_bot(bot)
    assert states == {"ok", "standby"}
