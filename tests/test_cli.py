"""`accbot <command>`: the same grammar and actions as /acc, printed as text."""

from __future__ import annotations

import io
import zipfile

import pytest

from accbot.actions.roles import RoleChecker
from accbot.cli import main
from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.simulator.server import SimulatorServer
from accbot.store import audit

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"


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


def run(argv, services, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr("accbot.cli._login", lambda: "tester")
    out = io.StringIO()
    code = main(argv, out=out, services=services)
    return code, out.getvalue()


def test_run_prints_the_runs_status_and_counts(services, monkeypatch):
    code, text = run(["run", SAMPLE_RUN], services, monkeypatch)
    assert code == 0
    assert "Succeeded" in text and "errors: 0" in text


def test_restart_is_done_and_audited_under_the_cli_login(services, monkeypatch):
    code, text = run(["restart", SAMPLE_RUN], services, monkeypatch)
    assert code == 0
    assert "restarted run" in text
    with services.db.session() as session:
        [entry] = audit.recent(session, 1)
    assert entry.user_id == "cli:tester" and entry.action == "restart" and entry.result == "ok"


def test_log_is_saved_to_the_output_folder(services, monkeypatch, tmp_path):
    code, text = run(["--out", str(tmp_path), "log", SAMPLE_RUN], services, monkeypatch)
    assert code == 0
    saved = tmp_path / f"log-{SAMPLE_RUN}.zip"
    assert zipfile.is_zipfile(saved)


def test_a_bad_command_exits_2_with_the_usage(services, monkeypatch):
    code, text = run(["run", "nope"], services, monkeypatch)
    assert code == 2
    assert "GUID" in text


def test_an_unknown_agent_exits_1_naming_it(services, monkeypatch):
    code, text = run(["agent", "no/such/agent"], services, monkeypatch)
    assert code == 1
    assert "no/such/agent" in text


def test_help_needs_no_configuration(monkeypatch):
    out = io.StringIO()
    assert main(["help"], out=out) == 0
    assert "start" in out.getvalue()


def test_jobs_are_listed_one_per_line(services, monkeypatch):
    code, text = run(["jobs", "sequentum/Test2/quick"], services, monkeypatch)
    assert code == 0
    assert "6ef84ec7-d5e6-4a98-bbfa-0b67355a648f" in text and "Succeeded" in text


def test_schedules_show_cron_zone_and_state(services, monkeypatch):
    code, text = run(["schedules", "sequentum/Test2/quick"], services, monkeypatch)
    assert code == 0
    assert "d9c944df-93a7-ea77-f7b7-fa0b9c579917" in text and "AUS Eastern Standard Time" in text


def test_a_destructive_bulk_command_asks_for_yes_and_changes_nothing(services, acc, monkeypatch):
    code, text = run(["schedules", "delete", "sequentum/Test2/quick"], services, monkeypatch)
    assert code == 3
    assert "--yes" in text
    assert acc.state.count_requests("DELETE", "/api/job") == 0


def test_with_yes_the_bulk_command_runs(services, acc, monkeypatch):
    code, text = run(
        ["--yes", "schedules", "delete", "sequentum/Test2/quick"], services, monkeypatch
    )
    assert code == 0
    assert acc.state.count_requests("DELETE", "/api/job") == 1


def test_audit_lists_cli_changes(services, monkeypatch):
    run(["restart", SAMPLE_RUN], services, monkeypatch)
    code, text = run(["audit"], services, monkeypatch)
    assert code == 0
    assert "cli:tester restart ok" in text


def test_data_of_a_run_without_backup_data_prints_what_acc_said(acc, services, monkeypatch, capsys):
    failed = acc.state.add_run("a2f22850-7c88-4e05-a30a-004aa980ee6c", 5, errors=1, data_files={})
    run_id = failed["agentRunHistoryId"]
    code, text = run(["data", run_id], services, monkeypatch)
    printed = text + capsys.readouterr().err
    assert code != 0
    assert f"No backup data stored for agent run {run_id}" in printed
    assert f"ACC has no run {run_id}" not in printed
