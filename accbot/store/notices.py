"""One-time notices ("ACC unreachable", then "reachable again"): announce each change once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accbot.store.dialect import insert_if_absent, rows_changed
from accbot.store.models import Notice
from accbot.store.types import utcnow


def set_notice(
    session: Session,
    key: str,
    state: str,
    *,
    create: bool = True,
    now: datetime | None = None,
) -> bool:
    """Set ``key`` to ``state``; True when that changed it, so the caller posts the message.

    Atomic across replicas: of several setting the same state, one gets True. A missing
    notice counts as a change unless ``create`` is False, for states (like "reachable
    again") that are only news after another state was announced.
    """
    moment = now or utcnow()
    changed = session.execute(
        update(Notice)
        .where(Notice.key == key, Notice.state != state)
        .values(state=state, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(changed) == 1:
        return True
    if not create:
        return False
    return insert_if_absent(session, Notice, {"key": key, "state": state, "updated_at": moment})


# "ACC unreachable" notices: ``reachability:<backend>:<channel>`` (accbot.watcher.outage).
REACHABILITY_PREFIX = "reachability:"


def reachability_key(backend: str, channel_id: str) -> str:
    return f"{REACHABILITY_PREFIX}{backend}:{channel_id}"


def unreachable_backends(session: Session) -> set[str]:
    """The backends whose outage was announced to some channel and not yet its end."""
    query = select(Notice.key).where(
        Notice.key.startswith(REACHABILITY_PREFIX, autoescape=True), Notice.state == "unreachable"
    )
    return {key[len(REACHABILITY_PREFIX) :].split(":", 1)[0] for key in session.scalars(query)}


def get_notice(session: Session, key: str) -> str | None:
    notice = session.get(Notice, key, populate_existing=True)
    return notice.state if notice is not None else None
