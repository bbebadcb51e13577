"""The start form: ``/acc start`` with no path, ``/acc start <agentPath> --form`` and the
"Start…" button of ``/acc agent``.

Opening the form is role-checked like starting (only operators see it) and, when the
agent is named, looks it up first, so an unknown path is told before a form opens.
The submitted form becomes an ordinary ``StartAgent``, so the run is started, audited
and announced exactly as the typed command would be.
"""

from __future__ import annotations

from accbot.actions.common import resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.handler import Progress
from accbot.actions.results import StartForm, StartFormDefaults
from accbot.commands.model import OpenStartForm
from accbot.store import input_files

START_FORM = "start"
MAX_KNOWN_FILES = 100  # a static select offers at most 100 options


def open_start_form(
    command: OpenStartForm,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> StartForm:
    defaults = StartFormDefaults(
        params=dict(command.params),
        log_level=command.log_level,
        test=command.test,
        files=list(command.files),
        multi=command.multi,
    )
    if command.agent_path is None:
        return StartForm(kind=START_FORM, agent_path="", agent_id="", defaults=defaults)
    agent = resolve_agent(services, command.agent_path)
    return StartForm(
        kind=START_FORM,
        agent_path=command.agent_path,
        agent_id=agent.agent_id,
        known_files=known_input_files(services, agent.agent_id),
        defaults=defaults,
    )


def known_input_files(services: Services, agent_id: str) -> list[str]:
    with services.db.session() as session:
        return input_files.names(session, agent_id, limit=MAX_KNOWN_FILES)
