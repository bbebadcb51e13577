"""The database handle: engine, sessions, migrations and a readiness ping.

SQLite (the default, ``sqlite:///accbot.db``) runs in WAL mode with a busy timeout and
``BEGIN IMMEDIATE`` transactions, so several threads or processes can write without
"database is locked" errors: a writer waits for the lock instead of failing half-way.
PostgreSQL URLs are normalized to the psycopg 3 driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10
# Any fixed number: replicas starting together take this advisory lock to migrate one at a time.
POSTGRES_MIGRATION_LOCK_ID = 0x61636362  # "accb"

_POSTGRES_PREFIXES = ("postgres://", "postgresql://")
_POSTGRES_DRIVER = "postgresql+psycopg://"


def normalize_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` (as hosting platforms give them) to psycopg 3."""
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return _POSTGRES_DRIVER + url[len(prefix) :]
    return url


class DatabaseUnavailable(Exception):
    """The database cannot be reached (server down, wrong host or credentials): one
    sentence naming it without its password, for a front end to print instead of a
    driver's traceback."""


class Database:
    """One engine and its session factory for the whole process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(normalize_url(url))
        self.engine: Engine = _create_engine(self.url.render_as_string(hide_password=False), echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest migration (``alembic upgrade head``); idempotent.

        Raises DatabaseUnavailable when the database cannot be connected to: it is the
        first thing every front end does with it, so that is where a wrong
        ``DATABASE_URL`` shows."""
        try:
            self._upgrade()
        except OperationalError as exc:
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise DatabaseUnavailable(
                f"The database {self.url.render_as_string(hide_password=True)} cannot be "
                f"reached ({reason}): check DATABASE_URL and that the server is running."
            ) from exc

    def _upgrade(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": POSTGRES_MIGRATION_LOCK_ID}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def _create_engine(url: str, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, echo, in_memory=parsed.database in (None, "", ":memory:"))
    options: dict[str, Any] = {"pool_pre_ping": True, "echo": echo}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}
    return create_engine(url, **options)


def _create_sqlite_engine(url: str, echo: bool, *, in_memory: bool) -> Engine:
    options: dict[str, Any] = {"echo": echo, "connect_args": {"check_same_thread": False}}
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 driver (it would not BEGIN before
        # SELECT or DDL); the "begin" hook below emits the BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write transaction can then
        # never fail with SQLITE_BUSY half-way; it waits (busy_timeout) for its turn instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
