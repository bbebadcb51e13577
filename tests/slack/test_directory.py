"""SlackDirectory sits in front of every ack: what it asks Slack, and how often."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from accbot.slack.directory import SlackDirectory


class SlowSlack:
    """Answers auth.test and users.info after a pause, counting the calls."""

    def __init__(self, pause: float = 0.2) -> None:
        self.pause = pause
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def _count(self, method: str) -> None:
        with self._lock:
            self.calls.append(method)
        time.sleep(self.pause)

    def auth_test(self) -> dict:
        self._count("auth.test")
        return {"ok": True, "team_id": "T0TEST", "user_id": "UBOT"}

    def users_info(self, user: str) -> dict:
        self._count("users.info")
        return {"ok": True, "user": {"id": user, "team_id": "T0TEST"}}


def test_many_first_requests_at_once_ask_slack_for_the_bots_workspace_once():
    slack = SlowSlack()
    directory = SlackDirectory(slack)  # type: ignore[arg-type]
    with ThreadPoolExecutor(max_workers=20) as pool:
        homes = list(pool.map(lambda _: directory.home(), range(20)))
    assert homes == [frozenset({"T0TEST"})] * 20
    assert slack.calls == ["auth.test"]


def test_a_failed_workspace_lookup_is_asked_again_by_the_next_request():
    slack = SlowSlack(pause=0)
    calls = iter([RuntimeError("Slack is down"), None])

    def auth_test() -> dict:
        failure = next(calls)
        if failure is not None:
            raise failure
        return {"ok": True, "team_id": "T0TEST"}

    slack.auth_test = auth_test  # type: ignore[method-assign]
    directory = SlackDirectory(slack)  # type: ignore[arg-type]
    try:
        directory.home()
    except RuntimeError:
        pass
    else:
        raise AssertionError("the first lookup should have failed")
    assert directory.home() == frozenset({"T0TEST"})
