"""The migration head must describe exactly the models, or a new column never reaches production."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from accbot.store import Database
from accbot.store.models import Base


def test_migration_head_matches_models_on_sqlite(tmp_path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'head.db'}")
    try:
        database.migrate()
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.dispose()


def test_migration_head_matches_models(database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
