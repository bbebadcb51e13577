"""The keys a run leaves in the watcher's cursor.

The cursor remembers a run by the keys ``observed_keys`` gives: the run itself
(``"<runId>:"``), each end state seen (``"<runId>:<status>"``) and an overdue warning
(``"<runId>:Overdue"``).
"""

from __future__ import annotations

from datetime import datetime

from accbot.store.cursors import seen_key
from accbot.watching.observation import OVERDUE, Observation


def run_marker(observation: Observation) -> str:
    """The cursor's entry for "this run was seen", whatever its status."""
    return seen_key(observation.run_id, "")


def is_overdue(observation: Observation, now: datetime) -> bool:
    expected = observation.expected_end
    return observation.is_active and expected is not None and now > expected


def observed_keys(observation: Observation, now: datetime) -> list[tuple[str, str | None]]:
    """The cursor keys this observation stands for, each with the status it is news
    about (None: only the marker that the run exists)."""
    keys: list[tuple[str, str | None]] = [(run_marker(observation), None)]
    if observation.is_finished:
        keys.append((seen_key(observation.run_id, observation.status), observation.status))
    if is_overdue(observation, now):
        keys.append((seen_key(observation.run_id, OVERDUE), OVERDUE))
    return keys
