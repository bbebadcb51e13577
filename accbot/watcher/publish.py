"""Posting recorded alerts: pending -> posted, digests, log excerpts, recovered replies.

Every pending record is posted and then marked posted with its channel and ts. A record
this process did not reserve in this very cycle may have been posted by a process that
died before marking it, so it is first looked for, by key, in the channel's recent
history. More than DIGEST_THRESHOLD alerts for one channel go out as one digest whose
thread holds each run's details. A post that fails leaves the record pending for the next
cycle; only a Slack error that retrying cannot fix, repeated MAX_PERMANENT_ATTEMPTS
times, gives the record up.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from accbot.acc.errors import BackendError
from accbot.metrics import ALERTS
from accbot.slack.views.alerts import (
    SlackMessage,
    render_digest,
    render_log_excerpt,
    render_log_unavailable,
    render_recovered_original,
    render_recovered_reply,
)
from accbot.store import alerts
from accbot.store.models import Alert
from accbot.watcher.detect import OVERDUE
from accbot.watcher.notify import Notifier, SlackFailure
from accbot.watcher.sources import watch_kind

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")

DIGEST_THRESHOLD = 5  # more alerts than this for one channel in one cycle: one digest
DIGEST_MAX_ITEMS = 80  # per digest message: Slack refuses messages of much more text
MAX_PENDING_PER_CYCLE = 500
MAX_RECOVERIES_PER_CYCLE = 100
MAX_PERMANENT_ATTEMPTS = 20
RECOVERY_GIVEN_UP = "-"  # recovery_ts of a reply Slack refuses for good


@dataclass
class Published:
    posted: list[str] = field(default_factory=list)  # alert keys posted now
    found: list[str] = field(default_factory=list)  # found already posted in Slack
    digests: int = 0
    failed: list[str] = field(default_factory=list)  # still pending
    recoveries: int = 0


def alert_kind(alert: Alert) -> str:
    """The metrics label of an alert."""
    if alert.is_failure:
        return "failure"
    return "overdue" if alert.status == OVERDUE else "end_state"


class Publisher:
    def __init__(self, services: Services, notifier: Notifier) -> None:
        self.services = services
        self.db = services.db
        self.notifier = notifier
        # With several replicas, each posts only the alerts of the agents it polls (shards):
        # another replica's pending alert may be on its way to Slack right now.
        self.owns: Callable[[str, str], bool] | None = None

    def _mine(self, records: list[Alert]) -> list[Alert]:
        owns = self.owns
        return records if owns is None else [a for a in records if owns(a.kind, a.agent_id)]

    # ----------------------------------------------------------------- alerts

    def publish_pending(self, fresh: Iterable[str] = ()) -> Published:
        """Post every pending alert; ``fresh`` are keys this process reserved this cycle."""
        fresh = set(fresh)
        result = Published()
        with self.db.session() as session:
            limit = None if self.owns else MAX_PENDING_PER_CYCLE
            pending = list(alerts.pending_alerts(session, limit=limit))
        pending = self._mine(pending)[:MAX_PENDING_PER_CYCLE]
        by_channel: dict[str, list[Alert]] = {}
        for alert in pending:
            by_channel.setdefault(alert.channel_id, []).append(alert)
        for channel, items in by_channel.items():
            try:
                items = self._drop_already_posted(channel, items, fresh, result)
                if len(items) > DIGEST_THRESHOLD:
                    self._post_digests(channel, items, result)
                else:
                    for alert in items:
                        self._post_one(alert, result)
            except SlackFailure as exc:
                # Rate limited or Slack down for this channel even after waiting: the rest
                # of its alerts stay pending for the next cycle.
                logger.warning("watcher: posting to %s stopped for this cycle: %s", channel, exc)
                done = set(result.posted) | set(result.found) | set(result.failed)
                result.failed.extend(a.alert_key for a in items if a.alert_key not in done)
        return result

    def _drop_already_posted(
        self, channel: str, items: list[Alert], fresh: set[str], result: Published
    ) -> list[Alert]:
        suspects = [a for a in items if a.alert_key not in fresh]
        if not suspects:
            return items
        try:
            found = self.notifier.find_alerts(channel, since=min(a.created_at for a in suspects))
        except SlackFailure as exc:
            if exc.transient:  # ask again next cycle; what this cycle recorded goes out now
                logger.warning("watcher: %s's history unavailable (%s)", channel, exc)
                result.failed.extend(a.alert_key for a in suspects)
                return [a for a in items if a.alert_key in fresh]
            # Without history access (a missing scope, say) a crash could double an alert;
            # staying silent forever would be worse.
            logger.warning("watcher: cannot read %s's history (%s); posting anyway", channel, exc)
            return items
        remaining = []
        for alert in items:
            digest = (alert.payload or {}).get("digest")
            if alert.alert_key in found:
                self._mark_posted(alert, found[alert.alert_key])
                result.found.append(alert.alert_key)
            elif digest and digest in found:
                self._mark_posted(alert, found[digest], thread_ts=found[digest])
                result.found.append(alert.alert_key)
            else:
                remaining.append(alert)
        return remaining

    def _post_one(self, alert: Alert, result: Published) -> None:
        message = SlackMessage.from_payload(alert.payload or {})
        try:
            ts = self.notifier.post_alert(alert.channel_id, alert.alert_key, message)
        except SlackFailure as exc:
            self._attempt_failed(alert, exc)
            result.failed.append(alert.alert_key)
            if exc.transient:
                raise
            return
        self._mark_posted(alert, ts)
        result.posted.append(alert.alert_key)
        ALERTS.labels(kind=alert_kind(alert)).inc()
        self._post_log_excerpt(alert, ts)

    def _post_digests(self, channel: str, items: list[Alert], result: Published) -> None:
        for start in range(0, len(items), DIGEST_MAX_ITEMS):
            chunk = items[start : start + DIGEST_MAX_ITEMS]
            digest_key = f"digest:{uuid.uuid4().hex}"
            keys = [a.alert_key for a in chunk]
            with self.db.session() as session:  # recorded first: a crash now is found by key
                alerts.set_payload_field(session, keys, "digest", digest_key)
            lines = [str((a.payload or {}).get("line") or a.alert_key) for a in chunk]
            try:
                ts = self.notifier.post_alert(channel, digest_key, render_digest(lines))
            except SlackFailure as exc:
                for alert in chunk:
                    self._attempt_failed(alert, exc)
                result.failed.extend(keys)
                if exc.transient:
                    raise
                continue
            for alert in chunk:
                self._mark_posted(alert, ts, thread_ts=ts)
            result.posted.extend(keys)
            result.digests += 1
            ALERTS.labels(kind="digest").inc()
            for alert in chunk:
                self._post_digest_detail(alert, ts)

    def _post_digest_detail(self, alert: Alert, digest_ts: str) -> None:
        """The run's own alert in the digest's thread; it becomes the alert's message."""
        message = SlackMessage.from_payload(alert.payload or {})
        try:
            ts = self.notifier.reply(alert.channel_id, digest_ts, message)
        except SlackFailure as exc:
            logger.warning("watcher: digest detail for %s not posted: %s", alert.alert_key, exc)
            return
        self._mark_posted(alert, ts, thread_ts=digest_ts)

    def _post_log_excerpt(self, alert: Alert, ts: str) -> None:
        payload = alert.payload or {}
        log_ref = payload.get("log_ref")
        if not log_ref:
            return
        try:
            stream = watch_kind(alert.kind).stream(str(payload.get("stream")))
            message = render_log_excerpt(log_ref, stream.log_excerpt(self.services, log_ref))
        except (BackendError, LookupError) as exc:
            message = render_log_unavailable(log_ref, str(exc))
        try:
            self.notifier.reply(alert.channel_id, ts, message)
        except SlackFailure as exc:
            logger.warning("watcher: log excerpt for %s not posted: %s", alert.alert_key, exc)

    def _mark_posted(self, alert: Alert, ts: str, *, thread_ts: str | None = None) -> None:
        with self.db.session() as session:
            alerts.mark_posted(session, alert.alert_key, alert.channel_id, ts, thread_ts=thread_ts)
        alert.slack_ts, alert.thread_ts = ts, thread_ts

    def _attempt_failed(self, alert: Alert, exc: SlackFailure) -> None:
        final = not exc.transient and alert.attempts + 1 >= MAX_PERMANENT_ATTEMPTS
        with self.db.session() as session:
            alerts.record_attempt_failure(session, alert.alert_key, str(exc), final=final)
        log = logger.error if final else logger.warning
        log(
            "watcher: alert %s not posted (%s)%s",
            alert.alert_key,
            exc,
            "; given up" if final else "",
        )

    # ------------------------------------------------------------- recoveries

    def publish_recoveries(self) -> int:
        """Mark each recovered failure's message and reply "recovered" in its thread.

        Failures recovered by the same success in one thread (a digest's) share one reply.
        """
        with self.db.session() as session:
            limit = None if self.owns else MAX_RECOVERIES_PER_CYCLE
            owed = list(alerts.owed_recoveries(session, limit=limit))
        owed = self._mine(owed)[:MAX_RECOVERIES_PER_CYCLE]
        groups: dict[tuple[str, str, str], list[Alert]] = {}
        for alert in owed:
            if not alert.slack_ts:
                continue
            note = (alert.payload or {}).get("recovery") or {}
            thread = alert.thread_ts or alert.slack_ts
            groups.setdefault((alert.channel_id, thread, str(note.get("line"))), []).append(alert)
        done = 0
        stopped: set[str] = set()
        for (channel, thread, _), group in groups.items():
            if channel in stopped:
                continue
            try:
                ts = self._post_recovery(channel, thread, group)
            except SlackFailure as exc:
                if exc.transient:
                    stopped.add(channel)
                    continue
                logger.warning("watcher: recovery in %s not posted for good: %s", channel, exc)
                ts = RECOVERY_GIVEN_UP
            with self.db.session() as session:
                for alert in group:
                    alerts.mark_recovery_posted(session, alert.alert_key, ts)
            done += len(group)
            if ts != RECOVERY_GIVEN_UP:
                ALERTS.labels(kind="recovered").inc()
        return done

    def _post_recovery(self, channel: str, thread: str, group: list[Alert]) -> str:
        note: dict = {}
        for alert in group:
            payload = alert.payload or {}
            note = payload.get("recovery") or {}
            # A digested alert whose detail reply never went out has only the digest's
            # ts: that message is not this alert's own, so it is left as it is.
            if alert.slack_ts == alert.thread_ts:
                continue
            original = SlackMessage.from_payload(payload)
            try:
                self.notifier.update(
                    channel, alert.slack_ts, render_recovered_original(original, note)
                )
            except SlackFailure as exc:
                if exc.transient:
                    raise
                logger.warning("watcher: could not mark %s recovered: %s", alert.alert_key, exc)
        return self.notifier.reply(channel, thread, render_recovered_reply(note))
