"""Confirm clicks: what a destructive command's Confirm button stands for is kept on
the server, so the click can run only what was asked about, once, by the person asked,
and within CONFIRMATION_TTL.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import audit_refusal
from accbot.actions.errors import Refused
from accbot.actions.results import ConfirmationRequired
from accbot.store import confirmations

CONFIRMATION_TTL = timedelta(minutes=15)
CONFIRM_ACTION = "confirm"


class ConfirmationRefused(Refused):
    """A Confirm (or Cancel) click that runs nothing; the message says why."""


def hold(services: Services, actor: Actor, result: ConfirmationRequired) -> ConfirmationRequired:
    """``result`` with the id of its server-side record, for the Confirm button."""
    with services.db.session() as session:
        confirmation_id = confirmations.hold(
            session,
            user_id=actor.user_id,
            channel_id=actor.channel_id,
            command_text=result.command_text,
            now=services.clock(),
            ttl=CONFIRMATION_TTL,
        )
    return dataclasses.replace(result, confirmation_id=confirmation_id)


def claim(services: Services, actor: Actor, confirmation_id: str) -> str:
    """The command text the click confirms, which can never be claimed again; raises
    ConfirmationRefused (a click on someone else's is audited) otherwise."""
    try:
        with services.db.session() as session:
            return confirmations.claim(session, confirmation_id, actor.user_id, services.clock())
    except confirmations.NotYours as exc:
        _audit_refusal(services, actor, confirmation_id, f"asked of {exc.asked_of}")
        raise ConfirmationRefused(
            "Only the person who ran the command can confirm it. Nothing was run."
        ) from None
    except confirmations.AlreadyUsed:
        raise ConfirmationRefused(
            "That was already confirmed or cancelled; nothing was run again."
        ) from None
    except confirmations.Expired:
        minutes = int(CONFIRMATION_TTL.total_seconds() // 60)
        raise ConfirmationRefused(
            f"That confirmation expired (after {minutes} minutes). Nothing was run; "
            "type the command again."
        ) from None
    except confirmations.UnknownConfirmation:
        raise ConfirmationRefused(
            "accbot has no record of that confirmation. Nothing was run; type the command again."
        ) from None


def _audit_refusal(services: Services, actor: Actor, confirmation_id: str, detail: str) -> None:
    arguments = {"confirmation": confirmation_id}
    audit_refusal(services, actor.user_id, CONFIRM_ACTION, arguments, detail)
