"""Small pieces several actions share: agent lookup with a remembered path."""

from __future__ import annotations

import threading

from accbot.acc.models import Agent
from accbot.actions.context import Services

_PATHS_KEY = "agent_paths"
_lock = threading.Lock()


def resolve_agent(services: Services, path: str) -> Agent:
    """Look an agent up by path (the client caches it) and remember id -> path,
    so that answers about a run can name its agent instead of a GUID."""
    agent = services.acc.get_agent(path)
    with _lock:
        services.extras.setdefault(_PATHS_KEY, {})[agent.agent_id] = path
    return agent


def agent_label(services: Services, agent_id: str) -> str:
    with _lock:
        return services.extras.get(_PATHS_KEY, {}).get(agent_id, agent_id)
