"""One lock per approval request, within one process.

A second approver in the same process waits for the first one's ACC call and is then
told the outcome (or, when ACC failed, decides in turn); across replicas the database
alone decides. Idle locks are dropped: the table holds them weakly.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class _RequestLock:
    __slots__ = ("__weakref__", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()


class RequestLocks:
    def __init__(self) -> None:
        self._table: weakref.WeakValueDictionary[int, _RequestLock] = weakref.WeakValueDictionary()
        self._guard = threading.Lock()

    def is_deciding(self, request_id: int) -> bool:
        """True while a decision on the request waits for ACC in this process."""
        with self._guard:
            holder = self._table.get(request_id)
        return holder is not None and holder.lock.locked()

    @contextmanager
    def holding(self, request_ids: Iterable[int]) -> Iterator[None]:
        """Hold the locks of these requests (in id order, so two holders never deadlock)."""
        with self._guard:
            holders = []
            for request_id in sorted(set(request_ids)):
                holder = self._table.get(request_id)
                if holder is None:
                    holder = self._table[request_id] = _RequestLock()
                holders.append(holder)
        taken: list[_RequestLock] = []
        try:
            for holder in holders:
                holder.lock.acquire()
                taken.append(holder)
            yield
        finally:
            for holder in reversed(taken):
                holder.lock.release()
