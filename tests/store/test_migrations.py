"""The migration head must describe exactly the models, or a new column never reaches production."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from accbot.slack.views.alerts import render_alert
from accbot.store import Database, alerts
from accbot.store.db import MIGRATIONS_DIR
from accbot.store.models import Base
from accbot.watcher.events import AlertFacts


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


def test_alerts_recorded_with_rendered_blocks_keep_only_their_data(tmp_path) -> None:
    """An older accbot kept Block Kit in each alert's payload; the upgrade strips it, and
    such an alert still posts, drawn from its record."""
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0007_pending_confirmations")
            connection.execute(
                text(
                    "INSERT INTO alerts (alert_key, kind, agent_id, agent_ref, run_id, status,"
                    " is_failure, channel_id, state, attempts, payload, created_at) VALUES"
                    " ('acc:a:r:Failed@C1', 'acc', 'a', 'acme/shop', 'r', 'Failed', 1, 'C1',"
                    " 'pending', 0, :payload, '2026-11-30 10:00:00+00:00')"
                ),
                {
                    "payload": '{"stream": "run", "text": "acme/shop: run r Failed",'
                    ' "blocks": [{"type": "divider"}], "line": ":x: `acme/shop`",'
                    ' "log_ref": "r", "recovery": {"line": "run `s`", "text": "run s"}}'
                },
            )
        database.migrate()
        with database.session() as session:
            alert = alerts.get_alert(session, "acc:a:r:Failed@C1")
            assert alert.payload == {
                "stream": "run",
                "log_ref": "r",
                "recovery": {"text": "run s"},
            }
            message = render_alert(AlertFacts.of(alert))
        assert "acme/shop" in message.text and "Failed" in str(message.blocks)
    finally:
        database.dispose()
