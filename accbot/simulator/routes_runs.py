"""Agent and agent-run endpoints: lookup, cluster start (incl. synchronous), history,
restart/retry, log and data downloads, approvals."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accbot.simulator.archives import zip_files
from accbot.simulator.errors import BACKUP_HINT, bad_request, not_found
from accbot.simulator.models import DEFAULT_RUN_METHOD, RUN_FINAL, RUN_METHODS, StartOptions
from accbot.simulator.state import SimState
from accbot.simulator.web import Fields, count_param, guid_param, json_body, json_ok, ok

_DELIVERY = {"none": "None", "plain": "Plain", "zip": "Zip", 0: "None", 1: "Plain", 2: "Zip"}
_POLL_SECONDS = 0.02


def start_options(fields: Fields, *, allow_multiple: bool) -> StartOptions:
    """The body fields cluster start and job start share, validated as the document says."""
    options = StartOptions(
        session_id=fields.string("sessionId") or None,
        log_level=fields.integer("logLevel", 1, 0, 3) or 0,
        is_production_run=fields.boolean("isProductionRun", True),
        input_parameters=fields.parameters(),
        input_files=fields.string_list("inputFiles"),
        delete_inputs_on_completed=fields.boolean("isDeleteInputFilesOnCompleted", False),
    )
    if allow_multiple:
        options.use_multiple_sessions = fields.boolean("useMultipleSessions", False)
        if options.use_multiple_sessions and options.session_id:
            raise bad_request("sessionId must be empty when useMultipleSessions is true")
    return options


def _delivery(fields: Fields) -> str:
    value = fields.raw("synchronousDataDelivery")
    if value is None:
        return "None"
    key = value.lower() if isinstance(value, str) else value
    if isinstance(key, bool) or key not in _DELIVERY:
        raise bad_request("synchronousDataDelivery must be None, Plain or Zip")
    return _DELIVERY[key]


async def _wait_for_end(state: SimState, run_id: str, timeout: float) -> dict[str, Any]:
    """Wait for a synchronous run; ACC stops a run that outlives synchronousTimeout."""
    deadline = time.monotonic() + timeout
    while True:
        run = state.run(run_id)
        if run["status"] in RUN_FINAL:
            return run
        if time.monotonic() >= deadline:
            return state.set_run_status(run_id, 6, statusMessage="Stopped: synchronous timeout")
        await asyncio.sleep(_POLL_SECONDS)


async def _start(state: SimState, request: Request, agent_id: str) -> Response:
    fields = Fields(await json_body(request))
    options = start_options(fields, allow_multiple=True)
    synchronous = fields.boolean("isSynchronous", False)
    timeout = fields.integer("synchronousTimeout", 60, 1, 86_400) or 60
    delivery = _delivery(fields)
    run = state.start_run(agent_id, options)
    run_id = run["agentRunHistoryId"]
    if not synchronous:
        return json_ok({"agentRunHistoryIds": [run_id]})
    await _wait_for_end(state, run_id, timeout)
    if delivery == "None":
        return json_ok({"agentRunHistoryIds": [run_id]})
    files = state.run_data(run_id)
    if delivery == "Plain":
        first = next(iter(files.values()), b"")
        return Response(first, media_type="text/plain; charset=utf-8")
    return Response(zip_files(files), media_type="application/zip")


def build_routes(state: SimState) -> list[Route]:
    async def agent_by_path(request: Request) -> Response:
        path = request.query_params.get("agentPath")
        if not path:
            raise bad_request("agentPath is required")
        return json_ok(state.agent_by_path(path))

    async def start_by_id(request: Request) -> Response:
        return await _start(state, request, guid_param(request, "agentId"))

    async def start_by_path(request: Request) -> Response:
        path = request.query_params.get("agentPath")
        if not path:
            raise bad_request("agentPath is required")
        return await _start(state, request, state.agent_by_path(path)["agentId"])

    async def history(request: Request) -> Response:
        return json_ok(state.history(guid_param(request, "agentId"), count_param(request)))

    async def job_runs(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        raw = request.path_params["runId"]
        if not raw.isdigit():
            raise bad_request(f"runId must be the job run number, not '{raw}'")
        return json_ok(state.job_agent_runs(agent_id, int(raw), count_param(request)))

    async def run_details(request: Request) -> Response:
        return json_ok(state.run(guid_param(request, "runId")))

    async def restart(request: Request) -> Response:
        state.restart_run(guid_param(request, "runId"))
        return ok()

    async def retry(request: Request) -> Response:
        run_id = guid_param(request, "runId")
        method = request.query_params.get("RunMethod") or request.query_params.get("runMethod")
        method = method or DEFAULT_RUN_METHOD
        canonical = {m.lower(): m for m in RUN_METHODS}.get(method.lower())
        if canonical is None:
            raise bad_request(f"RunMethod must be one of {', '.join(RUN_METHODS)}")
        state.retry_run(run_id, canonical)
        return ok()

    async def run_log(request: Request) -> Response:
        run_id = guid_param(request, "runId")
        archive = state.run_log_archive(run_id)
        if archive is not None:
            return Response(archive, media_type="application/zip")
        name, text = state.run_log(run_id)
        return Response(zip_files({name: text.encode()}), media_type="application/zip")

    async def run_backup(request: Request) -> Response:
        run_id = guid_param(request, "runId")
        files = state.run_data(run_id)
        if not files:
            raise not_found(f"No backup data stored for agent run {run_id}. {BACKUP_HINT}")
        return Response(zip_files(files), media_type="application/zip")

    async def toggle_approval(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        flag = request.path_params["flag"].lower()
        if flag not in ("true", "false"):
            raise bad_request("toggleAgentApproval takes True (disapprove) or False (approve)")
        message = await json_body(request, required=True)
        if not isinstance(message, str):
            raise bad_request("The body must be a JSON string with the log message")
        state.toggle_approval(agent_id, disapprove=flag == "true", message=message)
        return ok()

    return [
        Route("/api/agent", agent_by_path, methods=["GET"]),
        Route("/api/agent/cluster/start", start_by_path, methods=["POST"]),
        Route("/api/agent/{agentId}/cluster/start", start_by_id, methods=["POST"]),
        Route("/api/agent/{agentId}/history", history, methods=["GET"]),
        Route("/api/agent/{agentId}/run/{runId}/history", job_runs, methods=["GET"]),
        Route("/api/agent/{agentId}/toggleAgentApproval/{flag}", toggle_approval, methods=["POST"]),
        Route("/api/run/{runId}", run_details, methods=["GET"]),
        Route("/api/run/{runId}/restart", restart, methods=["POST"]),
        Route("/api/run/{runId}/retry", retry, methods=["POST"]),
        Route("/api/run/{runId}/log", run_log, methods=["GET"]),
        Route("/api/run/{runId}/backup", run_backup, methods=["GET"]),
    ]


__all__ = ["build_routes", "start_options"]
