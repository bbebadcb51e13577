"""Approval actions without Slack: exactly-once decisions across replicas and threads,
ACC failures put back, self-approval, and what is audited."""

from __future__ import annotations

import threading

import pytest

from accbot.acc.errors import ServerError
from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision, DecisionForm
from accbot.actions.approvals.commands import Decide, ReviewDecision, acc_message
from accbot.actions.approvals.refusals import AlreadyDecided, SelfApprovalRefused
from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.actions.errors import InvalidInput, NotConfigured, PermissionDenied
from accbot.actions.roles import RoleChecker
from accbot.commands.model import Approve, RequestApproval
from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState
from accbot.store import approvals, audit

TOKEN = "approvals-token"  # noqa: S105 (a test value)
AGENT = "team/shop/prices"
OPERATOR, APPROVER, SECOND, ADMIN, BOTH = "UOP", "UAPP", "UAPP2", "UADM", "UBOTH"


@pytest.fixture
def acc():
    with SimulatorServer(state=SimState(seed=False), token=TOKEN) as sim:
        sim.state.add_agent(AGENT, description="Daily competitor prices")
        yield sim


def make_services(acc, database_url, **settings):
    built = build_services(
        load_settings(
            ACC_BASE_URL=acc.url, ACC_API_TOKEN=TOKEN, DATABASE_URL=database_url, **settings
        )
    )
    built.roles = RoleChecker(
        operators=[OPERATOR, BOTH], approvers=[APPROVER, SECOND, BOTH], admins=[ADMIN]
    )
    return built


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'approvals.db'}"


@pytest.fixture
def services(acc, database_url):
    built = make_services(acc, database_url)
    built.db.migrate()
    yield built
    close_services(built)


@pytest.fixture
def replica(acc, database_url, services):
    """A second bot process on the same database: its own locks, its own ACC client."""
    built = make_services(acc, database_url)
    yield built
    close_services(built)


def ask(services, user=OPERATOR) -> int:
    card = execute(RequestApproval(AGENT, "new login"), Actor(user, "COPS"), services)
    assert isinstance(card, ApprovalCard)
    with services.db.session() as session:
        approvals.set_message(session, card.request.id, "COPS", "1700000000.000100")
    return card.request.id


def toggles(acc) -> int:
    return sum(1 for r in acc.state.requests if "/toggleAgentApproval/" in r.path)


def state_of(services, request_id):
    with services.db.session() as session:
        return approvals.get_request(session, request_id)


def audit_rows(services):
    with services.db.session() as session:
        return [(e.user_id, e.action, e.result) for e in audit.recent(session, 50)]


