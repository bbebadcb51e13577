"""Posting what was recorded: per channel, paced, most urgent first, exactly once.

The cycle records alerts and hands their keys to ``Publisher.submit``; it never waits on
a post. The publisher keeps one queue per channel and a token bucket per channel at the
sink's pace (Slack: about one post a second, short bursts allowed), so a storm in one
channel drains at that channel's pace while every other channel's alert goes out at
once. A channel told to slow down (``RateLimited``) waits the time it was told, alone.
In each channel, alerts (and digests' top-level posts, and outage notices) go first,
then the replies that list a digest's runs, then log excerpts, then "recovered" replies.

Exactly once: every alert and every digest message is recorded before it is posted and
marked posted with its message id right after. A record this process did not make (a
crash, a restart) or whose post failed without a clear answer is first looked for by
key among the sink's messages (the channel's, or the digest's thread for a digest
reply), and posted only if it is not there. More than DIGEST_THRESHOLD alerts waiting
for one channel go out as a digest: one top-level post counting them, and replies of
DIGEST_PAGE_SIZE runs each, every one recorded as a digest message of its own.

A post that fails for a reason that may pass (Slack down) stops that channel until the
next cycle, leaving its records pending; one that Slack refuses for good is counted,
and given up after MAX_PERMANENT_ATTEMPTS.

``start()`` runs the queues in background threads (the bot); without it ``submit``
drains them in the caller's thread before returning (tests, ``accbot watcher --once``).
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from accbot.acc.errors import BackendError
from accbot.metrics import ALERTS
from accbot.store import alerts, digests
from accbot.store.models import Alert, DigestMessage
from accbot.watcher.events import (
    AlertFacts,
    AlertPost,
    DigestPage,
    DigestPost,
    LogExcerptPost,
    Notice,
    RecoveryNote,
    RecoveryPost,
)
from accbot.watcher.sink import Pace, RateLimited, Sink, SinkError
from accbot.watching.registry import watch_kind

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")

DIGEST_THRESHOLD = 5  # more alerts than this waiting for one channel: one digest
DIGEST_PAGE_SIZE = 20  # runs per reply in a digest's thread
DIGEST_MAX_ITEMS = 1000  # alerts per digest
MAX_PENDING_PER_LOAD = 5000
MAX_RECOVERIES_PER_LOAD = 500
MAX_PERMANENT_ATTEMPTS = 20
RECOVERY_GIVEN_UP = "-"  # recovery_ts of a reply the sink refuses for good
WORKERS = 4  # channels posted to at once in the background

# Order within a channel's queue.
URGENT = 0  # alerts, digests' top-level posts, outage notices
DETAIL = 1  # the replies listing a digest's runs
EXCERPT = 2  # log excerpts
RECOVERY = 3  # "recovered" replies


@dataclass
class Published:
    """What one ``submit`` drained (empty when the queues run in the background)."""

    posted: list[str] = field(default_factory=list)  # alert keys posted now
    found: list[str] = field(default_factory=list)  # found already posted
    digests: int = 0
    details: int = 0  # digest replies posted
    failed: list[str] = field(default_factory=list)  # still pending
    recoveries: int = 0
    notices: int = 0


def alert_kind(alert: AlertFacts) -> str:
    """The metrics label of an alert."""
    if alert.is_failure:
        return "failure"
    return "overdue" if alert.overdue else "end_state"


class TokenBucket:
    """``pace.burst`` posts at once, refilled at ``pace.per_second``; no pace: no wait."""

    def __init__(self, pace: Pace | None, now: float) -> None:
        self.pace = pace
        self.tokens = float(pace.burst) if pace else 0.0
        self.updated = now

    def ready_at(self, now: float) -> float:
        if self.pace is None:
            return now
        self._refill(now)
        if self.tokens >= 1:
            return now
        return now + (1 - self.tokens) / self.pace.per_second

    def take(self, now: float) -> None:
        if self.pace is not None:
            self._refill(now)
            self.tokens -= 1

    def _refill(self, now: float) -> None:
        assert self.pace is not None
        self.tokens = min(
            float(self.pace.burst), self.tokens + (now - self.updated) * self.pace.per_second
        )
        self.updated = now


@dataclass(order=True)
class _Item:
    priority: int
    seq: int
    keys: tuple[str, ...] = field(compare=False)  # the records it stands for
    send: Callable[[], None] = field(compare=False)  # posts and marks; raises SinkError
    failed: Callable[[SinkError], None] = field(compare=False)  # not posted (for now)


class _Channel:
    def __init__(self, pace: Pace | None, now: float) -> None:
        self.items: list[_Item] = []
        self.bucket = TokenBucket(pace, now)
        self.busy = False
        self.not_before = 0.0  # a rate limit's end
        self.stalled = False  # a failure: nothing more until the next load

    def ready_at(self, now: float) -> float | None:
        if self.busy or self.stalled or not self.items:
            return None
        return max(self.not_before, self.bucket.ready_at(now))


@dataclass(frozen=True)
class _Pending:
    """An alert record as the publisher needs it, read in one session."""

    key: str
    channel: str
    created_at: datetime
    attempts: int
    facts: AlertFacts
    recovered: bool  # already recovered: its "recovered" reply is owed once it is posted

    @classmethod
    def of(cls, alert: Alert) -> _Pending:
        facts = AlertFacts.of(alert)
        recovered = alert.recovered_at is not None
        return cls(
            alert.alert_key, alert.channel_id, alert.created_at, alert.attempts, facts, recovered
        )


@dataclass(frozen=True)
class _Message:
    key: str
    digest_key: str
    channel: str
    part: int
    parts: int
    alert_keys: tuple[str, ...]
    state: str
    ts: str | None
    attempts: int
    created_at: datetime
    down_seconds: float | None = None  # a digest of what was found after downtime

    @classmethod
    def of(cls, row: DigestMessage) -> _Message:
        return cls(
            row.key,
            row.digest_key,
            row.channel_id,
            row.part,
            row.parts,
            tuple(row.alert_keys or ()),
            row.state,
            row.slack_ts,
            row.attempts,
            row.created_at,
            row.down_seconds,
        )


class _Lookups:
    """The sink's posted keys, asked once per channel (or thread) per load."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self._found: dict[tuple[str, str | None], dict[str, str] | SinkError] = {}

    def find(
        self, channel: str, since: datetime, thread: str | None = None
    ) -> dict[str, str] | SinkError:
        """Found keys, or the error that kept the sink from saying."""
        place = (channel, thread)
        if place not in self._found:
            try:
                self._found[place] = self.sink.find_posted(channel, since=since, thread=thread)
            except SinkError as exc:
                self._found[place] = exc
        return self._found[place]


