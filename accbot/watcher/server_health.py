"""Is an SE server in trouble? ACC's ``api/server/check`` answer judged by ACC's own rules.

A server is in trouble when ACC cannot reach it (``isError``: unreachable, or the key was
refused) or when its current CPU or memory usage is at or over the threshold ACC reports
with it (``cpuThreshold``, ``memoryThreshold``). A threshold ACC leaves out (or 0) is not
checked. Pure: the answer goes in, a verdict comes out.

The server's key is a secret: should ACC ever echo it in its message, ``assess`` blanks
it out before the message becomes a reason that is stored and shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accbot.acc.models import ServerStatus

UNREACHABLE = "Unreachable"
OVER_THRESHOLD = "Over threshold"


@dataclass(frozen=True)
class ServerCondition:
    """``trouble`` None means healthy; ``reasons`` say what is wrong, in plain words."""

    trouble: str | None  # UNREACHABLE or OVER_THRESHOLD
    reasons: tuple[str, ...] = ()
    cpu_percent: float | None = None
    memory_percent: float | None = None

    @property
    def healthy(self) -> bool:
        return self.trouble is None


def assess(status: ServerStatus, secret: str = "") -> ServerCondition:
    """ACC's message is kept as a reason for an unreachable server, with ``secret`` (the
    server's key) blanked out; views escape it like any text from ACC."""
    if status.is_error:
        message = status.message.replace(secret, "***") if secret else status.message
        return ServerCondition(UNREACHABLE, (message or "ACC could not reach it",))
    cpu, memory = status.cpu_percent, status.memory_percent
    reasons = [
        f"{what} {_percent(value)} (threshold {threshold}%)"
        for what, value, threshold in (
            ("CPU", cpu, status.cpu_threshold),
            ("memory", memory, status.memory_threshold),
        )
        if value is not None and threshold and value >= threshold
    ]
    return ServerCondition(
        OVER_THRESHOLD if reasons else None,
        tuple(reasons),
        cpu_percent=cpu,
        memory_percent=memory,
    )


def _percent(value: float) -> str:
    return f"{value:g}%"


@dataclass(frozen=True)
class ServerFacts:
    """What a server alert says, kept in its record as JSON so a retry says the same."""

    name: str  # as ACCBOT_SERVERS names it
    address: str  # ip:port, for people who look the server up
    trouble: str  # UNREACHABLE or OVER_THRESHOLD
    reasons: tuple[str, ...]

    def payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address": self.address,
            "trouble": self.trouble,
            "reasons": list(self.reasons),
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> ServerFacts:
        return cls(
            name=str(data["name"]),
            address=str(data.get("address") or ""),
            trouble=str(data.get("trouble") or UNREACHABLE),
            reasons=tuple(str(r) for r in data.get("reasons") or ()),
        )
