"""Agent details: the agent, its latest runs and its schedules, in one answer."""

from __future__ import annotations

from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.phrases import Code, say
from accbot.actions.results import AgentOverview
from accbot.commands.model import ShowAgent
from accbot.commands.roles import Role

LATEST_RUNS = 5


def show_agent(command: ShowAgent, actor: Actor, services: Services) -> AgentOverview:
    if command.agent.is_sas:
        raise InvalidInput(
            say(
                Code("/acc agent"),
                " shows ACC agents; for a SAS agent use ",
                Code("/acc runs sas:<agentId>"),
                ".",
            )  # fmt: skip
        )
    agent = services.acc.get_agent(command.agent.ref)
    runs = services.acc.get_run_history(agent.agent_id, count=LATEST_RUNS)
    schedules = services.acc.get_schedules(agent.agent_id)
    return AgentOverview(
        agent=agent,
        runs=runs,
        schedules=schedules,
        can_operate=actor.holds(Role.OPERATOR),
        can_approve=actor.holds(Role.APPROVER),
        portal_url=services.acc_link(),
    )
