"""The log filter: every line, traceback included, goes through the one scrubber."""

from __future__ import annotations

import io
import logging

from accbot.backend.secrets import SCRUBBER, Scrubber
from accbot.logging_setup import RedactSecrets, install_filter, remember_environment_secrets

SECRET = "log-filter-secret-4e8a1"  # noqa: S105 (a test value)


def logged(scrubber: Scrubber, emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactSecrets(scrubber))
    logger = logging.getLogger("tests.logging_setup")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_a_secret_in_a_message_or_its_arguments_is_masked():
    text = logged(Scrubber([SECRET]), lambda log: log.warning("key %s refused (%s)", SECRET, "x"))
    assert SECRET not in text
    assert "key *** refused (x)" in text


def test_a_secret_in_a_traceback_is_masked():
    def emit(log):
        try:
            raise RuntimeError(f"ACC said: bad key {SECRET}")
        except RuntimeError:
            log.exception("server check failed")

    text = logged(Scrubber([SECRET]), emit)
    assert "RuntimeError" in text and "server check failed" in text
    assert SECRET not in text


def test_the_filter_is_installed_once_and_uses_the_process_scrubber():
    handler = logging.StreamHandler(io.StringIO())
    first = install_filter(handler)
    assert install_filter(handler) is first
    assert first.scrubber is SCRUBBER


def test_secrets_in_the_environment_are_known_before_the_settings_are_read():
    remember_environment_secrets(
        {"SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": "postgresql://u:db-pass-77f1@h/db"}
    )
    assert SCRUBBER.scrub(f"sig {SECRET} db-pass-77f1") == "sig *** ***"


def test_configure_logging_filters_what_reaches_its_handler(monkeypatch):
    monkeypatch.setenv("SAS_CLIENT_SECRET", "sas-secret-from-env-5d2c")
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        from accbot.logging_setup import configure_logging

        configure_logging("INFO", handler=logging.StreamHandler(stream))
        logging.getLogger("accbot.sas").warning("grant refused for sas-secret-from-env-5d2c")
        logging.getLogger("httpx").info("HTTP Request: GET http://u:pw-in-url-1234@sas/")
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
    text = stream.getvalue()
    assert "grant refused for ***" in text
    assert "sas-secret-from-env-5d2c" not in text
    assert "HTTP Request" not in text  # httpx's per-request lines are kept quiet


def test_a_watcher_job_every_second_does_not_fill_the_log_at_info():
    """APScheduler says "Running job …" and "… executed successfully" at INFO on every
    run; at the default level a newcomer's log must show accbot's lines, not those."""
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    from accbot.logging_setup import configure_logging

    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("apscheduler", "httpx")}
    stream = io.StringIO()
    ran = threading.Event()
    scheduler = BackgroundScheduler()
    try:
        configure_logging("INFO", handler=logging.StreamHandler(stream))
        scheduler.add_job(ran.set, "interval", seconds=0.05, id="watch-cycle")
        scheduler.start()
        assert ran.wait(5)
        scheduler.shutdown(wait=True)
        logging.getLogger("accbot.watcher").info("cycle done: 3 agents polled")
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
        for name, was in quiet.items():
            logging.getLogger(name).setLevel(was)
    text = stream.getvalue()
    assert "cycle done: 3 agents polled" in text
    assert "Running job" not in text and "executed successfully" not in text
