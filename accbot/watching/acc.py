"""ACC agents as a watch kind: two streams, the runs and the job runs.

An ACC agent's runs come from ``api/agent/{id}/history`` and its job runs from
``api/job/{id}/history``; each becomes an :class:`Observation`. A job run's id carries a
``job:`` prefix so that it can never collide with a run's in alert and cursor keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accbot.acc import zips
from accbot.acc.models import AgentRun, JobRun, JobStatus, RunStatus
from accbot.watching.kind import WatchKind
from accbot.watching.observation import LogExcerpt, Observation, aware

if TYPE_CHECKING:
    from accbot.actions.context import Services

KIND = "acc"
JOB_PREFIX = "job:"
LOG_LINES = 15


def run_observation(run: AgentRun) -> Observation:
    status = run.status
    return Observation(
        kind=KIND,
        stream="run",
        agent_id=run.agent_id,
        run_id=run.run_history_id,
        status=status.label,
        is_failure=status.is_failure,
        is_finished=status.is_finished,
        is_success=status is RunStatus.SUCCEEDED,
        is_active=status in (RunStatus.STARTING, RunStatus.RUNNING, RunStatus.DELIVERY),
        started=aware(run.start_time),
        ended=aware(run.end_time),
        expected_end=aware(run.expected_end_time),
        log_ref=run.run_history_id,
        original=run,
        belongs_to_job=bool(run.run_id and run.run_id > 0) or bool(run.job_schedule_id),
        data_count=run.data_count,
    )


def job_observation(job: JobRun) -> Observation:
    status = job.status
    return Observation(
        kind=KIND,
        stream="job",
        agent_id=job.agent_id,
        run_id=JOB_PREFIX + job.job_history_id,
        status=status.label,
        is_failure=status.is_failure,
        is_finished=status.is_finished,
        is_success=status is JobStatus.SUCCEEDED,
        started=aware(job.start_time),
        ended=aware(job.end_time),
        log_ref=job.job_history_id,
        original=job,
    )


class AccRuns:
    name = "run"
    backend = "ACC"
    on_demand = False

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        return [run_observation(r) for r in services.acc.get_run_history(agent_id, count=count)]

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        found = zips.summarize_log(services.acc.get_run_log(log_ref), limit=LOG_LINES)
        return LogExcerpt(summary=found.summary, lines=found.lines)


class AccJobs:
    name = "job"
    backend = "ACC"
    on_demand = True  # a job's state follows its runs, which the run history shows

    def fetch(self, services: Services, agent_id: str, count: int) -> list[Observation]:
        return [job_observation(j) for j in services.acc.get_job_history(agent_id, count=count)]

    def log_excerpt(self, services: Services, log_ref: str) -> LogExcerpt:
        """A job's archive holds one log per agent run: the error lines of each, named.

        All members together are read within one budget of ``zips.MAX_EXCERPT_BYTES``
        (the most of any single log quoted elsewhere), so an archive of many large logs
        costs no more than one: members past the budget are counted, not inflated.
        """
        data = services.acc.get_job_logs(log_ref)
        lines: list[str] = []
        budget = zips.MAX_EXCERPT_BYTES
        unread = 0
        for entry in zips.list_files(data):
            if not entry.name.lower().endswith(zips.TEXT_SUFFIXES):
                continue
            if budget <= 0 or len(lines) >= LOG_LINES:
                unread += budget <= 0
                continue
            log = zips.read_log(data, entry.name, max_bytes=budget)
            # What was inflated, whatever the member declared; never less than one byte.
            budget -= max(1, min(entry.size, budget), len(log.text.encode("utf-8", "replace")))
            found = zips.error_lines(log.text, limit=LOG_LINES)
            lines.extend(f"{entry.name}: {line}" for line in found)
        lines = lines[:LOG_LINES]
        summary = (
            f"{len(lines)} error line(s) in the job's logs"
            if lines
            else "No error lines in the job's logs"
        )
        if unread:
            summary += f" ({unread} log(s) not read: the excerpt reads at most "
            summary += f"{zips.MAX_EXCERPT_BYTES // zips.MiB} MiB in all)"
        return LogExcerpt(summary=summary, lines=lines)


def resolve_agent_id(services: Services, path: str) -> str:
    """The agent's id for its path (ACC answers 404, raised as NotFound, for none)."""
    return services.acc.get_agent(path).agent_id


ACC = WatchKind(kind=KIND, streams=(AccRuns(), AccJobs()), resolve=resolve_agent_id)
