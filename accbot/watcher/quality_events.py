"""Data quality in the agent's transaction: remember each new success's data count, and
judge it for every watch that asks (``--empty``, ``--drop``).

Counts are recorded for every watched agent, whatever its watches ask, from the history
a watch starts with onwards, so a ``--drop`` added later has a median at once. A run is
judged once: when it is first seen succeeded, against the counts of the runs that started
before it. What detection keeps quiet (a new watch's history, runs older than the watch)
is recorded but never judged; a muted agent is not alerted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accbot.store import data_counts
from accbot.store.cursors import seen_key
from accbot.watcher.detect import Subscriber, channel_alert_key
from accbot.watcher.quality import MEDIAN_WINDOW, QualityFinding, judge
from accbot.watching.observation import Observation


@dataclass(frozen=True)
class QualityEvent:
    """A successful run whose data one channel's watch finds wanting."""

    observation: Observation
    subscriber: Subscriber
    finding: QualityFinding

    @property
    def channel_id(self) -> str:
        return self.subscriber.channel_id

    @property
    def key(self) -> str:
        """The same exactly-once key as a failure's, with the finding as the status."""
        return channel_alert_key(self.observation, self.finding.status, self.channel_id)


def quality_events(
    session: Session,
    observations: Sequence[Observation],
    seen: frozenset[str],
    subscribers: Iterable[Subscriber],
    *,
    quiet: Callable[[Observation], bool],
    muted: frozenset[str] = frozenset(),
) -> list[QualityEvent]:
    """Record the counts of runs newly seen succeeded (``observations`` newest first) and
    return what the watches alert on, oldest run first."""
    subscribers = tuple(s for s in subscribers if s.quality.active)
    events: list[QualityEvent] = []
    for observation in reversed(observations):
        count = observation.data_count  # only ACC agent runs report one
        started = observation.started
        if not observation.is_success or count is None or started is None:
            continue
        if seen_key(observation.run_id, observation.status) in seen:
            continue  # judged when it was first seen succeeded
        previous = data_counts.counts_before(
            session, observation.kind, observation.agent_id, started, limit=MEDIAN_WINDOW
        )
        data_counts.record_count(
            session, observation.kind, observation.agent_id, observation.run_id, started, count
        )
        if quiet(observation):
            continue
        for subscriber in subscribers:
            if subscriber.agent_ref.lower() in muted:
                continue
            finding = judge(count, previous, subscriber.quality)
            if finding is not None:
                events.append(QualityEvent(observation, subscriber, finding))
    return events
