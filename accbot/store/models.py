"""The database tables, as typed SQLAlchemy 2 declarative models.

Every timestamp is a timezone-aware UTC ``datetime`` (see ``types.UTCDateTime``). States
are plain strings checked by the database, so a row written by a newer replica is still
readable by an older one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from accbot.store.types import UTCDateTime, utcnow

# Deterministic constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WATCH_KINDS = ("acc", "sas")
ALERT_STATES = ("pending", "posted", "failed")
DIGEST_MESSAGE_STATES = ("pending", "posted", "failed")
AUDIT_RESULTS = ("ok", "refused", "error")
APPROVAL_STATES = ("pending", "approved", "disapproved", "failed")

KIND = 16
AGENT_REF = 512
AGENT_ID = 128
RUN_ID = 128
SLACK_ID = 32
SLACK_TS = 32
STATE = 16
SERVER_NAME = 128


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Watch(Base):
    """A channel watching one ACC agent (by path) or SAS agent (by id)."""

    __tablename__ = "watches"
    __table_args__ = (
        UniqueConstraint("kind", "agent_ref", "channel_id"),
        CheckConstraint(_one_of("kind", WATCH_KINDS), name="kind"),
        Index("ix_watches_kind_agent_id", "kind", "agent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND))
    agent_ref: Mapped[str] = mapped_column(String(AGENT_REF))
    agent_id: Mapped[str] = mapped_column(String(AGENT_ID))
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID))
    all_states: Mapped[bool] = mapped_column(Boolean, default=False)
    # Data quality (ACC only): a successful run with no data, or with a data count more
    # than drop_percent below the median of the agent's recent successful runs.
    empty_alerts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    drop_percent: Mapped[int | None] = mapped_column(Integer)
    # --escalate: who (a U… user or S… group) is mentioned when an alert is still
    # unacknowledged after escalate_seconds.
    escalate_seconds: Mapped[int | None] = mapped_column(Integer)
    escalate_to: Mapped[str | None] = mapped_column(String(SLACK_ID))
    created_by: Mapped[str] = mapped_column(String(SLACK_ID))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServerWatch(Base):
    """A channel watching one SE server of ACCBOT_SERVERS, by name (never its key)."""

    __tablename__ = "server_watches"
    __table_args__ = (UniqueConstraint("server_name", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_name: Mapped[str] = mapped_column(String(SERVER_NAME))
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID))
    created_by: Mapped[str] = mapped_column(String(SLACK_ID))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunDataCount(Base):
    """The data count of one successful run, kept for the median a ``--drop`` watch
    compares new runs with. A few dozen of the newest per agent are kept."""

    __tablename__ = "run_data_counts"
    __table_args__ = (
        UniqueConstraint("kind", "agent_id", "run_id"),
        Index("ix_run_data_counts_kind_agent_id_started", "kind", "agent_id", "started"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND))
    agent_id: Mapped[str] = mapped_column(String(AGENT_ID))
    run_id: Mapped[str] = mapped_column(String(RUN_ID))
    started: Mapped[datetime]
    data_count: Mapped[int] = mapped_column(Integer)


class RunCursor(Base):
    """What the watcher has already seen of one agent's history.

    ``created_at`` is when watching began: runs that started before it are never alerted.
    ``seen_keys`` holds the most recent ``"<runId>:<status>"`` pairs, newest first, bounded.
    ``last_run``: the newest run of the agent's every-cycle history when last written.
    """

    __tablename__ = "run_cursors"

    kind: Mapped[str] = mapped_column(String(KIND), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(AGENT_ID), primary_key=True)
    last_seen_start: Mapped[datetime | None]
    seen_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The newest run seen (``watching.latest.LastRun`` as JSON), for the App Home.
    last_run: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def has_seen(self, key: str) -> bool:
        return key in self.seen_keys


class Alert(Base):
    """One alert about one (agent, run, status), recorded before it is posted."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("alert_key"),
        CheckConstraint(_one_of("state", ALERT_STATES), name="state"),
        Index("ix_alerts_state", "state"),
        Index("ix_alerts_kind_agent_id_created_at", "kind", "agent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_key: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(KIND))
    agent_id: Mapped[str] = mapped_column(String(AGENT_ID))
    agent_ref: Mapped[str] = mapped_column(String(AGENT_REF))
    run_id: Mapped[str] = mapped_column(String(RUN_ID))
    status: Mapped[str] = mapped_column(String(64))
    # Whether the status is a failure: a later success of the agent "recovers" it.
    is_failure: Mapped[bool] = mapped_column(Boolean, default=True)
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID))
    state: Mapped[str] = mapped_column(String(STATE), default="pending")
    slack_ts: Mapped[str | None] = mapped_column(String(SLACK_TS))
    thread_ts: Mapped[str | None] = mapped_column(String(SLACK_TS))
    recovered_at: Mapped[datetime | None]
    # The ts of the "recovered" reply; recovered but still None means the reply is owed.
    recovery_ts: Mapped[str | None] = mapped_column(String(SLACK_TS))
    # What the alert says, as data (the observed run, the watch's name for the agent,
    # where its log comes from), fixed when recorded; rendered only when posted.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The digest this alert went out in (a storm), or None for an alert of its own.
    digest_key: Mapped[str | None] = mapped_column(String(128))
    # "Acknowledge": who took it, first click wins (a conditional UPDATE).
    acknowledged_by: Mapped[str | None] = mapped_column(String(SLACK_ID))
    acknowledged_at: Mapped[datetime | None]
    # --escalate: the key of the reply that escalates it, recorded before that reply is
    # posted (so never twice); escalation_ts is the reply's ts once it is out.
    escalation_key: Mapped[str | None] = mapped_column(String(128))
    escalation_ts: Mapped[str | None] = mapped_column(String(SLACK_TS))
    # When the reply was recorded: another replica's claim is left to it for a while,
    # since its post may still be on its way.
    escalation_claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]


