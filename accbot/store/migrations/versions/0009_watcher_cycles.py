"""The watcher watches itself: each replica's last cycle, and digests of downtime.

``watcher_cycles`` holds, per replica, when its last cycle ended and how long it took
(``/acc status``; a starting watcher reads the newest to know how long none ran).
``digest_messages.down_seconds`` marks the digest of what the first cycle after downtime
found, with how long accbot was down, so a digest posted after a crash still says so.

Revision ID: 0009_watcher_cycles
Revises: 0008_digest_messages
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_watcher_cycles"
down_revision = "0008_digest_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watcher_cycles",
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("holder", name="pk_watcher_cycles"),
    )
    with op.batch_alter_table("digest_messages") as batch:
        batch.add_column(sa.Column("down_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_messages") as batch:
        batch.drop_column("down_seconds")
    op.drop_table("watcher_cycles")
