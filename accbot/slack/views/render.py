"""Result -> Reply: the Slack renderer of every action result type, in one table.

The table is a plain literal of plain imports, so "go to definition" finds every view
and a renamed module fails at import, never silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accbot.actions import results as r
from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision
from accbot.actions.context import Actor
from accbot.slack.views.admin import render_audit, render_server
from accbot.slack.views.approvals import render_card, render_decision
from accbot.slack.views.csv_inputs import render_csv_uploaded
from accbot.slack.views.help import render_help
from accbot.slack.views.jobs import render_job_detail, render_job_list
from accbot.slack.views.outcomes import (
    render_confirmation,
    render_file,
    render_mutation,
    render_notice,
    render_open_modal,
    render_started,
)
from accbot.slack.views.pauses import (
    render_pause_ended,
    render_pause_extended,
    render_pause_list,
    render_pause_started,
)
from accbot.slack.views.reply import Reply
from accbot.slack.views.runs import render_agent, render_run_detail, render_run_list
from accbot.slack.views.sas import render_sas_run_list
from accbot.slack.views.schedules import render_schedule_list
from accbot.slack.views.watcher_status import render_watcher_status

Renderer = Callable[[Any, Actor], Reply]

RENDERERS: dict[type[r.Result], Renderer] = {
    r.HelpResult: render_help,
    r.AgentOverview: render_agent,
    r.RunList: render_run_list,
    r.RunDetail: render_run_detail,
    r.FileResult: render_file,
    r.Mutation: render_mutation,
    r.StartedRun: render_started,
    r.JobList: render_job_list,
    r.JobDetail: render_job_detail,
    r.ScheduleList: render_schedule_list,
    r.ServerReport: render_server,
    r.AuditList: render_audit,
    r.WatcherStatus: render_watcher_status,
    r.ConfirmationRequired: render_confirmation,
    r.OpenModal: render_open_modal,
    r.StartForm: render_open_modal,
    r.CsvForm: render_open_modal,
    r.Notice: render_notice,
    r.AnnouncedNotice: render_notice,
    r.SasRunList: render_sas_run_list,
    r.CsvUploaded: render_csv_uploaded,
    r.PauseStarted: render_pause_started,
    r.PauseEnded: render_pause_ended,
    r.PauseExtended: render_pause_extended,
    r.PauseList: render_pause_list,
    ApprovalCard: render_card,
    ApprovalDecision: render_decision,
}


def render(result: r.Result, actor: Actor) -> Reply:
    renderer = RENDERERS.get(type(result))
    if renderer is None:
        raise LookupError(f"no Slack view renders {type(result).__name__}")
    return renderer(result, actor)
