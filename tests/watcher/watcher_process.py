"""A watcher in a process of its own, for the crash and replica tests.

Settings come from the environment, exactly as for ``python app.py``:

    python -m tests.watcher.watcher_process once [--crash after-record|after-post]
    python -m tests.watcher.watcher_process serve

``once`` waits for its shard leases (a crashed predecessor's lapse within two
intervals), runs one cycle and exits. ``--crash`` patches the Slack sink so the process
dies (``os._exit``, no clean-up at all) right before its first keyed post (an alert, a
digest, a digest's reply; ``--crash-at N``: the Nth), after recording it, or right after
Slack accepted it, before it is marked posted. ``serve``
runs the scheduled watcher until SIGTERM.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sys
import threading
import time

from accbot.config import load_settings
from accbot.runtime import build_services, close_services
from accbot.slack.app import build_web_client
from accbot.slack.sink import SlackSink
from accbot.slack.sink.poster import Poster
from accbot.watcher.service import WatcherService

CRASH_EXIT = 17
LEASE_WAIT_SECONDS = 15.0


def crash_around_posting(when: str, nth: int = 1) -> None:
    """Die at the ``nth`` keyed post (an alert, a digest or a digest's reply)."""
    post = Poster.post
    keyed = itertools.count(1)

    def crashing(self: Poster, channel, message, *, thread_ts=None, key=None) -> str:
        if key is None or next(keyed) < nth:
            return post(self, channel, message, thread_ts=thread_ts, key=key)
        if when == "after-post":
            post(self, channel, message, thread_ts=thread_ts, key=key)
        os._exit(CRASH_EXIT)

    Poster.post = crashing  # type: ignore[method-assign]


def run_once(watcher: WatcherService) -> int:
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    while watcher.run_cycle() is None:
        if time.monotonic() > deadline:
            print("never got a watch shard lease", file=sys.stderr)
            return 2
        time.sleep(0.1)
    return 0


def serve(watcher: WatcherService) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    watcher.start()
    stop.wait()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("once", "serve"))
    parser.add_argument("--crash", choices=("after-record", "after-post"))
    parser.add_argument("--crash-at", type=int, default=1, help="the keyed post to die at")
    parser.add_argument("--holder")
    args = parser.parse_args()
    if args.crash:
        crash_around_posting(args.crash, args.crash_at)
    settings = load_settings()
    services = build_services(settings)
    services.db.migrate()
    watcher = WatcherService(services, SlackSink(build_web_client(settings)), holder_id=args.holder)
    try:
        return run_once(watcher) if args.mode == "once" else serve(watcher)
    finally:
        watcher.stop()
        close_services(services)


if __name__ == "__main__":
    sys.exit(main())
