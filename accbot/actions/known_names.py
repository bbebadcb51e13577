"""A per-process memory of names looked up once: agent id -> path, SAS id -> name.

ACC's runs and job runs carry only the agent's GUID, and SAS's history only the
agent's id; answers read better with the name a person typed or SAS gave, and asking
the server again for every answer would cost a request each time.
"""

from __future__ import annotations

import threading


class KnownNames:
    """A thread-safe id -> name table; an unknown id reads as itself."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def remember(self, key: str, name: str) -> None:
        with self._lock:
            self._names[key] = name

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._names.get(key)

    def keys(self) -> list[str]:
        """Every id remembered so far, in the order first met."""
        with self._lock:
            return list(self._names)

    def label(self, key: str) -> str:
        """The remembered name, or the id itself."""
        return self.get(key) or key
