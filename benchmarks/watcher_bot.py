"""A bot process for the watcher benchmarks, configured from the environment like app.py.

It builds everything ``python app.py`` builds (services, the bolt app, the watcher), so
its memory is the bot's, and it runs apart from the simulator and the fake Slack, so its
CPU and RSS are its own. Two modes:

    python -m benchmarks.watcher_bot cycles     # a cycle per "cycle" line on stdin
    python -m benchmarks.watcher_bot serve      # the scheduled watcher until SIGTERM

Each cycle prints one JSON line: its duration, requests, agents, job histories asked,
shards held, the agents it polled (serve mode, when BENCH_REPORT_AGENTS is set) and the
process's RSS (current and peak, from /proc/self/status).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import threading
import time
from pathlib import Path

from accbot.config import load_settings
from accbot.runtime import build_services, close_services, settle_heap
from accbot.slack.app import build_bolt_app, build_web_client
from accbot.slack.pause_notices import SlackPauseSink
from accbot.slack.sink import SlackSink
from accbot.watcher.cycle import CycleReport
from accbot.watcher.pauses import PauseKeeper
from accbot.watcher.service import WatcherService


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process, in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return round(fields["VmRSS"], 1), round(fields["VmHWM"], 1)


def cpu_seconds() -> float:
    """CPU time (user and system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report_line(
    watcher: WatcherService, report: CycleReport | None, seconds: float, cpu: float
) -> str:
    current, peak = rss_mb()
    return json.dumps(
        {
            "holder": watcher.holder_id,
            "at": time.time(),
            "seconds": round(seconds, 3),
            "cpu_s": round(cpu, 2),
            "load_1m": os.getloadavg()[0],
            "agents": report.agents if report else 0,
            "requests": report.requests if report else 0,
            "job_histories": report.on_demand if report else 0,
            "reserved": len(report.reserved) if report else 0,
            "shards": sorted(watcher.shards.held),
            "rss_mb": current,
            "peak_rss_mb": peak,
        }
    )


def cycles(watcher: WatcherService) -> int:
    print(json.dumps({"ready": True, "rss_mb": rss_mb()[0]}), flush=True)
    for line in sys.stdin:
        if line.strip() != "cycle":
            break
        started, cpu = time.perf_counter(), cpu_seconds()
        report = watcher.run_cycle()
        elapsed = time.perf_counter() - started
        print(report_line(watcher, report, elapsed, cpu_seconds() - cpu), flush=True)
    return 0


def serve(watcher: WatcherService) -> int:
    """The scheduled watcher; each cycle's report is printed as it ends."""
    cycle = watcher.cycle
    run = cycle.run

    def reported(owns=None, **options):  # wraps the cycle the scheduler runs, to print its report
        started, cpu = time.perf_counter(), cpu_seconds()
        report = run(owns, **options)
        elapsed = time.perf_counter() - started
        print(report_line(watcher, report, elapsed, cpu_seconds() - cpu), flush=True)
        return report

    cycle.run = reported  # type: ignore[method-assign]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    watcher.start()
    print(json.dumps({"ready": True, "holder": watcher.holder_id}), flush=True)
    stop.wait()
    return 0


def main() -> int:
    mode = sys.argv[1]
    holder = sys.argv[2] if len(sys.argv) > 2 else None
    settings = load_settings()
    services = build_services(settings)
    services.db.migrate()
    client = build_web_client(settings)
    bolt = build_bolt_app(services, client)  # held as the bot holds it: its memory counts
    settle_heap()  # as server.py does once startup is done
    watcher = WatcherService(services, SlackSink(client), holder_id=holder)
    # The bot's singleton: paused schedules turned back on (shard 0's holder runs it).
    keeper = PauseKeeper(services, SlackPauseSink(client, settings.ACCBOT_ALERT_CHANNEL))
    watcher.add_singleton(keeper.run)
    try:
        return cycles(watcher) if mode == "cycles" else serve(watcher)
    finally:
        del bolt
        watcher.stop()
        close_services(services)


if __name__ == "__main__":
    sys.exit(main())
