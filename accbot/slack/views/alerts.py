"""Block Kit for the watcher: alerts, digests, log excerpts, recoveries and outages.

Alerts are rendered when they are recorded and kept with the record as plain dicts
(``SlackMessage``), so the exact same message goes out however late it is posted. One
renderer per kind of run (``@renders_alert(AgentRun)``); a new backend adds its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.acc.models import AgentRun, JobRun
from accbot.slack.views import format as fmt
from accbot.slack.views.blocks import line_sections
from accbot.slack.views.runs import (
    mute_button,
    restart_button,
    retry_errors_button,
    show_log_button,
)

if TYPE_CHECKING:
    from accbot.watcher.sources import LogExcerpt, Observation

MAX_LOG_CHARS = 2800
FAILURE_ICON = ":x:"
OVERDUE_ICON = ":hourglass:"
RECOVERED_ICON = ":white_check_mark:"


@dataclass(frozen=True)
class SlackMessage:
    """A message ready for chat.postMessage / chat.update: fallback text and block dicts."""

    text: str
    blocks: list[dict[str, Any]]

    @classmethod
    def of(cls, text: str, blocks: list[Block]) -> SlackMessage:
        # to_dict() checks Block Kit's limits, so a bad message fails here, not in Slack.
        return cls(text=text, blocks=[block.to_dict() for block in blocks])

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SlackMessage:
        return cls(text=str(payload.get("text") or ""), blocks=list(payload.get("blocks") or []))


@dataclass(frozen=True)
class AlertContext:
    """What the watch adds to a run: its name for the agent, the portal, what happened."""

    agent_ref: str  # a path or ``sas:<agentId>``, as the watch names it
    portal_url: str = ""
    overdue: bool = False


AlertRenderer = Callable[["Observation", AlertContext], list[Block]]
_RENDERERS: dict[type, AlertRenderer] = {}


def renders_alert(original_type: type) -> Callable[[AlertRenderer], AlertRenderer]:
    def register(func: AlertRenderer) -> AlertRenderer:
        _RENDERERS[original_type] = func
        return func

    return register


def render_alert(observation: Observation, context: AlertContext) -> SlackMessage:
    """The alert message for one run (the blocks come from the renderer of its type)."""
    for klass in type(observation.original).__mro__:
        if klass in _RENDERERS:
            return SlackMessage.of(
                alert_text(observation, context), _RENDERERS[klass](observation, context)
            )
    raise LookupError(f"no alert view for {type(observation.original).__name__}")


def alert_text(observation: Observation, context: AlertContext) -> str:
    what = "job run" if observation.stream == "job" else "run"
    state = "is overdue" if context.overdue else observation.status
    return f"{context.agent_ref}: {what} {display_id(observation)} {state}"


def alert_line(observation: Observation, context: AlertContext) -> str:
    """One line for a digest: icon, agent, run, status."""
    icon = OVERDUE_ICON if context.overdue else status_icon(observation)
    what = "job run" if observation.stream == "job" else "run"
    state = "overdue" if context.overdue else observation.status
    return f"{icon} `{fmt.escape(context.agent_ref)}` {what} `{display_id(observation)}` {fmt.escape(state)}"


def display_id(observation: Observation) -> str:
    log_ref = observation.log_ref
    return log_ref if log_ref and observation.run_id.endswith(log_ref) else observation.run_id


def status_icon(observation: Observation) -> str:
    if observation.is_failure:
        return FAILURE_ICON
    if observation.is_success:
        return RECOVERED_ICON
    return ":information_source:"


def _portal(context: AlertContext, *extra: str) -> ContextBlock:
    parts = [fmt.link(context.portal_url, "Open ACC")] if context.portal_url else []
    parts.extend(extra)
    return ContextBlock(
        elements=[MarkdownTextObject(text=fmt.truncate(" · ".join(parts) or "—", 3000))]
    )


def _field(name: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=f"*{name}*\n{value}")


@renders_alert(AgentRun)
def run_alert(observation: Observation, context: AlertContext) -> list[Block]:
    run: AgentRun = observation.original
    agent = fmt.escape(context.agent_ref)
    if context.overdue:
        header = f"{OVERDUE_ICON} Run overdue: {context.agent_ref}"
        lead = f"Run `{run.run_history_id}` is still {run.status.label.lower()}, expected to end {fmt.when(run.expected_end_time)}."
        fields = [
            _field("Status", fmt.run_status(run)),
            _field("Started", fmt.when(run.start_time)),
            _field("Expected end", fmt.when(run.expected_end_time)),
            _field("Run time so far", fmt.duration(run.run_time)),
            _field("Server", fmt.escape(run.server_ip or "—")),
        ]
    else:
        header = f"{status_icon(observation)} Run {run.status.label.lower()}: {context.agent_ref}"
        lead = f"Agent `{agent}` · run `{run.run_history_id}`"
        if run.status_message:
            lead += f"\n> {fmt.escape(fmt.truncate(run.status_message, 500))}"
        fields = [
            _field("Status", fmt.run_status(run)),
            _field("Errors", fmt.count(run.errors)),
            _field("Started", fmt.when(run.start_time)),
            _field("Ended", fmt.when(run.end_time)),
            _field("Run time", fmt.duration(run.run_time)),
            _field("Server", fmt.escape(run.server_ip or "—")),
        ]
    return [
        HeaderBlock(text=fmt.truncate(header, 150)),
        SectionBlock(text=fmt.truncate(lead, 3000), fields=fields),
        _portal(context),
        ActionsBlock(
            block_id=f"alert:{run.run_history_id}"[:255],
            # A run still going cannot be retried or restarted yet.
            elements=[
                *([] if context.overdue else [retry_errors_button(run), restart_button(run)]),
                show_log_button(run),
                mute_button(context.agent_ref),
            ],
        ),
    ]


@renders_alert(JobRun)
def job_alert(observation: Observation, context: AlertContext) -> list[Block]:
    job: JobRun = observation.original
    agent = fmt.escape(context.agent_ref)
    run_time = job.end_time - job.start_time if job.end_time and job.start_time else None
    runs = (
        f"{fmt.count(job.completed_run_count)} of {fmt.count(job.total_run_count)}"
        if job.total_run_count is not None
        else "—"
    )
    fields = [
        _field("Status", fmt.job_status(job.status)),
        _field("Errors", fmt.count(job.total_errors)),
        _field("Started", fmt.when(job.start_time)),
        _field("Ended", fmt.when(job.end_time)),
        _field("Run time", fmt.duration(run_time)),
        _field("Runs completed", runs),
    ]
    hints = (
        f"`/acc job logs {job.job_history_id}`",
        f"`/acc job runs {agent} {job.run_id}`" if job.run_id is not None else "",
    )
    return [
        HeaderBlock(
            text=fmt.truncate(
                f"{status_icon(observation)} Job run {job.status.label.lower()}: {context.agent_ref}",
                150,
            )
        ),
        SectionBlock(
            text=fmt.truncate(
                f"Agent `{agent}` · job run `{job.job_history_id}` (#{job.run_id})", 3000
            ),
            fields=fields,
        ),
        _portal(context, *[h for h in hints if h]),
        ActionsBlock(
            block_id=f"alert:{job.job_history_id}"[:255], elements=[mute_button(context.agent_ref)]
        ),
    ]


def render_digest(lines: list[str]) -> SlackMessage:
    """Many alerts for one channel at once: one message listing them all."""
    count = len(lines)
    title = f":rotating_light: {count} alerts"
    blocks: list[Block] = [HeaderBlock(text=title)]
    blocks.extend(line_sections(lines))
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="Each run's details and buttons are in this thread.")]
        )
    )
    return SlackMessage.of(
        f"{count} alerts: " + "; ".join(_plain(line) for line in lines[:5]), blocks
    )


def _plain(line: str) -> str:
    return line.replace("`", "")


def render_log_excerpt(log_ref: str, excerpt: LogExcerpt) -> SlackMessage:
    text = f"*Log of `{log_ref}`* — {fmt.escape(excerpt.summary)}"
    if excerpt.lines:
        quoted = fmt.truncate("\n".join(excerpt.lines), MAX_LOG_CHARS).replace("```", "'''")
        text += f"\n```{quoted}```"
    return SlackMessage.of(
        f"Log of {log_ref}: {excerpt.summary}", [SectionBlock(text=fmt.truncate(text, 3000))]
    )


def render_log_unavailable(log_ref: str, reason: str) -> SlackMessage:
    text = f":page_facing_up: The log of `{log_ref}` could not be fetched ({fmt.escape(reason)}). Use *Show log* to try again."
    return SlackMessage.of(
        f"The log of {log_ref} could not be fetched", [SectionBlock(text=fmt.truncate(text, 3000))]
    )


def recovery_note(success: Observation) -> dict[str, Any]:
    """What a recovery says, kept with the failure's record until the reply goes out."""
    what = "job run" if success.stream == "job" else "run"
    moment = success.ended or success.started
    return {
        "line": f"{what} `{display_id(success)}` {fmt.escape(success.status.lower())} {fmt.when(moment)}",
        "text": f"{what} {display_id(success)} {success.status.lower()}",
    }


