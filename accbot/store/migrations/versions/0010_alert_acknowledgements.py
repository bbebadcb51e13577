"""Alerts can be acknowledged, and escalated once when nobody does.

``acknowledged_by`` / ``acknowledged_at``: the first "Acknowledge" click. ``escalation_key``
/ ``escalation_ts``: the one reply of a ``--escalate`` watch, recorded before it is posted.

Revision ID: 0010_alert_acknowledgements
Revises: 0009_watcher_cycles
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_alert_acknowledgements"
down_revision = "0009_watcher_cycles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("acknowledged_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("escalation_key", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("escalation_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("escalation_ts")
        batch.drop_column("escalation_key")
        batch.drop_column("acknowledged_at")
        batch.drop_column("acknowledged_by")
