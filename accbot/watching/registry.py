"""The kinds of agents accbot watches: a plain table, filled by plain imports."""

from __future__ import annotations

from accbot.watching.acc import ACC
from accbot.watching.kind import UnknownWatchKind, WatchKind
from accbot.watching.sas import SAS

KINDS: dict[str, WatchKind] = {ACC.kind: ACC, SAS.kind: SAS}


def watch_kind(kind: str) -> WatchKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownWatchKind(kind) from None
