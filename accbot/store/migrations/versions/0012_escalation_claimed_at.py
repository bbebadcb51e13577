"""An escalation claim carries its time, so that only a stale claim is reconciled.

Another replica may be posting a fresh claim's reply right now; looking for it in the
thread too early would post it a second time.

Revision ID: 0012_escalation_claimed_at
Revises: 0011_cursor_last_run
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_escalation_claimed_at"
down_revision = "0011_cursor_last_run"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(
            sa.Column("escalation_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("escalation_claimed_at")
