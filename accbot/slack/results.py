"""How each result reaches Slack: most are one reply to the asker; a few need more.

``DELIVERIES`` names the result types that need more than ``delivery.deliver`` (an
approval card is posted to the approval channel and updated in place later);
``MODAL_OPENERS`` names the function that opens each form an ``OpenModal`` asks for.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision
from accbot.actions.context import Actor, Services
from accbot.actions.csv_inputs import CSV_FORM
from accbot.actions.inputs import INPUTS_MODAL
from accbot.actions.results import CsvForm, OpenModal, Result, StartForm
from accbot.actions.start_form import START_FORM
from accbot.slack import approval_cards
from accbot.slack.delivery import Respond, deliver
from accbot.slack.views.csv_inputs import csv_modal
from accbot.slack.views.inputs import inputs_modal
from accbot.slack.views.render import render
from accbot.slack.views.start_form import start_modal

ResultDelivery = Callable[..., None]
"""``delivery(result, actor, services, client=, respond=)`` gets one result type to Slack."""

ModalOpener = Callable[[OpenModal, Actor, WebClient, str], None]
"""``opener(result, actor, client, trigger_id)`` opens the modal an OpenModal asks for."""


def open_inputs_modal(result: OpenModal, actor: Actor, client: WebClient, trigger_id: str) -> None:
    client.views_open(trigger_id=trigger_id, view=inputs_modal(result, actor))


def open_start_form(result: OpenModal, actor: Actor, client: WebClient, trigger_id: str) -> None:
    assert isinstance(result, StartForm)
    client.views_open(trigger_id=trigger_id, view=start_modal(result, actor))


def open_csv_form(result: OpenModal, actor: Actor, client: WebClient, trigger_id: str) -> None:
    assert isinstance(result, CsvForm)
    client.views_open(trigger_id=trigger_id, view=csv_modal(result, actor))


DELIVERIES: dict[type[Result], ResultDelivery] = {
    ApprovalCard: approval_cards.post_card,
    ApprovalDecision: approval_cards.settle_cards,
}

MODAL_OPENERS: dict[str, ModalOpener] = {
    INPUTS_MODAL: open_inputs_modal,
    START_FORM: open_start_form,
    CSV_FORM: open_csv_form,
}


def deliver_result(
    result: Result,
    actor: Actor,
    services: Services,
    *,
    client: WebClient,
    respond: Respond | None,
) -> None:
    for klass in type(result).__mro__:
        delivery = DELIVERIES.get(klass)
        if delivery is not None:
            delivery(result, actor, services, client=client, respond=respond)
            return
    deliver(render(result, actor), actor, client=client, respond=respond)
