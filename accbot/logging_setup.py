"""Logging: plain lines on stderr, with secrets scrubbed from every record.

The settings hold tokens as SecretStr, and clients never log headers; this filter is
the last line of defence should a token ever reach a message anyway.
"""

from __future__ import annotations

import logging
import os
import re

TOKEN_PATTERN = re.compile(r"(xox[abposr]-[0-9A-Za-z-]+|xapp-[0-9A-Za-z-]+|Bearer\s+[^\s'\"]+)")
SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "ACC_API_TOKEN",
    "SAS_TOKEN",
    "SAS_CLIENT_SECRET",
)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        values = secrets if secrets is not None else [os.environ.get(n, "") for n in SECRET_VARIABLES]
        self._secrets = [s for s in values if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return TOKEN_PATTERN.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def configure_logging(level: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("ACCBOT_LOG_LEVEL", "INFO"))
    # httpx logs every request at INFO; accbot's clients log what matters themselves
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler logs "Running job …" and "… executed successfully" at INFO for every
    # watcher cycle (each second in tests); the watcher logs its own cycles that matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic lists each of its plug-ins at INFO on every start; its upgrades stay visible.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
