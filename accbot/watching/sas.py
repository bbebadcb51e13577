"""SAS catalog agents as a watch kind: ``/acc watch sas:<agentId>``.

A SAS agent has one stream, its run history (``GET /catalog/bots/{id}/history``), which
becomes :class:`Observation` values like ACC's, so the cursor, the alert keys, digests,
recoveries and mutes are the very same code. Each run is identified by
``BotHistoryItem.run_key`` (the item's ``id`` may be the agent's).

Only ``completed`` is a documented status. A status accbot cannot classify is neither a
failure nor a success: it is announced once per agent and status word as
"unknown status …" (``Observation.is_unknown``), rather than guessed at.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accbot.acc.errors import BackendResponseError
from accbot.sas.models import BotHistoryItem, SasRunState
from accbot.watching.kind import KindUnavailable, WatchKind
from accbot.watching.observation import LogExcerpt, Observation

if TYPE_CHECKING:
    from accbot.actions.context import Services
    from accbot.sas.client import SasClient

KIND = "sas"
UNKNOWN_STATUS = "unknown status"
MAX_STATUS_CHARS = 64  # what an alert record keeps of a status
NOT_CONFIGURED_MESSAGE = (
    "SAS is not configured: set SAS_BASE_URL and either SAS_TOKEN or both "
    "SAS_CLIENT_ID and SAS_CLIENT_SECRET, then restart accbot."
)


@dataclass(frozen=True)
class SasRun:
    """One SAS run as an alert shows it: the history item, the agent's name, and the
    SAS server its relative asset links point into."""

    item: BotHistoryItem
    agent_name: str
    sas_url: str


def sas_observation(agent_id: str, run: SasRun) -> Observation:
    item = run.item
    state = item.state
    unknown = state is SasRunState.UNKNOWN
    status = f"{UNKNOWN_STATUS} {item.status}" if unknown else item.status
    return Observation(
        kind=KIND,
        stream="run",
        agent_id=agent_id,
        run_id=item.run_key,
        status=status[:MAX_STATUS_CHARS],
        is_failure=state is SasRunState.FAILED,
        # An unknown status is reported as it is first seen, so it counts as an end state.
        is_finished=state.is_finished or unknown,
        is_success=state is SasRunState.SUCCEEDED,
        is_active=state is SasRunState.IN_PROGRESS,
        is_unknown=unknown,
        started=item.creation_time,
        ended=item.end_time,
        log_ref=None,  # SAS keeps no run log that the history links to
        original=run,
    )


def sas_client(services: Services) -> SasClient:
    if services.sas is None:
        raise KindUnavailable(NOT_CONFIGURED_MESSAGE)
    return services.sas


class SasRuns:
    name = "run"
    backend = "SAS"
    on_demand = False

    def __init__(self) -> None:
        self._names: dict[str, str] = {}  # agent id -> display name, for this process
        self._lock = threading.Lock()

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        sas = sas_client(services)
        items = sas.recent_history(agent_id, count)
        name = self.agent_name(sas, agent_id)
        return [sas_observation(agent_id, SasRun(item, name, sas.base_url)) for item in items]

    def agent_name(self, sas: SasClient, agent_id: str) -> str:
        """The agent's name from ``GET /catalog/bots/{id}``; a server that refuses that
        undocumented lookup still has its alerts, under the agent's id."""
        with self._lock:
            known = self._names.get(agent_id)
        if known is not None:
            return known
        try:
            name = sas.get_bot(agent_id).name
        except BackendResponseError:
            return agent_id
        with self._lock:
            self._names[agent_id] = name
        return name

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        raise LookupError("SAS catalog agent runs have no log")


def resolve_agent_id(services: Services, agent_id: str) -> str:
    """The agent's id as typed, once SAS confirms it exists (404 names it otherwise)."""
    agent_id = agent_id.strip()
    sas_client(services).get_history(agent_id, limit=1)
    return agent_id


def unavailable(services: Services) -> str | None:
    return NOT_CONFIGURED_MESSAGE if services.sas is None else None


SAS = WatchKind(kind=KIND, streams=(SasRuns(),), resolve=resolve_agent_id, unavailable=unavailable)
