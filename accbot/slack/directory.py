"""What Slack says about the bot's own workspace (``auth.test``) and about a person
(``users.info``), cached: these lookups sit in front of every ack.

``auth.test`` is asked once per process (a failure is not cached, so the next request
asks again); a person is remembered for USER_CACHE_SECONDS, so a guest whose account
was upgraded, or a member turned guest, is seen as such within minutes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient

USER_CACHE_SECONDS = 300.0
USER_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class SlackPerson:
    user_id: str
    team_id: str | None
    enterprise_id: str | None
    guest: bool  # is_restricted (multi-channel) or is_ultra_restricted (single-channel)


class SlackDirectory:
    def __init__(
        self,
        client: WebClient,
        *,
        cache_seconds: float = USER_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._home: frozenset[str] | None = None
        self._people: dict[str, tuple[float, SlackPerson]] = {}
        self._asking: dict[str, threading.Lock] = {}  # one users.info per person at a time
        self._asking_home = threading.Lock()  # and one auth.test at a time

    def home(self) -> frozenset[str]:
        """The bot token's workspace (and its org, for an org-wide install).
        Raises SlackApiError when Slack cannot say. Concurrent first requests wait for
        a single auth.test call."""
        with self._lock:
            if self._home is not None:
                return self._home
        with self._asking_home:
            return self._home if self._home is not None else self._ask_home()

    def _ask_home(self) -> frozenset[str]:
        answer = self._client.auth_test()
        ids = {answer.get("team_id")}
        if answer.get("is_enterprise_install"):
            ids.add(answer.get("enterprise_id"))
        home = frozenset(i for i in ids if i)
        with self._lock:
            self._home = home
        return home

    def person(self, user_id: str) -> SlackPerson:
        """Raises SlackApiError when Slack cannot say who this is. Concurrent first
        requests of one person wait for a single users.info call."""
        cached = self._cached(user_id)
        if cached is not None:
            return cached
        with self._lock:
            asking = self._asking.setdefault(user_id, threading.Lock())
        with asking:
            cached = self._cached(user_id)
            return cached if cached is not None else self._look_up(user_id)

    def _cached(self, user_id: str) -> SlackPerson | None:
        now = self._clock()
        with self._lock:
            cached = self._people.get(user_id)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        return None

    def _look_up(self, user_id: str) -> SlackPerson:
        now = self._clock()
        user = self._client.users_info(user=user_id)["user"] or {}
        grid = user.get("enterprise_user") or {}
        person = SlackPerson(
            user_id=user_id,
            team_id=user.get("team_id"),
            enterprise_id=grid.get("enterprise_id"),
            guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        )
        with self._lock:
            if len(self._people) >= USER_CACHE_SIZE:
                self._people.clear()
                self._asking.clear()
            self._people[user_id] = (now, person)
        return person
