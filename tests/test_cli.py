"""`accbot <command>`: the same grammar and actions as /acc, printed as plain text.

The CLI runs against the simulator over loopback; every answer is checked for Slack
markup, which must never reach a terminal.
"""

from __future__ import annotations

import io
import json
import re
import socket
import zipfile

import pytest

from accbot.actions.roles import RoleChecker
from accbot.cli import main
from accbot.cli.names import Names, slack_names
from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.simulator.server import SimulatorServer
from accbot.store import audit
from tests.support.fake_slack import FakeSlack

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
QUICK = "sequentum/Test2/quick"
CHANNEL = "C0123ABCD"
BOT_TOKEN = "xoxb-fake_cli_token"  # noqa: S105 (a test value)

# What Slack would turn into mentions, links, bold text, emoji or code spans.
SLACK_MARKUP = [
    re.compile(r"<[@#][A-Z0-9]"),
    re.compile(r"<!(channel|here|everyone|subteam|date)"),
    re.compile(r"<https?:"),
    re.compile(r"(^|\s)\*[^*\s][^*]*\*(\s|$|[.,:;])"),
    re.compile(r"(^|\s):[a-z][a-z0-9_+-]*:(\s|$)", re.MULTILINE),
    re.compile(r"`"),
    re.compile(r"&(amp|lt|gt);"),
]


def assert_plain(text: str) -> None:
    for pattern in SLACK_MARKUP:
        found = pattern.search(text)
        assert found is None, f"Slack markup {found.group(0)!r} reached the terminal:\n{text}"


@pytest.fixture
def acc():
    with SimulatorServer(token="cli-token") as sim:
        yield sim


@pytest.fixture
def services(acc, tmp_path):
    settings = load_settings(
        ACC_BASE_URL=acc.url,
        ACC_API_TOKEN="cli-token",
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
    )
    built = build_services(settings)
    built.roles = RoleChecker(admins=["cli:tester"])
    built.db.migrate()
    yield built
    close_services(built)


@pytest.fixture
def cli(services, monkeypatch, tmp_path):
    """Run the CLI; returns (exit code, stdout, stderr), stdout checked for markup."""
    monkeypatch.setattr("accbot.cli._login", lambda: "tester")

    def run(*argv: str, names: Names | None = None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), out=out, err=err, services=services, names=names or Names())
        assert_plain(out.getvalue())
        assert_plain(err.getvalue())
        return code, out.getvalue(), err.getvalue()

    return run


def start_bodies(acc) -> list[dict]:
    return [
        json.loads(r.body or b"{}")
        for r in acc.state.requests
        if r.method == "POST" and r.path.endswith("/start")
    ]


def parameters(body: dict) -> dict:
    """ACC takes inputParameters as a JSON text inside the JSON body."""
    params = body["inputParameters"]
    return json.loads(params) if isinstance(params, str) else params


# --- reading ----------------------------------------------------------------------------