def decide_all(calls):
    """Run the calls at once from a barrier; returns each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_the_acc_message_always_says_who():
    assert acc_message(True, "jane") == "Approved in Slack by jane"
    assert acc_message(False, "jane", " broke ") == "Disapproved in Slack by jane: broke"


def test_a_request_needs_a_channel_and_slack(services):
    with pytest.raises(NotConfigured):
        execute(RequestApproval(AGENT), Actor(OPERATOR), services)
    with pytest.raises(InvalidInput, match="in Slack"):
        execute(RequestApproval(AGENT), Actor(OPERATOR, source="cli"), services)
    with services.db.session() as session:
        assert approvals.pending_requests(session) == []


def test_a_direct_approval_from_the_cli_says_so_in_acc(services, acc):
    execute(Approve(AGENT), Actor(ADMIN, source="cli"), services)
    agent_id = acc.state.agent_by_path(AGENT)["agentId"]
    assert acc.state.approval(agent_id).messages == [f"Approved in accbot (cli) by {ADMIN}"]


def test_a_second_request_for_an_agent_that_already_waits_is_refused(services):
    ask(services)
    with pytest.raises(Exception, match="already waits for approval"):
        execute(RequestApproval(AGENT), Actor(OPERATOR, "COPS"), services)


@pytest.mark.parametrize("attempt", range(3))
def test_two_replicas_deciding_at_once_call_acc_once(services, replica, acc, attempt):
    request_id = ask(services)
    outcomes = decide_all(
        [
            lambda: execute(Decide(True, "one", request_id=request_id), Actor(APPROVER), services),
            lambda: execute(Decide(False, "two", request_id=request_id), Actor(SECOND), replica),
        ]
    )
    decisions = [o for o in outcomes if isinstance(o, ApprovalDecision)]
    refusals = [o for o in outcomes if isinstance(o, AlreadyDecided)]
    assert len(decisions) == 1 and len(refusals) == 1, outcomes
    assert toggles(acc) == 1
    winner = decisions[0].decided_by
    assert refusals[0].request.decided_by == winner
    assert state_of(services, request_id).decided_by == winner
    # APPROVER approves, SECOND disapproves: the audit names each one's own decision
    won, lost = ("approve", "disapprove") if winner == APPROVER else ("disapprove", "approve")
    loser = SECOND if winner == APPROVER else APPROVER
    rows = audit_rows(services)
    assert (winner, won, "ok") in rows and (loser, lost, "refused") in rows


def test_in_one_process_the_second_waits_and_decides_when_acc_failed_the_first(services, acc):
    request_id = ask(services)
    acc.state.hang_next(1, 0.5)
    acc.state.fail_next(1, status=500)  # the first decision's ACC call: slow, then failing
    first_started = threading.Event()

    def first():
        first_started.set()
        return execute(Decide(True, "first", request_id=request_id), Actor(APPROVER), services)

    def second():
        first_started.wait()
        threading.Event().wait(0.1)  # arrive while the first one waits for ACC
        return execute(Decide(True, "second", request_id=request_id), Actor(SECOND), services)

    outcomes = decide_all([first, second])
    assert isinstance(outcomes[0], ServerError)
    assert isinstance(outcomes[1], ApprovalDecision)
    row = state_of(services, request_id)
    assert (row.state, row.decided_by, row.decision_message) == ("approved", SECOND, "second")
    assert acc.state.approval(row.agent_id).messages == ["second"]


def test_acc_failing_puts_the_request_back_with_the_error(services, acc):
    request_id = ask(services)
    acc.state.fail_next(1, status=503)
    with pytest.raises(ServerError):
        execute(Decide(True, "go", request_id=request_id), Actor(APPROVER), services)
    row = state_of(services, request_id)
    assert (row.state, row.decided_by, row.decided_at) == ("pending", None, None)
    assert "503" in row.error
    assert (APPROVER, "approve", "error") in audit_rows(services)
    form = execute(ReviewDecision(True, request_id=request_id), Actor(SECOND), services)
    assert isinstance(form, DecisionForm) and form.request.pending


def test_the_requester_may_not_decide_their_own_request_but_an_admin_may(services, acc):
    own = ask(services, user=BOTH)
    with pytest.raises(SelfApprovalRefused) as refused:
        execute(Decide(True, "mine", request_id=own), Actor(BOTH), services)
    assert "admin" in str(refused.value)
    with pytest.raises(SelfApprovalRefused):  # nor by approving the agent directly
        execute(Approve(AGENT), Actor(BOTH), services)
    assert toggles(acc) == 0
    assert audit_rows(services).count((BOTH, "approve", "refused")) == 2

    execute(Decide(True, "fine", request_id=own), Actor(ADMIN), services)
    admins_own = ask(services, user=ADMIN)
    result = execute(Decide(True, "mine", request_id=admins_own), Actor(ADMIN), services)
    assert result.cards[0].request.state == "approved"


def test_checks_before_the_form_opens_refuse_non_approvers_and_audit_it(services):
    request_id = ask(services)
    with pytest.raises(PermissionDenied) as refused:
        execute(ReviewDecision(True, request_id=request_id), Actor(OPERATOR), services)
    assert refused.value.role == "approver"
    assert (OPERATOR, "approve", "refused") in audit_rows(services)


def test_a_direct_approval_settles_the_agents_pending_requests(services, acc):
    request_id = ask(services)
    result = execute(Approve(AGENT, "all good"), Actor(APPROVER, name="Ann"), services)
    assert [c.request.id for c in result.cards] == [request_id]
    assert result.cards[0].description == "Daily competitor prices"
    assert not result.from_card
    assert acc.state.approval(state_of(services, request_id).agent_id).messages == [
        "Approved in Slack by Ann: all good"
    ]
    with pytest.raises(AlreadyDecided):
        execute(Decide(False, "late", request_id=request_id), Actor(SECOND), services)
    assert toggles(acc) == 1
