"""Server watches: which channel hears when an SE server of ACCBOT_SERVERS is in trouble.

Only the server's name is stored; its address and key stay in the configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import ServerWatch
from accbot.store.types import utcnow


def add_server_watch(
    session: Session,
    *,
    server_name: str,
    channel_id: str,
    created_by: str,
    now: datetime | None = None,
) -> bool:
    """Watch a server in a channel; False when the channel already watched it."""
    return insert_if_absent(
        session,
        ServerWatch,
        {
            "server_name": server_name,
            "channel_id": channel_id,
            "created_by": created_by,
            "created_at": now or utcnow(),
        },
    )


def remove_server_watch(session: Session, server_name: str, channel_id: str) -> bool:
    """Stop watching (the name matched whatever its case); True when there was a watch."""
    result = session.execute(
        delete(ServerWatch).where(
            func.lower(ServerWatch.server_name) == server_name.lower(),
            ServerWatch.channel_id == channel_id,
        )
    )
    return rows_changed(result) > 0


def list_server_watches(
    session: Session, *, channel_id: str | None = None
) -> Sequence[ServerWatch]:
    """Every server watch (or one channel's), ordered by server then channel."""
    query = select(ServerWatch).order_by(ServerWatch.server_name, ServerWatch.channel_id)
    if channel_id is not None:
        query = query.where(ServerWatch.channel_id == channel_id)
    return session.scalars(query).all()