class DigestMessage(Base):
    """One message of a digest: its top-level post (part 0) or one reply in its thread
    listing some of its runs. Recorded before it is posted, like an alert, and posted
    with its key in the message metadata, so a crash never doubles nor drops it."""

    __tablename__ = "digest_messages"
    __table_args__ = (
        CheckConstraint(_one_of("state", DIGEST_MESSAGE_STATES), name="state"),
        Index("ix_digest_messages_state", "state"),
        Index("ix_digest_messages_digest_key", "digest_key"),
    )

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest_key: Mapped[str] = mapped_column(String(128))  # the top-level post's key
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID))
    part: Mapped[int] = mapped_column(Integer)  # 0: the top-level post; 1..parts: replies
    parts: Mapped[int] = mapped_column(Integer)  # how many replies the digest has
    alert_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(STATE), default="pending")
    slack_ts: Mapped[str | None] = mapped_column(String(SLACK_TS))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]
    # A digest of what the first cycle after downtime found: how long accbot was down.
    down_seconds: Mapped[float | None] = mapped_column(Float)


class Mute(Base):
    """Alerts for one agent are held back until ``until``."""

    __tablename__ = "mutes"
    __table_args__ = (Index("ix_mutes_kind_agent_ref", "kind", "agent_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND))
    agent_ref: Mapped[str] = mapped_column(String(AGENT_REF))
    until: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(SLACK_ID))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what, with which arguments, and how it ended."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        CheckConstraint(_one_of("result", AUDIT_RESULTS), name="result"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    action: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[str] = mapped_column(String(STATE))
    detail: Mapped[str | None] = mapped_column(Text)


class Lease(Base):
    """A named lease (each watch shard's, ``watch-shard:<n>``): one holder until ``expires_at``."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime]


class Replica(Base):
    """A watcher replica that is alive until ``expires_at`` (it renews this with its
    leases): the live ones split the shard leases between them fairly."""

    __tablename__ = "watcher_replicas"

    holder: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class WatcherCycle(Base):
    """When a replica's last watcher cycle ended and how long it took: what ``/acc status``
    shows, and how a starting watcher knows how long no cycle ran (downtime)."""

    __tablename__ = "watcher_cycles"

    holder: Mapped[str] = mapped_column(String(255), primary_key=True)
    ended_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)


class ApprovalRequest(Base):
    """A request, posted as a card, for an approver to approve or disapprove an agent."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        CheckConstraint(_one_of("state", APPROVAL_STATES), name="state"),
        Index("ix_approval_requests_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_path: Mapped[str] = mapped_column(String(AGENT_REF))
    agent_id: Mapped[str] = mapped_column(String(AGENT_ID))
    requested_by: Mapped[str] = mapped_column(String(SLACK_ID))
    note: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID))
    message_ts: Mapped[str | None] = mapped_column(String(SLACK_TS))
    state: Mapped[str] = mapped_column(String(STATE), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(SLACK_ID))
    decided_at: Mapped[datetime | None]
    decision_message: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notice(Base):
    """The last state announced under a key, so a one-time message is posted once."""

    __tablename__ = "notices"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class InputFileName(Base):
    """An input file uploaded to an agent through accbot. ACC's API has no way to list an
    agent's input files, so the start form offers the ones accbot itself uploaded."""

    __tablename__ = "input_file_names"
    __table_args__ = (UniqueConstraint("agent_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(AGENT_ID))
    name: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str] = mapped_column(String(SLACK_ID))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


PAUSE_STATES = ("active", "ending", "ended")


class SchedulePause(Base):
    """Schedules accbot turned off for a while: at ``ends_at`` it turns exactly these
    back on. ``state`` goes active -> ending (claimed by the one replica turning them
    on) -> ended; ``agent_id`` is known for a whole agent's pause (``schedules off``),
    which lets the watcher notice schedules turned back on by hand in ACC."""

    __tablename__ = "schedule_pauses"
    __table_args__ = (
        CheckConstraint(_one_of("state", PAUSE_STATES), name="state"),
        Index("ix_schedule_pauses_state_ends_at", "state", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    agent_id: Mapped[str | None] = mapped_column(String(AGENT_ID))
    agent_path: Mapped[str | None] = mapped_column(String(AGENT_REF))
    channel_id: Mapped[str | None] = mapped_column(String(SLACK_ID))
    created_by: Mapped[str] = mapped_column(String(64))  # a Slack user, or cli:<login>
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime]
    remind_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(STATE), default="active")
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))
    end_reason: Mapped[str | None] = mapped_column(String(STATE))
    last_error: Mapped[str | None] = mapped_column(Text)


class PendingConfirmation(Base):
    """A destructive command waiting for its Confirm click. The button carries only this
    row's id, so what runs is what the bot asked about, once, for the person it asked."""

    __tablename__ = "pending_confirmations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID))
    channel_id: Mapped[str | None] = mapped_column(String(SLACK_ID))
    command_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
