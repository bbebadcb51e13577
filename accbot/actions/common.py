"""Small pieces several actions share: agent lookup with a remembered path, and quoting
for the command texts that "Confirm" buttons re-run."""

from __future__ import annotations

import re

from accbot.acc.models import Agent
from accbot.actions.context import Services

_ESCAPED = re.compile(r"[\"'“”„‘’‚\\]")  # the lexer's quotes and its escape character
_NEEDS_QUOTES = re.compile(r"[\s\"'“”„‘’‚\\]")


def resolve_agent(services: Services, path: str) -> Agent:
    """Look an agent up by path (the client caches it) and remember id -> path,
    so that answers about a run can name its agent instead of a GUID."""
    agent = services.acc.get_agent(path)
    services.agent_paths.remember(agent.agent_id, path)
    return agent


def agent_label(services: Services, agent_id: str) -> str:
    return services.agent_paths.label(agent_id)


def quote_word(text: str) -> str:
    """Quote a word for the command lexer when it holds spaces, quotes or backslashes,
    so a command text built here (a "Confirm" button's) parses back to the same word."""
    if not _NEEDS_QUOTES.search(text):
        return text
    return '"' + _ESCAPED.sub(lambda m: "\\" + m.group(0), text) + '"'
