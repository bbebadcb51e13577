"""Where a new watch starts: the agent's current history, recorded as already seen.

Called by ``/acc watch`` before the watch is stored, so nothing that happened before the
watch is ever alerted. (The watcher does the same for a watched agent with no cursor.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accbot.store import cursors, data_counts
from accbot.watching.keys import observed_keys
from accbot.watching.latest import latest_run
from accbot.watching.registry import watch_kind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from accbot.actions.context import Services
    from accbot.watching.observation import Observation

BASELINE_COUNT = 50


def start_cursor(services: Services, kind: str, agent_id: str) -> bool:
    """Give the agent a cursor from its current history; False when it already had one.

    Raises the backend's errors (the agent is gone, ACC is down): no watch without a start.
    """
    with services.db.session() as session:
        if cursors.get_cursor(session, kind, agent_id) is not None:
            return False
    histories = [
        stream.fetch(services, agent_id, BASELINE_COUNT) for stream in watch_kind(kind).streams
    ]
    now = services.clock()
    seen = [key for history in histories for o in history for key, _ in observed_keys(o, now)]
    starts = [o.started for history in histories for o in history if o.started is not None]
    with services.db.session() as session:
        _, created = cursors.ensure_cursor(session, kind, agent_id, now=now)
        if created:
            last = latest_run(histories)
            cursors.advance_cursor(
                session, kind, agent_id, seen, last_seen_start=max(starts, default=None),
                now=now, last_run=last.payload() if last else None,
            )  # fmt: skip
            _remember_data_counts(session, histories)
    return created


def _remember_data_counts(session: Session, histories: list[list[Observation]]) -> None:
    """The data counts of the runs that succeeded before the watch: the history a
    ``--drop`` watch's median starts from."""
    for history in histories:
        for o in history:
            if o.is_success and o.data_count is not None and o.started is not None:
                data_counts.record_count(session, o.kind, o.agent_id, o.run_id, o.started,
                                         o.data_count)  # fmt: skip
