"""Where the watcher's events go: the Sink protocol, and how a sink says it failed.

A sink turns an event into a message somewhere (Slack; a terminal) and returns the id
of the message it made; a reply goes into the thread of the message id it is given. A
sink that keeps messages (Slack) finds its keyed messages again with ``find_posted``;
one that cannot (a terminal) returns nothing, and a crash there may repeat a line.

``pace`` says how fast one channel may be written to; the publisher keeps to it, so
a sink never waits by itself. A sink that is told to slow down raises ``RateLimited``
with the wait, which the publisher honours for that channel alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from accbot.watcher.events import Event


@dataclass(frozen=True)
class Pace:
    """At most ``burst`` posts at once per channel, then ``per_second``."""

    per_second: float
    burst: int


class SinkError(Exception):
    """A post that failed; ``transient`` when trying again later can help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class RateLimited(SinkError):
    """The channel may take nothing more for ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, transient=True)
        self.retry_after = retry_after


class Sink(Protocol):
    pace: Pace | None  # None: post as fast as events come

    def post(self, event: Event) -> str:
        """Make the event's message; returns its id (raises SinkError)."""
        ...

    def find_posted(
        self, channel: str, *, since: datetime, thread: str | None = None
    ) -> dict[str, str]:
        """Keys of keyed events already posted in the channel (or in ``thread``) since
        about ``since``, with their message ids (raises SinkError)."""
        ...
