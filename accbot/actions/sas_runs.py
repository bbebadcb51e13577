"""SAS catalog agents' run history: ``/acc runs sas:<agentId> [count] [--status failed]``.

Why ``--status failed`` is decided here and not by a SAS filter: the history endpoint
can filter on ``status`` (``eq(status,'failed')``), but the document shows only the
value ``completed``. What a failed run is called is undocumented, and accbot counts any
status containing fail, error or cancel as a failure (``SasRunState.classify``), so an
``eq`` on one guessed word would silently drop ``error``, ``cancelled`` or
``completedWithErrors`` runs. Instead the newest runs are read page by page (following
SAS's ``next`` links) and classified here, until ``count`` failures are found or
``MAX_SCANNED_RUNS`` runs have been read; the answer says how far it looked.
"""

from __future__ import annotations

from accbot.acc.errors import BackendResponseError
from accbot.actions.context import Actor, Services
from accbot.actions.errors import NotConfigured
from accbot.actions.results import SasRunList
from accbot.commands.model import ListRuns
from accbot.sas.client import SasClient
from accbot.sas.models import BotHistoryItem, SasRunState
from accbot.watching.sas import NOT_CONFIGURED_MESSAGE

# How far back ``--status failed`` looks, and how many runs it asks SAS for per page.
MAX_SCANNED_RUNS = 500
FAILED_SCAN_PAGE_SIZE = 50


def require_sas(services: Services) -> SasClient:
    """The SAS client, or a NotConfigured error that names the variables to set."""
    if services.sas is None:
        raise NotConfigured(NOT_CONFIGURED_MESSAGE)
    return services.sas


def sas_agent_name(services: Services, agent_id: str) -> str:
    """The agent's display name from ``GET /catalog/bots/{id}``, remembered per process.

    Only the history endpoint is documented; a server that refuses the agent lookup
    (403, 404) still has its history shown, under the agent's id.
    """
    known = services.sas_agent_names.get(agent_id)
    if known is not None:
        return known
    try:
        name = require_sas(services).get_bot(agent_id).name
    except BackendResponseError:
        return agent_id
    services.sas_agent_names.remember(agent_id, name)
    return name


def list_sas_runs(command: ListRuns, actor: Actor, services: Services) -> SasRunList:
    sas = require_sas(services)
    agent_id = command.agent.ref
    if command.failed_only:
        runs, scanned = failed_runs(sas, agent_id, command.count)
    else:
        runs = sas.recent_history(agent_id, command.count)
        scanned = len(runs)
    return SasRunList(
        agent_id=agent_id,
        agent_name=sas_agent_name(services, agent_id),
        runs=runs,
        failed_only=command.failed_only,
        scanned=scanned,
        sas_url=sas.base_url,
    )


def failed_runs(
    sas: SasClient, agent_id: str, count: int, *, limit: int = MAX_SCANNED_RUNS
) -> tuple[list[BotHistoryItem], int]:
    """Up to ``count`` failed runs, newest first, among the latest ``limit``; and how
    many runs were read."""
    found: list[BotHistoryItem] = []
    scanned = 0
    page_size = min(FAILED_SCAN_PAGE_SIZE, limit)
    for item in sas.iter_history(agent_id, page_size=page_size, max_items=limit):
        scanned += 1
        if item.state is SasRunState.FAILED:
            found.append(item)
            if len(found) >= count:
                break
    return found, scanned
