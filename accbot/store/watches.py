"""Watches: which channel is told about which agent's runs, and about what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from accbot.store import cursors
from accbot.store.dialect import insert_if_absent
from accbot.store.models import WATCH_KINDS, Watch
from accbot.store.types import utcnow


@dataclass(frozen=True)
class WatchOptions:
    """What a watch alerts on besides failures, and whom it escalates to."""

    all_states: bool = False
    empty_alerts: bool = False
    drop_percent: int | None = None
    escalate_seconds: int | None = None
    escalate_to: str | None = None

    @classmethod
    def of(cls, watch: Watch) -> WatchOptions:
        return cls(
            all_states=watch.all_states,
            empty_alerts=watch.empty_alerts,
            drop_percent=watch.drop_percent,
            escalate_seconds=watch.escalate_seconds,
            escalate_to=watch.escalate_to,
        )


def add_watch(
    session: Session,
    *,
    kind: str,
    agent_ref: str,
    agent_id: str,
    channel_id: str,
    created_by: str,
    all_states: bool = False,
    options: WatchOptions | None = None,
    now: datetime | None = None,
) -> tuple[Watch, bool]:
    """Watch an agent in a channel; returns the watch and whether it is new.

    Watching again replaces the options (``--all``, ``--empty``, ``--drop``,
    ``--escalate``) of the existing watch. ``options`` wins over ``all_states``.
    """
    if kind not in WATCH_KINDS:
        raise ValueError(f"watch kind must be one of {WATCH_KINDS}, not {kind!r}")
    options = options or WatchOptions(all_states=all_states)
    created = insert_if_absent(
        session,
        Watch,
        {
            "kind": kind,
            "agent_ref": agent_ref,
            "agent_id": agent_id,
            "channel_id": channel_id,
            **asdict(options),
            "created_by": created_by,
            "created_at": now or utcnow(),
        },
    )
    watch = _find(session, kind, agent_ref, channel_id)
    if watch is None:  # removed by someone else between the two statements
        raise LookupError(f"watch of {kind}:{agent_ref} in {channel_id} vanished while adding")
    if not created and WatchOptions.of(watch) != options:
        for name, value in asdict(options).items():
            setattr(watch, name, value)
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


@dataclass(frozen=True, slots=True)
class WatchRow:
    """What the watcher needs of one watch, without an ORM object per row."""

    kind: str
    agent_ref: str
    agent_id: str
    channel_id: str
    all_states: bool
    empty_alerts: bool = False
    drop_percent: int | None = None


def watch_rows(session: Session) -> list[WatchRow]:
    """Every watch as a plain row, in one query, ordered by agent then channel.

    The watcher reads this once a cycle; at 10,000 watches plain rows cost a fraction of
    the memory and time of mapped objects.
    """
    query = select(
        Watch.kind,
        Watch.agent_ref,
        Watch.agent_id,
        Watch.channel_id,
        Watch.all_states,
        Watch.empty_alerts,
        Watch.drop_percent,
    ).order_by(Watch.kind, Watch.agent_id, Watch.channel_id)
    return [WatchRow(*row) for row in session.execute(query)]


def watches_for_agent(session: Session, kind: str, agent_id: str) -> Sequence[Watch]:
    """The watches of one agent, one per channel."""
    query = select(Watch).where(Watch.kind == kind, Watch.agent_id == agent_id)
    return session.scalars(query.order_by(Watch.channel_id)).all()


def _find(session: Session, kind: str, agent_ref: str, channel_id: str) -> Watch | None:
    query = select(Watch).where(
        Watch.kind == kind, Watch.agent_ref == agent_ref, Watch.channel_id == channel_id
    )
    return session.scalars(query).one_or_none()
