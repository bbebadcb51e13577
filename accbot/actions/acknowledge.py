""" "Acknowledge" on an alert: someone is on it, so the alert says who and is not escalated.

An operator's click (the role is checked, and a refusal audited, by dispatch). The first
click is recorded with a conditional UPDATE (``store.alerts.acknowledge``): a second
click, or two racing, record it once; the later one learns who was first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.orm import Session

from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.results import AlertAcknowledged, DigestPageRecords
from accbot.commands.model import Command
from accbot.store import alerts, digests


@dataclass(frozen=True)
class AcknowledgeAlert(Command):
    """The button carries the alert's record key; the click's channel must be the alert's."""

    alert_key: str
    name: ClassVar[str] = "acknowledge"
    mutating: ClassVar[bool] = True


def acknowledge_alert(
    command: AcknowledgeAlert,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> AlertAcknowledged:
    now = services.clock()
    with services.db.session() as session:
        alert = alerts.get_alert(session, command.alert_key)
        if alert is None or (actor.channel_id and alert.channel_id != actor.channel_id):
            raise InvalidInput("That alert is not one accbot knows in this channel.")
        first = alerts.acknowledge(session, command.alert_key, actor.user_id, now=now)
        session.refresh(alert)
        return AlertAcknowledged(
            alert=alert,
            by=alert.acknowledged_by or actor.user_id,
            at=alert.acknowledged_at or now,
            first=first,
            page=_page_of(session, alert.digest_key, command.alert_key),
        )


def _page_of(session: Session, digest_key: str | None, alert_key: str) -> DigestPageRecords | None:
    """The reply of the alert's digest that lists it (where its button was), if any."""
    if not digest_key:
        return None
    for message in digests.messages_of(session, digest_key):
        if message.part > 0 and alert_key in (message.alert_keys or []):
            return DigestPageRecords(
                key=message.key,
                ts=message.slack_ts,
                number=message.part,
                pages=message.parts,
                alerts=tuple(digests.alerts_of(session, message.alert_keys)),
            )
    return None
