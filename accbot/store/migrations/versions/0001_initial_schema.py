"""Initial schema: watches, run cursors, alerts, mutes, audit, leases, approvals, notices.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _string(name: str, length: int, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), nullable=False),
        _string("kind", 16),
        _string("agent_ref", 512),
        _string("agent_id", 128),
        _string("channel_id", 32),
        sa.Column("all_states", sa.Boolean(), nullable=False),
        _string("created_by", 32),
        _timestamp("created_at"),
        sa.CheckConstraint("kind IN ('acc', 'sas')", name=op.f("ck_watches_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
        sa.UniqueConstraint(
            "kind", "agent_ref", "channel_id", name=op.f("uq_watches_kind_agent_ref_channel_id")
        ),
    )
    op.create_index("ix_watches_kind_agent_id", "watches", ["kind", "agent_id"])

    op.create_table(
        "run_cursors",
        _string("kind", 16),
        _string("agent_id", 128),
        _timestamp("last_seen_start", nullable=True),
        sa.Column("seen_keys", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("kind", "agent_id", name=op.f("pk_run_cursors")),
    )

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        _string("alert_key", 512),
        _string("kind", 16),
        _string("agent_id", 128),
        _string("agent_ref", 512),
        _string("run_id", 128),
        _string("status", 64),
        sa.Column("is_failure", sa.Boolean(), nullable=False),
        _string("channel_id", 32),
        _string("state", 16),
        _string("slack_ts", 32, nullable=True),
        _string("thread_ts", 32, nullable=True),
        _timestamp("recovered_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("posted_at", nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'posted', 'failed')", name=op.f("ck_alerts_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("alert_key", name=op.f("uq_alerts_alert_key")),
    )
    op.create_index("ix_alerts_state", "alerts", ["state"])
    op.create_index(
        "ix_alerts_kind_agent_id_created_at", "alerts", ["kind", "agent_id", "created_at"]
    )

    op.create_table(
        "mutes",
        sa.Column("id", sa.Integer(), nullable=False),
        _string("kind", 16),
        _string("agent_ref", 512),
        _timestamp("until"),
        _string("created_by", 32),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mutes")),
    )
    op.create_index("ix_mutes_kind_agent_ref", "mutes", ["kind", "agent_ref"])

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        _timestamp("at"),
        _string("user_id", 32),
        _string("action", 64),
        sa.Column("arguments", sa.JSON(), nullable=False),
        _string("result", 16),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "result IN ('ok', 'refused', 'error')", name=op.f("ck_audit_entries_result")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])

    op.create_table(
        "leases",
        _string("name", 64),
        _string("holder", 255),
        _timestamp("expires_at"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )

    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        _string("agent_path", 512),
        _string("agent_id", 128),
        _string("requested_by", 32),
        sa.Column("note", sa.Text(), nullable=True),
        _string("channel_id", 32),
        _string("message_ts", 32, nullable=True),
        _string("state", 16),
        _string("decided_by", 32, nullable=True),
        _timestamp("decided_at", nullable=True),
        sa.Column("decision_message", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _timestamp("created_at"),
        sa.CheckConstraint(
            "state IN ('pending', 'approved', 'disapproved', 'failed')",
            name=op.f("ck_approval_requests_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index("ix_approval_requests_state", "approval_requests", ["state"])

    op.create_table(
        "notices",
        _string("key", 255),
        _string("state", 64),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_notices")),
    )


def downgrade() -> None:
    for table in (
        "notices",
        "approval_requests",
        "leases",
        "audit_entries",
        "mutes",
        "alerts",
        "run_cursors",
        "watches",
    ):
        op.drop_table(table)
