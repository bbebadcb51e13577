"""Runs: start (optionally following the run to its end), list, show, restart,
retry, and fetch a run's log or data."""

from __future__ import annotations

import time

from accbot.acc import zips
from accbot.acc.errors import NotFound, ResponseTooLarge
from accbot.acc.models import AgentRun, RunMethod, StartRequest
from accbot.actions.common import agent_label, resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, say
from accbot.actions.results import FileResult, Mutation, RunDetail, RunList, StartedRun
from accbot.actions.sas_runs import list_sas_runs
from accbot.commands.model import (
    GetData,
    ListRuns,
    RestartRun,
    RetryRun,
    ShowLog,
    ShowRun,
    StartAgent,
)
from accbot.commands.roles import Role

QUOTED_LOG_LINES = 15


def list_runs(command: ListRuns, actor: Actor, services: Services) -> RunList:
    if command.agent.is_sas:
        return list_sas_runs(command, actor, services)
    agent = resolve_agent(services, command.agent.ref)
    # ACC has no server-side status filter: ask for more and filter here.
    count = min(100, command.count * 5) if command.failed_only else command.count
    runs = services.acc.get_run_history(agent.agent_id, count=count)
    if command.failed_only:
        runs = [r for r in runs if r.status.is_failure][: command.count]
    return RunList(
        agent_label=command.agent.ref,
        runs=runs,
        failed_only=command.failed_only,
        portal_url=services.acc_link(),
    )


def show_run(command: ShowRun, actor: Actor, services: Services) -> RunDetail:
    run = services.acc.get_run(command.run_id)
    return RunDetail(
        run=run,
        agent_label=agent_label(services, run.agent_id),
        can_operate=actor.holds(Role.OPERATOR),
        portal_url=services.acc_link(),
    )


def restart_run(
    command: RestartRun,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    run = services.acc.get_run(command.run_id)  # 404 names the run before anything changes
    services.acc.restart_run(command.run_id)
    return Mutation(
        summary=say(
            "restarted run ",
            Code(run.run_history_id),
            " of agent ",
            Code(agent_label(services, run.agent_id)),
        ),  # fmt: skip
        run=run,
        portal_url=services.acc_link(),
    )


def retry_run(
    command: RetryRun,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    method = RunMethod(command.method)
    run = services.acc.get_run(command.run_id)
    services.acc.retry_run(command.run_id, method)
    return Mutation(
        summary=say(
            "retried run ",
            Code(run.run_history_id),
            " of agent ",
            Code(agent_label(services, run.agent_id)),
            f" ({method.value})",
        ),  # fmt: skip
        run=run,
        portal_url=services.acc_link(),
    )


def show_log(command: ShowLog, actor: Actor, services: Services) -> FileResult:
    title, filename = f"Log of run {command.run_id}", f"log-{command.run_id}.zip"
    try:
        data = services.acc.get_run_log(command.run_id)
    except ResponseTooLarge as exc:
        return too_large_file(title, filename, exc)
    return _log_file(title, filename, data)


def get_data(command: GetData, actor: Actor, services: Services) -> FileResult:
    title, filename = f"Data of run {command.run_id}", f"data-{command.run_id}.zip"
    try:
        data = services.acc.get_run_data(command.run_id)
    except ResponseTooLarge as exc:
        return too_large_file(title, filename, exc)
    return data_file(title, filename, data)


def too_large_file(title: str, filename: str, exc: ResponseTooLarge) -> FileResult:
    """A download over the ACC client's byte limit: nothing to upload, and why."""
    return FileResult(
        title=title,
        filename=filename,
        content=b"",
        summary=(
            f"the file is larger than {_mib(exc.limit)}, too large to fetch and upload here; "
            "download it from ACC's web portal"
        ),
        too_large=True,
    )


def _mib(size: int) -> str:
    return f"{size / zips.MiB:.0f} MiB" if size >= zips.MiB else f"{size:,} bytes"


def _log_file(title: str, filename: str, data: bytes) -> FileResult:
    found = zips.summarize_log(data, limit=QUOTED_LOG_LINES)
    return FileResult(
        title=title,
        filename=filename,
        content=data,
        summary=found.summary,
        quoted_lines=found.lines,
        files_inside=found.files,
    )


def log_file(title: str, filename: str, data: bytes) -> FileResult:
    return _log_file(title, filename, data)


def data_file(title: str, filename: str, data: bytes) -> FileResult:
    entries = zips.list_files(data)
    total = sum(e.size for e in entries)
    return FileResult(
        title=title,
        filename=filename,
        content=data,
        summary=f"{len(entries)} file(s), {total:,} bytes uncompressed",
        files_inside=[e.name for e in entries],
    )


def start_agent(
    command: StartAgent,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> StartedRun:
    if command.multi and command.session_id:
        raise InvalidInput("--multi starts new sessions by itself: leave out --session.")
    agent = resolve_agent(services, command.agent_path)
    request = StartRequest(
        session_id=command.session_id,
        log_level=command.log_level,
        is_production_run=False if command.test else None,
        input_parameters=command.params or None,
        input_files=command.files or None,
        use_multiple_sessions=True if command.multi else None,
    )
    result = services.acc.start_agent(agent.agent_id, request)
    kind = "a test run of" if command.test else "a run of"
    started = StartedRun(
        agent_path=command.agent_path,
        run_ids=list(result.run_history_ids),
        summary=say(f"started {kind} ", Code(command.agent_path)),
        portal_url=services.acc_link(),
    )
    if command.wait_seconds is None or not started.run_ids:
        return started
    if progress is not None:
        progress(started)
    outcome, timed_out = follow_run(services, started.run_ids[0], command.wait_seconds)
    data = None
    if outcome is not None and not timed_out and outcome.status.name == "SUCCEEDED":
        title = f"Data of run {outcome.run_history_id}"
        filename = f"data-{outcome.run_history_id}.zip"
        try:
            data = data_file(title, filename, services.acc.get_run_data(outcome.run_history_id))
        except NotFound:
            data = None  # the agent stores no backup data; the outcome still stands
        except ResponseTooLarge as exc:
            data = too_large_file(title, filename, exc)
    verb = "is still running after" if timed_out else "finished:"
    return StartedRun(
        agent_path=command.agent_path,
        run_ids=started.run_ids,
        summary=say(
            "run ",
            Code(started.run_ids[0]),
            " of ",
            Code(command.agent_path),
            f" {verb}",
            f" {command.wait_seconds}s" if timed_out else f" {outcome.status.label}",
        ),  # fmt: skip
        outcome=outcome,
        data=data,
        timed_out=timed_out,
        portal_url=services.acc_link(),
    )


def follow_run(
    services: Services, run_id: str, timeout_seconds: float
) -> tuple[AgentRun | None, bool]:
    """Poll a run until it ends or the time is up; returns (last seen run, timed out)."""
    poll = services.wait_poll_seconds
    deadline = time.monotonic() + timeout_seconds
    run = None
    while True:
        run = services.acc.get_run(run_id)
        if run.status.is_finished:
            return run, False
        if time.monotonic() + poll > deadline:
            return run, True
        time.sleep(poll)
