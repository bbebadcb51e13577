"""The lazy pool: a listener's slow part, run after its ack has been answered.

bolt's own lazy listeners (``lazy=[...]``) hand each lazy function a rebuilt request:
the body parsed again, and the request's context deep-copied, with the WebClient bolt
builds for every request, its retry handlers and the ``ack``/``respond`` objects in it.
Under 50 concurrent ``/acc`` commands that copy was the largest single cost of an ack
(about a fifth of the CPU the bot spent per command, all of it under the GIL while the
other acks queue). A listener that submits its work here passes what it already holds
(the parsed command, ``client``, ``respond``) and nothing is copied.

The pool is the one bolt's own lazy listeners use (``listener_executor``), so the number
of lazy workers stays LAZY_WORKERS in all. ``/acc`` uses it; buttons and form
submissions still go through bolt's ``lazy=`` and pay the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

logger = logging.getLogger("accbot.slack")


class LazyPool:
    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def submit(self, work: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        """Run ``work(*args, **kwargs)`` in the pool; call it after ``ack()``.

        As with bolt's lazy listeners, what ``work`` raises is logged, not re-raised:
        the ack has already been answered.
        """
        self._executor.submit(_run, work, args, kwargs)


def _run(work: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        work(*args, **kwargs)
    except Exception:
        logger.exception("lazy work %s failed", getattr(work, "__qualname__", work))
