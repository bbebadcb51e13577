"""Digest messages are recorded like alerts; an alert's payload is data, not Slack blocks.

``digest_messages`` holds each message of a digest (its top-level post and the replies
listing its runs), recorded before it is posted; ``alerts.digest_key`` names the digest an
alert went out in. Payloads written by earlier versions held rendered Block Kit; they
keep only their data (stream, log, recovery), and such an alert is shown from its
record's columns (agent, run, status) if it is ever posted again.

Revision ID: 0008_digest_messages
Revises: 0007_pending_confirmations
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_digest_messages"
down_revision = "0007_pending_confirmations"
branch_labels = None
depends_on = None

RENDERED_FIELDS = ("text", "blocks", "line")


def upgrade() -> None:
    op.create_table(
        "digest_messages",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("digest_key", sa.String(length=128), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("alert_keys", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'posted', 'failed')", name="ck_digest_messages_state"
        ),
        sa.PrimaryKeyConstraint("key", name="pk_digest_messages"),
    )
    op.create_index("ix_digest_messages_state", "digest_messages", ["state"])
    op.create_index("ix_digest_messages_digest_key", "digest_messages", ["digest_key"])
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("digest_key", sa.String(length=128), nullable=True))
    _strip_rendered_payloads()


def _strip_rendered_payloads() -> None:
    alerts = sa.table("alerts", sa.column("id", sa.Integer()), sa.column("payload", sa.JSON()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(alerts.c.id, alerts.c.payload)).all():
        payload = row.payload
        if not isinstance(payload, dict) or not any(f in payload for f in RENDERED_FIELDS):
            continue
        kept = {k: v for k, v in payload.items() if k not in RENDERED_FIELDS}
        recovery = kept.get("recovery")
        if isinstance(recovery, dict):  # its "line" was mrkdwn; its plain text stays
            kept["recovery"] = {"text": recovery.get("text")}
        connection.execute(alerts.update().where(alerts.c.id == row.id).values(payload=kept))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("digest_key")
    op.drop_index("ix_digest_messages_digest_key", table_name="digest_messages")
    op.drop_index("ix_digest_messages_state", table_name="digest_messages")
    op.drop_table("digest_messages")
