"""Alert records: reserved under a unique key before posting, so no alert is ever doubled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import Alert
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


def pending_alerts(session: Session, *, limit: int | None = None) -> Sequence[Alert]:
    """Alerts recorded but not yet posted, oldest first."""
    query = select(Alert).where(Alert.state == "pending").order_by(Alert.created_at, Alert.id)
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
