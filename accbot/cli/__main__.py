"""``python -m accbot.cli …`` is ``accbot …``."""

import sys

from accbot.cli import main

sys.exit(main())
