"""Alerts keep what they post (payload) and whether their "recovered" reply went out.

``payload`` holds the rendered message and where its log comes from, so a pending alert
is posted again after a crash or a Slack outage without asking ACC; ``recovery_ts`` is
the ts of the "recovered" reply: an alert with ``recovered_at`` but no ``recovery_ts``
still owes that reply.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("recovery_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("recovery_ts")
        batch.drop_column("payload")
