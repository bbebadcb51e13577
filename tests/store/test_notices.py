from __future__ import annotations

from accbot.store import notices
from tests.store.conftest import race

KEY = "acc-unreachable:C1"


def test_each_change_is_reported_once(database) -> None:
    with database.session() as session:
        assert notices.set_notice(session, KEY, "unreachable")
        assert not notices.set_notice(session, KEY, "unreachable")
        assert notices.set_notice(session, KEY, "reachable")
        assert not notices.set_notice(session, KEY, "reachable")
        assert notices.get_notice(session, KEY) == "reachable"
        assert notices.get_notice(session, "other") is None


def test_create_false_does_not_announce_a_first_state(database) -> None:
    with database.session() as session:
        assert not notices.set_notice(session, KEY, "reachable", create=False)
        assert notices.get_notice(session, KEY) is None
        assert notices.set_notice(session, KEY, "unreachable")
        assert notices.set_notice(session, KEY, "reachable", create=False)


def test_replicas_setting_the_same_state_report_it_once(database, open_database) -> None:
    other = open_database()

    def setter(db, key: str, state: str):
        def attempt() -> bool:
            with db.session() as session:
                return notices.set_notice(session, key, state)

        return attempt

    for attempt in range(10):
        key = f"{KEY}-{attempt}"
        assert race(setter(database, key, "unreachable"), setter(other, key, "unreachable")) in (
            [True, False],
            [False, True],
        )
        first, second = race(setter(database, key, "reachable"), setter(other, key, "reachable"))
        assert first != second
