"""The start form: opened by ``/acc start`` (no path or ``--form``) and by "Start…" on
``/acc agent``; its submission starts the run like the typed command.

The submission's ack checks the fields (the path, the ``k=v`` lines, the file names)
and shows what is wrong under them. When the form asked for the path, the ack also asks
ACC whether the agent exists, within a short budget so Slack's 3-second deadline holds:
an agent ACC does not know is shown as the field's error; a slow or failing ACC lets the
form close and the lazy work reports it. The run itself is started in the lazy listener
through the ``start`` action: role check, audit and the channel announcement included.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from accbot.acc.errors import NotFound
from accbot.actions.common import resolve_agent
from accbot.actions.context import Actor, Services
from accbot.commands.model import OpenStartForm, StartAgent
from accbot.metrics import SLACK_REQUESTS
from accbot.slack import ids
from accbot.slack.delivery import respond_by_web_api, tell
from accbot.slack.listeners.buttons import actor_from
from accbot.slack.listeners.run import run_and_deliver
from accbot.slack.views.start_form import (
    StartChoices,
    StartTarget,
    read_start_form,
    unknown_agent_error,
)

logger = logging.getLogger("accbot.slack")

AGENT_CHECK_SECONDS = 2.0  # of Slack's 3: the rest is for the answer to get back
_checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="accbot-form-check")


def _target(view: dict[str, Any]) -> StartTarget | None:
    try:
        return StartTarget.loads(view.get("private_metadata") or "")
    except (ValueError, KeyError, TypeError):
        logger.warning("a start form came back without its metadata")
        return None


def _unknown_agent(services: Services, path: str) -> bool:
    """True only when ACC answered that it has no such agent, within the budget."""
    future = _checks.submit(resolve_agent, services, path)
    try:
        future.result(timeout=AGENT_CHECK_SECONDS)
    except NotFound:
        return True
    except FutureTimeout:
        logger.info("start form: ACC did not answer the agent check in time; going on")
    except Exception:  # ACC down, say: the lazy start tells the person what happened
        logger.info("start form: the agent check failed; the start will report it")
    return False


def _command(choices: StartChoices) -> StartAgent:
    return StartAgent(
        agent_path=choices.agent_path,
        params=choices.params,
        log_level=choices.log_level,
        test=choices.test,
        files=choices.files,
        multi=choices.multi,
    )


def register(app: App, services: Services) -> None:
    def ack_start(ack: Ack, view: dict[str, Any]) -> None:
        SLACK_REQUESTS.labels(kind="view").inc()
        target = _target(view)
        if target is None:
            ack()
            return
        choices = read_start_form(view, target)
        if not choices.errors and not target.agent_path:
            if _unknown_agent(services, choices.agent_path):
                choices.errors.update(unknown_agent_error(choices.agent_path))
        if choices.errors:
            ack(response_action="errors", errors=choices.errors)
        else:
            ack()

    def run_start(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        target = _target(view)
        user = body["user"]
        if target is None:
            text = ":warning: That form lost track of its agent; run `/acc start` again."
            tell(Actor(user_id=user["id"]), text, client=client, respond=None)
            return
        choices = read_start_form(view, target)
        if choices.errors:
            return  # the form showed the errors and stayed open
        actor = Actor(user_id=user["id"], channel_id=target.channel_id, name=user.get("username"))
        respond = respond_by_web_api(actor, client)
        run_and_deliver(_command(choices), actor, services, client=client, respond=respond)

    def click_start(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        # The form must open with this click's trigger_id (valid 3 seconds): the work
        # runs here rather than in a lazy listener queued behind slow ACC calls.
        ack()
        SLACK_REQUESTS.labels(kind="action").inc()
        actor = actor_from(body)
        path = (action.get("value") or "").strip()
        if not path:
            tell(
                actor,
                ":warning: That button carries no usable value.",
                client=client,
                respond=respond,
            )
            return
        command = OpenStartForm(agent_path=path)
        run_and_deliver(
            command,
            actor,
            services,
            client=client,
            respond=respond,
            trigger_id=body.get("trigger_id"),
        )

    app.view(ids.START_MODAL)(ack=ack_start, lazy=[run_start])
    app.action(ids.AGENT_START)(click_start)
