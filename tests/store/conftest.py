"""One ``database`` fixture, parametrized over SQLite and the local PostgreSQL.

Every store test is written once and runs on both. On PostgreSQL each test gets its own
fresh schema (through ``search_path``), makes its own tables and drops them afterwards.
PostgreSQL being unreachable skips those tests, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from accbot.store import Database
from tests.support.postgres import fresh_schema

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'accbot.db'}"
        return
    with fresh_schema() as url:
        yield url


@pytest.fixture
def open_database(database_url: str) -> Iterator[Callable[[], Database]]:
    """Opens more handles on the same database (as other processes would); all disposed."""
    opened: list[Database] = []

    def open_one() -> Database:
        database = Database(database_url)
        opened.append(database)
        return database

    yield open_one
    for database in opened:
        database.dispose()


@pytest.fixture
def database(open_database: Callable[[], Database]) -> Database:
    """A migrated database."""
    database = open_database()
    database.migrate()
    return database


def race(*contenders: Callable[[], object]) -> list[object]:
    """Run the callables in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(contenders))
    results: list[object] = [None] * len(contenders)
    errors: list[BaseException] = []

    def run(index: int, contender: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = contender()
        except BaseException as exc:  # reported in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
