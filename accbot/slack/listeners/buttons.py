"""Button clicks: each maps to the same command, and so the same action and role
check, as its typed equivalent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from accbot.actions import confirmations
from accbot.actions.acknowledge import AcknowledgeAlert
from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import execute
from accbot.actions.errors import ActionError, PermissionDenied
from accbot.actions.pauses import ExtendPause, ResumePause
from accbot.actions.results import AlertAcknowledged, DigestPageRecords
from accbot.commands import model as m
from accbot.commands.errors import CommandError
from accbot.commands.parser import GUID, parse
from accbot.metrics import SLACK_REQUESTS
from accbot.slack import ids
from accbot.slack.delivery import tell
from accbot.slack.listeners.run import run_and_deliver
from accbot.slack.response_urls import usable
from accbot.slack.results import deliver_result
from accbot.slack.views import alerts as alert_views
from accbot.slack.views import format as fmt
from accbot.slack.views.errors import explain
from accbot.watcher.events import AlertFacts, DigestPage, RecoveryNote
from accbot.watcher.publish import DIGEST_PAGE_SIZE

logger = logging.getLogger("accbot.slack")

MUTE_BUTTON_DURATION = timedelta(hours=1)


def agent_ref(value: str) -> m.AgentRef:
    return m.AgentRef("sas", value[4:]) if value.startswith("sas:") else m.AgentRef("acc", value)


def guid(value: str) -> str:
    """A run or schedule ID from a button: a GUID, as the typed command demands.

    A button's value comes back from the client and can be forged; anything else
    (``..`` would turn ``DELETE api/job/schedule/{id}`` into ``DELETE api/job``) is
    refused before a command is built.
    """
    if not GUID.match(value.strip()):
        raise ValueError("a button value that is no GUID")
    return value.strip()


# action_id -> builds the command from the button's value
BUTTON_COMMANDS: dict[str, Callable[[str], Any]] = {
    ids.RUN_RESTART: lambda v: m.RestartRun(run_id=guid(v)),
    ids.RUN_RETRY_ERRORS: lambda v: m.RetryRun(run_id=guid(v)),
    ids.RUN_SHOW_LOG: lambda v: m.ShowLog(run_id=guid(v)),
    ids.RUN_DATA: lambda v: m.GetData(run_id=guid(v)),
    ids.SCHEDULE_ENABLE: lambda v: m.ScheduleAction(schedule_id=guid(v), action="on"),
    ids.SCHEDULE_DISABLE: lambda v: m.ScheduleAction(schedule_id=guid(v), action="off"),
    ids.SCHEDULE_RUN: lambda v: m.ScheduleAction(schedule_id=guid(v), action="run"),
    ids.SCHEDULE_DELETE: lambda v: m.ScheduleAction(schedule_id=guid(v), action="delete"),
    ids.ALERT_MUTE_1H: lambda v: m.Mute(agent=agent_ref(v), duration=MUTE_BUTTON_DURATION),
    ids.PAUSE_RESUME: lambda v: ResumePause(pause_id=int(v)),
    ids.PAUSE_EXTEND_1H: lambda v: ExtendPause(pause_id=int(v)),
}


def mute_refused(agent: str) -> str:
    """Alerts are channel posts, so everyone sees "Mute 1h": a click by someone who may not
    mute is answered with who may, rather than a bare "no"."""
    agent = fmt.escape(agent)
    return (
        f":lock: Only admins can mute alerts, so *Mute 1h* did nothing for `{agent}`. "
        "Admins are the people and user groups listed in `ACCBOT_ADMINS`; ask one of them "
        f"to mute it (`/acc mute {agent} 1h`)."
    )


def actor_from(body: dict[str, Any]) -> Actor:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return Actor(user_id=body["user"]["id"], channel_id=channel)


def register(app: App, services: Services) -> None:
    def ack_click(ack: Ack) -> None:
        SLACK_REQUESTS.labels(kind="action").inc()
        ack()

    def run_button(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        build = BUTTON_COMMANDS[action["action_id"]]
        actor = actor_from(body)
        try:
            command = build(action.get("value") or "")
        except (ValueError, TypeError):
            tell(
                actor,
                ":warning: That button carries no usable value.",
                client=client,
                respond=respond,
            )
            return
        if isinstance(command, m.Mute):
            mute(command, actor, client=client, respond=respond)
            return
        run_and_deliver(command, actor, services, client=client, respond=respond)

    def mute(command: m.Mute, actor: Actor, *, client: WebClient, respond: Respond) -> None:
        """As any button, but a refusal (checked and audited by dispatch) says who may mute."""
        try:
            result = execute(command, actor, services)
        except PermissionDenied:
            tell(actor, mute_refused(str(command.agent)), client=client, respond=respond)
            return
        except Exception as exc:
            tell(actor, explain(exc), client=client, respond=respond)
            return
        deliver_result(result, actor, services, client=client, respond=respond)

    for action_id in BUTTON_COMMANDS:
        app.action(action_id)(ack=ack_click, lazy=[run_button])

    def acknowledge(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """Dispatch checks the role and audits; this draws the alert again with who took
        it (the button goes), and tells a later clicker who was first."""
        actor = actor_from(body)
        command = AcknowledgeAlert(alert_key=(action.get("value") or "").strip())
        try:
            result = execute(command, actor, services)
        except PermissionDenied:
            tell(actor, alert_views.acknowledge_refused(), client=client, respond=respond)
            return
        except Exception as exc:
            tell(actor, explain(exc), client=client, respond=respond)
            return
        assert isinstance(result, AlertAcknowledged)
        _show_acknowledged(client, result)
        if not result.first:
            text = alert_views.already_acknowledged(result.by, result.at)
            tell(actor, text, client=client, respond=respond)

    app.action(ids.ALERT_ACKNOWLEDGE)(ack=ack_click, lazy=[acknowledge])

    def run_confirmed(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """The button carries the id of the confirmation held on the server: the command
        run is the one the bot asked about, for the person it asked, once."""
        actor = actor_from(body)
        try:
            text = confirmations.claim(services, actor, action.get("value") or "")
            command = parse(text)
        except ActionError as exc:
            tell(actor, explain(exc), client=client, respond=respond)
            return
        except CommandError as exc:
            tell(actor, f":warning: {fmt.escape(exc)}", client=client, respond=respond)
            return
        _replace_prompt(respond, client, f":white_check_mark: Confirmed: `/acc {fmt.escape(text)}`")
        run_and_deliver(command, actor, services, client=client, respond=respond, confirmed=True)

    def run_cancel(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        actor = actor_from(body)
        try:
            confirmations.claim(services, actor, action.get("value") or "")
        except ActionError as exc:
            tell(actor, explain(exc), client=client, respond=respond)
            return
        text = "Cancelled; nothing was changed."
        if not _replace_prompt(respond, client, text):
            tell(actor, text, client=client, respond=None)

    app.action(ids.CONFIRM_COMMAND)(ack=ack_click, lazy=[run_confirmed])
    app.action(ids.CANCEL_COMMAND)(ack=ack_click, lazy=[run_cancel])


def _replace_prompt(respond: Respond, client: WebClient, text: str) -> bool:
    """Replace the Confirm/Cancel prompt through Slack's response_url; False when there
    is none that is Slack's."""
    respond = usable(respond, client)
    if respond is None:
        return False
    try:
        respond(text=text, replace_original=True)
    except Exception:  # an expired response_url: the prompt simply stays
        logger.warning("could not replace a confirmation prompt")
        return False
    return True


