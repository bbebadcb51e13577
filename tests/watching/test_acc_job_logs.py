"""A failed job's log excerpt: every run's log in the job's archive is searched for error
lines, within one budget for the whole archive (the simulator serves the archive)."""

from __future__ import annotations

import io
import uuid
import zipfile
from types import SimpleNamespace

import pytest

from accbot.acc import zips
from accbot.acc.client import AccClient
from accbot.watching.acc import AccJobs

TOKEN = "test-token"  # noqa: S105 - the simulator's fixed test token
INFO = b"2024-05-01 10:00:00.000 Info    Loading https://www.example.com/page (200 OK)\r\n"


def error(run: int) -> bytes:
    return f"2024-05-01 10:00:01.000 Error   run {run}: command 'Extract price' failed\r\n".encode()


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, content in members.items():
            out.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def job(acc_simulator):
    """(services with a real ACC client, the simulator's state, a failed job's id)."""
    agent = acc_simulator.state.add_agent(f"job-logs/{uuid.uuid4().hex[:8]}/agent")
    job = acc_simulator.state.add_job_run(agent["agentId"], 4)
    with AccClient(acc_simulator.url, TOKEN, backoff=0, max_retries=0) as client:
        yield SimpleNamespace(acc=client), acc_simulator.state, job["agentJobHistoryId"]


def test_every_runs_error_lines_are_named_by_their_log(job):
    services, state, job_id = job
    state.set_job_log_archive(
        job_id, archive({"run-1.log": INFO + error(1), "run-2.log": error(2) + INFO})
    )
    excerpt = AccJobs().log_excerpt(services, job_id)
    assert excerpt.summary == "2 error line(s) in the job's logs"
    assert [line.split(":")[0] for line in excerpt.lines] == ["run-1.log", "run-2.log"]


def test_logs_past_one_budget_for_the_whole_archive_are_not_read(job):
    """Each log alone is under the per-log cap; together they are not: the third is not
    inflated at all, and the summary says so."""
    services, state, job_id = job
    filler = INFO * (zips.MAX_EXCERPT_BYTES * 3 // 4 // len(INFO))
    state.set_job_log_archive(
        job_id,
        archive(
            {
                "run-1.log": error(1) + filler,
                "run-2.log": error(2) + filler,
                "run-3.log": error(3),
                "run-4.log": error(4),
            }
        ),
    )
    excerpt = AccJobs().log_excerpt(services, job_id)
    named = [line.split(":")[0] for line in excerpt.lines]
    assert named == ["run-1.log", "run-2.log"]
    assert "2 log(s) not read" in excerpt.summary
    assert "2 MiB in all" in excerpt.summary
