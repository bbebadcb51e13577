"""The terminal front end: `accbot <command>` runs the same commands as `/acc`.

It parses with the same grammar, runs the same actions (so the audit log records CLI
changes too) and prints plain text. Whoever runs it holds the ACC token, so the CLI
acts as an admin under the name ``cli:<login>``; destructive bulk commands still ask
for confirmation (or take ``--yes``).
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from pathlib import Path
from typing import Any, TextIO

from accbot.acc.errors import BackendError
from accbot.actions import results as r
from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.actions.errors import ActionError
from accbot.actions.roles import RoleChecker
from accbot.commands.errors import CommandError
from accbot.commands.help import help_text
from accbot.commands.model import Help
from accbot.commands.parser import parse
from accbot.config import ConfigError, load_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accbot",
        description="Run accbot's /acc commands from a terminal (e.g. accbot runs sequentum/Test2/quick).",
        epilog="`accbot help` lists every command.",
    )
    parser.add_argument("--yes", action="store_true", help="confirm destructive bulk commands")
    parser.add_argument(
        "--out", type=Path, default=Path("."), help="folder for downloaded logs and data (default .)"
    )
    parser.add_argument("words", nargs=argparse.REMAINDER, help="the command, as after /acc")
    return parser


def main(argv: list[str] | None = None, *, out: TextIO | None = None, services=None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    text = " ".join(_quote(w) for w in args.words)
    try:
        command = parse(text)
    except CommandError as exc:
        print(f"error: {exc}", file=out)
        return 2
    if isinstance(command, Help):
        try:
            print(help_text(command.topic), file=out)
        except CommandError as exc:
            print(f"error: {exc}", file=out)
            return 2
        return 0
    actor = Actor(user_id=f"cli:{_login()}", channel_id=None, source="cli")
    owned = services is None
    try:
        if services is None:
            services = _build_services(actor)
    except ConfigError as exc:
        print(exc, file=out)
        return 2
    try:
        result = execute(command, actor, services, confirmed=args.yes, progress=lambda p: _print(p, out, args.out))
        if isinstance(result, r.ConfirmationRequired) and not args.yes:
            print(f"{result.prompt}\nRun again with --yes to confirm: accbot --yes {result.command_text}", file=out)
            return 3
        _print(result, out, args.out)
        return 0
    except (CommandError, ActionError, BackendError) as exc:
        print(f"error: {exc}", file=out)
        return 1
    finally:
        if owned and services is not None:
            from accbot.runtime import close_services

            close_services(services)


def _build_services(actor: Actor):
    from accbot.runtime import build_services

    settings = load_settings().require_acc()
    services = build_services(settings)
    services.roles = RoleChecker(admins=[actor.user_id])
    services.db.migrate()
    return services


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _quote(word: str) -> str:
    if not word or any(c.isspace() for c in word):
        return '"' + word.replace('"', '\\"') + '"'
    return word


def _print(result: r.Result, out: TextIO, folder: Path) -> None:
    for line in render_text(result, folder):
        print(line, file=out)


def render_text(result: r.Result, folder: Path) -> list[str]:
    """Plain-text rendering; files are written to ``folder``."""
    if isinstance(result, r.FileResult):
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(result.filename).name
        target.write_bytes(result.content)
        lines = [f"{result.title}: {result.summary}", f"saved {target}"]
        return lines + [f"  {line}" for line in result.quoted_lines]
    if isinstance(result, r.RunDetail):
        return _run_lines(result.run)
    if isinstance(result, r.RunList):
        lines = [f"runs of {result.agent_label}:"]
        return lines + [_run_row(run) for run in result.runs] or lines + ["  (none)"]
    if isinstance(result, r.AgentOverview):
        agent = result.agent
        lines = [f"agent {agent.path or agent.name} ({agent.agent_id})"]
        if agent.description:
            lines.append(f"  {agent.description}")
        lines += ["latest runs:"] + [_run_row(run) for run in result.runs]
        lines += ["schedules:"] + [
            f"  {s.schedule_id} {s.cron!r} {'on' if s.is_enabled else 'off'} {s.cron_description or ''}"
            for s in result.schedules
        ]
        return lines
    if isinstance(result, r.StartedRun):
        lines = [result.summary] + [f"  run {rid}" for rid in result.run_ids]
        if result.data is not None:
            lines += render_text(result.data, folder)
        return lines
    if isinstance(result, r.Mutation):
        return [result.summary] + ([result.detail] if result.detail else [])
    if isinstance(result, r.Notice):
        return [result.text, *result.lines]
    if isinstance(result, r.StartForm):
        return [
            "The start form is a Slack form; here, give its choices on the command line:",
            "  accbot start <agentPath> [k=v ...] [--log-level 0-3] [--test] [--files a.csv,b.csv] [--multi]",
        ]
    if isinstance(result, r.CsvForm):
        return [f"Pasting CSV rows for {result.agent_path} needs the Slack form; use it in Slack."]
    if isinstance(result, r.OpenModal):
        return ["This command opens a Slack form (a file picker); use it in Slack."]
    if isinstance(result, r.CsvUploaded):
        return [result.summary]
    if isinstance(result, r.JobList):
        lines = [f"job runs of {result.agent_label}:"]
        return lines + ([_job_row(job) for job in result.jobs] or ["  (none)"])
    if isinstance(result, r.JobDetail):
        lines = [f"job run {result.job.job_history_id} of {result.agent_label or result.job.agent_id}"]
        lines.append(_job_row(result.job))
        if result.runs_listed:
            lines += ["agent runs:"] + ([_run_row(run) for run in result.agent_runs] or ["  (none)"])
        return lines
    if isinstance(result, r.ScheduleList):
        lines = [f"schedules of {result.agent_label}:"]
        return lines + [
            f"  {s.schedule_id} {s.cron!r} {s.time_zone_id or ''} {'on' if s.is_enabled else 'off'}"
            f" next={s.next_run_time} {s.cron_description or ''}"
            for s in result.schedules
        ] or lines + ["  (none)"]
    if isinstance(result, r.ServerReport):
        status = result.status
        return [
            f"server {result.name} ({result.address}): {'ERROR' if status.is_error else 'ok'}",
            f"  {status.message}",
            f"  cpu {status.cpu_usages} (threshold {status.cpu_threshold}%)",
            f"  memory {status.memory_usages} (threshold {status.memory_threshold}%)",
            f"  disk {status.disc_usages}",
        ]
    if isinstance(result, r.AuditList):
        return [
            f"  {e.at.isoformat(timespec='seconds')} {e.user_id} {e.action} {e.result}"
            + (f" — {e.detail}" if e.detail else "")
            for e in result.entries
        ] or ["  (no entries)"]
    if isinstance(result, r.SasRunList):
        lines = [f"SAS runs of {result.agent_name} ({result.agent_id}):"]
        return lines + [
            f"  {item.run_key} {item.status:<10} {item.creation_time} added={item.n_added}"
            f" updated={item.n_updated} removed={item.n_removed}"
            for item in result.runs
        ] or lines + ["  (none)"]
    return _generic(result)


def _job_row(job) -> str:
    started = job.start_time.isoformat(timespec="seconds") if job.start_time else "-"
    return (
        f"  {job.job_history_id} #{job.run_id} {job.status.label:<24} {started}"
        f" runs={job.completed_run_count}/{job.total_run_count} errors={job.total_errors}"
    )


def _run_row(run) -> str:
    started = run.start_time.isoformat(timespec="seconds") if run.start_time else "-"
    return f"  {run.run_history_id} {run.status.label:<10} {started} errors={run.errors} data={run.data_count}"


def _run_lines(run) -> list[str]:
    return [
        f"run {run.run_history_id} of agent {run.agent_id}",
        f"  status: {run.status.label}" + (f" — {run.status_message}" if run.status_message else ""),
        f"  started: {run.start_time}  ended: {run.end_time}  run time: {run.run_time}",
        f"  errors: {run.errors}  data: {run.data_count}  requests: {run.request_count}",
        f"  server: {run.server_ip}",
    ]


def _generic(result: Any) -> list[str]:
    """Every other result: its fields, one per line, lists expanded."""
    lines = [type(result).__name__]
    if not dataclasses.is_dataclass(result):
        return lines + [f"  {result}"]
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, list):
            lines.append(f"  {field.name}:")
            lines += [f"    {_short(item)}" for item in value]
        else:
            lines.append(f"  {field.name}: {_short(value)}")
    return lines


def _short(value: Any) -> str:
    if dataclasses.is_dataclass(value):
        parts = []
        for field in dataclasses.fields(value)[:8]:
            parts.append(f"{field.name}={getattr(value, field.name)!s}")
        return ", ".join(parts)
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
