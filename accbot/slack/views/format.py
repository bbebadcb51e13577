"""Text helpers for Slack messages: escaping, dates, statuses, durations."""

from __future__ import annotations

from datetime import datetime, timedelta

from accbot.acc.models import AgentRun, JobStatus, RunStatus

RUN_STATUS_ICONS = {
    RunStatus.NEVER_RUN: ":white_circle:",
    RunStatus.STARTING: ":hourglass_flowing_sand:",
    RunStatus.RUNNING: ":arrows_counterclockwise:",
    RunStatus.DELIVERY: ":outbox_tray:",
    RunStatus.SUCCEEDED: ":white_check_mark:",
    RunStatus.FAILED: ":x:",
    RunStatus.STOPPED: ":stop_sign:",
    RunStatus.FAILURE: ":x:",
}

JOB_STATUS_ICONS = {
    JobStatus.NEVER_RUN: ":white_circle:",
    JobStatus.IN_PROGRESS: ":arrows_counterclockwise:",
    JobStatus.IN_PROGRESS_WITH_FAILURE: ":warning:",
    JobStatus.SUCCEEDED: ":white_check_mark:",
    JobStatus.FAILURE: ":x:",
    JobStatus.FAILED: ":x:",
}


def escape(text: object) -> str:
    """mrkdwn escapes only &, < and > (Slack's rule); everything else stays as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: object, limit: int) -> str:
    """``text`` escaped and cut to ``limit`` characters *after* escaping, never inside
    an entity: for headers and other fields with a length limit."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    size = 0
    for char in str(text):
        piece = escape(char)
        if size + len(piece) > limit - 1:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces) + "…"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def when(moment: datetime | None) -> str:
    """A date Slack shows in each reader's own time zone, with a UTC fallback."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M:%S %z")
    return f"<!date^{epoch}^{{date_short_pretty}} {{time_secs}}|{fallback}>"


def duration(span: timedelta | None) -> str:
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{span.total_seconds():.1f}s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def run_status(run: AgentRun) -> str:
    return f"{RUN_STATUS_ICONS.get(run.status, '')} {run.status.label}".strip()


def job_status(status: JobStatus) -> str:
    return f"{JOB_STATUS_ICONS.get(status, '')} {status.label}".strip()


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def link(url: str, label: str) -> str:
    return f"<{url}|{escape(label)}>" if url else escape(label)
