"""Pending confirmations on SQLite and PostgreSQL: claimed once, by their person, in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accbot.store import confirmations
from tests.store.conftest import race

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=15)


def held(database, user: str = "UADMIN", text: str = "schedules delete a/b") -> str:
    with database.session() as session:
        return confirmations.hold(
            session, user_id=user, channel_id="C1", command_text=text, now=NOW, ttl=TTL
        )


def claim(database, confirmation_id: str, user: str = "UADMIN", now: datetime = NOW) -> str:
    with database.session() as session:
        return confirmations.claim(session, confirmation_id, user, now)


def test_a_held_command_is_claimed_once_by_its_person(database) -> None:
    first, second = held(database), held(database, text="inputs clear a/b")
    assert first != second and len(first) >= 20
    assert claim(database, first) == "schedules delete a/b"
    with pytest.raises(confirmations.AlreadyUsed):
        claim(database, first)
    assert claim(database, second) == "inputs clear a/b"


def test_someone_else_cannot_claim_it_and_it_stays_usable(database) -> None:
    confirmation = held(database)
    with pytest.raises(confirmations.NotYours) as refused:
        claim(database, confirmation, user="UOTHER")
    assert refused.value.asked_of == "UADMIN"
    assert claim(database, confirmation) == "schedules delete a/b"


def test_an_expired_or_unknown_one_cannot_be_claimed(database) -> None:
    confirmation = held(database)
    with pytest.raises(confirmations.Expired):
        claim(database, confirmation, now=NOW + TTL)
    with pytest.raises(confirmations.UnknownConfirmation):
        claim(database, "no-such-id")


def test_rows_long_expired_are_cleared_when_new_ones_are_held(database) -> None:
    old = held(database)
    with database.session() as session:
        confirmations.hold(
            session,
            user_id="U2",
            channel_id=None,
            command_text="x",
            now=NOW + timedelta(days=2),
            ttl=TTL,
        )
    with pytest.raises(confirmations.UnknownConfirmation):
        claim(database, old, now=NOW + timedelta(days=2))


def test_two_replicas_clicking_at_once_run_it_once(database, open_database) -> None:
    other = open_database()
    for _ in range(5):
        confirmation = held(database)

        def attempt(db, confirmation=confirmation):
            def run() -> bool:
                try:
                    claim(db, confirmation)
                    return True
                except confirmations.AlreadyUsed:
                    return False

            return run

        assert sorted(race(attempt(database), attempt(other))) == [False, True]
