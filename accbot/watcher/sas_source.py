"""SAS catalog agents as a watch kind: ``/acc watch sas:<agentId>``.

A SAS agent has one stream, its run history (``GET /catalog/bots/{id}/history``), which
becomes :class:`Observation` values like ACC's, so the cursor, the alert keys, digests,
recoveries and mutes are the very same code. Each run is identified by
``BotHistoryItem.run_key`` (the item's ``id`` is the agent's).

Only ``completed`` is a documented status. A status accbot cannot classify is neither a
failure nor a success: it is announced once per agent and status word as
"unknown status …" (``Observation.is_unknown``), rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block

from accbot.actions.sas_runs import NOT_CONFIGURED_MESSAGE, require_sas, sas_agent_name
from accbot.sas.models import BotHistoryItem, SasRunState
from accbot.slack.views.alerts import AlertContext, renders_alert
from accbot.slack.views.sas import sas_alert_blocks
from accbot.watcher.sources import LogExcerpt, Observation, WatchKind, register_kind

if TYPE_CHECKING:
    from accbot.actions.context import Services

KIND = "sas"
UNKNOWN_STATUS = "unknown status"
MAX_STATUS_CHARS = 64  # what an alert record keeps of a status


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


class SasRuns:
    name = "run"
    backend = "SAS"
    on_demand = False

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        sas = require_sas(services)
        items = sas.recent_history(agent_id, count)
        name = sas_agent_name(services, agent_id)
        return [sas_observation(agent_id, SasRun(item, name, sas.base_url)) for item in items]

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        raise LookupError("SAS catalog agent runs have no log")


def _resolve(services: Services, agent_id: str) -> str:
    """The agent's id as typed, once SAS confirms it exists (404 names it otherwise)."""
    agent_id = agent_id.strip()
    require_sas(services).get_history(agent_id, limit=1)
    return agent_id


def _unavailable(services: Services) -> str | None:
    return NOT_CONFIGURED_MESSAGE if services.sas is None else None


@renders_alert(SasRun)
def sas_alert(observation: Observation, context: AlertContext) -> list[Block]:
    run: SasRun = observation.original
    return sas_alert_blocks(
        run.item,
        agent_ref=context.agent_ref,
        agent_name=run.agent_name,
        sas_url=run.sas_url,
    )


SAS = WatchKind(kind=KIND, streams=(SasRuns(),), resolve=_resolve, unavailable=_unavailable)
register_kind(SAS)
