"""Typed SAS Viya catalog payloads, parsed from the shapes in the SAS history document.

Raw dicts stop here: each ``from_json`` turns one documented JSON object (camelCase wire
names) into a frozen dataclass. Unknown extra fields are ignored, so a newer SAS release
that adds properties does not break parsing; a missing required field or a value of the
wrong type raises ``ValueError`` (the client turns that into ``InvalidResponse``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

# The only status the document shows; everything else is classified by keyword.
_SUCCESS_STATUSES = frozenset({"completed"})
_FAILURE_KEYWORDS = ("fail", "error", "cancel")
_IN_PROGRESS_STATUSES = frozenset({"running", "pending", "queued"})

# The sample's asset links carry the run's id in their search query ("q=runId:<id>+...").
_RUN_ID_IN_LINK = re.compile(r"runId:([0-9A-Za-z-]+)")


class SasRunState(Enum):
    """What a SAS agent run's free-text ``status`` means for alerting."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    IN_PROGRESS = "in progress"
    UNKNOWN = "unknown"

    @classmethod
    def classify(cls, status: str) -> SasRunState:
        return classify(status)

    @property
    def is_finished(self) -> bool:
        return self in (SasRunState.SUCCEEDED, SasRunState.FAILED)


def classify(status: str) -> SasRunState:
    """Map a SAS history ``status`` to a run state without guessing.

    Only ``completed`` is documented. Failure keywords are checked first so that a
    value such as ``completedWithErrors`` counts as a failure, not a success. Anything
    unrecognised is UNKNOWN: the caller reports it once as "unknown status …".
    """
    normalized = (status or "").strip().lower()
    if any(keyword in normalized for keyword in _FAILURE_KEYWORDS):
        return SasRunState.FAILED
    if normalized in _SUCCESS_STATUSES:
        return SasRunState.SUCCEEDED
    if normalized in _IN_PROGRESS_STATUSES:
        return SasRunState.IN_PROGRESS
    return SasRunState.UNKNOWN


