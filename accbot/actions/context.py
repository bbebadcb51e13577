"""What every action receives: who asks, from where, and the services to use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accbot.acc.client import AccClient
    from accbot.actions.roles import RoleChecker
    from accbot.config import Settings
    from accbot.sas.client import SasClient
    from accbot.store.db import Database


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """The person (or the watcher) on whose behalf an action runs."""

    user_id: str
    channel_id: str | None = None
    source: str = "slack"  # slack | cli | watcher
    name: str | None = None  # as people know them; ACC's logs name the person by it


@dataclass
class Services:
    """Long-lived collaborators, built once per process (one HTTP client each)."""

    settings: Settings
    acc: AccClient
    db: Database
    roles: RoleChecker
    sas: SasClient | None = None
    clock: Callable[[], datetime] = utcnow
    extras: dict[str, Any] = field(default_factory=dict)

    def acc_link(self, *parts: str) -> str:
        """A link into the ACC web portal (ACCBOT_ACC_WEB_URL, else ACC_BASE_URL)."""
        base = self.settings.acc_web_url
        return "/".join([base, *[p.strip("/") for p in parts if p]]) if parts else base
