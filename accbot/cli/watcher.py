"""``accbot watcher``: the watcher in the foreground, its alerts printed to the terminal.

The same watcher as the bot's (the same database, cursors and exactly-once records), with
the terminal's sink instead of Slack's: what it would post is printed on stdout, what it
does (started, stopped) on stderr. It runs until Ctrl-C or SIGTERM, then stops cleanly:
the cycle under way ends, and its shard leases are given up at once. ``--once`` runs one
cycle, prints what it found and exits.

It joins the database's watcher replicas like any other: run against the bot's own
database, it takes a fair share of the watches, whose alerts then print here instead of
reaching Slack. It says so when it sees another replica.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from accbot.cli.render import Terminal
from accbot.cli.terminal_sink import TerminalSink
from accbot.commands.errors import CommandError
from accbot.store import lease, server_watches, watches
from accbot.watcher.pauses import PauseKeeper
from accbot.watcher.service import WatcherService

if TYPE_CHECKING:
    from accbot.actions.context import Services

WORD = "watcher"
USAGE = "accbot watcher [--once]"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def read_options(words: list[str]) -> bool:
    """The words after ``watcher``: True for ``--once``; anything else is refused."""
    once = False
    for word in words:
        if word == "--once":
            once = True
        else:
            raise CommandError(f"accbot watcher takes no '{word}'", usage=USAGE)
    return once


def run_watcher(
    services: Services,
    term: Terminal,
    out: TextIO,
    err: TextIO,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
) -> int:
    sink = TerminalSink(out, term)
    watcher = WatcherService(services, sink)
    watcher.add_singleton(PauseKeeper(services, sink).run)
    _say_what_is_watched(services, err)
    if once:
        watcher.run_cycle()
        watcher.cycle.publisher.drain()
        watcher.shards.release_all()
        return 0
    stop = stop or threading.Event()
    with _stopped_by_signals(stop):
        watcher.start()
        _warn_of_other_replicas(services, watcher.holder_id, err)
        print(
            f"accbot watcher: polling every {watcher.poll_seconds:g}s; alerts print here."
            " Ctrl-C stops.",
            file=err,
            flush=True,
        )
        try:
            stop.wait()
        finally:
            print("accbot watcher: stopping…", file=err, flush=True)
            watcher.stop()
    print("accbot watcher: stopped.", file=err, flush=True)
    return 0


@contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM set ``stop`` (signals can only be caught in the main thread;
    elsewhere — tests — the caller sets it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda *_: stop.set())
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say_what_is_watched(services: Services, err: TextIO) -> None:
    with services.db.session() as session:
        agents = len(watches.list_watches(session))
        servers = len(server_watches.list_server_watches(session))
    if not agents and not servers:
        print(
            "accbot watcher: nothing is watched yet; accbot watch <agentPath> [#channel]"
            " starts a watch.",
            file=err,
            flush=True,
        )


def _warn_of_other_replicas(services: Services, holder: str, err: TextIO) -> None:
    with services.db.session() as session:
        others = [h for h in lease.live_replicas(session) if h != holder]
    if others:
        print(
            f"accbot watcher: {len(others)} other watcher(s) share this database; each polls"
            " a share of the watches, so their alerts are not all printed here (and some"
            " of the bot's are printed here instead of reaching Slack).",
            file=err,
            flush=True,
        )
