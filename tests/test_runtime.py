"""runtime.settle_heap: what startup built is kept out of every later collection."""

from __future__ import annotations

import gc
import weakref

from accbot.runtime import settle_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_settling_frees_startup_garbage_and_freezes_what_lives_on():
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = [Node() for _ in range(100)]
    try:
        settle_heap()
        assert gone() is None  # garbage is not frozen for the process's lifetime
        assert gc.get_freeze_count() >= len(kept)  # the living are out of every scan
    finally:
        gc.unfreeze()
