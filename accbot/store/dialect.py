"""The one statement that differs between SQLite and PostgreSQL: INSERT ... ON CONFLICT DO NOTHING."""

from __future__ import annotations

from typing import Any

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
        raise NotImplementedError(f"accbot's store supports SQLite and PostgreSQL, not {dialect}")
    result: Any = session.execute(statement)
    return bool(result.rowcount == 1)