def render_recovered_reply(note: dict[str, Any]) -> SlackMessage:
    text = f"{RECOVERED_ICON} *Recovered*: {note.get('line', 'a later run succeeded')}."
    return SlackMessage.of(
        f"Recovered: {note.get('text', 'a later run succeeded')}",
        [SectionBlock(text=fmt.truncate(text, 3000))],
    )


def render_recovered_original(original: SlackMessage, note: dict[str, Any]) -> SlackMessage:
    """The failure's own message, marked recovered at the top."""
    banner = SectionBlock(
        text=fmt.truncate(
            f"{RECOVERED_ICON} *Recovered* — {note.get('line', 'a later run succeeded')}", 3000
        )
    ).to_dict()
    return SlackMessage(text=f"Recovered — {original.text}", blocks=[banner, *original.blocks][:50])


def backend_unreachable(backend: str, since: datetime | None, error: str | None) -> SlackMessage:
    text = (
        f":electric_plug: *{backend} unreachable* since {fmt.when(since)}. The watcher keeps "
        "trying; failures that happen meanwhile are alerted once it answers again."
    )
    if error:
        text += f"\n> {fmt.escape(fmt.truncate(error, 300))}"
    return SlackMessage.of(f"{backend} unreachable", [SectionBlock(text=fmt.truncate(text, 3000))])


def backend_reachable(backend: str) -> SlackMessage:
    text = f"{RECOVERED_ICON} *{backend} reachable again*. Watching resumes; anything missed is alerted now."
    return SlackMessage.of(f"{backend} reachable again", [SectionBlock(text=text)])
