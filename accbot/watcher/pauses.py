"""The pause keeper: the watcher's singleton task that ends schedule pauses on time.

Each run (once a cycle, on the replica holding the watcher's lease): post the reminders
that are due, end the pauses whose time is up (turning their schedules back on), and end
the pauses whose schedules were all turned back on by hand. The claims in
``store.pauses`` make each step happen once even if two replicas briefly both run it.
What to say goes to a ``PauseSink``; the watcher knows nothing of Slack.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from accbot.actions import pauses
from accbot.actions.results import PauseEnded, PauseView
from accbot.metrics import ERRORS

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")


class PauseSink(Protocol):
    """Where the keeper's news goes (Slack: the channel where the pause was made)."""

    def reminder(self, pause: PauseView) -> None: ...

    def ended(self, result: PauseEnded) -> None: ...


class PauseKeeper:
    def __init__(self, services: Services, sink: PauseSink) -> None:
        self.services = services
        self.sink = sink

    def run(self) -> None:
        for view in pauses.due_reminders(self.services):
            self._tell(self.sink.reminder, view)
        for ended in pauses.expire_due(self.services):
            self._tell(self.sink.ended, ended)
        for ended in pauses.turned_on_by_hand(self.services):
            self._tell(self.sink.ended, ended)

    @staticmethod
    def _tell(say, item) -> None:
        try:
            say(item)
        except Exception:  # the pause itself is settled; a lost message must not stop the rest
            ERRORS.labels(kind="pause_notice").inc()
            logger.exception("could not post a pause notice")
