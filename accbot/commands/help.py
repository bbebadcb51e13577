"""Usage line, description and example of every ``/acc`` command, keyed by help key.

``help_page`` gives a topic as data (Slack lays it out in mrkdwn); ``help_text`` gives it
as plain text for the terminal and for parse errors.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from accbot.commands.errors import CommandError
from accbot.commands.model import (
    DEFAULT_WAIT_SECONDS,
    MAX_COUNT,
    MAX_CSV_CHARS,
    MAX_WAIT_SECONDS,
)
from accbot.commands.roles import role_for_name

SLASH = "/acc"
EXAMPLE_RUN_ID = "9040f86d-bbc1-4038-9868-501145cc2370"
EXAMPLE_SCHEDULE_ID = "b4cdc56a-2c16-4b1b-a135-b4e687f8bc95"
EXAMPLE_PATH = "sequentum/Test1/Test-Agent"


@dataclass(frozen=True)
class CommandHelp:
    name: str
    group: str
    usage: str
    description: str
    example: str


def _h(name: str, group: str, args: str, description: str, example: str) -> CommandHelp:
    usage = f"{SLASH} {name} {args}".rstrip()
    return CommandHelp(name, group, usage, description, f"{SLASH} {example}")


GROUPS = ("reading", "running", "schedules", "approvals", "inputs", "watching", "admin")

_P = EXAMPLE_PATH
_R = EXAMPLE_RUN_ID
_S = EXAMPLE_SCHEDULE_ID

COMMANDS: dict[str, CommandHelp] = {
    h.name: h
    for h in (
        _h("help", "reading", "[command]", "List the commands, or explain one.", "help start"),
        _h("agent", "reading", "<agentPath | sas:<agentId>>",
           "Agent details, latest runs and schedules, with buttons.", f"agent {_P}"),
        _h("runs", "reading", f"<agentPath | sas:<agentId>> [count 1-{MAX_COUNT}] [--status failed]",
           "Run history of an agent, newest first.", f"runs {_P} 20 --status failed"),
        _h("run", "reading", "<runId>",
           "One run, with Restart / Retry errors / Show log / Data buttons.", f"run {_R}"),
        _h("log", "reading", "<runId>", "Upload a run's log and quote its errors.", f"log {_R}"),
        _h("data", "reading", "<runId>", "Upload a run's data files.", f"data {_R}"),
        _h("start", "running",
           "<agentPath> [k=v ...] [--session ID] [--log-level 0-3] [--test] "
           "[--files a.csv,b.csv] [--multi] [--wait[=SECONDS]] [--form]",
           "Start an agent run; k=v pairs become input parameters; --test is not a "
           f"production run; --wait follows the run to its end (default {DEFAULT_WAIT_SECONDS}s, "
           f"at most {MAX_WAIT_SECONDS}s). --form (or /acc start with no path) opens a form "
           "for parameters (one k=v a line), input files, log level, test run and "
           "multi-server instead; the options typed with it fill the form in.",
           f'start {_P} city="New York" --log-level 2 --wait=600'),
        _h("restart", "running", "<runId>", "Restart a run from the beginning.", f"restart {_R}"),
        _h("retry", "running",
           "<runId> [Restart|Continue|ContinueRefreshAgent|ContinueAndRetryErrors|"
           "ContinueAndRetryErrorsRefreshAgent|New]",
           "Retry a run; the default method is ContinueAndRetryErrorsRefreshAgent.",
           f"retry {_R} ContinueAndRetryErrors"),
        _h("job start", "running", "<agentPath> [k=v ...]",
           "Start a job (a run split over sessions).", f"job start {_P} region=EU"),
        _h("jobs", "running", f"<agentPath> [count 1-{MAX_COUNT}]",
           "Job history of an agent.", f"jobs {_P} 5"),
        _h("job", "running", "<jobRunId>", "One job run.", f"job {_R}"),
        _h("job runs", "running", "<agentPath> <jobRunId>",
           "The agent runs of one job run.", f"job runs {_P} {_R}"),
        _h("job logs", "running", "<jobRunId>", "Upload the logs of a job run.", f"job logs {_R}"),
        _h("job data", "running", "<jobRunId>", "Upload the data of a job run.", f"job data {_R}"),
        _h("job status", "running",
           "<agentPath> <never-run|in-progress|in-progress-with-failure|succeeded|failure|failed>",
           "Set the status of an agent's job.", f"job status {_P} succeeded"),
        _h("schedules", "schedules", "<agentPath>",
           "An agent's schedules, with Enable/Disable, Run now and Delete buttons.",
           f"schedules {_P}"),
        _h("schedule add", "schedules",
           '<agentPath> "<cron>" [--tz <IANA or Windows zone>] [--start <ISO time>] [k=v ...]',
           "Add a schedule; the cron expression is passed to ACC as typed (six fields, "
           "seconds first).",
           f'schedule add {_P} "0 0 6 * * ?" --tz Europe/London --start 2025-01-31T06:00'),
        _h("schedule on", "schedules", "<scheduleId>", "Enable a schedule.", f"schedule on {_S}"),
        _h("schedule off", "schedules", "<scheduleId> [for <duration>]",
           "Disable a schedule; with 'for' (90s, 30m, 2h, 1d, 1h30m; at most 30d) accbot "
           "turns it back on by itself, with a reminder before.",
           f"schedule off {_S} for 2h"),
        _h("schedule run", "schedules", "<scheduleId>", "Run a schedule now.",
           f"schedule run {_S}"),
        _h("schedule delete", "schedules", "<scheduleId>", "Delete a schedule.",
           f"schedule delete {_S}"),
        _h("schedules on", "schedules", "<agentPath>", "Enable every schedule of an agent.",
           f"schedules on {_P}"),
        _h("schedules off", "schedules", "<agentPath> [for <duration>]",
           "Disable every schedule of an agent; with 'for', accbot turns back on exactly "
           "those that were on, when the time is up.",
           f"schedules off {_P} for 1h30m"),
        _h("paused", "schedules", "",
           'Schedules turned off for a while, each with "Turn back on now".', "paused"),
        _h("schedules delete", "schedules", "<agentPath>", "Delete every schedule of an agent.",
           f"schedules delete {_P}"),
        _h("approve", "approvals", "<agentPath> [message]",
           "Approve an agent; the message goes to ACC.", f"approve {_P} looks good"),
        _h("disapprove", "approvals", "<agentPath> [message]",
           "Disapprove an agent; the message goes to ACC.",
           f'disapprove {_P} "selectors broke on the new site"'),
        _h("request-approval", "approvals", "<agentPath> [note]",
           "Post an approval card with Approve / Disapprove buttons.",
           f"request-approval {_P} new login flow"),
        _h("inputs add", "inputs", "<agentPath>",
           "Open a form to upload input files (csv, txt, zip).", f"inputs add {_P}"),
        _h("inputs csv", "inputs", "<agentPath> [name.csv]",
           "Open a form to paste CSV rows; they are saved as the agent's input data "
           f"(at most {MAX_CSV_CHARS:,} characters; the same name replaces it).",
           f"inputs csv {_P} urls.csv"),
        _h("inputs clear", "inputs", "<agentPath>", "Delete an agent's input files.",
           f"inputs clear {_P}"),
        _h("inputs disable", "inputs", "<agentPath>", "Stop using an agent's input files.",
           f"inputs disable {_P}"),
        _h("watch", "watching",
           "<agentPath | sas:<agentId>> [#channel] [--all] [--empty] [--drop <percent>] "
           "[--escalate <duration> <@user | @group>]",
           "Alert a channel when a run fails (--all: at every end state). --empty: also "
           "when a run succeeds with no data; --drop 50: when a run succeeds with a data "
           "count more than 50% below the median of the last ten successful runs (once "
           "there are five). --escalate 30m @oncall: mention them in the alert's thread "
           "when nobody has acknowledged it after 30m (once; not when it recovered). Every alert "
           "has an Acknowledge button for operators: the alert then says who took it and "
           "when. watch server:<name> [#channel] "
           "watches a server of ACCBOT_SERVERS instead: an alert when it is unreachable or "
           "its CPU or memory is at or over ACC's thresholds, and one when it is back.",
           f"watch {_P} #alerts --empty --drop 50 --escalate 30m @oncall"),
        _h("unwatch", "watching", "<agentPath | sas:<agentId> | server:<name>> [#channel]",
           "Stop alerting a channel about an agent or a server.", f"unwatch {_P} #alerts"),
        _h("watching", "watching", "", "List the watched agents and their channels. The bot's Home tab shows the "
           "same as a dashboard: each watched agent's last status (failing first), mutes "
           "and pauses with their end times, approvals waiting, and the watcher's health.",
           "watching"),
        _h("mute", "watching", "<agentPath | sas:<agentId>> <duration>",
           "Silence an agent's alerts for a while (30m, 2h, 1d, 1h30m; at most 7d).",
           f"mute {_P} 2h"),
        _h("status", "watching", "",
           "The watcher's own health: each replica's last cycle (its end and how long it "
           "took) and the shard leases it holds, the alerts waiting to be posted per "
           "channel, and whether ACC (and SAS) answer the watcher.", "status"),
        _h("server", "admin", "<name>", "Health of a configured ACC server.", "server se1"),
        _h("audit", "admin", f"[count 1-{MAX_COUNT}]",
           "Recent changes: who did what, when, and the result.", "audit 50"),
    )
}  # fmt: skip


def usage(name: str) -> str:
    """The usage line of a command, e.g. ``/acc restart <runId>``; for a first word shared
    by several commands (``schedule``), their usage lines, one per line."""
    if name in COMMANDS:
        return COMMANDS[name].usage
    family = [h.usage for h in COMMANDS.values() if h.name.split()[0] == name]
    if not family:
        raise KeyError(name)
    return "\n".join(family)


@dataclass(frozen=True)
class HelpPage:
    """What ``help [topic]`` shows, as data each front end lays out: the overview
    (``groups``), one command (``command``) or the commands sharing a first word."""

    groups: tuple[tuple[str, tuple[CommandHelp, ...]], ...] = ()
    command: CommandHelp | None = None
    family: tuple[CommandHelp, ...] = ()


def help_page(topic: str | None = None) -> HelpPage:
    """The overview (topic None), one command's help, or the commands starting with a word
    (``help schedule``). Raises CommandError for an unknown topic."""
    if topic is None or not topic.strip():
        return HelpPage(
            groups=tuple(
                (group, tuple(h for h in COMMANDS.values() if h.group == group)) for group in GROUPS
            )
        )
    key = " ".join(topic.lower().removeprefix(SLASH).split())
    if key in COMMANDS:
        return HelpPage(command=COMMANDS[key])
    family = tuple(h for h in COMMANDS.values() if h.name.split()[0] in (key, key + "s"))
    if family:
        return HelpPage(family=family)
    hint = difflib.get_close_matches(key, list(COMMANDS), n=1)
    suffix = f" — did you mean '{hint[0]}'?" if hint else ""
    raise CommandError(f"no help for '{topic}'{suffix}", command="help", usage=usage("help"))


def role_line(h: CommandHelp) -> str:
    return f"Needs the {role_for_name(h.name).value} role."


def help_text(topic: str | None = None) -> str:
    """``help_page`` as plain text, for a terminal: no markup of any kind."""
    page = help_page(topic)
    if page.command is not None:
        h = page.command
        return f"{h.usage}\n{h.description}\nExample: {h.example}\n{role_line(h)}"
    if page.family:
        return "\n".join(f"{h.usage} — {h.description}" for h in page.family)
    lines = [f"Commands ({SLASH} help <command> for details and an example):"]
    for group, commands in page.groups:
        lines.append(f"{group.capitalize()}:")
        lines.extend(f"  {h.usage}" for h in commands)
    return "\n".join(lines)
