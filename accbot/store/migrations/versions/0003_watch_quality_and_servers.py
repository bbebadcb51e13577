"""Watches learn data quality and escalation; servers can be watched.

``watches`` gains ``empty_alerts`` and ``drop_percent`` (``--empty``, ``--drop``) and
``escalate_seconds`` / ``escalate_to`` (``--escalate 30m @oncall``, stored for the
escalation step). ``run_data_counts`` keeps the data counts of recent successful runs, the
history a ``--drop`` watch compares with. ``server_watches`` holds ``/acc watch
server:<name>``: the server's name and channel, never its key.

Revision ID: 0003_watch_quality
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_watch_quality"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("watches") as batch:
        batch.add_column(
            sa.Column("empty_alerts", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("drop_percent", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("escalate_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("escalate_to", sa.String(length=32), nullable=True))

    op.create_table(
        "server_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_name", sa.String(length=128), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_watches")),
        sa.UniqueConstraint(
            "server_name", "channel_id", name=op.f("uq_server_watches_server_name_channel_id")
        ),
    )

    op.create_table(
        "run_data_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=False),
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_data_counts")),
        sa.UniqueConstraint(
            "kind", "agent_id", "run_id", name=op.f("uq_run_data_counts_kind_agent_id_run_id")
        ),
    )
    op.create_index(
        "ix_run_data_counts_kind_agent_id_started",
        "run_data_counts",
        ["kind", "agent_id", "started"],
    )


def downgrade() -> None:
    op.drop_index("ix_run_data_counts_kind_agent_id_started", table_name="run_data_counts")
    op.drop_table("run_data_counts")
    op.drop_table("server_watches")
    with op.batch_alter_table("watches") as batch:
        batch.drop_column("escalate_to")
        batch.drop_column("escalate_seconds")
        batch.drop_column("drop_percent")
        batch.drop_column("empty_alerts")
