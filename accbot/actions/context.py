"""What every action receives: who asks, from where, and the services to use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from accbot.actions.approvals.locks import RequestLocks
from accbot.actions.known_names import KnownNames
from accbot.commands.roles import Role

if TYPE_CHECKING:
    from accbot.acc.client import AccClient
    from accbot.actions.health import WatcherSnapshot
    from accbot.actions.roles import RoleChecker
    from accbot.config import Settings
    from accbot.sas.client import SasClient
    from accbot.store.db import Database


WAIT_POLL_SECONDS = 2.0


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """The person (or the watcher) on whose behalf an action runs."""

    user_id: str
    channel_id: str | None = None
    source: str = "slack"  # slack | cli | watcher
    name: str | None = None  # as people know them; ACC's logs name the person by it
    roles: frozenset[Role] = frozenset()  # filled by the dispatcher, read by handlers

    def holds(self, role: Role) -> bool:
        return role is Role.VIEWER or role in self.roles


@dataclass
class Services:
    """Long-lived collaborators, built once per process (one HTTP client each)."""

    settings: Settings
    acc: AccClient
    db: Database
    roles: RoleChecker
    sas: SasClient | None = None
    clock: Callable[[], datetime] = utcnow
    # how often ``start --wait`` asks ACC whether the run has ended (tests shorten it)
    wait_poll_seconds: float = WAIT_POLL_SECONDS
    # agent id -> the path it was looked up by, so answers about runs name the agent
    agent_paths: KnownNames = field(default_factory=KnownNames)
    # SAS catalog agent id -> its name, read once per process
    sas_agent_names: KnownNames = field(default_factory=KnownNames)
    # one lock per approval request being decided in this process
    approval_locks: RequestLocks = field(default_factory=RequestLocks)
    # The watcher running in this process, as it reports itself (None: none runs here).
    watcher_probe: Callable[[], WatcherSnapshot] | None = None
    # this process's watcher replica (its lease holder id), when it runs one
    watcher_holder: str | None = None

    def acc_link(self, *parts: str) -> str:
        """A link into the ACC web portal (ACCBOT_ACC_WEB_URL, else ACC_BASE_URL)."""
        base = self.settings.acc_web_url
        return "/".join([base, *[p.strip("/") for p in parts if p]]) if parts else base
