"""Logging: plain lines on stderr, with secrets scrubbed from every record.

The settings hold tokens as SecretStr and the clients scrub what servers echo, but a
secret can still reach a message some other way (a library's exception text, a URL with
``user:password@``). The filter here runs every line, traceback included, through the
process's one scrubber (:data:`accbot.backend.secrets.SCRUBBER`), which
``accbot.runtime`` feeds with every secret in the settings; at startup, before the
settings are read, the secret variables in the environment are fed to it directly.
"""

from __future__ import annotations

import logging
import os

from accbot.backend.secrets import SCRUBBER, Scrubber, url_password

SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "ACC_API_TOKEN",
    "SAS_TOKEN",
    "SAS_CLIENT_SECRET",
)
URL_VARIABLES = ("DATABASE_URL", "ACC_BASE_URL", "SAS_BASE_URL", "ACCBOT_ACC_WEB_URL")
# Libraries that log request bodies or every scheduler tick at INFO.
QUIET_LOGGERS = ("httpx", "httpcore")


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's message and in its traceback text."""

    def __init__(self, scrubber: Scrubber | None = None) -> None:
        super().__init__()
        self.scrubber = scrubber or SCRUBBER

    def redact(self, text: str) -> str:
        return self.scrubber.scrub(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # formatted once here, scrubbed, and kept: Formatter uses exc_text as it is
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def remember_environment_secrets(environ: dict[str, str] | None = None) -> None:
    """Feed the scrubber what the environment holds before the settings are read."""
    env = os.environ if environ is None else environ
    SCRUBBER.add(*(env.get(name) for name in SECRET_VARIABLES))
    SCRUBBER.add(*(url_password(env.get(name)) for name in URL_VARIABLES))


def install_filter(handler: logging.Handler, scrubber: Scrubber | None = None) -> RedactSecrets:
    """Put the secret filter on ``handler`` (once) and return it."""
    for existing in handler.filters:
        if isinstance(existing, RedactSecrets):
            return existing
    redact = RedactSecrets(scrubber)
    handler.addFilter(redact)
    return redact


def configure_logging(level: str | None = None, *, handler: logging.Handler | None = None) -> None:
    """Log to stderr (or ``handler``) through the secret filter."""
    remember_environment_secrets()
    handler = handler or logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    install_filter(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("ACCBOT_LOG_LEVEL", "INFO"))
    # httpx logs every request at INFO; accbot's clients log what matters themselves
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # APScheduler logs "Running job …" and "… executed successfully" at INFO for every
    # watcher cycle (each second in tests); the watcher logs its own cycles that matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic lists each of its plug-ins at INFO on every start; its upgrades stay visible.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
