"""Run the benchmarks and print one Markdown table per benchmark.

python -m benchmarks            # all
python -m benchmarks ack        # those whose name contains "ack"
"""

from __future__ import annotations

import importlib
import platform
import sys

BENCHMARKS = {
    "parser_throughput": "benchmarks.parser_throughput",
    "ack_latency": "benchmarks.ack_latency",
    "watcher_cycle": "benchmarks.watcher_cycle",
    "log_excerpt": "benchmarks.log_excerpt",
    "alert_storm": "benchmarks.alert_storm",
}


def main(argv: list[str]) -> int:
    wanted = [name for name in BENCHMARKS if not argv or any(a in name for a in argv)]
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    for name in wanted:
        try:
            module = importlib.import_module(BENCHMARKS[name])
        except ModuleNotFoundError as exc:
            print(f"\n## {name}\nskipped: {exc}")
            continue
        result = module.run()
        print(f"\n## {name}\n")
        print("| " + " | ".join(result) + " |")
        print("|" + "---|" * len(result))
        print("| " + " | ".join(str(v) for v in result.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
