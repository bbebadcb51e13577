"""Every command of DESIGN.md's /acc grammar, parsed from text exactly as a user types it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accbot.commands import CommandError, parse
from accbot.commands.model import (
    AddInputs,
    AddSchedule,
    AgentRef,
    Approve,
    BulkScheduleAction,
    ClearInputs,
    DisableInputs,
    Disapprove,
    GetData,
    Help,
    JobData,
    JobLogs,
    ListJobRuns,
    ListJobs,
    ListRuns,
    ListSchedules,
    ListWatches,
    Mute,
    RequestApproval,
    RestartRun,
    RetryRun,
    ScheduleAction,
    ServerHealth,
    SetJobStatus,
    ShowAgent,
    ShowAudit,
    ShowJob,
    ShowLog,
    ShowRun,
    StartAgent,
    StartJob,
    Unwatch,
    Watch,
)

RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
SCHEDULE = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"  # from the API document: not an RFC 4122 GUID
PATH = "sequentum/Test1/Test-Agent"
ACC = AgentRef("acc", PATH)


def refusal(text: str) -> CommandError:
    with pytest.raises(CommandError) as info:
        parse(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help(None)),
        ("   ", Help(None)),
        ("help", Help(None)),
        ("help start", Help("start")),
        ("help schedule add", Help("schedule add")),
        ("help  job   runs", Help("job runs")),
        (f"agent {PATH}", ShowAgent(ACC)),
        ("agent sas:0a1b2c", ShowAgent(AgentRef("sas", "0a1b2c"))),
        (f"start {PATH}", StartAgent(PATH)),
        (
            f'start {PATH} city="New York" zip=10001 --session S-1 --log-level 3 --test '
            "--files a.csv,b.csv --multi --wait",
            StartAgent(
                PATH,
                params={"city": "New York", "zip": "10001"},
                session_id="S-1",
                log_level=3,
                test=True,
                files=["a.csv", "b.csv"],
                multi=True,
                wait_seconds=300,
            ),
        ),
        (
            f"start {PATH} --session=S-2 --log-level=0",
            StartAgent(PATH, session_id="S-2", log_level=0),
        ),
        (f"start {PATH} --wait=600", StartAgent(PATH, wait_seconds=600)),
        (f"start {PATH} --wait 60", StartAgent(PATH, wait_seconds=60)),
        (f"runs {PATH}", ListRuns(ACC, 10, False)),
        (f"runs {PATH} 25", ListRuns(ACC, 25, False)),
        (f"runs {PATH} 5 --status failed", ListRuns(ACC, 5, True)),
        (f"runs {PATH} --status FAILED", ListRuns(ACC, 10, True)),
        ("runs sas:bot-7 3", ListRuns(AgentRef("sas", "bot-7"), 3, False)),
        (f"run {RUN}", ShowRun(RUN)),
        (f"run {RUN.upper()}", ShowRun(RUN)),
        (f"run {{{RUN}}}", ShowRun(RUN)),
        (f"restart {RUN}", RestartRun(RUN)),
        (f"retry {RUN}", RetryRun(RUN, "ContinueAndRetryErrorsRefreshAgent")),
        (f"retry {RUN} Restart", RetryRun(RUN, "Restart")),
        (f"retry {RUN} continue", RetryRun(RUN, "Continue")),
        (f"retry {RUN} continuerefreshagent", RetryRun(RUN, "ContinueRefreshAgent")),
        (f"retry {RUN} ContinueAndRetryErrors", RetryRun(RUN, "ContinueAndRetryErrors")),
        (f"retry {RUN} NEW", RetryRun(RUN, "New")),
        (f"log {RUN}", ShowLog(RUN)),
        (f"data {RUN}", GetData(RUN)),
        (f"job start {PATH}", StartJob(PATH)),
        (
            f"job start {PATH} region=EU label='big batch'",
            StartJob(PATH, {"region": "EU", "label": "big batch"}),
        ),
        (f"jobs {PATH}", ListJobs(PATH, 10)),
        (f"jobs {PATH} 3", ListJobs(PATH, 3)),
        (f"job {RUN}", ShowJob(RUN)),
        (f"job runs {PATH} {RUN}", ListJobRuns(PATH, RUN)),
        (f"job logs {RUN}", JobLogs(RUN)),
        (f"job data {RUN}", JobData(RUN)),
        (f"job status {PATH} never-run", SetJobStatus(PATH, "never-run")),
        (
            f"job status {PATH} in-progress-with-failure",
            SetJobStatus(PATH, "in-progress-with-failure"),
        ),
        (f"job status {PATH} Succeeded", SetJobStatus(PATH, "succeeded")),
        (f"job status {PATH} in_progress", SetJobStatus(PATH, "in-progress")),
        (f"schedules {PATH}", ListSchedules(PATH)),
        (f"schedules on {PATH}", BulkScheduleAction(PATH, "on")),
        (f"schedules off {PATH}", BulkScheduleAction(PATH, "off")),
        (f"schedules delete {PATH}", BulkScheduleAction(PATH, "delete")),
        (f'schedule add {PATH} "0 0 6 * * ?"', AddSchedule(PATH, "0 0 6 * * ?")),
        (f'schedule add {PATH} "0 0 0 1"', AddSchedule(PATH, "0 0 0 1")),
        (
            f'schedule add {PATH} "0 30 8 ? * MON-FRI" --tz "AUS Eastern Standard Time" '
            "--start 2019-07-16T11:21:20 par1=2000 par2=5000",
            AddSchedule(
                PATH,
                "0 30 8 ? * MON-FRI",
                tz="AUS Eastern Standard Time",
                start="2019-07-16T11:21:20",
                params={"par1": "2000", "par2": "5000"},
            ),
        ),
        (
            f"schedule add {PATH} 0 0 12 L * ? --tz Europe/London --start=2025-01-31",
            AddSchedule(PATH, "0 0 12 L * ?", tz="Europe/London", start="2025-01-31T00:00:00"),
        ),
        (f'schedule add {PATH} "0 0 6 ? * 6#3 2030"', AddSchedule(PATH, "0 0 6 ? * 6#3 2030")),
        (f"schedule on {SCHEDULE}", ScheduleAction(SCHEDULE, "on")),
        (f"schedule off {SCHEDULE}", ScheduleAction(SCHEDULE, "off")),
        (f"schedule run {SCHEDULE}", ScheduleAction(SCHEDULE, "run")),
        (f"schedule delete {SCHEDULE}", ScheduleAction(SCHEDULE, "delete")),
        (f"approve {PATH}", Approve(PATH, None)),
        (f"approve {PATH} looks good, ship it", Approve(PATH, "looks good, ship it")),
        (f"approve {PATH} it's fine", Approve(PATH, "it's fine")),
        (f'disapprove {PATH} "selectors broke"', Disapprove(PATH, "selectors broke")),
        (f"disapprove {PATH} R&amp;D says no", Disapprove(PATH, "R&D says no")),
        (f"request-approval {PATH}", RequestApproval(PATH, None)),
        (f"request-approval {PATH} new login flow", RequestApproval(PATH, "new login flow")),
        (f"inputs add {PATH}", AddInputs(PATH)),
        (f"inputs clear {PATH}", ClearInputs(PATH)),
        (f"inputs disable {PATH}", DisableInputs(PATH)),
        ("server se1", ServerHealth("se1")),
        (f"watch {PATH}", Watch(ACC, None, False)),
        (f"watch {PATH} <#C123ABC|alerts>", Watch(ACC, "C123ABC", False)),
        (f"watch {PATH} <#C123ABC> --all", Watch(ACC, "C123ABC", True)),
        (f"watch {PATH} --all C0123ABCDE", Watch(ACC, "C0123ABCDE", True)),
        ("watch sas:bot-7 <#G0AB12CD3|private-ops>", Watch(AgentRef("sas", "bot-7"), "G0AB12CD3")),
        (f"unwatch {PATH}", Unwatch(ACC, None)),
        (f"unwatch {PATH} <#C123ABC|alerts>", Unwatch(ACC, "C123ABC")),
        ("watching", ListWatches()),
        (f"mute {PATH} 30m", Mute(ACC, timedelta(minutes=30))),
        (f"mute {PATH} 2h", Mute(ACC, timedelta(hours=2))),
        (f"mute {PATH} 1d", Mute(ACC, timedelta(days=1))),
        (f"mute {PATH} 1h30m", Mute(ACC, timedelta(hours=1, minutes=30))),
        (f"mute {PATH} 7d", Mute(ACC, timedelta(days=7))),
        ("audit", ShowAudit(20)),
        ("audit 50", ShowAudit(50)),
    ],
)
def test_each_command_of_the_grammar_parses(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_command_words_are_case_insensitive() -> None:
    assert parse(f"Restart {RUN}") == RestartRun(RUN)
    assert parse(f"SCHEDULE ON {SCHEDULE}") == ScheduleAction(SCHEDULE, "on")


def test_agent_paths_with_spaces_are_quoted() -> None:
    assert parse('agent "My Folder/My Agent"') == ShowAgent(AgentRef("acc", "My Folder/My Agent"))
    assert parse("start “My Folder/My Agent” a=1") == StartAgent("My Folder/My Agent", {"a": "1"})


def test_a_quoted_option_word_is_a_value_not_an_option() -> None:
    assert parse('start a/b note="--test"') == StartAgent("a/b", {"note": "--test"})
    assert parse('start a/b --session "--x"') == StartAgent("a/b", session_id="--x")


def test_an_em_dash_made_by_a_chat_client_counts_as_two_hyphens() -> None:
    assert parse("start a/b —test –multi") == StartAgent("a/b", test=True, multi=True)


def test_slack_links_in_values_become_the_text_the_user_typed() -> None:
    command = parse("start a/b url=<https://example.com/x|example.com/x> home=<https://e.org>")
    assert command == StartAgent("a/b", {"url": "example.com/x", "home": "https://e.org"})


def test_every_parsed_command_names_its_help_entry() -> None:
    assert parse(f"schedule delete {SCHEDULE}").name == "schedule delete"
    assert parse("schedules off a/b").name == "schedules off"
    assert parse(f"job runs a/b {RUN}").name == "job runs"
    assert parse("start a/b").mutating is True
    assert parse("runs a/b").mutating is False


# --- refusals: each says precisely what was wrong -------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("strat a/b", "unknown command 'strat' — did you mean 'start'?"),
        ("shedules a/b", "unknown command 'shedules' — did you mean 'schedules'?"),
        ("xyzzy", "unknown command 'xyzzy' — try 'help'"),
        ("help frobnicate", "no help for 'frobnicate'"),
        ("agent", "missing <agentPath>"),
        ("start --test", "missing <agentPath>"),
        ('agent ""', "the agent path is empty"),
        ("agent sas:", "missing the agent ID after 'sas:'"),
        (
            "start sas:bot-7",
            "SAS agents (sas:<agentId>) work only with agent, runs, watch, unwatch and mute",
        ),
        ("start a/b --xyz", "unknown option --xyz"),
        ("start a/b --sesion S", "unknown option --sesion — did you mean --session?"),
        ("start a/b k", "'k' is not a k=v pair"),
        ("start a/b city=New York", "'York' is not a k=v pair (quote values that contain spaces)"),
        ("start a/b =v", "'=v' is not a k=v pair (the name before '=' is missing)"),
        ('start a/b "my key"=v', "'my key' is not a valid parameter name (no spaces allowed)"),
        ("start a/b k=1 k=2", "parameter 'k' given twice"),
        ("start a/b --test --test", "--test given twice"),
        ("start a/b --test=yes", "--test takes no value"),
        ("start a/b --session", "--session needs a value"),
        ("start a/b --session --test", "--session needs a value"),
        ("start a/b --session=", "--session needs a value"),
        ("start a/b --log-level 4", "log level must be from 0 to 3, not 4"),
        (
            "start a/b --log-level high",
            "'high' is not a log level (expected a whole number from 0 to 3)",
        ),
        (
            "start a/b --files a.csv,,b.csv",
            "--files 'a.csv,,b.csv' has an empty file name (separate names with commas)",
        ),
        ("start a/b --wait=0", "--wait time in seconds must be from 1 to 3600, not 0"),
        ("start a/b --wait=7200", "--wait time in seconds must be from 1 to 3600, not 7200"),
        (
            "start a/b --wait=soon",
            "'soon' is not a --wait time in seconds (expected a whole number from 1 to 3600)",
        ),
        ("start 'a/b", "unbalanced quote ' (no closing quote after \"'a/b\")"),
        ('start a/b x="open', "unbalanced quote \" (no closing quote after '\"open')"),
        ("runs a/b 0", "count must be from 1 to 100, not 0"),
        ("runs a/b 101", "count must be from 1 to 100, not 101"),
        ("runs a/b many", "'many' is not a count (expected a whole number from 1 to 100)"),
        ("runs a/b --status running", "--status accepts only 'failed', not 'running'"),
        ("runs a/b 5 6", "unexpected '6' (quote values that contain spaces)"),
        ("runs a/b k=v", "unexpected 'k=v' — runs takes no k=v parameters"),
        ("run", "missing <runId>"),
        ("run abc", f"'abc' is not a run ID (expected a GUID like {RUN})"),
        (f"run {RUN[:-1]}", f"'{RUN[:-1]}' is not a run ID (expected a GUID like {RUN})"),
        ("restart 42", f"'42' is not a run ID (expected a GUID like {RUN})"),
        (
            f"retry {RUN} Continu",
            "'Continu' is not a retry method (expected one of Restart, Continue, "
            "ContinueRefreshAgent, ContinueAndRetryErrors, ContinueAndRetryErrorsRefreshAgent, "
            "New) — did you mean 'Continue'?",
        ),
        ("job", "missing <jobRunId>"),
        ("job abc", f"'abc' is not a job run ID (expected a GUID like {RUN})"),
        ("job strat a/b", "'strat' is not a job run ID — did you mean 'job start'?"),
        ("job runs a/b", "missing <jobRunId>"),
        ("job runs a/b nope", f"'nope' is not a job run ID (expected a GUID like {RUN})"),
        ("job logs x", f"'x' is not a job run ID (expected a GUID like {RUN})"),
        (
            "job status a/b done",
            "'done' is not a job status (expected one of never-run, in-progress, "
            "in-progress-with-failure, succeeded, failure, failed)",
        ),
        (
            "job status a/b",
            "missing the status (never-run|in-progress|in-progress-with-failure|succeeded|failure|failed)",
        ),
        ("jobs a/b 1000", "count must be from 1 to 100, not 1000"),
        ("schedule", "missing the schedule action (add|on|off|run|delete)"),
        (
            "schedule of x",
            "unknown schedule action 'of' (expected add, on, off, run, delete) — did you mean 'schedule off'?",
        ),
        ("schedule on", "missing <scheduleId>"),
        ("schedule delete 12", f"'12' is not a schedule ID (expected a GUID like {RUN})"),
        ("schedules on", "missing <agentPath>"),
        ("schedules a/b extra", "unexpected 'extra' (quote values that contain spaces)"),
        ("schedule add a/b", 'missing "<cron>" (for example "0 0 6 * * ?")'),
        (
            'schedule add a/b "0 0 *"',
            "'0 0 *' is not a cron expression: it has 3 fields, expected 4 to 7 "
            "(second minute hour day month weekday)",
        ),
        (
            'schedule add a/b "0 0 6 * * ? 2030 1"',
            "'0 0 6 * * ? 2030 1' is not a cron expression: it has 8 fields, expected 4 to 7 "
            "(second minute hour day month weekday)",
        ),
        (
            'schedule add a/b "0 0 6 * * ? ;rm"',
            "'0 0 6 * * ? ;rm' is not a cron expression: ';rm' is not a cron field",
        ),
        (
            'schedule add a/b "0 0 6 * * DAILY"',
            "'0 0 6 * * DAILY' is not a cron expression: 'DAILY' is not a cron field",
        ),
        (
            'schedule add a/b "every day at 6 please"',
            "'every day at 6 please' is not a cron expression: 'every' is not a cron field",
        ),
        ('schedule add a/b "0 0 6 * * ?" extra', "'extra' is not a k=v pair"),
        (
            "schedule add a/b 0 0 6 * * ? --tz AUS Eastern Standard Time",
            "'Eastern' is not a k=v pair (quote values that contain spaces)",
        ),
        (
            'schedule add a/b "0 0 6 * * ?" --start tomorrow',
            "--start 'tomorrow' is not an ISO 8601 time (e.g. 2025-01-31T06:00:00)",
        ),
        (
            'schedule add a/b "0 0 6 * * ?" --start 2025-02-30T06:00',
            "--start '2025-02-30T06:00' is not an ISO 8601 time (e.g. 2025-01-31T06:00:00)",
        ),
        (
            'schedule add a/b "0 0 6 * * ?" --start 2025-01-31T06:00:00+02:00',
            "--start '2025-01-31T06:00:00+02:00' has a UTC offset; give the local time and the zone with --tz",
        ),
        ('schedule add a/b "0 0 6 * * ?" --every 5', "unknown option --every"),
        ("approve", "missing <agentPath>"),
        ("approve --now a/b", "unknown option --now"),
        ("inputs", "missing the inputs action (expected add, csv, clear or disable)"),
        (
            "inputs clean a/b",
            "unknown inputs action 'clean' (expected add, csv, clear or disable) — did you mean 'inputs clear'?",
        ),
        ("inputs add", "missing <agentPath>"),
        ("server", "missing <name>"),
        (
            "watch a/b #alerts",
            "can't tell which channel '#alerts' is: pick it from Slack's autocomplete (type # and choose the channel) or give its ID (C…)",
        ),
        ("watch a/b alerts", "'alerts' is not a channel (type # and pick one from the list)"),
        ("watch a/b <@U123ABC|bob>", "'@bob' is a user or group mention, not a channel"),
        ("watch <#C123ABC|alerts>", "'#alerts' is a mention, not an agent path"),
        ("watch a/b --al", "unknown option --al — did you mean --all?"),
        ("unwatch a/b --all", "unknown option --all"),
        ("watching a/b", "unexpected 'a/b' (quote values that contain spaces)"),
        ("mute a/b", "missing <duration> (e.g. 30m, 2h, 1d, 1h30m)"),
        ("mute a/b soon", "'soon' is not a duration (e.g. 30m, 2h, 1d, 1h30m)"),
        ("mute a/b 30s", "'30s' is not a duration (e.g. 30m, 2h, 1d, 1h30m)"),
        ("mute a/b 0m", "a mute must last at least 1m"),
        ("mute a/b 8d", "a mute lasts at most 7d, not '8d'"),
        ("mute a/b 7d1m", "a mute lasts at most 7d, not '7d1m'"),
        ("mute a/b 99999d", "a mute lasts at most 7d, not '99999d'"),
        ("audit 0", "count must be from 1 to 100, not 0"),
    ],
)
def test_each_refusal_says_what_was_wrong(text: str, message: str) -> None:
    assert refusal(text).message == message


def test_a_refusal_carries_the_usage_line_of_its_command() -> None:
    error = refusal("restart abc")
    assert error.command == "restart"
    assert error.usage == "/acc restart <runId>"
    assert str(error) == (
        f"'abc' is not a run ID (expected a GUID like {RUN})\nusage: /acc restart <runId>"
    )


def test_subcommand_refusals_carry_the_subcommands_usage() -> None:
    assert refusal("job logs x").usage == "/acc job logs <jobRunId>"
    assert refusal("schedules off").usage == "/acc schedules off <agentPath> [for <duration>]"
    assert refusal("inputs disable").usage == "/acc inputs disable <agentPath>"


def test_a_missing_or_unknown_action_shows_every_usage_of_that_family() -> None:
    assert refusal("schedule").usage.splitlines() == [
        '/acc schedule add <agentPath> "<cron>" [--tz <IANA or Windows zone>] [--start <ISO time>] [k=v ...]',
        "/acc schedule on <scheduleId>",
        "/acc schedule off <scheduleId> [for <duration>]",
        "/acc schedule run <scheduleId>",
        "/acc schedule delete <scheduleId>",
    ]


def test_an_unknown_command_has_no_usage() -> None:
    error = refusal("strat a/b")
    assert error.usage is None and error.command is None
    assert str(error) == "unknown command 'strat' — did you mean 'start'?"
