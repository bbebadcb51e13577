"""Escalation: an alert nobody acknowledged in time gets one reply mentioning whom the
watch names (``--escalate 30m @oncall``).

A singleton job of the watcher (``WatcherService.add_singleton``): it runs after every
cycle on the one replica that holds shard 0. Each run:

1. finds posted alerts of escalating watches that are still unacknowledged and
   unrecovered ``escalate_seconds`` after they were posted (by the bot's clock), and
   that call for action (a run that merely ended, under ``--all``, does not);
2. records the escalation on them first (``store.alerts.claim_escalation``: a
   conditional UPDATE, so an alert is escalated once however many replicas or runs
   reach for it, and never once it is acknowledged), then posts one reply per thread
   (a digest's alerts share their digest's thread, so they share one reply), carrying
   its key in the message metadata;
3. an escalation recorded but not known to be posted (a crash, a failed post) is first
   looked for in its thread by key, and posted only if it is not there.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from accbot.metrics import ALERTS
from accbot.store import alerts
from accbot.store.models import Alert
from accbot.watcher.events import AlertFacts, EscalationPost
from accbot.watcher.sink import SinkError

if TYPE_CHECKING:
    from accbot.actions.context import Services
    from accbot.watcher.publish import Publisher

logger = logging.getLogger("accbot.watcher")


# How long another replica's fresh escalation claim is left to it, in poll intervals.
CLAIM_GRACE_INTERVALS = 2


def escalation_key(first_alert_id: int) -> str:
    return f"{alerts.ESCALATION_PREFIX}{first_alert_id}"


def posted_at(alert: Alert) -> datetime:
    return alert.posted_at or alert.created_at


class Escalator:
    def __init__(self, services: Services, publisher: Publisher) -> None:
        self.services = services
        self.publisher = publisher
        self._fresh: set[str] = set()  # recorded by this process and not tried yet
        self._lock = threading.Lock()

    def run(self) -> None:
        self._reconcile()
        self._escalate_due()

    # ------------------------------------------------------------------ new escalations

    def _escalate_due(self) -> None:
        now = self.services.clock()
        with self.services.db.session() as session:
            candidates = alerts.escalation_candidates(session)
        groups: dict[tuple[str, str, str], list[tuple[Alert, int]]] = {}
        never: list[str] = []
        for alert, seconds, mention in candidates:
            if not AlertFacts.of(alert).calls_for_action:
                never.append(alert.alert_key)
                continue
            if posted_at(alert) + timedelta(seconds=seconds) > now:
                continue
            thread = alert.thread_ts or alert.slack_ts or ""
            groups.setdefault((alert.channel_id, thread, mention), []).append((alert, seconds))
        if never:
            with self.services.db.session() as session:
                alerts.skip_escalation(session, never)
        for (channel, thread, mention), members in groups.items():
            key = escalation_key(min(a.id for a, _ in members))
            with self.services.db.session() as session:
                claimed = set(
                    alerts.claim_escalation(
                        session, [a.alert_key for a, _ in members], key, now=now
                    )
                )
            if not claimed:
                continue
            with self._lock:
                self._fresh.add(key)
            escalated = [(a, s) for a, s in members if a.alert_key in claimed]
            after = timedelta(seconds=max(s for _, s in escalated))
            event = EscalationPost(
                key, channel, thread, mention, after, tuple(AlertFacts.of(a) for a, _ in escalated)
            )
            self._send(event)

    # ------------------------------------------------------------------ posting

    def _send(self, event: EscalationPost) -> None:
        def send() -> None:
            ts = self.publisher.sink.post(event)
            with self.services.db.session() as session:
                alerts.mark_escalation_posted(session, event.key, ts)
            with self._lock:
                self._fresh.discard(event.key)
            ALERTS.labels(kind="escalation").inc()

        def failed(exc: SinkError) -> None:
            with self._lock:
                self._fresh.discard(event.key)  # posted or not? looked for before trying again
            if exc.transient:
                logger.warning("watcher: escalation %s not posted yet: %s", event.key, exc)
                return
            logger.error("watcher: escalation %s refused for good: %s", event.key, exc)
            with self.services.db.session() as session:
                alerts.mark_escalation_posted(session, event.key, alerts.ESCALATION_GIVEN_UP)

        self.publisher.send_keyed(event.channel, event.key, send, failed)

    # ------------------------------------------------------------------ after a crash

    def _reconcile(self) -> None:
        """Escalations recorded but not known to be posted: looked for in their thread by
        key first, posted only when they are not there.

        A claim younger than ``CLAIM_GRACE_INTERVALS`` intervals is left alone: the replica
        that made it (this one, or one that held the singleton a moment ago) may still be
        posting it, and looking in the thread before its post lands would post it twice."""
        poll_seconds = self.services.settings.ACCBOT_POLL_SECONDS
        claimed_before = self.services.clock() - timedelta(
            seconds=CLAIM_GRACE_INTERVALS * poll_seconds
        )
        with self.services.db.session() as session:
            pending = list(alerts.pending_escalations(session, claimed_before=claimed_before))
        by_key: dict[str, list[Alert]] = {}
        for alert in pending:
            by_key.setdefault(str(alert.escalation_key), []).append(alert)
        for key, members in by_key.items():
            with self._lock:
                if key in self._fresh:
                    continue
            if self.publisher.is_queued(key):
                continue
            first = members[0]
            thread = first.thread_ts or first.slack_ts or ""
            try:
                found = self.publisher.sink.find_posted(
                    first.channel_id, since=posted_at(first), thread=thread
                )
            except SinkError as exc:
                if exc.transient:
                    logger.warning("watcher: escalation %s not looked for yet: %s", key, exc)
                    continue
                logger.warning("watcher: cannot read %s (%s); posting anyway", thread, exc)
                found = {}
            if key in found:
                with self.services.db.session() as session:
                    alerts.mark_escalation_posted(session, key, found[key])
                continue
            mention, seconds = self._watch_of(first)
            if mention is None:
                logger.info("watcher: escalation %s dropped: its watch no longer escalates", key)
                with self.services.db.session() as session:
                    alerts.mark_escalation_posted(session, key, alerts.ESCALATION_GIVEN_UP)
                continue
            event = EscalationPost(
                key,
                first.channel_id,
                thread,
                mention,
                timedelta(seconds=seconds),
                tuple(AlertFacts.of(a) for a in members),
            )
            self._send(event)

    def _watch_of(self, alert: Alert) -> tuple[str | None, int]:
        """Whom the alert's watch escalates to now, and after how long."""
        with self.services.db.session() as session:
            return alerts.escalation_of(session, alert.kind, alert.agent_id, alert.channel_id)
