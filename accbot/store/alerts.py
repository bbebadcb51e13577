"""Alert records: reserved under a unique key before posting, so no alert is ever doubled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import Alert, Watch
from accbot.store.types import utcnow


def alert_key(kind: str, agent_id: str, run_id: str, status: str) -> str:
    """The unique key of one alert, e.g. ``"acc:<agentId>:<runId>:<status>"``."""
    return f"{kind}:{agent_id}:{run_id}:{status}"


def reserve_alert(
    session: Session,
    key: str,
    *,
    kind: str,
    agent_id: str,
    agent_ref: str,
    run_id: str,
    status: str,
    channel_id: str,
    is_failure: bool = True,
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Alert | None:
    """Record a pending alert under ``key``; None when that key was ever recorded before.

    ``payload`` is what will be posted (kept so a retry needs nothing but the database).
    """
    values: dict[str, Any] = {
        "alert_key": key,
        "kind": kind,
        "agent_id": agent_id,
        "agent_ref": agent_ref,
        "run_id": run_id,
        "status": status,
        "is_failure": is_failure,
        "channel_id": channel_id,
        "state": "pending",
        "attempts": 0,
        "payload": payload,
        "created_at": now or utcnow(),
    }
    if not insert_if_absent(session, Alert, values):
        return None
    return get_alert(session, key)


def get_alert(session: Session, key: str) -> Alert | None:
    return session.scalars(select(Alert).where(Alert.alert_key == key)).one_or_none()


def mark_posted(
    session: Session,
    key: str,
    channel_id: str,
    ts: str,
    *,
    thread_ts: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Record where the alert was posted; False when no such alert exists."""
    result = session.execute(
        update(Alert)
        .where(Alert.alert_key == key)
        .values(
            state="posted",
            channel_id=channel_id,
            slack_ts=ts,
            thread_ts=thread_ts,
            posted_at=now or utcnow(),
            last_error=None,
        )
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(result) == 1


def record_attempt_failure(session: Session, key: str, error: str, *, final: bool = False) -> bool:
    """Count a failed post. The alert stays pending (retried next cycle) unless ``final``."""
    values: dict[str, Any] = {"attempts": Alert.attempts + 1, "last_error": error}
    if final:
        values["state"] = "failed"
    result = session.execute(
        update(Alert)
        .where(Alert.alert_key == key, Alert.state == "pending")
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(result) == 1


def pending_alerts(
    session: Session, *, limit: int | None = None, undigested: bool = False
) -> Sequence[Alert]:
    """Alerts recorded but not yet posted, oldest first; ``undigested``: only those not
    listed in a digest (a digest's runs are posted with its replies, not one by one)."""
    query = select(Alert).where(Alert.state == "pending").order_by(Alert.created_at, Alert.id)
    if undigested:
        query = query.where(Alert.digest_key.is_(None))
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def latest_failure_alert(
    session: Session, kind: str, agent_id: str, *, channel_id: str | None = None
) -> Alert | None:
    """The newest posted, not yet recovered failure alert of an agent (to reply "recovered")."""
    query = select(Alert).where(
        Alert.kind == kind,
        Alert.agent_id == agent_id,
        Alert.is_failure.is_(True),
        Alert.state == "posted",
        Alert.recovered_at.is_(None),
    )
    if channel_id is not None:
        query = query.where(Alert.channel_id == channel_id)
    query = query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1)
    return session.scalars(query).first()


def mark_recovered(session: Session, key: str, *, now: datetime | None = None) -> bool:
    """Mark a failure alert recovered; True only for the first caller (one "recovered" reply)."""
    result = session.execute(
        update(Alert)
        .where(Alert.alert_key == key, Alert.recovered_at.is_(None))
        .values(recovered_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(result) == 1


def open_failures(session: Session, kind: str, agent_id: str, channel_id: str) -> Sequence[Alert]:
    """Failure alerts of an agent in a channel, pending or posted, not yet recovered; oldest first."""
    query = (
        select(Alert)
        .where(
            Alert.kind == kind,
            Alert.agent_id == agent_id,
            Alert.channel_id == channel_id,
            Alert.is_failure.is_(True),
            Alert.state.in_(("pending", "posted")),
            Alert.recovered_at.is_(None),
        )
        .order_by(Alert.created_at, Alert.id)
    )
    return session.scalars(query).all()


def owed_recoveries(session: Session, *, limit: int | None = None) -> Sequence[Alert]:
    """Posted alerts marked recovered whose "recovered" reply has not gone out yet."""
    query = (
        select(Alert)
        .where(
            Alert.state == "posted",
            Alert.recovered_at.is_not(None),
            Alert.recovery_ts.is_(None),
        )
        .order_by(Alert.recovered_at, Alert.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def mark_recovery_posted(session: Session, key: str, ts: str) -> bool:
    """Record the ts of the "recovered" reply; True only for the first caller."""
    result = session.execute(
        update(Alert)
        .where(Alert.alert_key == key, Alert.recovery_ts.is_(None))
        .values(recovery_ts=ts)
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(result) == 1


def set_payload_field(session: Session, keys: Sequence[str], name: str, value: Any) -> int:
    """Set one field of the payload of the alerts ``keys`` (e.g. the digest they go out in)."""
    found = session.scalars(select(Alert).where(Alert.alert_key.in_(list(keys)))).all()
    for alert in found:
        alert.payload = {**(alert.payload or {}), name: value}
    session.flush()
    return len(found)


def count_closed_alerts(session: Session, kind: str, agent_id: str, channel_id: str) -> int:
    """How many alerts of one subject in one channel are over: recovered, or given up.

    Replicas racing to open the next one count the same number (an alert being opened is
    not over), so a key built from it is the same for both and only one is recorded.
    """
    query = select(func.count(Alert.id)).where(
        Alert.kind == kind,
        Alert.agent_id == agent_id,
        Alert.channel_id == channel_id,
        or_(Alert.recovered_at.is_not(None), Alert.state == "failed"),
    )
    return int(session.scalar(query) or 0)


def pending_counts(session: Session) -> dict[str, int]:
    """Alerts recorded but not yet posted, per channel (one grouped query)."""
    query = (
        select(Alert.channel_id, func.count())
        .where(Alert.state == "pending")
        .group_by(Alert.channel_id)
    )
    return {channel: count for channel, count in session.execute(query)}


# ----------------------------------------------------------------------------- acknowledgements


def acknowledge(session: Session, key: str, user_id: str, *, now: datetime) -> bool:
    """Record who acknowledged the alert; True only for the first caller (a click racing
    another, or a second click, changes nothing)."""
    result = session.execute(
        update(Alert)
        .where(Alert.alert_key == key, Alert.acknowledged_at.is_(None))
        .values(acknowledged_by=user_id, acknowledged_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(result) == 1


# ----------------------------------------------------------------------------- escalations

ESCALATION_PREFIX = "escalation:"
ESCALATION_GIVEN_UP = "-"  # escalation_ts of a reply the sink refused for good


def escalation_candidates(session: Session, *, limit: int = 1000) -> list[tuple[Alert, int, str]]:
    """Posted alerts nobody acknowledged, not recovered and not escalated yet, of watches
    that escalate: each with the watch's wait (seconds) and whom it escalates to."""
    query = (
        select(Alert, Watch.escalate_seconds, Watch.escalate_to)
        .join(
            Watch,
            (Watch.kind == Alert.kind)
            & (Watch.agent_id == Alert.agent_id)
            & (Watch.channel_id == Alert.channel_id),
        )
        .where(
            Alert.state == "posted",
            Alert.slack_ts.is_not(None),
            Alert.acknowledged_at.is_(None),
            Alert.recovered_at.is_(None),
            Alert.escalation_key.is_(None),
            Watch.escalate_seconds.is_not(None),
            Watch.escalate_to.is_not(None),
        )
        .order_by(Alert.posted_at, Alert.id)
        .limit(limit)
    )
    return [(alert, int(seconds), str(to)) for alert, seconds, to in session.execute(query)]


def claim_escalation(
    session: Session, keys: Sequence[str], escalation_key: str, now: datetime | None = None
) -> list[str]:
    """Record the escalation reply ``escalation_key`` for those of ``keys`` still
    unacknowledged, unrecovered and unescalated; the keys claimed (each at most once,
    whoever else tries)."""
    claimed_at = now or utcnow()
    claimed = []
    for key in keys:
        result = session.execute(
            update(Alert)
            .where(
                Alert.alert_key == key,
                Alert.escalation_key.is_(None),
                Alert.acknowledged_at.is_(None),
                Alert.recovered_at.is_(None),
            )
            .values(escalation_key=escalation_key, escalation_claimed_at=claimed_at)
            .execution_options(synchronize_session="fetch")
        )
        if rows_changed(result) == 1:
            claimed.append(key)
    return claimed


def skip_escalation(session: Session, keys: Sequence[str]) -> int:
    """Alerts that are never escalated (a run that merely ended): out of the candidates
    for good, so they do not crowd out the ones that are."""
    if not keys:
        return 0
    result = session.execute(
        update(Alert)
        .where(Alert.alert_key.in_(list(keys)), Alert.escalation_key.is_(None))
        .values(escalation_key=ESCALATION_GIVEN_UP, escalation_ts=ESCALATION_GIVEN_UP)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


def pending_escalations(
    session: Session, *, claimed_before: datetime | None = None, limit: int = 500
) -> Sequence[Alert]:
    """Alerts whose escalation reply was recorded (before ``claimed_before``, when given)
    but is not known to be posted."""
    conditions = [Alert.escalation_key.is_not(None), Alert.escalation_ts.is_(None)]
    if claimed_before is not None:
        conditions.append(
            or_(
                Alert.escalation_claimed_at.is_(None),
                Alert.escalation_claimed_at < claimed_before,
            )
        )
    query = select(Alert).where(*conditions).order_by(Alert.id).limit(limit)
    return session.scalars(query).all()


def mark_escalation_posted(session: Session, escalation_key: str, ts: str) -> int:
    """Record the escalation reply's ts on every alert it escalated."""
    result = session.execute(
        update(Alert)
        .where(Alert.escalation_key == escalation_key, Alert.escalation_ts.is_(None))
        .values(escalation_ts=ts)
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(result)


def escalation_of(
    session: Session, kind: str, agent_id: str, channel_id: str
) -> tuple[str | None, int]:
    """Whom the channel's watch of the agent escalates to (None: it does not), and after
    how many seconds."""
    query = select(Watch.escalate_to, Watch.escalate_seconds).where(
        Watch.kind == kind,
        Watch.agent_id == agent_id,
        Watch.channel_id == channel_id,
        Watch.escalate_to.is_not(None),
    )
    row = session.execute(query.limit(1)).first()
    if row is None:
        return None, 0
    return str(row[0]), int(row[1] or 0)
