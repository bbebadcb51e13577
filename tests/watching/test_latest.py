"""The newest run of an agent's every-cycle history: its "last status" on the App Home."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.watching.latest import LastRun, latest_run
from accbot.watching.observation import Observation

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def seen(run_id: str, status: str, started: datetime | None, *, stream: str = "run",
         failure: bool = False, ended: datetime | None = None) -> Observation:  # fmt: skip
    return Observation(
        kind="acc", stream=stream, agent_id="a", run_id=run_id, status=status,
        is_failure=failure, is_finished=True, is_success=not failure, started=started,
        ended=ended, log_ref=run_id,
    )  # fmt: skip


def test_the_run_that_started_last_is_the_last_status_whatever_the_order():
    older = seen("r1", "Succeeded", T0)
    newer = seen(
        "r2", "Failed", T0 + timedelta(hours=1), failure=True, ended=T0 + timedelta(hours=2)
    )
    last = latest_run([[older, newer]])
    assert last == LastRun("r2", "Failed", True, T0 + timedelta(hours=2))


def test_job_runs_are_not_the_agents_last_status():
    job = seen("job:9", "Failure", T0 + timedelta(days=1), stream="job", failure=True)
    assert latest_run([[seen("r1", "Succeeded", T0)], [job]]).run_id == "r1"
    assert latest_run([[job]]) is None
    assert latest_run([]) is None


def test_a_run_without_a_start_time_counts_as_oldest():
    last = latest_run([[seen("r0", "Starting", None), seen("r1", "Succeeded", T0)]])
    assert last is not None and last.run_id == "r1" and last.at == T0


def test_it_reads_back_what_it_wrote_and_nothing_from_garbage():
    last = LastRun("r2", "Failed", True, T0)
    assert LastRun.of(last.payload()) == last
    assert LastRun.of(None) is None
    assert LastRun.of({"status": "Failed"}) is None
    assert LastRun.of({"run_id": "r", "status": "Failed", "at": "yesterday"}).at is None
