"""What the watcher has to say, as typed data: the events it hands to a sink.

The watcher decides *what* to tell and *when*; a sink (Slack's, in ``accbot.slack.sink``;
a terminal's) decides how it reads. Nothing here is markup. An alert's facts are kept in
its record as JSON (``AlertFacts.payload``) and read back from it (``AlertFacts.of``), so
the message posted after a crash or an outage says exactly what it would have said.

Events with a ``key`` (alerts, digests and each reply of a digest) must carry that key
so that a sink can find them again (``Sink.find_posted``): that is how a record left
pending by a crash is never posted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from accbot.watcher.quality import QualityFinding
from accbot.watcher.server_health import ServerFacts
from accbot.watching.codec import UnreadableRecord, decode_observation, encode_observation
from accbot.watching.observation import OVERDUE, LogExcerpt, Observation

if TYPE_CHECKING:
    from accbot.store.models import Alert


@dataclass(frozen=True)
class AlertFacts:
    """What one alert says: the run as observed, and what the watch adds to it."""

    kind: str  # "acc", "sas"
    agent_id: str
    agent_ref: str  # as the watch names the agent: a path or ``sas:<agentId>``
    run_id: str
    status: str  # the run's status, or "Overdue"
    is_failure: bool
    portal_url: str = ""
    # The run as observed; None for a server alert, or a record written before alerts
    # were kept as data.
    observation: Observation | None = None
    # A successful run whose data a --empty / --drop watch finds wanting.
    quality: QualityFinding | None = None
    # An SE server in trouble (``/acc watch server:<name>``): no run at all.
    server: ServerFacts | None = None
    # The record's key (what "Acknowledge" names); empty for facts not read from a record.
    key: str = ""
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    @property
    def calls_for_action(self) -> bool:
        """A failure, an overdue run, data found wanting or a server in trouble: worth an
        escalation. A run that merely ended (``--all``) is news, not a problem."""
        return (
            self.is_failure or self.overdue or self.quality is not None or self.server is not None
        )

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def stream(self) -> str:
        return self.observation.stream if self.observation is not None else "run"

    @property
    def log_ref(self) -> str | None:
        """Where the failure's log comes from; None when there is no failure to explain."""
        if not self.is_failure or self.observation is None:
            return None
        return self.observation.log_ref

    def payload(self) -> dict[str, Any]:
        """The record's payload: plain JSON data."""
        data: dict[str, Any] = {
            "stream": "server" if self.server else self.stream,
            "portal_url": self.portal_url,
            "observation": encode_observation(self.observation) if self.observation else None,
        }
        if self.quality is not None:
            data["quality"] = self.quality.payload()
        if self.server is not None:
            data["server"] = self.server.payload()
        return data

    @classmethod
    def of(cls, alert: Alert) -> AlertFacts:
        payload = alert.payload or {}
        observation = None
        if payload.get("observation"):
            try:
                observation = decode_observation(payload["observation"])
            except (UnreadableRecord, TypeError, ValueError, KeyError):
                observation = None  # shown from the record's own columns instead
        return cls(
            kind=alert.kind,
            agent_id=alert.agent_id,
            agent_ref=alert.agent_ref,
            run_id=alert.run_id,
            status=alert.status,
            is_failure=alert.is_failure,
            portal_url=str(payload.get("portal_url") or ""),
            observation=observation,
            quality=_read(QualityFinding.of, payload.get("quality")),
            server=_read(ServerFacts.of, payload.get("server")),
            key=alert.alert_key,
            acknowledged_by=alert.acknowledged_by,
            acknowledged_at=alert.acknowledged_at,
        )


def _read(read: Any, data: Any) -> Any:
    """A stored part of the payload, or None when it is absent or unreadable."""
    if not isinstance(data, dict):
        return None
    try:
        return read(data)
    except (TypeError, ValueError, KeyError):
        return None


@dataclass(frozen=True)
class RecoveryNote:
    """The success that recovered a failure, as the "recovered" reply names it."""

    what: str  # "run", "job run"
    run: str  # the run's id as people know it
    status: str
    at: datetime | None

    def payload(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "run": self.run,
            "status": self.status,
            "at": self.at.isoformat() if self.at else None,
        }

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> RecoveryNote | None:
        if not data or "run" not in data:
            return None
        at = data.get("at")
        return cls(
            what=str(data.get("what") or "run"),
            run=str(data["run"]),
            status=str(data.get("status") or ""),
            at=datetime.fromisoformat(at) if at else None,
        )


def display_id(observation: Observation) -> str:
    """A run's id as people know it (a job run's without the watcher's ``job:`` prefix)."""
    log_ref = observation.log_ref
    return log_ref if log_ref and observation.run_id.endswith(log_ref) else observation.run_id


def recovery_note(success: Observation) -> RecoveryNote:
    return RecoveryNote(
        what="job run" if success.stream == "job" else "run",
        run=display_id(success),
        status=success.status,
        at=success.ended or success.started,
    )


# ----------------------------------------------------------------------------- events


@dataclass(frozen=True)
class AlertPost:
    """One alert, posted on its own."""

    key: str
    channel: str
    alert: AlertFacts


@dataclass(frozen=True)
class DigestPost:
    """A storm in one channel: one post counting its alerts; replies list them."""

    key: str
    channel: str
    alerts: tuple[AlertFacts, ...]
    pages: int  # how many replies will list the runs
    down_seconds: float | None = None  # what the first cycle after downtime found


@dataclass(frozen=True)
class DigestPage:
    """One reply in a digest's thread: up to a page of its runs, each with its actions."""

    key: str
    channel: str
    thread: str  # the digest's message id
    number: int
    pages: int
    first: int  # the position of its first run in the digest, from 1
    alerts: tuple[AlertFacts, ...]


@dataclass(frozen=True)
class LogExcerptPost:
    """A failed run's log lines, in its alert's thread."""

    channel: str
    thread: str
    log_ref: str
    excerpt: LogExcerpt | None
    unavailable: str | None = None  # why the log could not be read, when it could not


@dataclass(frozen=True)
class RecoveryPost:
    """A success after failures: the failures' own messages marked, one reply in the thread."""

    channel: str
    thread: str
    note: RecoveryNote | None  # None: a record from before notes were kept as data
    # (message id, what it said) of each recovered alert that has a message of its own
    originals: tuple[tuple[str, AlertFacts], ...] = ()


@dataclass(frozen=True)
class OutageNotice:
    """A backend stopped answering, or answers again: said once to each alert channel."""

    channel: str
    backend: str  # "ACC", "SAS"
    reachable: bool
    since: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class LagNotice:
    """The watcher itself: no cycle has ended for a while (``behind``), or one has again
    after that. Said once to ACCBOT_ALERT_CHANNEL each time."""

    channel: str
    behind: bool
    lag_seconds: float  # how long no cycle had ended when this was noticed


@dataclass(frozen=True)
class EscalationPost:
    """Alerts nobody acknowledged in time: one reply in their thread mentioning ``mention``
    (a U… user or S… user group, as the watch stored it). Keyed like an alert, so a
    crash between recording and posting it never posts it twice."""

    key: str
    channel: str
    thread: str
    mention: str
    after: timedelta  # how long they went unacknowledged
    alerts: tuple[AlertFacts, ...]


Notice = OutageNotice | LagNotice
Event = (
    AlertPost
    | DigestPost
    | DigestPage
    | LogExcerptPost
    | RecoveryPost
    | OutageNotice
    | LagNotice
    | EscalationPost
)
KeyedEvent = AlertPost | DigestPost | DigestPage | EscalationPost
