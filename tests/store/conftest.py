"""One ``database`` fixture, parametrized over SQLite and the local PostgreSQL.

Every store test is written once and runs on both. On PostgreSQL each test gets its own
fresh schema (through ``search_path``), makes its own tables and drops them afterwards.
PostgreSQL being unreachable skips those tests, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy import make_url

from accbot.store import Database

POSTGRES_URL = os.environ.get(
    "ACCBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_conninfo() -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)


def _require_postgres() -> None:
    try:
        psycopg.connect(_postgres_conninfo(), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _run_admin(sql: str) -> None:
    with psycopg.connect(_postgres_conninfo(), autocommit=True) as connection:
        connection.execute(sql)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'accbot.db'}"
        return
    _require_postgres()
    schema = f"accbot_test_{secrets.token_hex(6)}"
    _run_admin(f'CREATE SCHEMA "{schema}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        _run_admin(f'DROP SCHEMA "{schema}" CASCADE')


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
