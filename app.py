"""accbot entry point: settings -> services -> Slack app -> Socket Mode or HTTP."""

from __future__ import annotations

import logging
import sys

from accbot.config import ConfigError, load_settings
from accbot.logging_setup import configure_logging


def main() -> int:
    configure_logging()
    try:
        settings = load_settings().require_bot()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    from accbot.server import StartupError, serve

    try:
        return serve(settings)
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    logging.getLogger("accbot").debug("starting")
    sys.exit(main())
