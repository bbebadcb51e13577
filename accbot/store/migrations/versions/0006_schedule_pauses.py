"""Schedule pauses: schedules turned off for a while, turned back on by the watcher.

Revision ID: 0006_schedule_pauses
Revises: 0005_watch_shards
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_schedule_pauses"
down_revision = "0005_watch_shards"
branch_labels = None
depends_on = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "schedule_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_ids", sa.JSON(), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=True),
        sa.Column("agent_path", sa.String(length=512), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        _timestamp("ends_at"),
        _timestamp("remind_at", nullable=True),
        _timestamp("reminded_at", nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        _timestamp("ended_at", nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('active', 'ending', 'ended')", name=op.f("ck_schedule_pauses_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_pauses")),
    )
    op.create_index("ix_schedule_pauses_state_ends_at", "schedule_pauses", ["state", "ends_at"])


def downgrade() -> None:
    op.drop_index("ix_schedule_pauses_state_ends_at", table_name="schedule_pauses")
    op.drop_table("schedule_pauses")
