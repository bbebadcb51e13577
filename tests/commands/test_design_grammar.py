"""Every line of DESIGN.md's /acc grammar block, fed to the parser as people type it.

The block is copied verbatim from DESIGN.md (Runtime contract): a line added there
without examples here fails ``test_every_grammar_line_has_examples``. Each example must
parse as Slack sends it and, split the way a shell splits it, give the CLI the same
command.
"""

from __future__ import annotations

import re
import shlex

import pytest

from accbot.commands import parse
from accbot.commands.parser import parse_words

DESIGN_GRAMMAR = """\
/acc help [command]
/acc agent <agentPath>                        details, latest runs, schedules, buttons
/acc start <agentPath> [k=v ...] [--session ID] [--log-level 0-3] [--test]
           [--files a.csv,b.csv] [--multi] [--wait[=SECONDS]] [--form]
/acc runs <agentPath | sas:<agentId>> [count] [--status failed]   run history
/acc run <runId>                              one run, with Restart / Retry / Log / Data buttons
/acc restart <runId>
/acc retry <runId> [Restart|Continue|ContinueRefreshAgent|ContinueAndRetryErrors|
                    ContinueAndRetryErrorsRefreshAgent|New]
/acc log <runId>          /acc data <runId>
/acc job start <agentPath> [k=v ...]          /acc jobs <agentPath> [count]
/acc job <jobRunId>       /acc job runs <agentPath> <jobRunId>
/acc job logs <jobRunId>  /acc job data <jobRunId>
/acc job status <agentPath> <never-run|in-progress|in-progress-with-failure|succeeded|failure|failed>
/acc schedules <agentPath>                    list, each with Enable/Disable, Run now, Delete buttons
/acc schedule add <agentPath> "<cron>" [--tz <IANA or Windows zone>] [--start <ISO time>] [k=v ...]
/acc schedule on|off|run|delete <scheduleId>      off takes [for <duration>]: back on by itself
/acc schedules on|off|delete <agentPath>           off takes [for <duration>] as well
/acc paused                                   schedules paused for a while, each with "Turn back on now"
/acc approve <agentPath> [message]            /acc disapprove <agentPath> [message]
/acc request-approval <agentPath> [note]      posts an approval card with Approve / Disapprove
/acc inputs add <agentPath>                   opens a modal with a file input (csv, txt, zip)
/acc inputs csv <agentPath> [name.csv]        opens a modal to paste CSV rows (api/input/agent/{id}/csv)
/acc inputs clear|disable <agentPath>
/acc server <name>                            ACC server health (servers are configured)
/acc watch <agentPath | sas:<agentId>> [#channel] [--all] [--empty] [--drop <percent>]
           [--escalate <duration> <@user | @group>]
/acc watch server:<name> [#channel]           unreachable, or over ACC's own thresholds
/acc unwatch <agentPath | sas:<agentId> | server:<name>> [#channel]
/acc watching                                 /acc mute <agentPath> <duration>
/acc status                                   the watcher's own health: last cycle, lag, backlog, leases
/acc audit [count]
"""

P = "sequentum/Test1/Test-Agent"
R = "9040f86d-bbc1-4038-9868-501145cc2370"
S = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"
CHANNEL = "<#C0123ABCD|alerts>"  # how Slack sends a #channel picked from autocomplete
RETRY_MODES = "Restart Continue ContinueRefreshAgent ContinueAndRetryErrors ContinueAndRetryErrorsRefreshAgent New"
JOB_STATES = "never-run in-progress in-progress-with-failure succeeded failure failed"

