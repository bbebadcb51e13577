"""Block Kit for jobs: an agent's job history and one job run with its totals."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from accbot.acc.models import JobRun
from accbot.actions.context import Actor
from accbot.actions.results import JobDetail, JobList
from accbot.slack.views import format as fmt
from accbot.slack.views.blocks import line_sections
from accbot.slack.views.phrase import code
from accbot.slack.views.reply import Reply
from accbot.slack.views.runs import run_line

MAX_AGENT_RUNS = 40


def _of(done: int | None, total: int | None) -> str:
    return f"{fmt.count(done)}/{fmt.count(total)}"


def job_line(job: JobRun) -> str:
    return (
        f"{fmt.job_status(job.status)} #{fmt.count(job.run_id)} {code(job.job_history_id)}"
        f" · {fmt.when(job.start_time)} · runs {_of(job.completed_run_count, job.total_run_count)}"
        f" · {fmt.count(job.total_errors)} errors · {fmt.count(job.total_data_count)} rows"
    )


def job_fields(job: JobRun) -> list[MarkdownTextObject]:
    pairs = [
        ("Status", fmt.job_status(job.status)),
        ("Job run", f"#{fmt.count(job.run_id)}"),
        ("Started", fmt.when(job.start_time)),
        ("Ended", fmt.when(job.end_time)),
        ("Runs done", _of(job.completed_run_count, job.total_run_count)),
        ("Schedules done", _of(job.completed_schedule_count, job.total_schedule_count)),
        ("Errors", fmt.count(job.total_errors)),
        ("Data", fmt.count(job.total_data_count)),
        (
            "Requests / page loads",
            f"{fmt.count(job.total_request_count)} / {fmt.count(job.total_page_load_count)}",
        ),
        ("Deliveries", fmt.count(job.total_delivery_count)),
    ]
    return [MarkdownTextObject(text=f"*{k}*\n{v}") for k, v in pairs]


def render_job_list(result: JobList, actor: Actor) -> Reply:
    title = f"Latest job runs of {result.agent_label}"
    if not result.jobs:
        text = f"No job runs found for `{fmt.escape(result.agent_label)}`."
        return Reply(text=text, blocks=[SectionBlock(text=text)])
    hint = (
        f"{code('/acc job <jobRunId>')} shows one job run; "
        f"{code('/acc job runs <agentPath> <jobRunId>')} its agent runs."
    )
    if result.portal_url:
        hint += f" · {fmt.link(result.portal_url, 'Open ACC')}"
    blocks = [
        HeaderBlock(text=fmt.plain(title, 150)),
        *line_sections([job_line(j) for j in result.jobs]),
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    return Reply(text=fmt.escape(title), blocks=blocks)


def render_job_detail(result: JobDetail, actor: Actor) -> Reply:
    job = result.job
    agent = code(result.agent_label) if result.agent_label else f"agent ID {code(job.agent_id)}"
    title = f"Job run #{fmt.count(job.run_id)} of {result.agent_label or 'agent ' + job.agent_id}"
    blocks = [
        HeaderBlock(text=fmt.plain(title, 150)),
        SectionBlock(text=f"{code(job.job_history_id)} of {agent}", fields=job_fields(job)),
    ]
    if result.runs_listed:
        runs = [run_line(r) for r in result.agent_runs[:MAX_AGENT_RUNS]]
        if len(result.agent_runs) > MAX_AGENT_RUNS:
            runs.append(f"… and {len(result.agent_runs) - MAX_AGENT_RUNS} more")
        blocks.extend(
            line_sections(["*Agent runs*", *(runs or ["_This job run has no agent runs._"])])
        )
    hints = [
        code(f"/acc job logs {job.job_history_id}"),
        code(f"/acc job data {job.job_history_id}"),
    ]
    if result.runs_listed and result.agent_runs:
        hints.append(f"{code('/acc run <runId>')} for Restart, Retry errors, Show log and Data")
    if result.portal_url:
        hints.append(fmt.link(result.portal_url, "Open ACC"))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(hints))]))
    return Reply(text=fmt.escape(f"{title}: {job.status.label}"), blocks=blocks)
