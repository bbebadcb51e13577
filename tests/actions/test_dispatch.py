"""Every front end ends in execute(): it checks the role and audits every change."""

from __future__ import annotations

import json

import pytest

from accbot.acc.errors import NotFound
from accbot.actions.context import Actor
from accbot.actions.dispatch import command_arguments, execute
from accbot.actions.errors import PermissionDenied
from accbot.actions.roles import RoleChecker
from accbot.commands import parse
from accbot.commands.model import RestartRun, ShowRun
from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.simulator.server import SimulatorServer
from accbot.store import audit
from tests.commands.test_design_grammar import EXAMPLES

SAMPLE_RUN = "9040f86d-bbc1-4038-9868-501145cc2370"
MISSING_RUN = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def acc():
    with SimulatorServer(token="dispatch-token") as sim:
        yield sim


@pytest.fixture
def services(acc, tmp_path):
    settings = load_settings(
        ACC_BASE_URL=acc.url,
        ACC_API_TOKEN="dispatch-token",
        DATABASE_URL=f"sqlite:///{tmp_path / 'd.db'}",
    )
    built = build_services(settings)
    built.roles = RoleChecker(operators=["UOP"], admins=["UAD"])
    built.db.migrate()
    yield built
    close_services(built)


def audit_rows(services):
    with services.db.session() as session:
        return [(e.user_id, e.action, e.result, e.arguments) for e in audit.recent(session, 10)]


def test_a_read_needs_no_role_and_writes_no_audit(services):
    result = execute(ShowRun(run_id=SAMPLE_RUN), Actor("UANYONE"), services)
    assert result.run.run_history_id == SAMPLE_RUN
    assert audit_rows(services) == []


def test_a_change_by_an_operator_is_done_and_audited_ok(services, acc):
    execute(RestartRun(run_id=SAMPLE_RUN), Actor("UOP", "C1"), services)
    assert acc.state.count_requests("POST", f"/api/run/{SAMPLE_RUN}/restart") == 1
    [(user, action, result, arguments)] = audit_rows(services)
    assert (user, action, result) == ("UOP", "restart", "ok")
    assert arguments == {"run_id": SAMPLE_RUN}


def test_a_change_by_someone_without_the_role_is_refused_audited_and_never_sent(services, acc):
    with pytest.raises(PermissionDenied) as refused:
        execute(RestartRun(run_id=SAMPLE_RUN), Actor("UVIEW"), services)
    assert refused.value.role == "operator"
    assert "ACCBOT_OPERATORS" in str(refused.value)  # what to ask an admin for
    assert acc.state.count_requests("POST", "/api/run") == 0
    [(user, action, result, _)] = audit_rows(services)
    assert (user, action, result) == ("UVIEW", "restart", "refused")


def test_a_change_that_acc_refuses_is_audited_as_an_error(services):
    with pytest.raises(NotFound):
        execute(RestartRun(run_id=MISSING_RUN), Actor("UOP"), services)
    [(_, action, result, _)] = audit_rows(services)
    assert (action, result) == ("restart", "error")


def every_example() -> list[str]:
    return [text for forms in EXAMPLES.values() for text in forms]


@pytest.mark.parametrize("text", every_example())
def test_every_commands_audit_arguments_are_json_the_audit_table_can_store(text):
    """A value JSON cannot hold (a duration inside ``--escalate``) lost the audit entry."""
    arguments = command_arguments(parse(text))
    assert json.loads(json.dumps(arguments)) == arguments
