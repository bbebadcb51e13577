"""The shape of an action handler, shared by the handlers and the dispatcher.

Kept apart from ``dispatch`` so that handler modules never import the dispatcher: the
dispatcher imports the registry, the registry imports the handlers, and nothing points
back up.
"""

from __future__ import annotations

from collections.abc import Callable

from accbot.actions.results import Result

Progress = Callable[[Result], None]
"""Called with an intermediate result, e.g. "run started" before ``--wait`` follows it."""

Handler = Callable[..., Result]
"""``handler(command, actor, services)``; a mutating one also takes ``confirmed=`` and
``progress=`` keywords."""
