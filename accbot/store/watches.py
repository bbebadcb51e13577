"""Watches: which channel is told about which agent's runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from accbot.store import cursors
from accbot.store.dialect import insert_if_absent
from accbot.store.models import WATCH_KINDS, Watch
from accbot.store.types import utcnow


def add_watch(
    session: Session,
    *,
    kind: str,
    agent_ref: str,
    agent_id: str,
    channel_id: str,
    created_by: str,
    all_states: bool = False,
    now: datetime | None = None,
) -> tuple[Watch, bool]:
    """Watch an agent in a channel; returns the watch and whether it is new.

    Watching again updates ``all_states`` (the ``--all`` flag) of the existing watch.
    """
    if kind not in WATCH_KINDS:
        raise ValueError(f"watch kind must be one of {WATCH_KINDS}, not {kind!r}")
    created = insert_if_absent(
        session,
        Watch,
        {
            "kind": kind,
            "agent_ref": agent_ref,
            "agent_id": agent_id,
            "channel_id": channel_id,
            "all_states": all_states,
            "created_by": created_by,
            "created_at": now or utcnow(),
        },
    )
    watch = _find(session, kind, agent_ref, channel_id)
    if watch is None:  # removed by someone else between the two statements
        raise LookupError(f"watch of {kind}:{agent_ref} in {channel_id} vanished while adding")
    if not created and watch.all_states != all_states:
        watch.all_states = all_states
        session.flush()
    return watch, created


def remove_watch(session: Session, kind: str, agent_ref: str, channel_id: str) -> bool:
    """Stop watching; True when there was such a watch.

    When the agent's last watch goes, its cursor goes too: watching it again later starts
    afresh, and nothing that happened in between is alerted.
    """
    watch = _find(session, kind, agent_ref, channel_id)
    if watch is None:
        return False
    session.delete(watch)
    session.flush()
    still_watched = session.scalar(
        select(exists().where(Watch.kind == kind, Watch.agent_id == watch.agent_id))
    )
    if not still_watched:
        cursors.delete_cursor(session, kind, watch.agent_id)
    return True


def list_watches(session: Session, *, channel_id: str | None = None) -> Sequence[Watch]:
    """Every watch (or one channel's), ordered by agent then channel."""
    query = select(Watch).order_by(Watch.kind, Watch.agent_ref, Watch.channel_id)
    if channel_id is not None:
        query = query.where(Watch.channel_id == channel_id)
    return session.scalars(query).all()


def watches_for_agent(session: Session, kind: str, agent_id: str) -> Sequence[Watch]:
    """The watches of one agent, one per channel."""
    query = select(Watch).where(Watch.kind == kind, Watch.agent_id == agent_id)
    return session.scalars(query.order_by(Watch.channel_id)).all()


def _find(session: Session, kind: str, agent_ref: str, channel_id: str) -> Watch | None:
    query = select(Watch).where(
        Watch.kind == kind, Watch.agent_ref == agent_ref, Watch.channel_id == channel_id
    )
    return session.scalars(query).one_or_none()