# A grammar line (by how it starts) -> what people type for it, each option used once.
EXAMPLES: dict[str, list[str]] = {
    "/acc help": ["help", "help start", "help schedule add"],
    "/acc agent": [f"agent {P}"],
    "/acc start": [
        f"start {P}",
        f'start {P} k=v city="New York" --session s1 --log-level 2 --test'
        " --files a.csv,b.csv --multi --wait=600",
        f"start {P} --wait",
        f"start {P} --form",
        "start",
    ],
    "/acc runs": [
        f"runs {P}",
        f"runs {P} 5 --status failed",
        "runs sas:abc-123",
        "runs sas:abc-123 5 --status failed",
    ],
    "/acc run": [f"run {R}"],
    "/acc restart": [f"restart {R}"],
    "/acc retry": [f"retry {R}", *(f"retry {R} {mode}" for mode in RETRY_MODES.split())],
    "/acc log": [f"log {R}", f"data {R}"],
    "/acc job start": [f"job start {P}", f"job start {P} k=v", f"jobs {P}", f"jobs {P} 5"],
    "/acc job <jobRunId>": [f"job {R}", f"job runs {P} {R}"],
    "/acc job logs": [f"job logs {R}", f"job data {R}"],
    "/acc job status": [f"job status {P} {state}" for state in JOB_STATES.split()],
    "/acc schedules <agentPath>": [f"schedules {P}"],
    "/acc schedule add": [
        f'schedule add {P} "0 0 0 1"',
        f'schedule add {P} "0 0 6 * * *" --tz Australia/Sydney --start 2026-01-01T00:00:00 k=v',
        f'schedule add {P} "0 0 6 * * *" --tz "AUS Eastern Standard Time"',
    ],
    "/acc schedule on": [
        f"schedule on {S}",
        f"schedule off {S}",
        f"schedule run {S}",
        f"schedule delete {S}",
        f"schedule off {S} for 2h",
    ],
    "/acc schedules on": [
        f"schedules on {P}",
        f"schedules off {P}",
        f"schedules delete {P}",
        f"schedules off {P} for 1h30m",
    ],
    "/acc paused": ["paused"],
    "/acc approve": [
        f"approve {P}",
        f"approve {P} looks good",
        f"disapprove {P}",
        f"disapprove {P} not yet",
    ],
    "/acc request-approval": [f"request-approval {P}", f"request-approval {P} new selectors"],
    "/acc inputs add": [f"inputs add {P}"],
    "/acc inputs csv": [f"inputs csv {P}", f"inputs csv {P} name.csv"],
    "/acc inputs clear": [f"inputs clear {P}", f"inputs disable {P}"],
    "/acc server": ["server se1"],
    "/acc watch <agentPath": [
        f"watch {P}",
        f"watch {P} {CHANNEL}",
        f"watch {P} {CHANNEL} --all --empty --drop 50 --escalate 30m <@U0123ABCD>",
        f"watch {P} --escalate 30m <!subteam^S0123ABCD|@oncall>",
        "watch sas:abc-123",
        f"watch sas:abc-123 {CHANNEL} --all",
    ],
    "/acc watch server": ["watch server:se1", f"watch server:se1 {CHANNEL}"],
    "/acc unwatch": [
        f"unwatch {P}",
        f"unwatch {P} {CHANNEL}",
        "unwatch sas:abc-123",
        "unwatch server:se1",
        f"unwatch server:se1 {CHANNEL}",
    ],
    "/acc watching": ["watching", f"mute {P} 2h", "mute sas:abc-123 1h30m"],
    "/acc status": ["status"],
    "/acc audit": ["audit", "audit 20"],
}


def grammar_lines() -> list[str]:
    """The block's lines that start a command (continuation lines belong to the one above)."""
    return [line for line in DESIGN_GRAMMAR.splitlines() if line.startswith("/acc ")]


def key_of(line: str) -> str:
    """The EXAMPLES key a grammar line falls under: the longest one it starts with."""
    keys = [key for key in EXAMPLES if line.startswith(key)]
    assert keys, f"no examples for the grammar line {line!r}"
    return max(keys, key=len)


def test_every_grammar_line_has_examples_and_every_example_a_line():
    used = {key_of(line) for line in grammar_lines()}
    assert used == set(EXAMPLES), f"examples for no grammar line: {set(EXAMPLES) - used}"


def built() -> list[str]:
    return [text for forms in EXAMPLES.values() for text in forms]


# Slack sends a picked channel, person or group as markup; in a terminal one types its id.
SLACK_MENTION = re.compile(r"<[#@](\w+)(?:\|[^>]*)?>|<!subteam\^(\w+)(?:\|[^>]*)?>")


def as_typed_in_a_terminal(text: str) -> list[str]:
    return shlex.split(SLACK_MENTION.sub(lambda m: m.group(1) or m.group(2), text))


@pytest.mark.parametrize("text", built())
def test_each_example_parses_and_the_cli_gets_the_same_command(text):
    command = parse(text)
    assert parse_words(as_typed_in_a_terminal(text)) == command
