from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text

from accbot.store import Database, normalize_url
from accbot.store.models import AuditEntry, Lease


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db?sslmode=require", "postgresql+psycopg://u@h/db?sslmode=require"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///accbot.db", "sqlite:///accbot.db"),
    ],
)
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_postgres_url_uses_psycopg_driver() -> None:
    database = Database("postgres://someone@127.0.0.1:1/none")
    try:
        assert database.engine.dialect.driver == "psycopg"
    finally:
        database.dispose()


def test_repr_hides_password() -> None:
    database = Database("postgresql://user:s3cret@127.0.0.1:1/none")
    try:
        assert "s3cret" not in repr(database)
    finally:
        database.dispose()


def test_migrate_creates_every_table_and_is_idempotent(open_database) -> None:
    database = open_database()
    database.migrate()
    database.migrate()
    tables = set(inspect(database.engine).get_table_names())
    assert {
        "watches",
        "run_cursors",
        "alerts",
        "mutes",
        "audit_entries",
        "leases",
        "approval_requests",
        "notices",
        "alembic_version",
    } <= tables
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            (_head_revision(),)
        ]


def _head_revision() -> str:
    """The single newest migration (two heads would mean two unmerged branches)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from accbot.store.db import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head


def test_second_replica_migrating_the_same_database_is_harmless(database, open_database) -> None:
    other = open_database()
    other.migrate()
    with other.session() as session:
        assert session.scalars(select(AuditEntry)).all() == []


def test_session_commits_on_success_and_rolls_back_on_error(database) -> None:
    until = datetime(2030, 1, 1, tzinfo=UTC)
    with database.session() as session:
        session.add(Lease(name="kept", holder="a", expires_at=until))
    with pytest.raises(RuntimeError), database.session() as session:
        session.add(Lease(name="dropped", holder="a", expires_at=until))
        session.flush()
        raise RuntimeError("boom")
    with database.session() as session:
        assert session.scalars(select(Lease.name)).all() == ["kept"]


def test_timestamps_come_back_aware_in_utc(database) -> None:
    sydney = timezone(timedelta(hours=10))
    moment = datetime(2019, 5, 21, 13, 52, 14, 302012, tzinfo=sydney)
    with database.session() as session:
        session.add(Lease(name="t", holder="a", expires_at=moment))
    with database.session() as session:
        stored = session.scalars(select(Lease.expires_at)).one()
    assert stored == moment
    assert stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(database) -> None:
    with pytest.raises(Exception, match="naive datetime"), database.session() as session:
        session.add(Lease(name="t", holder="a", expires_at=datetime(2030, 1, 1)))
        session.flush()


def test_ping(database) -> None:
    assert database.ping() is True


def test_ping_is_false_when_the_server_is_unreachable() -> None:
    database = Database("postgresql://postgres@127.0.0.1:1/none?connect_timeout=1")
    try:
        assert database.ping() is False
    finally:
        database.dispose()


def test_sqlite_uses_wal_busy_timeout_and_foreign_keys(tmp_path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    finally:
        database.dispose()


def test_sqlite_in_memory_is_one_database_across_sessions() -> None:
    database = Database("sqlite://")
    try:
        database.migrate()
        with database.session() as session:
            session.add(Lease(name="m", holder="a", expires_at=datetime(2030, 1, 1, tzinfo=UTC)))
        with database.session() as session:
            assert session.scalars(select(Lease.name)).all() == ["m"]
    finally:
        database.dispose()
