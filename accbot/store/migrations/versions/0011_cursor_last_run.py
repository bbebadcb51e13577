"""Each watched agent's cursor keeps the last run the watcher saw: its status and time.

The App Home lists watched agents with their last status (failing first) from it,
without asking ACC about every agent whenever someone opens the tab.

Revision ID: 0011_cursor_last_run
Revises: 0010_alert_acknowledgements
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_cursor_last_run"
down_revision = "0010_alert_acknowledgements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_cursors") as batch:
        batch.add_column(sa.Column("last_run", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_cursors") as batch:
        batch.drop_column("last_run")
