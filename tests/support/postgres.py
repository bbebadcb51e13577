"""The local PostgreSQL for tests: a fresh schema per test, dropped afterwards.

Unreachable PostgreSQL skips the test, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import make_url

POSTGRES_URL = os.environ.get(
    "ACCBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _conninfo() -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)


def require_postgres() -> None:
    try:
        psycopg.connect(_conninfo(), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def run_admin(sql: str) -> None:
    with psycopg.connect(_conninfo(), autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def fresh_schema() -> Iterator[str]:
    """The URL of an empty schema of its own (through ``search_path``); dropped on exit."""
    require_postgres()
    schema = f"accbot_test_{secrets.token_hex(6)}"
    run_admin(f'CREATE SCHEMA "{schema}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        run_admin(f'DROP SCHEMA "{schema}" CASCADE')
