"""What actions return: typed results that the Slack views and the CLI render.

Actions never format for a front end; they say what happened. ``announce`` marks a
result that the team should see in the channel (mutations), as opposed to an answer
for the asker alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accbot.acc.models import Agent, AgentRun, JobRun, Schedule, ServerStatus
from accbot.actions.phrases import Phrase
from accbot.commands.help import HelpPage
from accbot.sas.models import BotHistoryItem


@dataclass(frozen=True)
class Result:
    announce = False


@dataclass(frozen=True)
class HelpResult(Result):
    """``help [topic]``; ``admins_configured`` False adds how to set the roles up."""

    page: HelpPage
    admins_configured: bool = True


@dataclass(frozen=True)
class AgentOverview(Result):
    agent: Agent
    runs: list[AgentRun]
    schedules: list[Schedule]
    can_operate: bool = False
    can_approve: bool = False
    portal_url: str = ""


@dataclass(frozen=True)
class RunList(Result):
    agent_label: str
    runs: list[AgentRun]
    failed_only: bool = False
    portal_url: str = ""


@dataclass(frozen=True)
class RunDetail(Result):
    run: AgentRun
    agent_label: str | None = None
    can_operate: bool = False
    portal_url: str = ""


@dataclass(frozen=True)
class FileResult(Result):
    """A zip fetched from ACC (log or data) with what was found inside it."""

    title: str
    filename: str
    content: bytes
    summary: str
    quoted_lines: list[str] = field(default_factory=list)
    files_inside: list[str] = field(default_factory=list)
    # Over the ACC client's download limit: ``content`` is empty, nothing is uploaded
    # or saved, and ``summary`` says so.
    too_large: bool = False


@dataclass(frozen=True)
class Mutation(Result):
    """Something changed in ACC; ``summary`` completes "<who> …" ("restarted run …")."""

    summary: Phrase
    detail: Phrase | None = None
    run: AgentRun | None = None
    portal_url: str = ""
    announce = True


@dataclass(frozen=True)
class StartedRun(Result):
    agent_path: str
    run_ids: list[str]
    summary: Phrase
    outcome: AgentRun | None = None  # with --wait: the finished run
    data: FileResult | None = None
    timed_out: bool = False
    portal_url: str = ""
    announce = True


@dataclass(frozen=True)
class JobList(Result):
    agent_label: str
    jobs: list[JobRun]
    portal_url: str = ""


@dataclass(frozen=True)
class JobDetail(Result):
    """One job run; ``runs_listed`` says ``agent_runs`` were asked for (``job runs``),
    so an empty list means the job run has none."""

    job: JobRun
    agent_runs: list[AgentRun] = field(default_factory=list)
    agent_label: str | None = None
    portal_url: str = ""
    runs_listed: bool = False


@dataclass(frozen=True)
class ScheduleList(Result):
    agent_label: str
    schedules: list[Schedule]
    can_operate: bool = False
    can_delete: bool = False
    portal_url: str = ""


@dataclass(frozen=True)
class ServerReport(Result):
    name: str
    address: str
    status: ServerStatus


@dataclass(frozen=True)
class AuditEntryView:
    at: datetime
    user_id: str
    action: str
    arguments: dict[str, Any]
    result: str
    detail: str | None


@dataclass(frozen=True)
class AuditList(Result):
    entries: list[AuditEntryView]


@dataclass(frozen=True)
class ReplicaCycle:
    """One watcher replica as ``/acc status`` shows it."""

    holder: str
    this_replica: bool  # the replica that answers
    live: bool  # it renews its leases
    shards: tuple[int, ...]  # the shard leases it holds now
    last_cycle_end: datetime | None
    cycle_seconds: float | None
    behind: bool  # no cycle ended for BEHIND_INTERVALS intervals while it holds shards


@dataclass(frozen=True)
class BackendHealthView:
    name: str  # "ACC", "SAS"
    reachable: bool  # False: its outage was announced and its end not yet


@dataclass(frozen=True)
class WatcherStatus(Result):
    """The watcher's own health (``/acc status``): its replicas' cycles and leases, the
    alerts waiting to be posted, and the backends' health as the watcher last saw it."""

    now: datetime
    poll_seconds: float
    shard_count: int
    replicas: tuple[ReplicaCycle, ...]  # newest cycle first
    pending: dict[str, int]  # channel -> alerts recorded and not yet posted
    backends: tuple[BackendHealthView, ...]

    @property
    def last_cycle_end(self) -> datetime | None:
        ends = [r.last_cycle_end for r in self.replicas if r.last_cycle_end is not None]
        return max(ends) if ends else None

    @property
    def pending_total(self) -> int:
        return sum(self.pending.values())


@dataclass(frozen=True)
class Pending(Result):
    """Nothing has changed yet: a Confirm click or a form's submission is awaited, so
    the dispatcher does not audit it as done."""


@dataclass(frozen=True)
class ConfirmationRequired(Pending):
    """A destructive bulk command waits for confirmation before it runs: a "Confirm"
    click in Slack, ``--yes`` in the CLI. ``prompt`` says what would happen. Slack holds
    it on the server first (``actions.confirmations.hold``): the button carries
    ``confirmation_id``, never the command text."""

    prompt: Phrase
    command_text: str
    confirmation_id: str | None = None


