"""Change detection: what is new in an agent's history since the cursor, and what to say.

Pure functions over values: the cursor's seen keys, one poll's observations and the
channels watching the agent go in; alert and recovery events come out, in the order
they happened, with the keys to add to the cursor. Nothing here touches the network or
the database, so every rule is tested on plain lists.

The cursor remembers each run it has seen (``"<runId>:"``), each end state it has seen a
run in (``"<runId>:<status>"``) and each overdue warning (``"<runId>:Overdue"``). The rules:

* a run in an end state not seen before for it is news: a failure (or, for a ``--all``
  watch, any end state) is an alert for each watching channel, unless the agent is muted;
* a new success recovers the failures alerted before it (same stream, same channel);
* a run still active past its expected end is an "Overdue" alert, once per run;
* nothing older than the watch is alerted: a first poll (no cursor yet) only records what
  exists, and a run never seen before that started before the watch began is recorded
  without a word (it lay beyond the history the watch started from).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from accbot.store.alerts import alert_key
from accbot.watcher.quality import QualityRule
from accbot.watching.keys import OVERDUE, observed_keys, run_marker
from accbot.watching.observation import Observation

UNKNOWN_STATUS_RUN = "unknown-status"  # stands for the run in an unknown status's alert key


@dataclass(frozen=True)
class Subscriber:
    """One channel watching the agent."""

    channel_id: str
    agent_ref: str  # as the watch names it: a path or ``sas:<id>``
    all_states: bool = False
    quality: QualityRule = QualityRule()  # --empty, --drop


@dataclass(frozen=True)
class AlertEvent:
    observation: Observation
    subscriber: Subscriber
    status: str  # the observation's status, or OVERDUE
    is_failure: bool

    @property
    def channel_id(self) -> str:
        return self.subscriber.channel_id

    @property
    def key(self) -> str:
        return channel_alert_key(self.observation, self.status, self.channel_id)


@dataclass(frozen=True)
class RecoveryEvent:
    observation: Observation  # the success
    subscriber: Subscriber

    @property
    def channel_id(self) -> str:
        return self.subscriber.channel_id


Event = AlertEvent | RecoveryEvent


@dataclass(frozen=True)
class Detection:
    events: tuple[Event, ...]  # oldest first
    seen: tuple[str, ...]  # keys to add to the cursor, newest first
    newest_start: datetime | None

    @property
    def alerts(self) -> list[AlertEvent]:
        return [e for e in self.events if isinstance(e, AlertEvent)]

    @property
    def recoveries(self) -> list[RecoveryEvent]:
        return [e for e in self.events if isinstance(e, RecoveryEvent)]


def channel_alert_key(observation: Observation, status: str, channel_id: str) -> str:
    """One alert per (agent, run, status) in each watching channel, ever; an unknown
    status only once per (agent, status), whichever run shows it."""
    run_id = UNKNOWN_STATUS_RUN if observation.is_unknown else observation.run_id
    base = alert_key(observation.kind, observation.agent_id, run_id, status)
    return f"{base}@{channel_id}"


def detect(
    observations: Sequence[Observation],
    seen: frozenset[str] | set[str],
    subscribers: Iterable[Subscriber],
    *,
    now: datetime,
    muted: frozenset[str] = frozenset(),
    baseline: bool = False,
    watched_since: datetime | None = None,
) -> Detection:
    """Events for ``observations`` (newest first, as histories come) against ``seen``.

    ``muted`` holds lower-cased agent references whose alerts are held back; a muted
    agent's history is still recorded as seen, and its recoveries still happen.
    ``baseline`` records everything without any event (a new watch); so does
    ``watched_since`` for runs first seen now that started before that moment.
    """
    subscribers = tuple(subscribers)
    events: list[Event] = []
    added: list[str] = []
    known = set(seen)
    for observation in reversed(observations):  # oldest first: a failure before its recovery
        quiet = baseline or predates(observation, known, watched_since)
        for key, event_status in _new_keys(observation, known, now):
            known.add(key)
            added.append(key)
            if event_status is not None and not quiet:
                events.extend(_events(observation, event_status, subscribers, muted))
    starts = [o.started for o in observations if o.started is not None]
    return Detection(
        events=tuple(events),
        seen=tuple(reversed(added)),
        newest_start=max(starts) if starts else None,
    )


def predates(observation: Observation, known: set[str], watched_since: datetime | None) -> bool:
    if watched_since is None or run_marker(observation) in known:
        return False
    return observation.started is not None and observation.started < watched_since


def _new_keys(
    observation: Observation, known: set[str], now: datetime
) -> list[tuple[str, str | None]]:
    """Keys not seen before, each with the status it is news about (None: just a marker)."""
    return [(key, status) for key, status in observed_keys(observation, now) if key not in known]


def _events(
    observation: Observation,
    status: str,
    subscribers: tuple[Subscriber, ...],
    muted: frozenset[str],
) -> list[Event]:
    events: list[Event] = []
    for subscriber in subscribers:
        if _alerts(observation, status, subscriber) and subscriber.agent_ref.lower() not in muted:
            is_failure = status != OVERDUE and observation.is_failure
            events.append(AlertEvent(observation, subscriber, status, is_failure))
    if status != OVERDUE and observation.is_success:
        events.extend(RecoveryEvent(observation, s) for s in subscribers)
    return events


def _alerts(observation: Observation, status: str, subscriber: Subscriber) -> bool:
    if status == OVERDUE or observation.is_unknown:
        return True
    return observation.is_failure or subscriber.all_states


def overlaps(observations: Sequence[Observation], seen: frozenset[str] | set[str]) -> bool:
    """Whether a history page reaches back to a run seen before (in any status).

    A page of nothing but runs never seen may hide more new runs beyond it.
    """
    return any(run_marker(o) in seen for o in observations)
