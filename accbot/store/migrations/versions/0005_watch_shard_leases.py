"""Watcher replicas, for shard leases: the single leader lease becomes one lease per shard.

Each live replica keeps a row in ``watcher_replicas`` (renewed with its leases); the live
ones split the ``watch-shard:<n>`` leases of the ``leases`` table fairly between them.
The old ``watcher`` leader lease is no longer read, so its row is removed.

Revision ID: 0005_watch_shards
Revises: 0004_input_file_names
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_watch_shards"
down_revision = "0004_input_file_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watcher_replicas",
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("holder", name=op.f("pk_watcher_replicas")),
    )
    op.execute(sa.text("DELETE FROM leases WHERE name = 'watcher'"))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM leases WHERE name LIKE 'watch-shard:%'"))
    op.drop_table("watcher_replicas")
