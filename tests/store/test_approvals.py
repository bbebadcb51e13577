from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accbot.store import approvals
from tests.store.conftest import race

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _create(database) -> int:
    with database.session() as session:
        request = approvals.create_request(
            session,
            agent_path="sequentum/Test2/quick",
            agent_id="agent-1",
            requested_by="U1",
            channel_id="C1",
            note="ready for prod",
            now=T0,
        )
        return request.id


def test_create_and_set_message(database) -> None:
    request_id = _create(database)
    with database.session() as session:
        assert approvals.set_message(session, request_id, "C2", "1700.1")
    with database.session() as session:
        request = approvals.get_request(session, request_id)
        assert request is not None
        assert (request.state, request.channel_id, request.message_ts, request.note) == (
            "pending",
            "C2",
            "1700.1",
            "ready for prod",
        )
        assert [r.id for r in approvals.pending_requests(session)] == [request_id]
        assert approvals.pending_requests(session, agent_path="other/agent") == []
        assert approvals.get_request(session, request_id + 1000) is None


def test_first_decision_wins(database) -> None:
    request_id = _create(database)
    with database.session() as session:
        assert approvals.decide(session, request_id, "approved", "U2", "ok", now=T0)
    with database.session() as session:
        assert not approvals.decide(session, request_id, "disapproved", "U3", "no")
        request = approvals.get_request(session, request_id)
        assert (request.state, request.decided_by, request.decided_at) == ("approved", "U2", T0)


def test_decide_refuses_unknown_states(database) -> None:
    request_id = _create(database)
    with pytest.raises(ValueError), database.session() as session:
        approvals.decide(session, request_id, "failed", "U2", None)


def test_concurrent_deciders_exactly_one_wins(database, open_database) -> None:
    other = open_database()

    def decider(db, request_id: int, state: str, by: str):
        def attempt() -> bool:
            with db.session() as session:
                return approvals.decide(session, request_id, state, by, f"{state} by {by}")

        return attempt

    for attempt in range(20):
        request_id = _create(database)
        outcome = race(
            decider(database, request_id, "approved", "U2"),
            decider(other, request_id, "disapproved", "U3"),
        )
        assert sorted(outcome) == [False, True], f"race {attempt}: {outcome}"
        with database.session() as session:
            request = approvals.get_request(session, request_id)
        winner = ("approved", "U2") if outcome[0] else ("disapproved", "U3")
        assert (request.state, request.decided_by) == winner


def test_revert_to_pending_after_acc_failure(database) -> None:
    request_id = _create(database)
    with database.session() as session:
        approvals.decide(session, request_id, "approved", "U2", "ok")
    with database.session() as session:
        assert approvals.revert_to_pending(session, request_id, "ACC answered 503")
    with database.session() as session:
        request = approvals.get_request(session, request_id)
        assert (request.state, request.decided_by, request.error) == (
            "pending",
            None,
            "ACC answered 503",
        )
        assert approvals.revert_to_pending(session, request_id, "again") is False
        assert approvals.decide(session, request_id, "disapproved", "U3", "no")


def test_mark_failed_ends_the_request(database) -> None:
    request_id = _create(database)
    with database.session() as session:
        assert approvals.mark_failed(session, request_id, "agent not found")
    with database.session() as session:
        request = approvals.get_request(session, request_id)
        assert (request.state, request.error) == ("failed", "agent not found")
        assert not approvals.decide(session, request_id, "approved", "U2", "ok")
        assert not approvals.mark_failed(session, request_id, "again")
