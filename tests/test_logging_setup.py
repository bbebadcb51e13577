"""What `python app.py` logs at INFO: accbot's own lines, not a scheduler's per job."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from accbot.logging_setup import configure_logging


@pytest.fixture
def configured():
    """configure_logging replaces the root handlers; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("apscheduler", "httpx")}
    configure_logging("INFO")
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, previous in quiet.items():
        logging.getLogger(name).setLevel(previous)


def test_info_logs_leave_out_apschedulers_line_for_every_job_run(capfd, configured):
    ran = threading.Event()
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(ran.set, "interval", seconds=60, next_run_time=datetime.now(UTC))
    scheduler.start()
    assert ran.wait(10)
    scheduler.shutdown(wait=True)
    logging.getLogger("accbot.watcher").info("watcher started")
    logged = capfd.readouterr().err
    assert "watcher started" in logged
    assert "Running job" not in logged and "executed successfully" not in logged


def test_apschedulers_warnings_still_show(capfd, configured):
    logging.getLogger("apscheduler.executors.default").warning("Run time of job was missed")
    assert "Run time of job was missed" in capfd.readouterr().err