def parse_timestamp(value: str | None) -> datetime | None:
    """Parse a SAS timestamp such as ``2021-09-17T18:51:02.78Z`` into an aware datetime."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be a string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp has no time zone: {value!r}")
    return parsed


def _require(data: Any, key: str) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    if key not in data or data[key] is None:
        raise ValueError(f"missing required field {key!r}")
    return data[key]


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"field {key!r} must be a number, got {value!r}")
    return int(value)


def _str_dict(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ValueError(f"field {key!r} must be an object")
    return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items()}


def _links(data: dict[str, Any]) -> tuple[Link, ...]:
    value = data.get("links") or []
    if not isinstance(value, list):
        raise ValueError("field 'links' must be a list")
    return tuple(Link.from_json(link) for link in value)


def _find_link(links: tuple[Link, ...], rel: str) -> Link | None:
    return next((link for link in links if link.rel == rel), None)


@dataclass(frozen=True)
class Link:
    """One entry of a SAS ``links`` array (a hypermedia link)."""

    method: str
    rel: str
    href: str
    uri: str | None = None
    type: str | None = None
    item_type: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Link:
        rel = str(_require(data, "rel"))
        href = str(_require(data, "href"))
        return cls(
            method=str(data.get("method") or "GET"),
            rel=rel,
            href=href,
            uri=data.get("uri"),
            type=data.get("type"),
            item_type=data.get("itemType"),
        )


@dataclass(frozen=True)
class BotHistoryItem:
    """One run of a catalog agent (``application/vnd.sas.metadata.bot.history``).

    ``id`` is the agent's id in the history document's sample (it equals the ``up``
    link's agent) but the run's own id in SAS's other catalog samples, so one run is
    identified by ``run_key`` rather than by ``id``. ``agent_id`` is the agent whose
    history held the item (the client knows it; the item does not say).
    """

    id: str
    status: str
    version: int | None = None
    created_by: str | None = None
    creation_time: datetime | None = None
    end_time: datetime | None = None
    n_enumerated: int | None = None
    n_excluded: int | None = None
    n_added: int | None = None
    n_updated: int | None = None
    n_removed: int | None = None
    average_run_time: int | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    job_parameters: dict[str, str] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    run_id: str | None = None
    agent_id: str | None = None

    @classmethod
    def from_json(cls, data: Any, *, agent_id: str | None = None) -> BotHistoryItem:
        item_id = str(_require(data, "id"))
        status = _require(data, "status")
        if not isinstance(status, str):
            raise ValueError(f"field 'status' must be a string, got {status!r}")
        run_id = data.get("runId")
        return cls(
            id=item_id,
            status=status,
            version=_optional_int(data, "version"),
            created_by=data.get("createdBy"),
            creation_time=parse_timestamp(data.get("creationTimeStamp")),
            end_time=parse_timestamp(data.get("endTimeStamp")),
            n_enumerated=_optional_int(data, "nEnumerated"),
            n_excluded=_optional_int(data, "nExcluded"),
            n_added=_optional_int(data, "nAdded"),
            n_updated=_optional_int(data, "nUpdated"),
            n_removed=_optional_int(data, "nRemoved"),
            average_run_time=_optional_int(data, "averageRunTime"),
            parameters=_str_dict(data, "parameters"),
            job_parameters=_str_dict(data, "jobParameters"),
            links=_links(data),
            run_id=str(run_id) if run_id is not None else None,
            agent_id=agent_id,
        )

    @property
    def state(self) -> SasRunState:
        return classify(self.status)

    @property
    def duration(self) -> timedelta | None:
        if self.creation_time is None or self.end_time is None:
            return None
        return self.end_time - self.creation_time

    @property
    def run_key(self) -> str:
        """A stable identity for this run, for de-duplicating alerts: never the agent's id.

        ``runId`` when present; else the run id named in the asset links; else ``id`` when
        it is not the agent's (``agent_id``); else the item's id with its creation time
        (unique per run of one agent).
        """
        if self.run_id:
            return self.run_id
        for link in self.links:
            match = _RUN_ID_IN_LINK.search(link.href)
            if match:
                return match.group(1)
        if self.agent_id is not None and self.id.strip().lower() != self.agent_id.strip().lower():
            return self.id
        created = self.creation_time.isoformat() if self.creation_time else "unknown-time"
        return f"{self.id}@{created}"

    def link(self, rel: str) -> Link | None:
        return _find_link(self.links, rel)


@dataclass(frozen=True)
class HistoryPage:
    """One page of an agent's history (``application/vnd.sas.collection``), newest first."""

    items: tuple[BotHistoryItem, ...]
    links: tuple[Link, ...] = ()
    version: int | None = None
    accept: str | None = None
    count: int | None = None
    start: int = 0
    limit: int | None = None
    name: str | None = None

    @classmethod
    def from_json(cls, data: Any, *, agent_id: str | None = None) -> HistoryPage:
        """``agent_id``: the agent whose history this is, given to each item."""
        items = _require(data, "items")
        if not isinstance(items, list):
            raise ValueError("field 'items' must be a list")
        return cls(
            items=tuple(BotHistoryItem.from_json(item, agent_id=agent_id) for item in items),
            links=_links(data),
            version=_optional_int(data, "version"),
            accept=data.get("accept"),
            count=_optional_int(data, "count"),
            start=_optional_int(data, "start") or 0,
            limit=_optional_int(data, "limit"),
            name=data.get("name"),
        )

    def link(self, rel: str) -> Link | None:
        return _find_link(self.links, rel)

    @property
    def next_href(self) -> str | None:
        link = self.link("next")
        return link.href if link else None


@dataclass(frozen=True)
class Bot:
    """A catalog agent (``GET /catalog/bots/{id}``); only what accbot shows is kept."""

    id: str
    name: str
    description: str | None = None
    links: tuple[Link, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Bot:
        bot_id = str(_require(data, "id"))
        return cls(
            id=bot_id,
            name=str(data.get("name") or bot_id),
            description=data.get("description"),
            links=_links(data),
        )
