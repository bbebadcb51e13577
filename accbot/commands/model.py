"""Typed commands: what a parsed ``/acc`` line asks for, with every value validated.

One frozen dataclass per command. Each carries ``name`` (its help key, e.g.
``"schedule add"``) and ``mutating`` (whether it changes anything in ACC or in the bot),
which the actions layer uses for roles and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, Literal

from accbot.acc.models import DEFAULT_RUN_METHOD

DEFAULT_RUN_COUNT = 10
DEFAULT_JOB_COUNT = 10
DEFAULT_AUDIT_COUNT = 20
MAX_COUNT = 100
DEFAULT_WAIT_SECONDS = 300
MAX_WAIT_SECONDS = 3600
MAX_MUTE = timedelta(days=7)
MIN_ESCALATE = timedelta(minutes=1)
MAX_ESCALATE = timedelta(days=7)
SERVER_PREFIX = "server:"
# Pasted CSV input data: Slack's plain-text input holds at most 3,000 characters.
MAX_CSV_CHARS = 3000
MIN_PAUSE = timedelta(minutes=1)
MAX_PAUSE = timedelta(days=30)

SCHEDULE_ACTIONS = ("on", "off", "run", "delete")
BULK_SCHEDULE_ACTIONS = ("on", "off", "delete")


@dataclass(frozen=True)
class AgentRef:
    """An agent: an ACC repository path (``sequentum/Test1/Agent``) or a SAS catalog
    agent (``sas:<agentId>``)."""

    kind: Literal["acc", "sas"]
    ref: str

    @property
    def is_sas(self) -> bool:
        return self.kind == "sas"

    def __str__(self) -> str:
        return f"sas:{self.ref}" if self.is_sas else self.ref


@dataclass(frozen=True)
class Command:
    name: ClassVar[str]
    mutating: ClassVar[bool] = False


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Help(Command):
    topic: str | None = None
    name: ClassVar[str] = "help"


@dataclass(frozen=True)
class ShowAgent(Command):
    agent: AgentRef
    name: ClassVar[str] = "agent"


@dataclass(frozen=True)
class ListRuns(Command):
    agent: AgentRef
    count: int = DEFAULT_RUN_COUNT
    failed_only: bool = False
    name: ClassVar[str] = "runs"


@dataclass(frozen=True)
class ShowRun(Command):
    run_id: str
    name: ClassVar[str] = "run"


@dataclass(frozen=True)
class ShowLog(Command):
    run_id: str
    name: ClassVar[str] = "log"


@dataclass(frozen=True)
class GetData(Command):
    run_id: str
    name: ClassVar[str] = "data"


@dataclass(frozen=True)
class ServerHealth(Command):
    server: str
    name: ClassVar[str] = "server"


@dataclass(frozen=True)
class ShowStatus(Command):
    """The watcher's own health."""

    name: ClassVar[str] = "status"


@dataclass(frozen=True)
class ShowAudit(Command):
    count: int = DEFAULT_AUDIT_COUNT
    name: ClassVar[str] = "audit"


# --- running -------------------------------------------------------------------------


@dataclass(frozen=True)
class StartAgent(Command):
    """``test`` starts a test run (``isProductionRun: false``); ``wait_seconds`` set means
    follow the run to its end for at most that long."""

    agent_path: str
    params: dict[str, str] = field(default_factory=dict)
    session_id: str | None = None
    log_level: int | None = None
    test: bool = False
    files: list[str] = field(default_factory=list)
    multi: bool = False
    wait_seconds: int | None = None
    name: ClassVar[str] = "start"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class OpenStartForm(Command):
    """``/acc start`` with no path, or ``/acc start <agentPath> --form``: a form asks for
    what the command line would. Options typed with ``--form`` fill the form in. Same
    help key as ``start``, so the same role: only operators see the form."""

    agent_path: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    log_level: int | None = None
    test: bool = False
    files: list[str] = field(default_factory=list)
    multi: bool = False
    name: ClassVar[str] = "start"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class RestartRun(Command):
    run_id: str
    name: ClassVar[str] = "restart"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class RetryRun(Command):
    """``method`` is one of ACC's six RunMethod values, spelled canonically."""

    run_id: str
    method: str = DEFAULT_RUN_METHOD.value
    name: ClassVar[str] = "retry"
    mutating: ClassVar[bool] = True


# --- jobs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StartJob(Command):
    agent_path: str
    params: dict[str, str] = field(default_factory=dict)
    name: ClassVar[str] = "job start"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class ListJobs(Command):
    agent_path: str
    count: int = DEFAULT_JOB_COUNT
    name: ClassVar[str] = "jobs"


@dataclass(frozen=True)
class ShowJob(Command):
    job_run_id: str
    name: ClassVar[str] = "job"


@dataclass(frozen=True)
class ListJobRuns(Command):
    agent_path: str
    job_run_id: str
    name: ClassVar[str] = "job runs"


@dataclass(frozen=True)
class JobLogs(Command):
    job_run_id: str
    name: ClassVar[str] = "job logs"


@dataclass(frozen=True)
class JobData(Command):
    job_run_id: str
    name: ClassVar[str] = "job data"


