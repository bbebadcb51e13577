"""Schedule pauses in the store: due and reminder queries, and claims that exactly one
contender wins, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import pauses
from tests.store.conftest import race

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def make(database, *, ends_in: timedelta = HOUR, ids: list[str] | None = None, **extra) -> int:
    with database.session() as session:
        pause = pauses.create(
            session,
            schedule_ids=ids or ["s1"],
            ends_at=T0 + ends_in,
            remind_at=T0 + ends_in - timedelta(minutes=15),
            by="U1",
            channel_id="C1",
            now=T0,
            **extra,
        )
        return pause.id


def test_due_and_reminders_follow_the_clock(database) -> None:
    first = make(database, ends_in=HOUR)
    second = make(database, ends_in=2 * HOUR)
    with database.session() as session:
        assert pauses.due(session, T0 + HOUR - timedelta(seconds=1)) == []
        assert pauses.due(session, T0 + HOUR) == [first]
        assert pauses.reminders_due(session, T0 + timedelta(minutes=45)) == [first]
        assert pauses.take_reminder(session, first, T0 + timedelta(minutes=45))
        assert not pauses.take_reminder(session, first, T0 + timedelta(minutes=46))
        assert pauses.reminders_due(session, T0 + timedelta(minutes=46)) == []
        assert [p.id for p in pauses.active(session)] == [first, second]


def test_exactly_one_contender_claims_a_pause(database) -> None:
    pause_id = make(database)

    def claim() -> bool:
        with database.session() as session:
            return pauses.claim(session, pause_id)

    assert sorted(race(claim, claim, claim)) == [False, False, True]


def test_a_released_claim_is_active_again_and_a_finished_pause_is_over(database) -> None:
    pause_id = make(database)
    with database.session() as session:
        assert pauses.claim(session, pause_id)
        pauses.release(session, pause_id, "ACC unreachable")
    with database.session() as session:
        assert [p.last_error for p in pauses.active(session)] == ["ACC unreachable"]
        assert pauses.finish(session, pause_id, reason="expired", by=None, now=T0 + HOUR)
        assert not pauses.finish(session, pause_id, reason="expired", by=None, now=T0 + HOUR)
        assert not pauses.claim(session, pause_id)
        assert pauses.active(session) == []


def test_extending_owes_the_reminder_again(database) -> None:
    pause_id = make(database)
    with database.session() as session:
        pauses.take_reminder(session, pause_id, T0 + timedelta(minutes=45))
        assert pauses.extend(
            session,
            pause_id,
            ends_at=T0 + 2 * HOUR,
            remind_at=T0 + 2 * HOUR - timedelta(minutes=15),
        )
    with database.session() as session:
        assert pauses.reminders_due(session, T0 + 2 * HOUR - timedelta(minutes=10)) == [pause_id]
        assert pauses.due(session, T0 + HOUR) == []


def test_schedules_leave_the_pauses_that_hold_them(database) -> None:
    both = make(database, ids=["A", "b"], agent_id="agent", agent_path="team/agent")
    other = make(database, ids=["c"])
    with database.session() as session:
        assert [p.id for p in pauses.covering(session, ["a"])] == [both]
        assert pauses.drop_schedules(session, both, ["a"]) == ["b"]
        assert pauses.drop_schedules(session, both, ["B"]) == []
        assert [p.id for p in pauses.covering(session, ["c", "b"])] == [other]