def test_run_prints_the_runs_status_counts_and_times_to_the_second(cli):
    code, text, err = cli("run", SAMPLE_RUN)
    assert code == 0 and err == ""
    assert "status: Succeeded" in text and "errors: 0" in text
    assert re.search(r"started: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)


def test_log_is_saved_to_the_output_folder_wherever_out_stands(cli, tmp_path):
    code, text, _ = cli("log", SAMPLE_RUN, "--out", str(tmp_path))
    assert code == 0
    saved = tmp_path / f"log-{SAMPLE_RUN}.zip"
    assert zipfile.is_zipfile(saved) and f"saved {saved}" in text


def test_jobs_are_listed_one_per_line(cli):
    code, text, _ = cli("jobs", QUICK)
    assert code == 0
    assert "6ef84ec7-d5e6-4a98-bbfa-0b67355a648f" in text and "Succeeded" in text


def test_schedules_show_cron_zone_and_state(cli):
    code, text, _ = cli("schedules", QUICK)
    assert code == 0
    assert "d9c944df-93a7-ea77-f7b7-fa0b9c579917" in text and "AUS Eastern Standard Time" in text


def test_agent_shows_runs_and_schedules_without_markup(cli):
    code, text, _ = cli("agent", QUICK)
    assert code == 0
    assert f"Agent {QUICK}" in text and "Latest runs:" in text and "Schedules:" in text


# --- help -------------------------------------------------------------------------------


def test_help_needs_no_configuration_and_is_plain_text():
    out, err = io.StringIO(), io.StringIO()
    assert main(["help"], out=out, err=err) == 0
    text = out.getvalue()
    assert_plain(text)
    assert "Reading:" in text and "accbot runs <agentPath" in text and "/acc runs" not in text


def test_help_for_one_command_shows_it_as_typed_here():
    out = io.StringIO()
    assert main(["help", "restart"], out=out, err=io.StringIO()) == 0
    assert out.getvalue().splitlines() == [
        "accbot restart <runId>",
        "Restart a run from the beginning.",
        f"Example: accbot restart {SAMPLE_RUN}",
        "Needs the operator role.",
    ]


# --- the shell's words go to the parser as they are ---------------------------------------


def test_a_value_with_spaces_is_one_parameter(cli, acc):
    code, text, err = cli("start", QUICK, "k=two words", "city=New York")
    assert code == 0, err
    [body] = start_bodies(acc)
    assert parameters(body) == {"k": "two words", "city": "New York"}
    assert text.startswith(f"Started a run of {QUICK}.")


def test_quotes_inside_a_word_stay_part_of_it(cli, acc):
    code, _, err = cli("start", QUICK, 'note=say "hi"', "name=O'Brien")
    assert code == 0, err
    [body] = start_bodies(acc)
    assert parameters(body) == {"note": 'say "hi"', "name": "O'Brien"}


def test_a_cron_expression_is_one_word(cli, acc):
    code, text, err = cli("schedule", "add", QUICK, "0 0 6 * * ?", "--tz", "Europe/London")
    assert code == 0, err
    assert text.startswith(f"Added a schedule to {QUICK}: 0 0 6 * * ?")


# --- errors -----------------------------------------------------------------------------


def test_a_bad_command_goes_to_stderr_with_its_usage_and_exit_2(cli):
    code, text, err = cli("run", "nope")
    assert code == 2 and text == ""
    assert "error: 'nope' is not a run ID" in err and "usage: accbot run <runId>" in err


def test_an_unknown_agent_goes_to_stderr_with_exit_1(cli):
    code, text, err = cli("agent", "no/such/agent")
    assert code == 1 and text == ""
    assert err.startswith("error: ") and "no/such/agent" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("inputs", "add", QUICK),
        ("inputs", "csv", QUICK),
        ("request-approval", QUICK, "please"),
    ],
)
def test_commands_that_need_slack_say_so_and_exit_non_zero(cli, acc, argv):
    code, text, err = cli(*argv)
    assert code == 4 and text == ""
    assert "Slack" in err
    assert acc.state.requests == []  # nothing reached ACC


def test_a_configuration_error_goes_to_stderr(monkeypatch, tmp_path):
    monkeypatch.delenv("ACC_BASE_URL", raising=False)
    monkeypatch.delenv("ACC_API_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", SAMPLE_RUN], out=out, err=err) == 2
    assert out.getvalue() == "" and "ACC_BASE_URL" in err.getvalue()


def test_a_database_that_cannot_be_reached_is_one_error_line(monkeypatch, tmp_path, acc):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ACC_BASE_URL", acc.url)
    monkeypatch.setenv("ACC_API_TOKEN", "cli-token")
    monkeypatch.setenv("DATABASE_URL", f"postgresql://accbot:db-pass-9c2f@127.0.0.1:{port}/x")
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["audit"], out=out, err=err) == 1
    assert out.getvalue() == ""
    assert err.getvalue().startswith("error: The database postgresql+psycopg://accbot:***@")
    assert err.getvalue().count("\n") == 1 and "db-pass-9c2f" not in err.getvalue()


# --- confirmation -----------------------------------------------------------------------


def test_a_destructive_bulk_command_asks_for_yes_and_changes_nothing(cli, acc):
    code, text, _ = cli("schedules", "delete", QUICK)
    assert code == 3
    assert "--yes" in text and "Click" not in text and "Confirm" not in text
    assert f"accbot schedules delete {QUICK} --yes" in text
    assert acc.state.count_requests("DELETE", "/api/job") == 0


@pytest.mark.parametrize("where", ["first", "last"])
def test_yes_works_anywhere_on_the_line(cli, acc, where):
    argv = ["schedules", "delete", QUICK]
    argv = ["--yes", *argv] if where == "first" else [*argv, "--yes"]
    code, text, _ = cli(*argv)
    assert code == 0
    assert text.startswith(f"Deleted 1 schedule of {QUICK}.")
    assert acc.state.count_requests("DELETE", "/api/job") == 1


# --- changes read as sentences ------------------------------------------------------------


def test_restart_is_a_sentence_and_audited_under_the_cli_login(cli, services):
    code, text, _ = cli("restart", SAMPLE_RUN)
    assert code == 0
    assert text.splitlines()[0].startswith(f"Restarted run {SAMPLE_RUN} of agent ")
    with services.db.session() as session:
        [entry] = audit.recent(session, 1)
    assert entry.user_id == "cli:tester" and entry.action == "restart" and entry.result == "ok"


def test_approve_prints_a_sentence_not_a_dataclass(cli):
    code, text, _ = cli("approve", QUICK, "looks", "good")
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == f"Approved {QUICK}."
    assert lines[1] == "  ACC logged: Approved in accbot (cli) by cli:tester: looks good"
    assert "ApprovalDecision" not in text and "=" not in text


