"""One run as the watcher saw it, whatever backend it came from.

``Observation`` is what detection, recording and alerting look at, so none of them reads a
backend model. Plain data: views may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

OVERDUE = "Overdue"  # the status an alert about a run past its expected end is keyed on


@dataclass(frozen=True)
class Observation:
    """One run as the watcher saw it in one poll, whatever backend it came from.

    ``run_id`` is unique among all streams of the agent (job runs carry a ``job:`` prefix),
    because alert and cursor keys are built from it. Times are timezone-aware.
    """

    kind: str  # the watch kind: "acc" or "sas"
    stream: str  # the stream it came from: "run", "job", ...
    agent_id: str
    run_id: str
    status: str  # the status label shown and keyed on, e.g. "Failed"
    is_failure: bool
    is_finished: bool
    is_success: bool
    is_active: bool = False  # starting or running: may become overdue
    # A status the backend does not document (SAS): neither failure nor success, it is
    # alerted once per agent and status word, whatever the watch's --all.
    is_unknown: bool = False
    started: datetime | None = None
    ended: datetime | None = None
    expected_end: datetime | None = None
    log_ref: str | None = None  # what the stream's ``log_excerpt`` takes; None: no log
    original: Any = None  # the backend's own model (a plain dataclass), for the alert's view
    # The run belongs to a job run (ACC: ``runId`` > 0 or an ``agentJobScheduleId``): when
    # it changes, the agent's on-demand streams (its job history) are asked too.
    belongs_to_job: bool = False
    # How many rows the run brought back (ACC agent runs' ``dataCount``); None: not reported.
    data_count: int | None = None


@dataclass(frozen=True)
class LogExcerpt:
    """What a run's log says, for the alert's thread."""

    summary: str
    lines: list[str]


def aware(moment: datetime | None) -> datetime | None:
    """ACC stamps its times with an offset; one without is read as UTC rather than refused."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
