"""Result -> lines of plain text for a terminal: the CLI's renderer of every result type.

No mrkdwn, no emoji codes, no ``<@U…>``: people are shown by name where the CLI knows
it (``Names``), channels as ``#name``, times to the second in UTC. Files a result
carries are written to the output folder and the path is printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from accbot.acc.models import AgentRun, JobRun, Schedule
from accbot.actions import results as r
from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision, RequestView
from accbot.actions.phrases import ChannelRef, Code, Heading, Moment, Part, Phrase, UserRef
from accbot.actions.phrases import plain_time as _plain_time
from accbot.cli.names import Names
from accbot.commands.help import SLASH, role_line
from accbot.sas.models import BotHistoryItem

NONE = "-"
PROGRAM = "accbot"
MAX_FILES_LISTED = 20


@dataclass
class Terminal:
    """What rendering needs besides the result: names for ids, and where files go."""

    names: Names = field(default_factory=Names)
    folder: Path = Path(".")

    def text(self, phrase: Phrase) -> str:
        return "".join(self._part(part) for part in phrase.parts)

    def user(self, user_id: str | None) -> str:
        return self.names.user(user_id) if user_id else NONE

    def channel(self, channel_id: str) -> str:
        return self.names.channel(channel_id)

    def _part(self, part: Part) -> str:
        if isinstance(part, str):
            return part
        if isinstance(part, Code):
            # a hint such as "/acc watching lists the watches" names the command as typed here
            return as_typed_here(part.text)
        if isinstance(part, Heading):
            return part.text
        if isinstance(part, UserRef):
            return self.user(part.id)
        if isinstance(part, ChannelRef):
            return self.channel(part.id)
        if isinstance(part, Moment):
            return when(part.at)
        raise TypeError(f"not a phrase part: {part!r}")


# --- small formats ----------------------------------------------------------------------


def when(moment: datetime | None) -> str:
    return _plain_time(moment) if moment is not None else NONE


def duration(span: timedelta | None) -> str:
    if span is None:
        return NONE
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def count(value: int | None) -> str:
    return NONE if value is None else f"{value:,}"


def pairs(params: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in params.items())


def run_row(run: AgentRun) -> str:
    message = f"  {run.status_message}" if run.status_message else ""
    return (
        f"  {run.run_history_id}  {run.status.label:<10}  {when(run.start_time)}"
        f"  errors {count(run.errors)}  rows {count(run.data_count)}{message}"
    )


def job_row(job: JobRun) -> str:
    return (
        f"  {job.job_history_id}  #{count(job.run_id)}  {job.status.label:<24}  {when(job.start_time)}"
        f"  runs {count(job.completed_run_count)}/{count(job.total_run_count)}"
        f"  errors {count(job.total_errors)}"
    )


def schedule_row(schedule: Schedule) -> str:
    state = "enabled" if schedule.is_enabled else "disabled"
    return (
        f"  {schedule.schedule_id}  {schedule.cron}  {state}  zone {schedule.time_zone_id or NONE}"
        f"  next {when(schedule.next_run_time)}  {schedule.cron_description or ''}"
    ).rstrip()


def listed(title: str, rows: Iterable[str]) -> list[str]:
    rows = list(rows)
    return [title, *(rows or ["  (none)"])]


# --- one renderer per result type ---------------------------------------------------------


def as_typed_here(usage: str) -> str:
    """``/acc runs <agentPath>`` as a terminal takes it: ``accbot runs <agentPath>``."""
    return "\n".join(
        PROGRAM + line.removeprefix(SLASH) if line.startswith(SLASH + " ") else line
        for line in usage.split("\n")
    )


def render_help(result: r.HelpResult, term: Terminal) -> list[str]:
    page = result.page
    if page.command is not None:
        h = page.command
        return [
            as_typed_here(h.usage),
            h.description,
            f"Example: {as_typed_here(h.example)}",
            role_line(h),
        ]
    if page.family:
        return [f"{as_typed_here(h.usage)} — {h.description}" for h in page.family]
    lines = [f"Commands ({PROGRAM} help <command> for details and an example):"]
    for group, commands in page.groups:
        lines.append(f"{group.capitalize()}:")
        lines.extend(f"  {as_typed_here(h.usage)}" for h in commands)
    return lines


def render_agent(result: r.AgentOverview, term: Terminal) -> list[str]:
    agent = result.agent
    lines = [f"Agent {agent.path or agent.name} (ID {agent.agent_id})"]
    if agent.description:
        lines.append(f"  {agent.description}")
    lines += listed("Latest runs:", (run_row(run) for run in result.runs))
    lines += listed("Schedules:", (schedule_row(s) for s in result.schedules))
    return lines


def render_run_list(result: r.RunList, term: Terminal) -> list[str]:
    what = "failed runs" if result.failed_only else "runs"
    return listed(f"Latest {what} of {result.agent_label}:", (run_row(run) for run in result.runs))


def render_run(result: r.RunDetail, term: Terminal) -> list[str]:
    run = result.run
    lines = [
        f"Run {run.run_history_id} of {result.agent_label or 'agent ' + run.agent_id}",
        f"  status: {run.status.label}"
        + (f" ({run.status_message})" if run.status_message else ""),
        f"  started: {when(run.start_time)}  ended: {when(run.end_time)}"
        f"  run time: {duration(run.run_time)}",
        f"  errors: {count(run.errors)}  data: {count(run.data_count)}"
        f"  requests: {count(run.request_count)}  page loads: {count(run.page_load_count)}",
        f"  server: {run.server_ip or NONE}"
        f"  production: {'yes' if run.is_production_run else 'no (test run)'}",
    ]
    if run.input_parameters:
        lines.append(f"  inputs: {pairs(run.input_parameters)}")
    return lines


def render_file(result: r.FileResult, term: Terminal) -> list[str]:
    if result.too_large:
        return [f"{result.title}: {result.summary}; nothing was saved"]
    term.folder.mkdir(parents=True, exist_ok=True)
    target = term.folder / Path(result.filename).name
    target.write_bytes(result.content)
    lines = [f"{result.title}: {result.summary}", f"saved {target}"]
    lines += [f"  {line}" for line in result.quoted_lines]
    if result.files_inside:
        lines.append("files: " + ", ".join(result.files_inside[:MAX_FILES_LISTED]))
    return lines


def render_mutation(result: r.Mutation, term: Terminal) -> list[str]:
    lines = [_sentence(term.text(result.summary))]
    if result.detail:
        lines.append(f"  {term.text(result.detail)}")
    return lines


def render_started(result: r.StartedRun, term: Terminal) -> list[str]:
    lines = [_sentence(term.text(result.summary))]
    if result.outcome is None:
        lines += [f"  run ID {run_id}" for run_id in result.run_ids]
    else:
        run = result.outcome
        lines.append(
            f"  {run.status.label}, {count(run.errors)} errors, {count(run.data_count)} rows,"
            f" run time {duration(run.run_time)}"
        )
        if run.status_message:
            lines.append(f"  {run.status_message}")
    if result.data is not None:
        lines += render_file(result.data, term)
    return lines


def render_job_list(result: r.JobList, term: Terminal) -> list[str]:
    return listed(f"Latest job runs of {result.agent_label}:", (job_row(j) for j in result.jobs))


def render_job(result: r.JobDetail, term: Terminal) -> list[str]:
    job = result.job
    of = result.agent_label or f"agent {job.agent_id}"
    lines = [f"Job run {job.job_history_id} of {of}", job_row(job)]
    if result.runs_listed:
        lines += listed("Agent runs:", (run_row(run) for run in result.agent_runs))
    return lines


def render_schedules(result: r.ScheduleList, term: Terminal) -> list[str]:
    return listed(
        f"Schedules of {result.agent_label}:", (schedule_row(s) for s in result.schedules)
    )


def render_server(result: r.ServerReport, term: Terminal) -> list[str]:
    status = result.status
    return [
        f"Server {result.name} ({result.address}): {'PROBLEM' if status.is_error else 'OK'}",
        f"  {status.message or NONE}",
        f"  CPU {status.cpu_usages or NONE} (threshold {status.cpu_threshold}%)",
        f"  memory {status.memory_usages or NONE} (threshold {status.memory_threshold}%)",
        f"  disk {status.disc_usages or NONE}",
    ]


def render_audit(result: r.AuditList, term: Terminal) -> list[str]:
    rows = (
        f"  {when(e.at)}  {term.user(e.user_id)}  {e.action}  {e.result}"
        + (
            f"  {pairs({k: str(v) for k, v in e.arguments.items() if v not in (None, False, '', [], {})})}"
        )
        + (f"  ({e.detail})" if e.detail else "")
        for e in result.entries
    )
    return listed("Latest changes, newest first:", rows)


def render_watcher_status(result: r.WatcherStatus, term: Terminal) -> list[str]:
    last = result.last_cycle_end
    behind = any(rep.behind for rep in result.replicas)
    lines = [
        "Watcher: "
        + ("BEHIND" if behind else "ok")
        + (f", last cycle ended {when(last)}" if last else ", no cycle has ended yet")
        + f", a cycle every {result.poll_seconds:g}s"
    ]
    for rep in result.replicas:
        held = (
            "shards " + ",".join(str(s) for s in rep.shards) + f" of {result.shard_count}"
            if rep.shards
            else ("standby" if rep.live else "gone")
        )
        cycle = (
            f"last cycle {when(rep.last_cycle_end)}, took {rep.cycle_seconds:.1f}s"
            if rep.last_cycle_end is not None and rep.cycle_seconds is not None
            else "no cycle yet"
        )
        mark = " (this replica)" if rep.this_replica else ""
        lines.append(f"  {rep.holder}{mark}  {held}  {cycle}" + ("  BEHIND" if rep.behind else ""))
    if result.pending_total:
        waiting = ", ".join(f"{term.channel(c)} {n:,}" for c, n in result.pending.items())
        lines.append(f"Waiting to be posted: {result.pending_total:,} alert(s) ({waiting})")
    else:
        lines.append("Waiting to be posted: none")
    lines.append(
        "Health: "
        + ", ".join(f"{b.name} {'ok' if b.reachable else 'UNREACHABLE'}" for b in result.backends)
    )
    return lines


def render_confirmation(result: r.ConfirmationRequired, term: Terminal) -> list[str]:
    return [
        term.text(result.prompt),
        "Nothing was changed. Run the command again with --yes to go ahead.",
    ]


def render_open_modal(result: r.OpenModal, term: Terminal) -> list[str]:
    return ["That command opens a Slack form; type it in Slack."]


def render_notice(result: r.Notice, term: Terminal) -> list[str]:
    head = term.text(result.text)
    if result.announce:
        head = _sentence(head)
    return [head, *(f"  {term.text(line).removeprefix('• ')}" for line in result.lines)]


def sas_row(item: BotHistoryItem) -> str:
    return (
        f"  {item.run_key}  {item.status or NONE:<10}  {when(item.creation_time)}"
        f"  added {count(item.n_added)}  updated {count(item.n_updated)}"
        f"  removed {count(item.n_removed)}"
    )


def render_sas_runs(result: r.SasRunList, term: Terminal) -> list[str]:
    what = "failed runs" if result.failed_only else "runs"
    title = f"Latest {what} of SAS agent {result.agent_name} (sas:{result.agent_id}):"
    return listed(title, (sas_row(item) for item in result.runs))


def render_csv_uploaded(result: r.CsvUploaded, term: Terminal) -> list[str]:
    return [_sentence(result.summary)]


def _pause_what(pause: r.PauseView) -> str:
    if pause.agent_path is None:
        return f"schedule {', '.join(pause.schedule_ids)}"
    count_ = len(pause.schedule_ids)
    return f"{count_} schedule{'' if count_ == 1 else 's'} of {pause.agent_path}"


def _pause_line(pause: r.PauseView, term: Terminal) -> str:
    return (
        f"Pause #{pause.pause_id}: {_pause_what(pause)}, back on at {when(pause.ends_at)} "
        f"(paused by {term.user(pause.paused_by)} at {when(pause.paused_at)})"
    )


def render_pause_started(result: r.PauseStarted, term: Terminal) -> list[str]:
    pause = result.pause
    lines = [
        f"Turned off {_pause_what(pause)} until {when(pause.ends_at)}; accbot turns them back on then."
    ]
    if pause.agent_path is not None:
        lines.append(f"  paused: {', '.join(pause.schedule_ids)}")
    if result.already_off:
        lines.append(f"  {result.already_off} already off, left off")
    if result.failed:
        lines.append(f"  ACC would not turn off {', '.join(result.failed)}")
    return lines


def render_pause_ended(result: r.PauseEnded, term: Terminal) -> list[str]:
    how = {
        "resumed": f"turned back on by {term.user(result.by)}",
        "by_hand": "turned back on by hand",
    }.get(result.reason, "time up, turned back on")
    lines = [f"Pause #{result.pause.pause_id} of {_pause_what(result.pause)} is over: {how}."]
    if result.missing:
        lines.append(f"  deleted while paused: {', '.join(result.missing)}")
    return lines


def render_pause_extended(result: r.PauseExtended, term: Terminal) -> list[str]:
    pause = result.pause
    return [
        f"Extended pause #{pause.pause_id} of {_pause_what(pause)} until {when(pause.ends_at)}."
    ]


def render_pause_list(result: r.PauseList, term: Terminal) -> list[str]:
    return listed("Paused schedules:", ("  " + _pause_line(p, term) for p in result.pauses))


def _request_line(request: RequestView, term: Terminal) -> str:
    if request.state in ("approved", "disapproved"):
        return (
            f"Request #{request.id} for {request.agent_path}: {request.state} by "
            f"{term.user(request.decided_by)} at {when(request.decided_at)}"
        )
    return (
        f"Request #{request.id} for {request.agent_path}: {request.state}, asked by "
        f"{term.user(request.requested_by)} at {when(request.created_at)}"
    )


def render_card(result: ApprovalCard, term: Terminal) -> list[str]:
    lines = [_request_line(result.request, term)]
    if result.request.note:
        lines.append(f"  note: {result.request.note}")
    return lines


def render_decision(result: ApprovalDecision, term: Terminal) -> list[str]:
    lines = [_sentence(term.text(result.summary)), f"  ACC logged: {result.message}"]
    lines += [f"  {_request_line(card.request, term)}" for card in result.cards]
    return lines


def _sentence(text: str) -> str:
    """A summary ("restarted run …") as a sentence of its own."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


