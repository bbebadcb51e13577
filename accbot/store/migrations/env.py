"""Alembic environment for accbot's store.

At run time ``Database.migrate()`` hands over an open connection in
``config.attributes["connection"]``; for developer use (``alembic revision --autogenerate``)
a ``sqlalchemy.url`` option works as well.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from accbot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(**options: object) -> None:
    context.configure(target_metadata=target_metadata, render_as_batch=True, **options)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    _configure_and_run(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection=connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url configured")
    engine = create_engine(url)
    try:
        with engine.begin() as own_connection:
            _configure_and_run(connection=own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
