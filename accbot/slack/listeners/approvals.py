"""Approvals in Slack: the Approve / Disapprove buttons of a request card (and those of
``/acc agent``) and the decision form (the card itself is posted and updated by
``accbot.slack.approval_cards``).

A click is handled entirely in its ack function (bolt answers Slack when that function
returns): the checks need no ACC call (role, own request, already decided: one database
read), and the form must open with the click's trigger_id, valid for 3 seconds, which a
lazy listener queued behind slow ACC work could miss. The form's submission is
acknowledged (or sent back with an error when a reason is missing) and the decision runs
in a lazy listener: the action claims the request, calls ACC once, and only then does the
card change.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accbot.acc.errors import BackendError
from accbot.actions.approvals.cards import DecisionForm
from accbot.actions.approvals.commands import Decide, ReviewDecision
from accbot.actions.approvals.refusals import AlreadyDecided
from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import execute
from accbot.metrics import ERRORS, SLACK_REQUESTS
from accbot.slack import ids
from accbot.slack.delivery import tell
from accbot.slack.listeners.home import publish_home
from accbot.slack.results import deliver_result
from accbot.slack.views import approvals as views
from accbot.slack.views.errors import explain

logger = logging.getLogger("accbot.slack")


# --- listeners --------------------------------------------------------------------------


def actor_from(body: dict[str, Any], channel_id: str | None = None) -> Actor:
    user = body.get("user") or {}
    channel = (
        channel_id
        or (body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id")
    )
    name = user.get("name") or user.get("username") or user["id"]
    return Actor(user_id=user["id"], channel_id=channel, name=name)


def register(app: App, services: Services) -> None:
    def _review(review: ReviewDecision, actor: Actor) -> DecisionForm:
        form = execute(review, actor, services)
        assert isinstance(form, DecisionForm)
        return form

    def click_on_card(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        SLACK_REQUESTS.labels(kind="action").inc()
        actor = actor_from(body)
        approve = action["action_id"] == ids.APPROVAL_APPROVE
        try:
            review = ReviewDecision(approve, request_id=int(action.get("value") or ""))
        except ValueError:
            tell(
                actor,
                ":warning: That button carries no usable value.",
                client=client,
                respond=respond,
            )
            return
        try:
            form = _review(review, actor)
        except AlreadyDecided as exc:
            tell(actor, views.already_decided_text(exc), client=client, respond=respond)
            return
        except Exception as exc:
            _refused(actor, exc, client=client, respond=respond)
            return
        request = form.request
        assert request is not None  # a review by request id answers with the request
        target = views.DecisionTarget(
            approve=approve,
            channel_id=request.channel_id,
            response_url=body.get("response_url"),
            request_id=request.id,
            from_home=(body.get("view") or {}).get("type") == "home",
        )
        modal = views.decision_modal(
            target,
            agent_path=request.agent_path,
            name=actor.name or actor.user_id,
            requested_by=request.requested_by,
            note=request.note,
        )
        _open(client, body, modal, actor, respond)

    def click_on_agent(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        SLACK_REQUESTS.labels(kind="action").inc()
        actor = actor_from(body)
        approve = action["action_id"] == ids.AGENT_APPROVE
        agent_path = (action.get("value") or "").strip()
        if not agent_path:
            text = ":warning: That button carries no usable value."
            tell(actor, text, client=client, respond=respond)
            return
        try:
            _review(ReviewDecision(approve, agent_path=agent_path), actor)
        except Exception as exc:
            _refused(actor, exc, client=client, respond=respond)
            return
        target = views.DecisionTarget(
            approve=approve,
            channel_id=actor.channel_id,
            response_url=body.get("response_url"),
            agent_path=agent_path,
        )
        modal = views.decision_modal(
            target, agent_path=agent_path, name=actor.name or actor.user_id
        )
        _open(client, body, modal, actor, respond)

    def ack_decision(ack: Ack, view: dict[str, Any]) -> None:
        SLACK_REQUESTS.labels(kind="view").inc()
        target = _target(view)
        errors = views.submission_errors(target, views.submitted_text(view)) if target else None
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def run_decision(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        target = _target(view)
        actor = actor_from(body, target.channel_id if target else None)
        if target is None:
            text = ":warning: That form lost track of what it decides; click the button again."
            tell(actor, text, client=client, respond=None)
            return
        text = views.submitted_text(view)
        if views.submission_errors(target, text):
            return  # the form showed the error and stayed open
        respond = Respond(response_url=target.response_url) if target.response_url else None
        command = Decide(
            approve=target.approve,
            message=views.final_message(target, text, actor.name or actor.user_id),
            request_id=target.request_id,
            agent_path=target.agent_path,
        )
        try:
            result = execute(command, actor, services)
        except AlreadyDecided as exc:
            tell(actor, views.already_decided_text(exc), client=client, respond=respond)
            return
        except Exception as exc:
            ERRORS.labels(kind=type(exc).__name__).inc()
            text = explain(exc)
            if isinstance(exc, BackendError) and target.request_id is not None:
                text += views.ACC_FAILED_SUFFIX
            tell(actor, text, client=client, respond=respond)
            return
        deliver_result(result, actor, services, client=client, respond=respond)
        if target.from_home:
            publish_home(client, services, actor.user_id)  # the request leaves its list

    for action_id in (ids.APPROVAL_APPROVE, ids.APPROVAL_DISAPPROVE):
        app.action(action_id)(click_on_card)
    for action_id in (ids.AGENT_APPROVE, ids.AGENT_DISAPPROVE):
        app.action(action_id)(click_on_agent)
    app.view(ids.APPROVAL_MODAL)(ack=ack_decision, lazy=[run_decision])


def _target(view: dict[str, Any]) -> views.DecisionTarget | None:
    try:
        return views.DecisionTarget.loads(view.get("private_metadata") or "")
    except (ValueError, KeyError, TypeError):
        logger.warning("an approval form came back without its metadata")
        return None


def _refused(actor: Actor, exc: Exception, *, client: WebClient, respond: Any) -> None:
    ERRORS.labels(kind=type(exc).__name__).inc()
    tell(actor, explain(exc), client=client, respond=respond)


def _open(
    client: WebClient, body: dict[str, Any], modal: dict[str, Any], actor: Actor, respond: Any
) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=modal)
    except SlackApiError as exc:
        error = exc.response.get("error")
        logger.warning("views.open failed: %s", error)
        tell(actor, views.open_failed_text(error), client=client, respond=respond)
