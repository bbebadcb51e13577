"""Pending confirmations: held when a destructive command is asked about, claimed once by
the Confirm click of the person it was asked of, before it expires.

The claim is one conditional UPDATE, so two clicks (or two replicas handling them) can
never both run the command.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from accbot.store.models import PendingConfirmation

ID_BYTES = 18  # 24 URL-safe characters: not guessable, short enough for a button value
KEEP_USED_FOR = timedelta(days=1)  # what a late second click is told ("already used")


class ConfirmationError(Exception):
    """A Confirm click that cannot run; subclasses say why."""

    def __init__(self, confirmation_id: str, message: str) -> None:
        super().__init__(message)
        self.confirmation_id = confirmation_id


class UnknownConfirmation(ConfirmationError, LookupError):
    def __init__(self, confirmation_id: str) -> None:
        super().__init__(confirmation_id, "no such confirmation")


class NotYours(ConfirmationError):
    def __init__(self, confirmation_id: str, asked_of: str) -> None:
        super().__init__(confirmation_id, f"asked of {asked_of}")
        self.asked_of = asked_of


class AlreadyUsed(ConfirmationError):
    def __init__(self, confirmation_id: str) -> None:
        super().__init__(confirmation_id, "already used")


class Expired(ConfirmationError):
    def __init__(self, confirmation_id: str) -> None:
        super().__init__(confirmation_id, "expired")


def hold(
    session: Session,
    *,
    user_id: str,
    channel_id: str | None,
    command_text: str,
    now: datetime,
    ttl: timedelta,
) -> str:
    """Keep ``command_text`` for ``user_id`` until ``now + ttl``; the new id. Rows long
    past their expiry are cleared on the way."""
    session.execute(
        delete(PendingConfirmation).where(PendingConfirmation.expires_at < now - KEEP_USED_FOR)
    )
    confirmation_id = secrets.token_urlsafe(ID_BYTES)
    session.add(
        PendingConfirmation(
            id=confirmation_id,
            user_id=user_id,
            channel_id=channel_id,
            command_text=command_text,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return confirmation_id


def claim(session: Session, confirmation_id: str, user_id: str, now: datetime) -> str:
    """The held command text, marked used; raises a ConfirmationError subclass otherwise."""
    row = session.scalar(
        select(PendingConfirmation).where(PendingConfirmation.id == confirmation_id)
    )
    if row is None:
        raise UnknownConfirmation(confirmation_id)
    if row.user_id != user_id:
        raise NotYours(confirmation_id, row.user_id)
    if row.used_at is not None:
        raise AlreadyUsed(confirmation_id)
    if row.expires_at <= now:
        raise Expired(confirmation_id)
    claimed = session.execute(
        update(PendingConfirmation)
        .where(PendingConfirmation.id == confirmation_id, PendingConfirmation.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # another click won the race
        raise AlreadyUsed(confirmation_id)
    return row.command_text
