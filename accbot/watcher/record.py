"""Recording what was detected, in one transaction per agent, before anything is posted.

Alerts are reserved under their unique key with what they say, as data; failures that a
later success recovers are marked, with what the "recovered" reply will say; the cursor
moves forward. Either all of that is committed or none of it: a crash before the commit
means the next cycle detects the same things again, a crash after it leaves pending
records that the next cycle posts. Nothing is lost and nothing is doubled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from accbot.store import alerts, cursors
from accbot.watcher.detect import AlertEvent, RecoveryEvent, Subscriber, detect, predates
from accbot.watcher.events import AlertFacts, recovery_note
from accbot.watcher.quality_events import QualityEvent, quality_events
from accbot.watching.latest import latest_run
from accbot.watching.observation import Observation

# Runs first seen now that started this long before the watch began are history, not news.
# The margin absorbs a difference between ACC's clock and ours.
WATCH_START_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class WatchedAgent:
    """One agent and every channel watching it."""

    kind: str
    agent_id: str
    subscribers: tuple[Subscriber, ...]


@dataclass
class Recorded:
    reserved: list[str] = field(default_factory=list)  # alert keys recorded now
    recovered: list[str] = field(default_factory=list)  # failure alert keys marked recovered
    baseline: bool = False  # the agent had no cursor: history recorded, nothing alerted


def record(
    session: Session,
    agent: WatchedAgent,
    histories: list[list[Observation]],
    *,
    now: datetime,
    muted: frozenset[str],
    portal_url: str,
) -> Recorded:
    """Detect on each stream's history (newest first) and record the outcome."""
    cursor, created = cursors.ensure_cursor(session, agent.kind, agent.agent_id, now=now)
    seen = frozenset(cursor.seen_keys)
    outcome = Recorded(baseline=created)
    added: list[str] = []
    newest: datetime | None = None
    watched_since = cursor.created_at - WATCH_START_MARGIN
    known = set(seen)
    for history in histories:
        found = detect(
            history,
            seen,
            agent.subscribers,
            now=now,
            muted=muted,
            baseline=created,
            watched_since=watched_since,
        )
        added.extend(found.seen)
        if found.newest_start is not None and (newest is None or found.newest_start > newest):
            newest = found.newest_start
        for event in found.events:
            if isinstance(event, AlertEvent):
                if _reserve(session, event, portal_url=portal_url, now=now):
                    outcome.reserved.append(event.key)
            else:
                outcome.recovered.extend(_recover(session, event, now=now))
        wanting = quality_events(
            session,
            history,
            seen,
            agent.subscribers,
            quiet=lambda o: created or predates(o, known, watched_since),
            muted=muted,
        )
        for quality in wanting:
            if _reserve_quality(session, quality, portal_url=portal_url, now=now):
                outcome.reserved.append(quality.key)
    if added or created:
        last = latest_run(histories)
        cursors.advance_cursor(
            session, agent.kind, agent.agent_id, added, last_seen_start=newest, now=now,
            last_run=last.payload() if last else None,
        )  # fmt: skip
    return outcome


def alert_facts(event: AlertEvent, portal_url: str) -> AlertFacts:
    observation = event.observation
    return AlertFacts(
        kind=observation.kind,
        agent_id=observation.agent_id,
        agent_ref=event.subscriber.agent_ref,
        run_id=observation.run_id,
        status=event.status,
        is_failure=event.is_failure,
        portal_url=portal_url,
        observation=observation,
    )


def alert_payload(event: AlertEvent, portal_url: str) -> dict[str, Any]:
    return alert_facts(event, portal_url).payload()


def _reserve(session: Session, event: AlertEvent, *, portal_url: str, now: datetime) -> bool:
    observation = event.observation
    reserved = alerts.reserve_alert(
        session,
        event.key,
        kind=observation.kind,
        agent_id=observation.agent_id,
        agent_ref=event.subscriber.agent_ref,
        run_id=observation.run_id,
        status=event.status,
        channel_id=event.channel_id,
        is_failure=event.is_failure,
        payload=alert_payload(event, portal_url),
        now=now,
    )
    return reserved is not None


def _reserve_quality(
    session: Session, event: QualityEvent, *, portal_url: str, now: datetime
) -> bool:
    """A data-quality alert: same kind of key and record as a failure's, but not a failure
    (no log excerpt, and no later run "recovers" it)."""
    observation = event.observation
    facts = AlertFacts(
        kind=observation.kind,
        agent_id=observation.agent_id,
        agent_ref=event.subscriber.agent_ref,
        run_id=observation.run_id,
        status=event.finding.status,
        is_failure=False,
        portal_url=portal_url,
        observation=observation,
        quality=event.finding,
    )
    reserved = alerts.reserve_alert(
        session,
        event.key,
        kind=observation.kind,
        agent_id=observation.agent_id,
        agent_ref=event.subscriber.agent_ref,
        run_id=observation.run_id,
        status=event.finding.status,
        channel_id=event.channel_id,
        is_failure=False,
        payload=facts.payload(),
        now=now,
    )
    return reserved is not None


def _recover(session: Session, event: RecoveryEvent, *, now: datetime) -> list[str]:
    """Mark the channel's open failures of the same stream recovered by this success."""
    success = event.observation
    recovered = []
    for alert in alerts.open_failures(session, success.kind, success.agent_id, event.channel_id):
        payload = alert.payload or {}
        if payload.get("stream") != success.stream:
            continue
        if alerts.mark_recovered(session, alert.alert_key, now=now):
            alert.payload = {**payload, "recovery": recovery_note(success).payload()}
            recovered.append(alert.alert_key)
    session.flush()
    return recovered
