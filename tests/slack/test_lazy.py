"""The lazy pool runs a listener's slow part after its ack; a failure there is logged
(scrubbed like every line) and never reaches the ack."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from accbot.slack.lazy import LazyPool


def test_work_runs_in_the_pool_with_what_it_was_given():
    ran: list[tuple] = []
    done = threading.Event()

    def work(*args, **kwargs):
        ran.append((threading.current_thread().name, args, kwargs))
        done.set()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="accbot-lazy") as pool:
        LazyPool(pool).submit(work, "run", actor="U1")
        assert done.wait(5)
    [(thread, args, kwargs)] = ran
    assert thread.startswith("accbot-lazy")
    assert (args, kwargs) == (("run",), {"actor": "U1"})


def test_a_failure_is_logged_and_not_raised(caplog):
    def broken():
        raise ValueError("ACC said no")

    with caplog.at_level(logging.ERROR, logger="accbot.slack"):
        with ThreadPoolExecutor(max_workers=1) as pool:
            LazyPool(pool).submit(broken)  # returns at once; nothing raised here
    [record] = [r for r in caplog.records if r.name == "accbot.slack"]
    assert "broken" in record.getMessage()
    assert record.exc_info is not None and "ACC said no" in str(record.exc_info[1])
