"""Digest messages: a storm's one top-level post and the replies that list its runs.

A digest is recorded, with every one of its messages, before anything is posted: the
top-level post (part 0) names all its alerts, each reply (part 1..n) up to a page of them.
Each message goes out with its own key in the message metadata and is marked posted with
its ts, so after a crash a pending one is first looked for in the channel (the top-level
post) or in the digest's thread (a reply) and posted only if it is not there.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import rows_changed
from accbot.store.models import Alert, DigestMessage
from accbot.store.types import utcnow

DIGEST_PREFIX = "digest:"


def create_digest(
    session: Session,
    channel_id: str,
    alert_keys: Sequence[str],
    *,
    page_size: int,
    now: datetime | None = None,
    down_seconds: float | None = None,
) -> list[DigestMessage]:
    """Record a digest of ``alert_keys`` (top-level post first, then its replies);
    ``down_seconds``: it sums up what was found after accbot was down that long."""
    moment = now or utcnow()
    digest_key = f"{DIGEST_PREFIX}{uuid.uuid4().hex}"
    keys = list(alert_keys)
    pages = [keys[i : i + page_size] for i in range(0, len(keys), page_size)]
    messages = [
        DigestMessage(
            key=digest_key,
            digest_key=digest_key,
            channel_id=channel_id,
            part=0,
            parts=len(pages),
            alert_keys=keys,
            state="pending",
            attempts=0,
            created_at=moment,
            down_seconds=down_seconds,
        )
    ]
    for number, page in enumerate(pages, start=1):
        messages.append(
            DigestMessage(
                key=f"{digest_key}/{number}",
                digest_key=digest_key,
                channel_id=channel_id,
                part=number,
                parts=len(pages),
                alert_keys=page,
                state="pending",
                attempts=0,
                created_at=moment,
            )
        )
    session.add_all(messages)
    session.execute(
        update(Alert)
        .where(Alert.alert_key.in_(keys), Alert.state == "pending")
        .values(digest_key=digest_key)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return messages


def pending_messages(session: Session, *, limit: int | None = None) -> Sequence[DigestMessage]:
    """Digest messages recorded but not yet posted, oldest digest first, top-level first."""
    query = (
        select(DigestMessage)
        .where(DigestMessage.state == "pending")
        .order_by(DigestMessage.created_at, DigestMessage.digest_key, DigestMessage.part)
    )
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def get_message(session: Session, key: str) -> DigestMessage | None:
    return session.get(DigestMessage, key)


def messages_of(session: Session, digest_key: str) -> Sequence[DigestMessage]:
    query = (
        select(DigestMessage)
        .where(DigestMessage.digest_key == digest_key)
        .order_by(DigestMessage.part)
    )
    return session.scalars(query).all()


def mark_posted(session: Session, key: str, ts: str, *, now: datetime | None = None) -> bool:
    """Record where a digest message went; the top-level post also marks its alerts
    posted (alerted once, in its thread). False when it was no longer pending."""
    message = session.get(DigestMessage, key)
    if message is None or message.state != "pending":
        return False
    moment = now or utcnow()
    message.state, message.slack_ts, message.posted_at, message.last_error = (
        "posted",
        ts,
        moment,
        None,
    )
    if message.part == 0:
        session.execute(
            update(Alert)
            .where(Alert.digest_key == message.digest_key, Alert.state == "pending")
            .values(
                state="posted",
                slack_ts=ts,
                thread_ts=ts,
                posted_at=moment,
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return True


def record_failure(session: Session, key: str, error: str, *, final: bool = False) -> bool:
    """Count a failed post; it stays pending (tried again later) unless ``final``."""
    values: dict[str, Any] = {"attempts": DigestMessage.attempts + 1, "last_error": error}
    if final:
        values["state"] = "failed"
    result = session.execute(
        update(DigestMessage)
        .where(DigestMessage.key == key, DigestMessage.state == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = rows_changed(result) == 1
    message = session.get(DigestMessage, key)
    if final and changed and message is not None and message.part == 0:
        session.execute(  # a top-level post given up for good takes its alerts with it
            update(Alert)
            .where(Alert.digest_key == message.digest_key, Alert.state == "pending")
            .values(state="failed", last_error=error)
            .execution_options(synchronize_session=False)
        )
    return changed


def first_alert_key(session: Session, digest_key: str) -> list[str]:
    """The digest's first alert (whose agent says which replica posts the digest)."""
    head = session.get(DigestMessage, digest_key)
    return list(head.alert_keys[:1]) if head is not None and head.alert_keys else []


def alerts_of(session: Session, keys: Sequence[str]) -> list[Alert]:
    """The alerts named by ``keys``, in that order (a digest lists them as recorded)."""
    query = select(Alert).where(Alert.alert_key.in_(list(keys)))
    found = {a.alert_key: a for a in session.scalars(query)}
    return [found[k] for k in keys if k in found]