def test_audit_lists_cli_changes_with_times_to_the_second(cli):
    cli("restart", SAMPLE_RUN)
    code, text, _ = cli("audit")
    assert code == 0
    assert re.search(r"\d\d:\d\d:\d\d UTC  cli:tester  restart  ok", text)


# --- watches: channels and people by name -----------------------------------------------


def test_watching_shows_channels_and_people_by_name_when_slack_knows_them(cli, services):
    with FakeSlack() as slack:
        slack.channels[CHANNEL] = "alerts"
        names = slack_names(
            load_settings(
                ACC_BASE_URL="http://unused.invalid",
                ACC_API_TOKEN="unused",
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_API_URL=slack.api_url,
            )
        )
        code, text, _ = cli("watch", QUICK, CHANNEL, names=names)
        assert code == 0
        assert text.startswith(f"Started watching {QUICK} in #alerts: alerts on failures.")
        code, text, _ = cli("watching", names=names)
    assert code == 0
    assert f"{QUICK} in #alerts: failures (by cli:tester)" in text
    assert "Watches (1)" in text


def test_hints_name_the_command_as_typed_in_a_terminal(cli):
    code, text, _ = cli("watching")
    assert code == 0
    assert text.strip() == "Nothing is watched. accbot watch <agentPath> starts alerting a channel."
    code, _, err = cli("unwatch", QUICK)
    assert code == 1
    assert "accbot watching lists the watches" in err
    assert "/acc" not in err


def test_watching_without_slack_shows_the_channel_id_plainly(cli):
    cli("watch", QUICK, CHANNEL)
    code, text, _ = cli("watching")
    assert code == 0
    assert f"{QUICK} in #{CHANNEL}: failures" in text


def test_mute_says_until_when_to_the_second(cli):
    cli("watch", QUICK, CHANNEL)
    code, text, _ = cli("mute", QUICK, "2h")
    assert code == 0
    assert re.match(
        rf"Muted alerts for {QUICK} for 2h \(until \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)\.", text
    )


@pytest.mark.parametrize(
    "marked", ["<@U0123ABCD> did it", "in <#C0123ABCD>", "<!channel>", "*Watches* (2)",
               ":x: failed", "run `abc`", "a &lt; b"],
)  # fmt: skip
def test_the_markup_check_itself_catches_slack_markup(marked):
    with pytest.raises(AssertionError):
        assert_plain(marked)


# --- pauses -----------------------------------------------------------------------------

SCHEDULE = "d9c944df-93a7-ea77-f7b7-fa0b9c579917"


def test_a_pause_from_the_terminal_is_a_sentence_and_listed_by_paused(cli, acc):
    code, text, _ = cli("schedule", "off", SCHEDULE, "for", "2h")
    assert code == 0
    assert text.startswith(f"Turned off schedule {SCHEDULE} until ")
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is False
    code, text, _ = cli("paused")
    assert code == 0
    assert text.splitlines()[0] == "Paused schedules:"
    assert f"schedule {SCHEDULE}, back on at " in text and "paused by cli:tester" in text


def test_an_agent_pause_asks_for_yes_and_then_pauses_the_schedules_that_are_on(cli, acc):
    code, text, _ = cli("schedules", "off", QUICK, "for", "1h30m")
    assert code == 3
    assert f"accbot schedules off {QUICK} for 1h30m --yes" in text
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is True
    code, text, _ = cli("schedules", "off", QUICK, "for", "1h30m", "--yes")
    assert code == 0
    assert text.startswith(f"Turned off 1 schedule of {QUICK} until ")
    assert acc.state.schedule(SCHEDULE)["isEnabled"] is False


def test_data_of_a_run_without_backup_data_prints_what_acc_said(cli, acc):
    failed = acc.state.add_run("a2f22850-7c88-4e05-a30a-004aa980ee6c", 5, errors=1, data_files={})
    run_id = failed["agentRunHistoryId"]
    code, out, err = cli("data", run_id)
    assert code != 0
    assert f"No backup data stored for agent run {run_id}" in err
    assert f"ACC has no run {run_id}" not in out + err


def test_data_over_the_download_limit_saves_nothing_and_says_so(cli, acc, services, tmp_path):
    import os

    services.acc.max_download_bytes = 64 * 1024
    run_id = acc.state.add_run(
        "a2f22850-7c88-4e05-a30a-004aa980ee6c", 4, data_files={"big.bin": os.urandom(200_000)}
    )["agentRunHistoryId"]
    folder = tmp_path / "out"
    code, out, _ = cli("data", run_id, "--out", str(folder))
    assert code == 0
    assert "too large to fetch and upload" in out
    assert "nothing was saved" in out
    assert not folder.exists() or list(folder.iterdir()) == []
