"""Pending confirmations: a Confirm button carries an id into this table, not the
command text to re-run.

Revision ID: 0007_pending_confirmations
Revises: 0006_schedule_pauses
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_pending_confirmations"
down_revision = "0006_schedule_pauses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_confirmations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("command_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_confirmations")),
    )


def downgrade() -> None:
    op.drop_table("pending_confirmations")