PlainRenderer = Callable[[Any, Terminal], list[str]]

RENDERERS: dict[type[r.Result], PlainRenderer] = {
    r.HelpResult: render_help,
    r.AgentOverview: render_agent,
    r.RunList: render_run_list,
    r.RunDetail: render_run,
    r.FileResult: render_file,
    r.Mutation: render_mutation,
    r.StartedRun: render_started,
    r.JobList: render_job_list,
    r.JobDetail: render_job,
    r.ScheduleList: render_schedules,
    r.ServerReport: render_server,
    r.AuditList: render_audit,
    r.WatcherStatus: render_watcher_status,
    r.ConfirmationRequired: render_confirmation,
    r.OpenModal: render_open_modal,
    r.StartForm: render_open_modal,
    r.CsvForm: render_open_modal,
    r.Notice: render_notice,
    r.AnnouncedNotice: render_notice,
    r.SasRunList: render_sas_runs,
    r.CsvUploaded: render_csv_uploaded,
    r.PauseStarted: render_pause_started,
    r.PauseEnded: render_pause_ended,
    r.PauseExtended: render_pause_extended,
    r.PauseList: render_pause_list,
    ApprovalCard: render_card,
    ApprovalDecision: render_decision,
}


def render_lines(result: r.Result, term: Terminal) -> list[str]:
    renderer = RENDERERS.get(type(result))
    if renderer is None:
        raise LookupError(f"no terminal view renders {type(result).__name__}")
    return renderer(result, term)