@dataclass(frozen=True)
class SetJobStatus(Command):
    """``status`` is a JobStatus slug: never-run, in-progress, in-progress-with-failure,
    succeeded, failure or failed."""

    agent_path: str
    status: str
    name: ClassVar[str] = "job status"
    mutating: ClassVar[bool] = True


# --- schedules -----------------------------------------------------------------------


@dataclass(frozen=True)
class ListSchedules(Command):
    agent_path: str
    name: ClassVar[str] = "schedules"


@dataclass(frozen=True)
class AddSchedule(Command):
    """``cron`` and ``tz`` are kept as typed; ``start`` is ``yyyy-MM-ddTHH:mm:ss``."""

    agent_path: str
    cron: str
    tz: str | None = None
    start: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    name: ClassVar[str] = "schedule add"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class ScheduleAction(Command):
    """One schedule: ``action`` is on, off, run or delete. ``off`` with a ``pause``
    duration turns it off for that long: accbot turns it back on by itself."""

    schedule_id: str
    action: Literal["on", "off", "run", "delete"]
    pause: timedelta | None = None
    mutating: ClassVar[bool] = True

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"schedule {self.action}"


@dataclass(frozen=True)
class BulkScheduleAction(Command):
    """Every schedule of one agent: ``action`` is on, off or delete; ``off`` takes a
    ``pause`` duration like a single schedule."""

    agent_path: str
    action: Literal["on", "off", "delete"]
    pause: timedelta | None = None
    mutating: ClassVar[bool] = True

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"schedules {self.action}"


@dataclass(frozen=True)
class ListPauses(Command):
    """``/acc paused``: schedules turned off for a while, soonest back first."""

    name: ClassVar[str] = "paused"


# --- approvals -----------------------------------------------------------------------


@dataclass(frozen=True)
class Approve(Command):
    agent_path: str
    message: str | None = None
    name: ClassVar[str] = "approve"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class Disapprove(Command):
    agent_path: str
    message: str | None = None
    name: ClassVar[str] = "disapprove"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class RequestApproval(Command):
    agent_path: str
    note: str | None = None
    name: ClassVar[str] = "request-approval"
    mutating: ClassVar[bool] = True


# --- inputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class AddInputs(Command):
    agent_path: str
    name: ClassVar[str] = "inputs add"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class AddCsvInput(Command):
    """``/acc inputs csv``: a form to paste CSV rows; ``filename`` None means the form
    suggests one."""

    agent_path: str
    filename: str | None = None
    name: ClassVar[str] = "inputs csv"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class ClearInputs(Command):
    agent_path: str
    name: ClassVar[str] = "inputs clear"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class DisableInputs(Command):
    agent_path: str
    name: ClassVar[str] = "inputs disable"
    mutating: ClassVar[bool] = True


# --- watching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    """``--escalate 30m @oncall``: who is mentioned when an alert is still unacknowledged
    after ``after``. ``target_id`` is a user (U…/W…) or a user group (S…)."""

    after: timedelta
    target_id: str

    @property
    def is_group(self) -> bool:
        return self.target_id.startswith("S")


@dataclass(frozen=True)
class Watch(Command):
    """``channel_id`` None means the channel the command was typed in (or the default
    alert channel); ``all_states`` alerts on every end state, not only failures.

    Data quality: ``empty`` alerts a successful run with no data; ``drop_percent`` alerts
    a successful run whose data count is more than that far below the median of the
    agent's last ten successful runs."""

    agent: AgentRef
    channel_id: str | None = None
    all_states: bool = False
    empty: bool = False
    drop_percent: int | None = None
    escalate: Escalation | None = None
    name: ClassVar[str] = "watch"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class WatchServer(Command):
    """``/acc watch server:<name>``: alert when an SE server of ACCBOT_SERVERS is
    unreachable or over ACC's thresholds. Same help key (and role) as ``watch``."""

    server: str
    channel_id: str | None = None
    name: ClassVar[str] = "watch"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class UnwatchServer(Command):
    server: str
    channel_id: str | None = None
    name: ClassVar[str] = "unwatch"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class Unwatch(Command):
    agent: AgentRef
    channel_id: str | None = None
    name: ClassVar[str] = "unwatch"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class ListWatches(Command):
    name: ClassVar[str] = "watching"


@dataclass(frozen=True)
class Mute(Command):
    agent: AgentRef
    duration: timedelta
    name: ClassVar[str] = "mute"
    mutating: ClassVar[bool] = True


COMMAND_TYPES: tuple[type[Command], ...] = (
    Help, ShowAgent, ListRuns, ShowRun, ShowLog, GetData, ServerHealth, ShowStatus, ShowAudit,
    StartAgent, OpenStartForm, RestartRun, RetryRun,
    StartJob, ListJobs, ShowJob, ListJobRuns, JobLogs, JobData, SetJobStatus,
    ListSchedules, AddSchedule, ScheduleAction, BulkScheduleAction, ListPauses,
    Approve, Disapprove, RequestApproval,
    AddInputs, AddCsvInput, ClearInputs, DisableInputs,
    Watch, WatchServer, Unwatch, UnwatchServer, ListWatches, Mute,
)  # fmt: skip
