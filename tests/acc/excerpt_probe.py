"""Run in its own process by test_huge_logs.py: fetch a run's log from ACC and build the
excerpt exactly as `/acc log` and the watcher's failure alerts do, then print what that
cost this process (peak resident size growth and CPU time), from its own figures."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def peak_kib() -> int:
    """VmHWM: the most resident memory this process has held so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(url: str, token: str, warm_run: str, big_run: str) -> None:
    from accbot.acc.client import AccClient
    from accbot.actions.runs import log_file

    with AccClient(url, token, max_retries=0) as acc:
        # warm up: imports, connection pool, zipfile and regex caches
        log_file("warm", "warm.zip", acc.get_run_log(warm_run))
        peak, cpu = peak_kib(), cpu_seconds()
        result = log_file("big", "big.zip", acc.get_run_log(big_run))
        report = {
            "peak_growth_kib": peak_kib() - peak,
            "cpu_seconds": cpu_seconds() - cpu,
            "summary": result.summary,
            "quoted_lines": result.quoted_lines,
            "uploaded_bytes": len(result.content),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:5])
