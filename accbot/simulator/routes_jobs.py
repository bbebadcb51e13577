"""Job and schedule endpoints: job start/history/details/logs/data, latest job status,
and schedule list, add/update, delete, start, enable and disable."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accbot.simulator.archives import zip_files
from accbot.simulator.errors import BACKUP_HINT, bad_request, not_found
from accbot.simulator.formats import is_guid
from accbot.simulator.routes_runs import start_options
from accbot.simulator.state import SimState
from accbot.simulator.web import Fields, count_param, guid_param, json_body, json_ok, ok

_START_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def schedule_fields(fields: Fields) -> tuple[str, dict[str, Any]]:
    """Validate an add/update schedule body; returns (cron, the other fields to store)."""
    cron = fields.string("cron")
    if not cron or not cron.strip():
        raise bad_request("cron is required")
    values: dict[str, Any] = {}
    schedule_id = fields.string("scheduleId")
    if schedule_id and schedule_id != "00000000-0000-0000-0000-000000000000":
        if not is_guid(schedule_id):
            raise bad_request(f"scheduleId '{schedule_id}' is not a valid GUID")
        values["scheduleId"] = schedule_id
    start = fields.string("startTime")
    if start:
        if not _START_TIME.match(start):
            raise bad_request("startTime must be in the format yyyy-MM-ddTHH:mm:ss")
        values["startTime"] = start
    zone = fields.string("timeZoneId")
    if zone:
        values["timeZoneId"] = zone
    if fields.has("sessionId"):
        values["sessionId"] = fields.string("sessionId") or None
    values["inputParameters"] = fields.parameters() or "{}"
    values["logLevel"] = fields.integer("logLevel", 1, 0, 3)
    values["isWindowless"] = fields.boolean("isWindowless", True)
    values["isEnabled"] = fields.boolean("isEnabled", True)
    return cron.strip(), values


def build_routes(state: SimState) -> list[Route]:
    async def job_start(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        options = start_options(Fields(await json_body(request)), allow_multiple=False)
        job = state.start_job(agent_id, options)
        return json_ok({"agentJobHistoryId": job["agentJobHistoryId"], "jobRunId": job["runId"]})

    async def job_details(request: Request) -> Response:
        return json_ok(state.job(guid_param(request, "jobId")))

    async def job_history(request: Request) -> Response:
        return json_ok(state.job_history(guid_param(request, "agentId"), count_param(request)))

    async def job_logs(request: Request) -> Response:
        job_id = guid_param(request, "jobId")
        archive = state.job_log_archive(job_id)
        if archive is not None:
            return Response(archive, media_type="application/zip")
        files = state.job_files(job_id, "logs")
        return Response(zip_files(files), media_type="application/zip")

    async def job_backup(request: Request) -> Response:
        job_id = guid_param(request, "jobId")
        files = state.job_files(job_id, "data")
        if not files:
            raise not_found(f"No backup data stored for job run {job_id}. {BACKUP_HINT}")
        return Response(zip_files(files), media_type="application/zip")

    async def job_status(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        fields = Fields(await json_body(request, required=True))
        if not fields.has("status"):
            raise bad_request("status is required")
        state.set_latest_job_status(agent_id, fields.integer("status", None, 0, 5) or 0)
        return ok()

    async def schedules(request: Request) -> Response:
        return json_ok(state.schedules(guid_param(request, "agentId")))

    async def save_schedule(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        cron, values = schedule_fields(Fields(await json_body(request, required=True)))
        return json_ok(state.add_schedule(agent_id, cron, **values))

    async def delete_schedule(request: Request) -> Response:
        state.delete_schedule(guid_param(request, "scheduleId"))
        return ok()

    async def delete_schedules(request: Request) -> Response:
        state.delete_schedules(guid_param(request, "agentId"))
        return ok()

    async def start_schedule(request: Request) -> Response:
        state.start_schedule(guid_param(request, "scheduleId"))
        return ok()

    def switch(enabled: bool, every: bool):  # noqa: ANN202 - returns an endpoint
        async def endpoint(request: Request) -> Response:
            if every:
                state.set_all_schedules_enabled(guid_param(request, "agentId"), enabled)
            else:
                state.set_schedule_enabled(guid_param(request, "scheduleId"), enabled)
            return ok()

        return endpoint

    return [
        Route("/api/job/{agentId}/start", job_start, methods=["POST"]),
        Route("/api/job/run/{jobId}", job_details, methods=["GET"]),
        Route("/api/job/run/{jobId}/logs", job_logs, methods=["GET"]),
        Route("/api/job/run/{jobId}/backup", job_backup, methods=["GET"]),
        Route("/api/job/{agentId}/history", job_history, methods=["GET"]),
        Route("/api/job/{agentId}/status", job_status, methods=["POST"]),
        Route("/api/job/{agentId}/schedules", schedules, methods=["GET"]),
        Route("/api/job/{agentId}/schedules", delete_schedules, methods=["DELETE"]),
        Route("/api/job/{agentId}/schedule", save_schedule, methods=["POST"]),
        Route("/api/job/{agentId}/schedules/on", switch(True, every=True), methods=["POST"]),
        Route("/api/job/{agentId}/schedules/off", switch(False, every=True), methods=["POST"]),
        Route("/api/job/schedule/{scheduleId}", delete_schedule, methods=["DELETE"]),
        Route("/api/job/schedule/{scheduleId}/start", start_schedule, methods=["POST"]),
        Route("/api/job/schedule/{scheduleId}/on", switch(True, every=False), methods=["POST"]),
        Route("/api/job/schedule/{scheduleId}/off", switch(False, every=False), methods=["POST"]),
    ]
