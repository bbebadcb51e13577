"""What a huge log costs the bot: a 256 MiB log zipped to under 1 MiB, served by the
simulator, fetched and excerpted as `/acc log` and every failure alert do.

The work runs in a child process that reports its own figures: the growth of its peak
resident size (VmHWM) and its CPU time (getrusage), next to what inflating the whole
member would cost in the same process for comparison.

    .venv/bin/python -m benchmarks.log_excerpt
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

MiB = 1024 * 1024
LOG_MIB = 256
TOKEN = "bench-token"  # noqa: S105 (the simulator's token for this run)
LINE = b"2024-05-01 10:00:00.000 Info    Loading https://www.example.com/page (200 OK)\r\n"
ERROR = b"2024-05-01 10:00:01.000 Error   Error in command 'Extract price': not found\r\n"


def huge_log_zip(mib: int = LOG_MIB) -> bytes:
    filler = LINE * (MiB // len(LINE))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("run.log", "w", force_zip64=True) as member:
            member.write(ERROR + filler)
            for _ in range(mib - 1):
                member.write(filler)
    return buffer.getvalue()


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def probe(url: str, warm: str, big: str) -> dict[str, float]:
    """In the child: the excerpt's cost, then a whole-member inflate's, by this process."""
    from accbot.acc.client import AccClient
    from accbot.actions.runs import log_file

    with AccClient(url, TOKEN, max_retries=0) as acc:
        log_file("warm", "warm.zip", acc.get_run_log(warm))
        peak, cpu, wall = _peak_kib(), _cpu(), time.perf_counter()
        data = acc.get_run_log(big)
        result = log_file("big", "big.zip", data)
        figures = {
            "excerpt_peak_growth_mib": round((_peak_kib() - peak) / 1024, 1),
            "excerpt_cpu_s": round(_cpu() - cpu, 3),
            "excerpt_wall_s": round(time.perf_counter() - wall, 3),
            "error_lines_found": len(result.quoted_lines),
        }
    cpu = _cpu()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("run.log") as member:
        while member.read(MiB):
            pass
    figures["whole_inflate_cpu_s"] = round(_cpu() - cpu, 3)
    return figures


def run() -> dict[str, object]:
    from accbot.simulator.server import SimulatorServer
    from accbot.simulator.state import SimState

    data = huge_log_zip()
    with SimulatorServer(state=SimState(seed=False), token=TOKEN) as sim:
        agent = sim.state.add_agent("bench/huge/log")["agentId"]
        warm = sim.state.add_run(agent, 5, errors=1)["agentRunHistoryId"]
        big = sim.state.add_run(agent, 5, errors=1)["agentRunHistoryId"]
        sim.state.set_run_log_archive(big, data)
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.log_excerpt", "--probe", sim.url, warm, big],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    return {"log_mib": LOG_MIB, "zip_kib": len(data) // 1024, **json.loads(child.stdout)}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--probe"]:
        print(json.dumps(probe(*sys.argv[2:5])))
    else:
        result = run()
        print("| " + " | ".join(result) + " |")
        print("|" + "---|" * len(result))
        print("| " + " | ".join(str(v) for v in result.values()) + " |")
