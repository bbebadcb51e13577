"""Where observations come from: each watch kind has history streams that the watcher polls.

An ACC agent has two streams, its runs (``api/agent/{id}/history``) and its job runs
(``api/job/{id}/history``). Each stream turns its backend's history into
:class:`Observation` values, so detection, recording and posting never look at a backend
model. Another backend (SAS catalog agents) plugs in by registering a :class:`WatchKind`
with its own streams from a module listed in ``PLUGIN_MODULES``; nothing else changes.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from accbot.acc import zips
from accbot.acc.models import AgentRun, JobRun, RunStatus

if TYPE_CHECKING:
    from accbot.actions.context import Services

JOB_PREFIX = "job:"
LOG_LINES = 15
# Modules that register further watch kinds when they exist (see register_kind).
PLUGIN_MODULES = ("accbot.watcher.sas_source",)


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
    original: Any = None  # the backend's own model, for rendering
    # The run belongs to a job run (ACC: ``runId`` > 0 or an ``agentJobScheduleId``): when
    # it changes, the agent's on-demand streams (its job history) are asked too.
    belongs_to_job: bool = False


@dataclass(frozen=True)
class LogExcerpt:
    """What a run's log says, for the alert's thread."""

    summary: str
    lines: list[str]


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


_KINDS: dict[str, WatchKind] = {}


def register_kind(kind: WatchKind) -> None:
    _KINDS[kind.kind] = kind


def watch_kind(kind: str) -> WatchKind:
    _load_plugins()
    try:
        return _KINDS[kind]
    except KeyError:
        raise UnknownWatchKind(kind) from None


def aware(moment: datetime | None) -> datetime | None:
    """ACC stamps its times with an offset; one without is read as UTC rather than refused."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


# ----------------------------------------------------------------------------- ACC


def run_observation(run: AgentRun) -> Observation:
    status = run.status
    return Observation(
        kind="acc",
        stream="run",
        agent_id=run.agent_id,
        run_id=run.run_history_id,
        status=status.label,
        is_failure=status.is_failure,
        is_finished=status.is_finished,
        is_success=status is RunStatus.SUCCEEDED,
        is_active=status in (RunStatus.STARTING, RunStatus.RUNNING, RunStatus.DELIVERY),
        started=aware(run.start_time),
        ended=aware(run.end_time),
        expected_end=aware(run.expected_end_time),
        log_ref=run.run_history_id,
        original=run,
        belongs_to_job=bool(run.run_id and run.run_id > 0) or bool(run.job_schedule_id),
    )


def job_observation(job: JobRun) -> Observation:
    status = job.status
    return Observation(
        kind="acc",
        stream="job",
        agent_id=job.agent_id,
        run_id=JOB_PREFIX + job.job_history_id,
        status=status.label,
        is_failure=status.is_failure,
        is_finished=status.is_finished,
        is_success=status.name == "SUCCEEDED",
        started=aware(job.start_time),
        ended=aware(job.end_time),
        log_ref=job.job_history_id,
        original=job,
    )


class AccRuns:
    name = "run"
    backend = "ACC"
    on_demand = False

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        return [run_observation(r) for r in services.acc.get_run_history(agent_id, count=count)]

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        from accbot.actions.runs import log_file

        found = log_file(
            f"Log of run {log_ref}", f"log-{log_ref}.zip", services.acc.get_run_log(log_ref)
        )
        return LogExcerpt(summary=found.summary, lines=list(found.quoted_lines))


class AccJobs:
    name = "job"
    backend = "ACC"
    on_demand = True  # a job's state follows its runs, which the run history shows

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        return [job_observation(j) for j in services.acc.get_job_history(agent_id, count=count)]

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        """A job's archive holds one log per agent run: the error lines of each, named."""
        data = services.acc.get_job_logs(log_ref)
        lines: list[str] = []
        for entry in zips.list_files(data):
            if not entry.name.lower().endswith(zips.TEXT_SUFFIXES):
                continue
            found = zips.error_lines(zips.read_text(data, entry.name), limit=LOG_LINES)
            lines.extend(f"{entry.name}: {line}" for line in found)
        lines = lines[:LOG_LINES]
        summary = (
            f"{len(lines)} error line(s) in the job's logs"
            if lines
            else "No error lines in the job's logs"
        )
        return LogExcerpt(summary=summary, lines=lines)


def _resolve_acc_agent(services: Services, path: str) -> str:
    from accbot.actions.common import resolve_agent

    return resolve_agent(services, path).agent_id


ACC = WatchKind(kind="acc", streams=(AccRuns(), AccJobs()), resolve=_resolve_acc_agent)
register_kind(ACC)


def _load_plugins() -> None:
    for module in PLUGIN_MODULES:
        if module not in _LOADED and importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
            _LOADED.add(module)


_LOADED: set[str] = set()