class Publisher:
    def __init__(self, services: Services, sink: Sink, *, workers: int = WORKERS) -> None:
        self.services = services
        self.db = services.db
        self.sink = sink
        self.workers = workers
        # With several replicas, each posts only the alerts of the agents it polls (shards):
        # another replica's pending alert may be on its way to Slack right now.
        self.owns: Callable[[str, str], bool] | None = None
        self._cond = threading.Condition()
        self._channels: dict[str, _Channel] = {}
        self._queued: set[str] = set()
        self._fresh: set[str] = set()  # records this process made and knows unposted
        # Alert keys the first cycle after downtime found -> how long accbot was down:
        # summed up in one digest per channel (see selfwatch.py).
        self._downtime: dict[str, float] = {}
        self._load_wanted = False
        self._seq = itertools.count()
        self._result = Published()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._stopping = False

    # ------------------------------------------------------------------ control

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Post in the background from now on."""
        if self._thread is not None:
            return
        self._stopping = False
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="accbot-post")
        self._thread = threading.Thread(target=self._run, name="accbot-publisher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, pool = self._thread, self._pool
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout=30)
        if pool is not None:
            pool.shutdown(wait=True)
        self._thread = self._pool = None

    def submit(self, fresh: Iterable[str] = (), *, down_seconds: float | None = None) -> Published:
        """Post what is pending; ``fresh`` are alert keys this process just recorded.

        With ``down_seconds`` (the first cycle after accbot was down that long), the fresh
        alerts of each channel go out as one "while accbot was down" digest.

        In the background this returns at once; otherwise it posts everything it can
        first, keeping the pace, and says what it did.
        """
        fresh = list(fresh)
        with self._cond:
            self._fresh.update(fresh)
            if down_seconds is not None:
                self._downtime.update(dict.fromkeys(fresh, down_seconds))
            self._load_wanted = True
            self._cond.notify_all()
        if self.running:
            return Published()
        return self.drain()

    def announce(self, notice: Notice, *, undo: Callable[[], None]) -> None:
        """Queue a one-time notice; ``undo`` runs if it could not be posted."""

        def send() -> None:
            self.sink.post(notice)
            self._result.notices += 1
            ALERTS.labels(kind="notice").inc()

        def failed(exc: SinkError) -> None:
            logger.warning("watcher: notice for %s not posted: %s", notice.channel, exc)
            undo()

        self._enqueue(notice.channel, URGENT, (), send, failed)

    def send_keyed(
        self,
        channel: str,
        key: str,
        send: Callable[[], None],
        failed: Callable[[SinkError], None],
    ) -> None:
        """Queue one keyed post of the watcher's other jobs (an escalation), urgent, at
        the channel's pace like every other post; without the background queues it goes
        out before this returns. ``failed`` runs if it could not be posted."""
        self._enqueue(channel, URGENT, (key,), send, failed)
        if not self.running:
            self.drain()

    def is_queued(self, key: str) -> bool:
        """Whether a post of ``key`` is waiting or on its way (not to be looked for yet)."""
        with self._cond:
            return key in self._queued

    def _want_load(self) -> None:
        with self._cond:
            self._load_wanted = True
            self._cond.notify_all()

    def queued(self) -> int:
        with self._cond:
            return sum(len(c.items) for c in self._channels.values())

    # ------------------------------------------------------------------ running

    def drain(self) -> Published:
        """Post in this thread until nothing can go out before the next load."""
        self._result = Published()
        while True:
            if self._take_load():
                self._load()
            with self._cond:
                now = time.monotonic()
                ready = [
                    (at, name)
                    for name, channel in self._channels.items()
                    if (at := channel.ready_at(now)) is not None
                ]
            if not ready:
                if self._load_wanted:
                    continue
                break
            at, name = min(ready)
            if at > now:
                time.sleep(at - now)
                continue
            item = self._take(name)
            if item is not None:
                self._post(name, item)
        result, self._result = self._result, Published()
        return result

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
            if self._take_load():
                try:
                    self._load()
                except Exception:  # the next submit loads again; the thread must live
                    logger.exception("watcher: loading pending alerts failed")
            with self._cond:
                if self._stopping:
                    return
                now = time.monotonic()
                soonest: float | None = None
                for name, channel in self._channels.items():
                    at = channel.ready_at(now)
                    if at is None:
                        continue
                    if at <= now:
                        item = self._take_locked(name, channel, now)
                        assert self._pool is not None
                        self._pool.submit(self._post, name, item)
                    elif soonest is None or at < soonest:
                        soonest = at
                if not self._load_wanted:
                    self._cond.wait(None if soonest is None else max(0.0, soonest - now))

    def _take_load(self) -> bool:
        with self._cond:
            wanted, self._load_wanted = self._load_wanted, False
            if wanted:
                for channel in self._channels.values():
                    channel.stalled = False
            return wanted

    def _take(self, name: str) -> _Item | None:
        with self._cond:
            channel = self._channels.get(name)
            if channel is None or not channel.items:
                return None
            return self._take_locked(name, channel, time.monotonic())

    def _take_locked(self, name: str, channel: _Channel, now: float) -> _Item:
        item = heapq.heappop(channel.items)
        channel.bucket.take(now)
        channel.busy = True
        return item

    def _post(self, name: str, item: _Item) -> None:
        """Send one item; a rate limit puts it back, a failure stalls the channel."""
        dropped: list[_Item] = []
        error: SinkError | None = None
        try:
            item.send()
            done = [item]
        except RateLimited as exc:
            logger.info("watcher: %s rate limited for %.1fs", name, exc.retry_after)
            done = []
            with self._cond:
                channel = self._channels[name]
                heapq.heappush(channel.items, item)
                channel.not_before = time.monotonic() + max(exc.retry_after, 0.0)
        except SinkError as exc:
            error = exc
            done = [item]
            if exc.transient:  # the rest of the channel waits for the next cycle
                with self._cond:
                    channel = self._channels[name]
                    dropped, channel.items = channel.items, []
                    channel.stalled = True
        except Exception as exc:  # one bad item must not stop the channel
            logger.exception("watcher: posting to %s failed", name)
            error = SinkError(f"{type(exc).__name__}: {exc}", transient=False)
            done = [item]
        if error is not None:
            for failed in [item, *dropped]:
                try:
                    failed.failed(error)
                except Exception:
                    logger.exception("watcher: recording a failed post to %s failed", name)
            done.extend(dropped)
        with self._cond:
            for finished in done:
                self._queued.difference_update(finished.keys)
            self._channels[name].busy = False
            self._cond.notify_all()

    def _enqueue(
        self,
        channel: str,
        priority: int,
        keys: tuple[str, ...],
        send: Callable[[], None],
        failed: Callable[[SinkError], None],
    ) -> None:
        with self._cond:
            state = self._channels.get(channel)
            if state is None:
                state = self._channels[channel] = _Channel(self.sink.pace, time.monotonic())
            heapq.heappush(state.items, _Item(priority, next(self._seq), keys, send, failed))
            self._queued.update(keys)
            self._cond.notify_all()

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        """Queue every pending record not queued yet, after looking for lost ones."""
        with self._cond:
            queued = set(self._queued)
        owns = self.owns
        with self.db.session() as session:
            limit = None if owns else MAX_PENDING_PER_LOAD
            # Not the runs of digests: while a storm's thread drains, every load would read
            # them all again, and with a limit they would crowd out new alerts.
            pending = [
                _Pending.of(a)
                for a in self._mine(alerts.pending_alerts(session, limit=limit, undigested=True))
                if a.alert_key not in queued
            ][:MAX_PENDING_PER_LOAD]
            digest_keys = {
                m.digest_key for m in digests.pending_messages(session) if m.key not in queued
            }
            messages = {
                key: [_Message.of(m) for m in digests.messages_of(session, key)]
                for key in sorted(digest_keys)
                if self._mine(digests.alerts_of(session, digests.first_alert_key(session, key)))
            }
            limit = None if owns else MAX_RECOVERIES_PER_LOAD
            owed = [
                a
                for a in self._mine(alerts.owed_recoveries(session, limit=limit))
                if a.alert_key not in queued
            ][:MAX_RECOVERIES_PER_LOAD]
            recoveries = self._recovery_groups(owed)
        lookups = _Lookups(self.sink)
        for parts in messages.values():
            self._load_digest(parts, queued, lookups)
        by_channel: dict[str, list[_Pending]] = {}
        for record in pending:
            by_channel.setdefault(record.channel, []).append(record)
        for channel, records in by_channel.items():
            self._load_alerts(channel, records, lookups)
        for (channel, thread), groups in recoveries.items():
            for note, group in groups:
                self._queue_recovery(channel, thread, note, group)

    def _mine(self, records: Iterable[Alert]) -> list[Alert]:
        owns = self.owns
        return [a for a in records if owns is None or owns(a.kind, a.agent_id)]

    def _load_alerts(self, channel: str, records: list[_Pending], lookups: _Lookups) -> None:
        with self._cond:
            suspects = [r for r in records if r.key not in self._fresh]
        remaining = [r for r in records if r not in suspects]
        if suspects:
            found = lookups.find(channel, min(r.created_at for r in suspects))
            if isinstance(found, SinkError) and found.transient:
                logger.warning("watcher: %s's messages unavailable (%s)", channel, found)
                self._result.failed.extend(r.key for r in suspects)
            elif isinstance(found, SinkError):
                # Without reading the channel (a missing scope) a crash could double an
                # alert; staying silent for ever would be worse.
                logger.warning("watcher: cannot read %s (%s); posting anyway", channel, found)
                remaining = list(records)
            else:
                for record in suspects:
                    if record.key in found:
                        self._mark_posted(record, found[record.key])
                        self._result.found.append(record.key)
                    else:
                        remaining.append(record)
        order = {r.key: i for i, r in enumerate(records)}  # as recorded
        remaining.sort(key=lambda r: order[r.key])
        with self._cond:
            down = {r.key: self._downtime.pop(r.key) for r in remaining if r.key in self._downtime}
        if down:
            found = [r for r in remaining if r.key in down]
            remaining = [r for r in remaining if r.key not in down]
            for start in range(0, len(found), DIGEST_MAX_ITEMS):
                part = found[start : start + DIGEST_MAX_ITEMS]
                self._new_digest(channel, part, down_seconds=max(down.values()))
        if len(remaining) > DIGEST_THRESHOLD:
            for start in range(0, len(remaining), DIGEST_MAX_ITEMS):
                self._new_digest(channel, remaining[start : start + DIGEST_MAX_ITEMS])
        else:
            for record in remaining:
                self._queue_alert(record)

    def _load_digest(self, parts: list[_Message], queued: set[str], lookups: _Lookups) -> None:
        head, pages = parts[0], parts[1:]
        with self.db.session() as session:
            rows = digests.alerts_of(session, head.alert_keys)
            facts = {a.alert_key: AlertFacts.of(a) for a in rows}
            recovered = any(a.recovered_at is not None for a in rows)
        if head.state == "pending":
            if head.key in queued:
                return
            known, ts = self._look_up(head, lookups, thread=None)
            if not known:
                return  # the sink could not say: the next load asks again
            if ts is None:
                self._queue_digest(head, pages, facts, recovered=recovered)
                return
            self._mark_message(head, ts)
            self._result.found.extend(head.alert_keys)
            head = dataclasses.replace(head, state="posted", ts=ts)
        if head.state != "posted" or head.ts is None:
            return
        for page in pages:
            if page.state != "pending" or page.key in queued:
                continue
            known, ts = self._look_up(page, lookups, thread=head.ts)
            if known and ts is None:
                self._queue_page(page, head.ts, facts)
            elif ts is not None:
                self._mark_message(page, ts)

    def _look_up(
        self, message: _Message, lookups: _Lookups, *, thread: str | None
    ) -> tuple[bool, str | None]:
        """(whether it is known, the message's id if the sink has it). A message this
        process recorded and never tried is known not to be there."""
        with self._cond:
            if message.key in self._fresh:
                return True, None
        found = lookups.find(message.channel, message.created_at, thread)
        if isinstance(found, SinkError):
            if found.transient:
                logger.warning("watcher: %s's messages unavailable (%s)", message.channel, found)
                return False, None
            logger.warning("watcher: cannot read %s (%s); posting anyway", message.channel, found)
            return True, None
        return True, found.get(message.key)

    # ------------------------------------------------------------------ alerts

    def _queue_alert(self, record: _Pending) -> None:
        def send() -> None:
            ts = self.sink.post(AlertPost(record.key, record.channel, record.facts))
            self._mark_posted(record, ts)
            self._result.posted.append(record.key)
            ALERTS.labels(kind=alert_kind(record.facts)).inc()
            log_ref = record.facts.log_ref
            if log_ref:
                self._queue_excerpt(record, ts, log_ref)
            if record.recovered:
                self._want_load()  # its recovery became owed just now

        def failed(exc: SinkError) -> None:
            self._attempt_failed(record, exc)
            self._result.failed.append(record.key)

        self._enqueue(record.channel, URGENT, (record.key,), send, failed)

    def _queue_excerpt(self, record: _Pending, thread: str, log_ref: str) -> None:
        def send() -> None:
            excerpt, reason = None, None
            try:
                stream = watch_kind(record.facts.kind).stream(record.facts.stream)
                excerpt = stream.log_excerpt(self.services, log_ref)
            except (BackendError, LookupError) as exc:
                reason = str(exc)
            self.sink.post(LogExcerptPost(record.channel, thread, log_ref, excerpt, reason))

        def failed(exc: SinkError) -> None:
            logger.warning("watcher: log excerpt for %s not posted: %s", record.key, exc)

        self._enqueue(record.channel, EXCERPT, (), send, failed)

    def _mark_posted(self, record: _Pending, ts: str) -> None:
        with self.db.session() as session:
            alerts.mark_posted(session, record.key, record.channel, ts)
        with self._cond:
            self._fresh.discard(record.key)

    def _attempt_failed(self, record: _Pending, exc: SinkError) -> None:
        final = not exc.transient and record.attempts + 1 >= MAX_PERMANENT_ATTEMPTS
        with self.db.session() as session:
            alerts.record_attempt_failure(session, record.key, str(exc), final=final)
        with self._cond:
            self._fresh.discard(record.key)  # posted or not? looked for before trying again
        log = logger.error if final else logger.warning
        log("watcher: alert %s not posted (%s)%s", record.key, exc, "; given up" if final else "")

    # ------------------------------------------------------------------ digests

    def _new_digest(
        self, channel: str, records: list[_Pending], *, down_seconds: float | None = None
    ) -> None:
        with self.db.session() as session:  # recorded first: a crash now is found by key
            rows = digests.create_digest(
                session,
                channel,
                [r.key for r in records],
                page_size=DIGEST_PAGE_SIZE,
                now=self.services.clock(),
                down_seconds=down_seconds,
            )
            parts = [_Message.of(row) for row in rows]
        with self._cond:
            self._fresh.update(p.key for p in parts)
        facts = {r.key: r.facts for r in records}
        recovered = any(r.recovered for r in records)
        self._queue_digest(parts[0], parts[1:], facts, recovered=recovered)

    def _queue_digest(
        self,
        head: _Message,
        pages: list[_Message],
        facts: dict[str, AlertFacts],
        *,
        recovered: bool = False,
    ) -> None:
        listed = tuple(facts[k] for k in head.alert_keys if k in facts)

        def send() -> None:
            event = DigestPost(head.key, head.channel, listed, head.parts, head.down_seconds)
            ts = self.sink.post(event)
            self._mark_message(head, ts)
            self._result.posted.extend(head.alert_keys)
            self._result.digests += 1
            ALERTS.labels(kind="digest").inc()
            for page in pages:
                self._queue_page(page, ts, facts)
            if recovered:
                self._want_load()  # recoveries of its alerts became owed just now

        def failed(exc: SinkError) -> None:
            self._message_failed(head, exc)
            self._result.failed.extend(head.alert_keys)

        self._enqueue(head.channel, URGENT, (head.key,), send, failed)

    def _queue_page(self, page: _Message, thread: str, facts: dict[str, AlertFacts]) -> None:
        listed = tuple(facts[k] for k in page.alert_keys if k in facts)

        def send() -> None:
            first = (page.part - 1) * DIGEST_PAGE_SIZE + 1
            event = DigestPage(page.key, page.channel, thread, page.part, page.parts, first, listed)
            ts = self.sink.post(event)
            self._mark_message(page, ts)
            self._result.details += 1

        def failed(exc: SinkError) -> None:
            self._message_failed(page, exc)

        self._enqueue(page.channel, DETAIL, (page.key,), send, failed)

    def _mark_message(self, message: _Message, ts: str) -> None:
        with self.db.session() as session:
            digests.mark_posted(session, message.key, ts)
        with self._cond:
            self._fresh.discard(message.key)

    def _message_failed(self, message: _Message, exc: SinkError) -> None:
        final = not exc.transient and message.attempts + 1 >= MAX_PERMANENT_ATTEMPTS
        with self.db.session() as session:
            digests.record_failure(session, message.key, str(exc), final=final)
        with self._cond:
            self._fresh.discard(message.key)
        logger.warning("watcher: digest message %s not posted: %s", message.key, exc)

    # ------------------------------------------------------------------ recoveries

    @staticmethod
    def _recovery_groups(
        owed: list[Alert],
    ) -> dict[tuple[str, str], list[tuple[RecoveryNote | None, list[tuple[Alert, AlertFacts]]]]]:
        """Failures recovered by the same success in one thread (a digest's) share a reply."""
        grouped: dict[tuple[str, str], dict[str, tuple[RecoveryNote | None, list]]] = {}
        for alert in owed:
            if not alert.slack_ts:
                continue
            data = (alert.payload or {}).get("recovery")
            note = RecoveryNote.of(data)
            thread = alert.thread_ts or alert.slack_ts
            by_note = grouped.setdefault((alert.channel_id, thread), {})
            entry = by_note.setdefault(repr(note) if note else repr(data), (note, []))
            entry[1].append((alert, AlertFacts.of(alert)))
        return {place: list(by_note.values()) for place, by_note in grouped.items()}

    def _queue_recovery(
        self,
        channel: str,
        thread: str,
        note: RecoveryNote | None,
        group: list[tuple[Alert, AlertFacts]],
    ) -> None:
        keys = tuple(alert.alert_key for alert, _ in group)
        # A digested alert has only the digest's id: that message is not its own to mark.
        originals = tuple(
            (str(alert.slack_ts), facts)
            for alert, facts in group
            if alert.slack_ts and alert.slack_ts != alert.thread_ts
        )

        def send() -> None:
            ts = self.sink.post(RecoveryPost(channel, thread, note, originals))
            self._recovery_done(keys, ts)
            ALERTS.labels(kind="recovered").inc()

        def failed(exc: SinkError) -> None:
            if exc.transient:
                return  # still owed: the next load queues it again
            logger.warning("watcher: recovery in %s not posted for good: %s", channel, exc)
            self._recovery_done(keys, RECOVERY_GIVEN_UP)

        self._enqueue(channel, RECOVERY, keys, send, failed)

    def _recovery_done(self, keys: tuple[str, ...], ts: str) -> None:
        with self.db.session() as session:
            for key in keys:
                alerts.mark_recovery_posted(session, key, ts)
        self._result.recoveries += len(keys)
