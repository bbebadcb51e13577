"""The newest run the watcher saw of an agent: what "last status" means on the App Home.

Taken from the histories polled every cycle (an ACC agent's runs, a SAS agent's runs;
not job histories, asked only now and then): the run that started last. The watcher
keeps it on the agent's cursor whenever it records something new of the agent, and a
new watch keeps it from the history it starts with, so the App Home can list every
watched agent's last status without asking ACC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accbot.watching.observation import Observation

EVERY_CYCLE_STREAM = "run"


@dataclass(frozen=True)
class LastRun:
    run_id: str
    status: str
    is_failure: bool
    at: datetime | None  # when it ended, else when it started

    def payload(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "is_failure": self.is_failure,
            "at": self.at.isoformat() if self.at else None,
        }

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> LastRun | None:
        """Read back from a cursor; None for nothing or something unreadable."""
        if not isinstance(data, dict) or "run_id" not in data or "status" not in data:
            return None
        try:
            at = datetime.fromisoformat(data["at"]) if data.get("at") else None
        except (TypeError, ValueError):
            at = None
        return cls(
            run_id=str(data["run_id"]),
            status=str(data["status"]),
            is_failure=bool(data.get("is_failure")),
            at=at,
        )


def latest_run(histories: Iterable[Iterable[Observation]]) -> LastRun | None:
    """The run that started last in the every-cycle histories; None when there is none."""
    runs = [o for history in histories for o in history if o.stream == EVERY_CYCLE_STREAM]
    if not runs:
        return None
    oldest = datetime.min.replace(tzinfo=UTC)
    newest = max(runs, key=lambda o: o.started or oldest)
    return LastRun(
        run_id=newest.log_ref or newest.run_id,
        status=newest.status,
        is_failure=newest.is_failure,
        at=newest.ended or newest.started,
    )
