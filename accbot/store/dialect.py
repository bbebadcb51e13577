"""What differs between backends: INSERT ... ON CONFLICT DO NOTHING, and counting changed rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from accbot.store.models import Base


def insert_if_absent(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert one row unless it would break a unique constraint; True when it was inserted.

    The database settles races between writers, so two replicas inserting the same key at
    once get exactly one True between them, with no error and no retry.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(model).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(model).values(**values).on_conflict_do_nothing()
    else:
        raise ValueError(f"accbot's store supports SQLite and PostgreSQL, not {dialect}")
    # RETURNING, not rowcount: drivers need not report a row count for INSERT (psycopg gives -1).
    primary_key = model.__table__.primary_key.columns
    return session.execute(statement.returning(*primary_key)).first() is not None


def rows_changed(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (reliable for those two on every supported driver)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"expected the result of an UPDATE or DELETE, got {type(result).__name__}")
    return result.rowcount
