"""A digest of what the first cycle after downtime found keeps how long accbot was down,
so whichever process posts it says so (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from accbot.store import digests

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_a_downtime_digest_keeps_how_long_accbot_was_down(database) -> None:
    with database.session() as session:
        rows = digests.create_digest(
            session, "CALERTS", ["a", "b", "c"], page_size=2, now=T0, down_seconds=7805.5
        )
        key = rows[0].digest_key
    with database.session() as session:
        head, *pages = digests.messages_of(session, key)
    assert head.down_seconds == 7805.5
    assert len(pages) == 2


def test_a_storm_digest_says_nothing_of_downtime(database) -> None:
    with database.session() as session:
        key = digests.create_digest(session, "CALERTS", ["a"], page_size=20, now=T0)[0].digest_key
    with database.session() as session:
        assert digests.messages_of(session, key)[0].down_seconds is None
