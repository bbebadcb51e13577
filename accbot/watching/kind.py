"""A kind of watched agent: how a typed reference resolves, and which histories to poll."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from accbot.watching.observation import LogExcerpt, Observation

if TYPE_CHECKING:
    from accbot.actions.context import Services


class Stream(Protocol):
    """One history of an agent that the watcher polls."""

    name: str
    backend: str  # whose outage stops it: "ACC", "SAS"
    # False: asked every cycle. True: asked only when an every-cycle stream shows a run
    # that belongs to a job changing, and as a safety net (see watcher/followups.py).
    on_demand: bool

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        """The ``count`` newest entries, newest first."""
        ...

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        """The error lines of one entry's log (raises the backend's errors)."""
        ...


@dataclass(frozen=True)
class WatchKind:
    """A kind of watched agent: how a typed reference resolves, and what to poll."""

    kind: str
    streams: tuple[Stream, ...]
    resolve: Callable[[Services, str], str]  # agent reference -> agent id
    # Why this kind cannot be watched with these services (e.g. a backend not configured).
    unavailable: Callable[[Services], str | None] = lambda services: None

    def stream(self, name: str) -> Stream:
        for stream in self.streams:
            if stream.name == name:
                return stream
        raise LookupError(f"{self.kind} agents have no {name!r} history")


class UnknownWatchKind(LookupError):
    def __init__(self, kind: str) -> None:
        super().__init__(f"accbot cannot watch {kind} agents")
        self.kind = kind


class KindUnavailable(LookupError):
    """The kind's backend is not configured in this process (SAS without SAS_BASE_URL)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
