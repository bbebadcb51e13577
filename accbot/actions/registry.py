"""Which function carries out each command: one literal table, read by ``dispatch``.

A new command gets its line here; "go to definition" on any entry leads to the code
that runs. Slack answers ``help`` in the command's ack without dispatching it; the CLI
runs it here like any other command.
"""

from __future__ import annotations

from accbot.actions import (
    acknowledge,
    agents,
    audit_log,
    csv_inputs,
    help,
    inputs,
    jobs,
    pauses,
    runs,
    schedules,
    server_watches,
    servers,
    start_form,
    watcher_status,
    watches,
)
from accbot.actions.approvals import ask, decide, review
from accbot.actions.approvals.commands import Decide, ReviewDecision
from accbot.actions.handler import Handler
from accbot.commands import model

HANDLERS: dict[type[model.Command], Handler] = {
    # reading
    model.Help: help.show_help,
    model.ShowAgent: agents.show_agent,
    model.ListRuns: runs.list_runs,
    model.ShowRun: runs.show_run,
    model.ShowLog: runs.show_log,
    model.GetData: runs.get_data,
    model.ListJobs: jobs.list_jobs,
    model.ShowJob: jobs.show_job,
    model.ListJobRuns: jobs.list_job_runs,
    model.JobLogs: jobs.job_logs,
    model.JobData: jobs.job_data,
    model.ListSchedules: schedules.list_schedules,
    model.ServerHealth: servers.server_health,
    model.ShowAudit: audit_log.show_audit,
    model.ShowStatus: watcher_status.show_status,
    model.ListWatches: watches.list_watches,
    # runs and jobs
    model.StartAgent: runs.start_agent,
    model.OpenStartForm: start_form.open_start_form,
    model.RestartRun: runs.restart_run,
    model.RetryRun: runs.retry_run,
    model.StartJob: jobs.start_job,
    model.SetJobStatus: jobs.set_job_status,
    # schedules
    model.AddSchedule: schedules.add_schedule,
    # off ... for <duration> pauses; on ends a pause (pauses.py wraps schedules.py)
    model.ScheduleAction: pauses.schedule_action,
    model.BulkScheduleAction: pauses.bulk_schedule_action,
    model.ListPauses: pauses.list_pauses,
    pauses.ResumePause: pauses.resume_pause,
    pauses.ExtendPause: pauses.extend_pause,
    # approvals
    model.RequestApproval: ask.request_approval,
    model.Approve: decide.approve,
    model.Disapprove: decide.disapprove,
    ReviewDecision: review.review_decision,
    Decide: decide.decide,
    # inputs
    model.AddInputs: inputs.add_inputs,
    inputs.UploadInputs: inputs.upload_inputs,
    model.ClearInputs: inputs.clear_inputs,
    model.DisableInputs: inputs.disable_inputs,
    model.AddCsvInput: csv_inputs.open_csv_form,
    csv_inputs.UploadCsvInput: csv_inputs.upload_csv_input,
    # watches
    model.Watch: watches.watch,
    model.Unwatch: watches.unwatch,
    model.Mute: watches.mute,
    model.WatchServer: server_watches.watch_server,
    model.UnwatchServer: server_watches.unwatch_server,
    # alerts
    acknowledge.AcknowledgeAlert: acknowledge.acknowledge_alert,
}
