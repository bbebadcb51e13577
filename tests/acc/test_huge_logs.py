"""A huge log costs the bot little: a 256 MiB log that zips to under 1 MiB, served by the
simulator, is excerpted by reading at most a few MiB of it. Memory and CPU are measured
by the process doing the work (VmHWM and getrusage in a subprocess), not guessed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from accbot.acc import zips
from tests.acc.conftest import SIM_TOKEN

MiB = 1024 * 1024
HUGE = 256 * MiB
PEAK_GROWTH_LIMIT_KIB = 32 * 1024  # the whole log would be 256 MiB; the excerpt reads 2
CPU_LIMIT_SECONDS = 0.25  # measured 0.06 s (benchmarks/RESULTS.md); reading it all took 0.3 s
LINE = b"2024-05-01 10:00:00.000 Info    Loading https://www.example.com/page (200 OK)\r\n"
ERROR = b"2024-05-01 10:00:01.000 Error   Error in command 'Extract price': not found\r\n"


@pytest.fixture(scope="module")
def huge_log_zip() -> bytes:
    """256 MiB of log text, an error line early on, deflated to well under 1 MiB."""
    block = ERROR + LINE * (MiB // len(LINE))
    filler = LINE * (MiB // len(LINE))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("run.log", "w", force_zip64=True) as member:
            written = 0
            member.write(block)
            written += len(block)
            while written + len(filler) <= HUGE:
                member.write(filler)
                written += len(filler)
    data = buffer.getvalue()
    assert len(data) < MiB
    assert zips.list_files(data)[0].size > 255 * MiB
    return data


def test_a_256_mib_log_is_excerpted_with_little_memory_and_cpu(
    acc_simulator, fresh_agent, huge_log_zip
):
    _, agent_id = fresh_agent
    state = acc_simulator.state
    warm = state.add_run(agent_id, 5, errors=1)["agentRunHistoryId"]
    big = state.add_run(agent_id, 5, errors=1)["agentRunHistoryId"]
    state.set_run_log_archive(big, huge_log_zip)
    probe = subprocess.run(
        [sys.executable, "-m", "tests.acc.excerpt_probe", acc_simulator.url, SIM_TOKEN, warm, big],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(probe.stdout)
    assert report["peak_growth_kib"] < PEAK_GROWTH_LIMIT_KIB, report
    assert report["cpu_seconds"] < CPU_LIMIT_SECONDS, report
    assert any("Error in command 'Extract price'" in line for line in report["quoted_lines"])
    assert "(only its first 2 MiB of 256 MiB were read)" in report["summary"]
    assert report["uploaded_bytes"] == len(huge_log_zip)  # the whole zip still goes to Slack
