"""How many /acc lines the parser handles per second (it runs inside the 3 s ack)."""

from __future__ import annotations

import time

from accbot.commands.parser import parse

LINES = [
    "agent sequentum/Test2/quick",
    'start sequentum/Test2/quick city="New York" limit=10 --log-level 2 --test --wait=120',
    "retry 9040f86d-bbc1-4038-9868-501145cc2370 ContinueAndRetryErrors",
    'schedule add sequentum/Test2/quick "0 30 6 * * ?" --tz Australia/Sydney --start 2026-12-01T06:30:00 a=1',
    "watch sequentum/Test2/quick <#C0123ABCD|ops> --all",
    "runs sas:ba14bc66-8aaf-4a57-bff1-87a39774ac1a 20 --status failed",
]


def run(rounds: int = 5000) -> dict:
    started = time.perf_counter()
    for _ in range(rounds):
        for line in LINES:
            parse(line)
    elapsed = time.perf_counter() - started
    total = rounds * len(LINES)
    return {
        "lines": total,
        "lines_per_s": int(total / elapsed),
        "us_per_line": round(elapsed / total * 1e6, 1),
    }
