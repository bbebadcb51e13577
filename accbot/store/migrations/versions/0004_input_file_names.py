"""Input file names uploaded through accbot, which the start form offers to choose from.

Revision ID: 0004_input_file_names
Revises: 0003_watch_quality
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_input_file_names"
down_revision = "0003_watch_quality"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "input_file_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by", sa.String(length=32), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_input_file_names")),
        sa.UniqueConstraint("agent_id", "name", name=op.f("uq_input_file_names_agent_id_name")),
    )


def downgrade() -> None:
    op.drop_table("input_file_names")