def _show_acknowledged(client: WebClient, result: AlertAcknowledged) -> None:
    """The alert's own message, drawn again from its record (a second click draws it too,
    in case the first one's update was lost)."""
    alert = result.alert
    if result.page is not None:
        _show_page_acknowledged(client, alert.channel_id, result.page)
        return
    if not alert.slack_ts or alert.digest_key:
        return  # a digest's alert has no message of its own
    payload = alert.payload or {}
    message = alert_views.render_alert_now(
        AlertFacts.of(alert),
        recovered=alert.recovered_at is not None,
        note=RecoveryNote.of(payload.get("recovery")),
    )
    try:
        client.chat_update(
            channel=alert.channel_id, ts=alert.slack_ts, text=message.text, blocks=message.blocks
        )
    except Exception:  # recorded all the same; the next click draws it again
        logger.warning("could not mark alert %s acknowledged", alert.alert_key)


def _show_page_acknowledged(client: WebClient, channel: str, page: DigestPageRecords) -> None:
    """The digest's reply that lists the alert, drawn again from its records."""
    if not page.ts or page.ts == "-":
        return
    facts = tuple(AlertFacts.of(a) for a in page.alerts)
    first = (page.number - 1) * DIGEST_PAGE_SIZE + 1
    event = DigestPage(page.key, channel, "", page.number, page.pages, first, facts)
    message = alert_views.render_digest_page(event)
    try:
        client.chat_update(channel=channel, ts=page.ts, text=message.text, blocks=message.blocks)
    except Exception:  # recorded all the same; the next click draws it again
        logger.warning("could not mark a digest's run acknowledged")