@dataclass(frozen=True)
class OpenModal(Pending):
    """The front end should open a modal (e.g. ``/acc inputs add``)."""

    kind: str
    agent_path: str
    agent_id: str


@dataclass(frozen=True)
class Notice(Result):
    """A plain answer for the asker, e.g. the list of watches; an ``AnnouncedNotice``
    completes "<who> …" in the channel."""

    text: Phrase
    lines: list[Phrase] = field(default_factory=list)


@dataclass(frozen=True)
class AnnouncedNotice(Notice):
    announce = True


@dataclass(frozen=True)
class SasRunList(Result):
    """Runs of a SAS catalog agent, newest first (``/acc runs sas:<agentId>``).

    ``scanned`` is how many runs were read to find them: with ``failed_only`` the
    failures are picked out of that many recent runs. ``sas_url`` (SAS_BASE_URL) makes
    the runs' relative asset links absolute.
    """

    agent_id: str
    agent_name: str
    runs: list[BotHistoryItem]
    failed_only: bool = False
    scanned: int = 0
    sas_url: str = ""


@dataclass(frozen=True)
class StartFormDefaults:
    """What the start form shows filled in (typed with ``--form``)."""

    params: dict[str, str] = field(default_factory=dict)
    log_level: int | None = None
    test: bool = False
    files: list[str] = field(default_factory=list)
    multi: bool = False


@dataclass(frozen=True)
class StartForm(OpenModal):
    """Open the start form. ``agent_path`` empty: the form asks for it. ``known_files``
    are the agent's input files accbot uploaded (ACC's API cannot list them)."""

    known_files: list[str] = field(default_factory=list)
    defaults: StartFormDefaults = field(default_factory=StartFormDefaults)


@dataclass(frozen=True)
class CsvForm(OpenModal):
    """Open the form to paste CSV rows, with ``filename`` suggested and ``max_chars``
    the most it takes."""

    filename: str = "input.csv"
    max_chars: int = 0


@dataclass(frozen=True)
class CsvUploaded(Result):
    """Pasted CSV rows were saved as an agent's input data."""

    agent_path: str
    filename: str
    rows: int
    chars: int
    portal_url: str = ""
    announce = True

    @property
    def summary(self) -> str:
        return (
            f"uploaded CSV input data {self.filename} ({self.rows} row"
            f"{'' if self.rows == 1 else 's'}) to agent {self.agent_path}"
        )


@dataclass(frozen=True)
class PauseView:
    """One pause as people see it: which schedules, whose agent, until when."""

    pause_id: int
    schedule_ids: list[str]
    agent_path: str | None  # None: one schedule, paused by its ID
    channel_id: str | None
    paused_by: str
    paused_at: datetime
    ends_at: datetime

    @property
    def bulk(self) -> bool:
        return self.agent_path is not None


@dataclass(frozen=True)
class PauseStarted(Result):
    """Schedules were turned off and will be turned back on at ``pause.ends_at``.
    ``already_off``: the agent's schedules that were off before and stay off."""

    pause: PauseView
    already_off: int = 0
    failed: list[str] = field(default_factory=list)
    announce = True

    @property
    def summary(self) -> str:
        what = _schedules_phrase(self.pause)
        return f"turned off {what} until {self.pause.ends_at.isoformat(timespec='minutes')}"


@dataclass(frozen=True)
class PauseEnded(Result):
    """A pause is over. ``reason``: expired (time up), resumed ("Turn back on now"),
    by_hand (its schedules were turned back on outside the pause)."""

    pause: PauseView
    reason: str
    by: str | None = None
    turned_on: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # deleted meanwhile
    announce = True

    @property
    def summary(self) -> str:
        return f"ended the pause of {_schedules_phrase(self.pause)} ({self.reason})"


@dataclass(frozen=True)
class PauseExtended(Result):
    pause: PauseView
    by: str
    announce = True

    @property
    def summary(self) -> str:
        until = self.pause.ends_at.isoformat(timespec="minutes")
        return f"extended the pause of {_schedules_phrase(self.pause)} until {until}"


@dataclass(frozen=True)
class PauseList(Result):
    """``/acc paused``: the active pauses, soonest to end first."""

    pauses: list[PauseView]
    can_operate: bool = False


def _schedules_phrase(pause: PauseView) -> str:
    if pause.agent_path is None:
        return f"schedule {', '.join(pause.schedule_ids)}"
    count = len(pause.schedule_ids)
    return f"{count} schedule{'' if count == 1 else 's'} of {pause.agent_path}"


@dataclass(frozen=True)
class DigestPageRecords:
    """One reply of a digest (``number`` of ``pages``, posted as ``ts``) and the records of
    the alerts it lists, in order."""

    key: str
    ts: str | None
    number: int
    pages: int
    alerts: tuple[Any, ...]


@dataclass(frozen=True)
class AlertAcknowledged(Result):
    """ "Acknowledge" clicked: ``first`` when this click recorded it; otherwise ``by`` and
    ``at`` are whoever was first. ``alert`` is the alert's record (read, detached), for
    the front end to draw the alert again."""

    alert: Any
    by: str
    at: datetime
    first: bool
    page: DigestPageRecords | None = None  # a digest's alert: the reply that lists it

    @property
    def summary(self) -> str:
        return "acknowledged" if self.first else f"already acknowledged by {self.by}"
