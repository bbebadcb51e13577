"""Jobs: start one, list an agent's job history, show one job run (with its agent runs),
fetch a job run's logs or data, and set the status of an agent's latest job."""

from __future__ import annotations

from accbot.acc.errors import NotFound, ResponseTooLarge
from accbot.acc.models import JobStartRequest, JobStatus
from accbot.actions.common import agent_label, resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, pairs, say
from accbot.actions.results import FileResult, JobDetail, JobList, Mutation
from accbot.actions.runs import data_file, log_file, too_large_file
from accbot.commands.model import (
    JobData,
    JobLogs,
    ListJobRuns,
    ListJobs,
    SetJobStatus,
    ShowJob,
    StartJob,
)

STATUS_BY_SLUG = {status.slug: status for status in JobStatus}


def start_job(
    command: StartJob,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    agent = resolve_agent(services, command.agent_path)
    started = services.acc.start_job(
        agent.agent_id, JobStartRequest(input_parameters=command.params or None)
    )
    return Mutation(
        summary=say(
            f"started job run #{started.job_run_id} of ",
            Code(command.agent_path),
            " (job run ID ",
            Code(started.job_history_id),
            ")",
        ),
        detail=say("Input parameters: ", pairs(command.params)) if command.params else None,
        portal_url=services.acc_link(),
    )


def list_jobs(command: ListJobs, actor: Actor, services: Services) -> JobList:
    agent = resolve_agent(services, command.agent_path)
    jobs = services.acc.get_job_history(agent.agent_id, count=command.count)
    return JobList(agent_label=command.agent_path, jobs=jobs, portal_url=services.acc_link())


def show_job(command: ShowJob, actor: Actor, services: Services) -> JobDetail:
    job = services.acc.get_job_run(command.job_run_id)
    return JobDetail(
        job=job, agent_label=_known_path(services, job.agent_id), portal_url=services.acc_link()
    )


def list_job_runs(command: ListJobRuns, actor: Actor, services: Services) -> JobDetail:
    """ACC lists a job's agent runs by the job's per-agent number (``runId``), so the job
    run named by its ID is read first for that number."""
    agent = resolve_agent(services, command.agent_path)
    job = services.acc.get_job_run(command.job_run_id)
    if job.agent_id.lower() != agent.agent_id.lower():
        known = _known_path(services, job.agent_id)
        other = say(Code(known)) if known else say("agent ID ", Code(job.agent_id))
        raise InvalidInput(
            say("Job run ", Code(command.job_run_id), " belongs to ", other, ", not to ",
                Code(command.agent_path), ".")
        )  # fmt: skip
    if job.run_id is None:
        raise InvalidInput(
            say("ACC gave job run ", Code(command.job_run_id), " no run number to list.")
        )
    runs = services.acc.get_job_run_agent_runs(agent.agent_id, job.run_id)
    return JobDetail(
        job=job,
        agent_runs=runs,
        agent_label=command.agent_path,
        portal_url=services.acc_link(),
        runs_listed=True,
    )


def job_logs(command: JobLogs, actor: Actor, services: Services) -> FileResult:
    title = f"Logs of job run {command.job_run_id}"
    filename = f"job-logs-{command.job_run_id}.zip"
    try:
        data = services.acc.get_job_logs(command.job_run_id)
    except ResponseTooLarge as exc:
        return too_large_file(title, filename, exc)
    return log_file(title, filename, data)


def job_data(command: JobData, actor: Actor, services: Services) -> FileResult:
    title = f"Data of job run {command.job_run_id}"
    filename = f"job-data-{command.job_run_id}.zip"
    try:
        data = services.acc.get_job_data(command.job_run_id)
    except ResponseTooLarge as exc:
        return too_large_file(title, filename, exc)
    except NotFound as exc:
        # ACC answers 404 both for an unknown job run and for one that stored no data:
        # its own words say which
        raise InvalidInput(
            say("ACC has no data for job run ", Code(command.job_run_id), ": ",
                exc.detail or "no such job run, or its runs stored no data.")
        ) from None  # fmt: skip
    return data_file(title, filename, data)


def set_job_status(
    command: SetJobStatus,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    status = STATUS_BY_SLUG.get(command.status)
    if status is None:
        raise InvalidInput(f"'{command.status}' is not a job status.")
    agent = resolve_agent(services, command.agent_path)
    try:
        services.acc.set_latest_job_status(agent.agent_id, status)
    except NotFound:
        # The agent was just found, so ACC's 404 means it has no job run to change.
        raise InvalidInput(
            say(Code(command.agent_path), " has no job runs yet, so there is no job status to set.")
        ) from None
    return Mutation(
        summary=say(
            "set the status of the latest job of ", Code(command.agent_path), f" to {status.label}"
        ),
        portal_url=services.acc_link(),
    )


def _known_path(services: Services, agent_id: str) -> str | None:
    """The agent's path when this bot has looked it up before; ACC's job runs carry
    only the agent's ID."""
    label = agent_label(services, agent_id)
    return None if label == agent_id else label
