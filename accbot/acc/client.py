"""The ACC REST client: one method per endpoint of the ACC API document.

Everything that touches the network goes through :meth:`AccClient._call`, on top of the
HTTP layer both clients share (:class:`accbot.backend.transport.HttpBackend`), which

* builds the URL from an endpoint template (``"api/run/{id}"``) so that logs and the
  metrics hook see one label per endpoint, never one per run ID, and refuses an id that
  would change the endpoint (``..``, ``/``) before anything is sent;
* retries only what is safe to repeat: GETs on 5xx, timeouts and connection errors;
  a POST or DELETE only when the connection itself failed, which proves that nothing
  reached ACC — a start must never be sent twice;
* reads every answer with a byte limit: downloads (logs, data) stop at
  ``MAX_DOWNLOAD_BYTES`` with :class:`ResponseTooLarge`, so nothing larger is ever held
  or uploaded to Slack.

Failures map to the typed tree in :mod:`accbot.backend.errors`, with messages built from
the endpoint and IDs, and ACC's own words passed through the secret scrubber, so neither
the token nor a server key ACC echoes appears in an exception, a log line or Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import PurePath
from types import TracebackType
from typing import Any

import httpx

from accbot.acc.models import (
    ALLOWED_INPUT_SUFFIXES,
    DEFAULT_RUN_METHOD,
    Agent,
    AgentRun,
    DataDelivery,
    JobRun,
    JobStartRequest,
    JobStartResult,
    JobStatus,
    RunMethod,
    Schedule,
    ScheduleRequest,
    ServerCheckRequest,
    ServerStatus,
    StartRequest,
    StartResult,
    safe_file_name,
)
from accbot.backend.errors import InvalidResponse, NotFound, status_error
from accbot.backend.retry import DEFAULT_BACKOFF_SECONDS, DEFAULT_RETRIES, RetryPolicy
from accbot.backend.secrets import Scrubber
from accbot.backend.transport import HttpBackend, MiB, RequestHook

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = DEFAULT_RETRIES
DEFAULT_BACKOFF = DEFAULT_BACKOFF_SECONDS
DEFAULT_AGENT_CACHE_SECONDS = 60.0
# ACC's own default for ``synchronousTimeout``; a synchronous start waits that long.
DEFAULT_SYNCHRONOUS_TIMEOUT = 60
# Extra read time granted beyond a synchronous start's own timeout (delivery, zipping).
SYNCHRONOUS_READ_MARGIN = 30.0
# The most of a log or data download accbot reads (and so uploads to Slack); a larger
# file is left in ACC and the reply says so.
MAX_DOWNLOAD_BYTES = 32 * MiB
INPUT_CONTENT_TYPES = {".csv": "text/csv", ".txt": "text/plain", ".zip": "application/zip"}
# The form field name used by the document's HTTP and Python upload examples.
UPLOAD_FIELD_NAME = "filename"
USER_AGENT = "accbot"
BACKEND = "ACC"

logger = logging.getLogger("accbot.acc")

__all__ = [
    "MAX_DOWNLOAD_BYTES",
    "AccClient",
    "RequestHook",
    "UnsupportedInputFile",
    "safe_file_name",
]


class UnsupportedInputFile(ValueError):
    """An input file whose extension ACC does not accept (only .csv, .txt and .zip)."""

    def __init__(self, name: str, reason: str | None = None) -> None:
        super().__init__(
            f"{name!r} cannot be uploaded: "
            + (reason or "ACC accepts only " + ", ".join(ALLOWED_INPUT_SUFFIXES) + " input files")
        )
        self.name = name


def _upload_name(name: str) -> str:
    """The safe basename ACC is sent, or ``UnsupportedInputFile`` when nothing is left."""
    try:
        return safe_file_name(name)
    except ValueError:
        raise UnsupportedInputFile(name, "it is not a usable file name") from None


class AccClient:
    """Synchronous ACC client; one instance (one connection pool) per process."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        agent_cache_seconds: float = DEFAULT_AGENT_CACHE_SECONDS,
        on_request: RequestHook | None = None,
        scrubber: Scrubber | None = None,
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
    ) -> None:
        if not base_url:
            raise ValueError("ACC base URL is empty")
        self.base_url = base_url.rstrip("/") + "/"
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.agent_cache_seconds = agent_cache_seconds
        self.max_download_bytes = max_download_bytes
        self._agents: dict[str, tuple[float, Agent]] = {}
        self._agents_lock = threading.Lock()
        self._backend = HttpBackend(
            BACKEND,
            self.base_url,
            logger=logger,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json, */*",
                "User-Agent": USER_AGENT,
            },
            timeout=self._timeout,
            transport=transport,
            retry=RetryPolicy(max_retries, backoff),
            scrubber=scrubber,
            on_request=on_request,
        )
        self._backend.scrubber.add(token)

    # Retry knobs and the metrics hook, adjustable after construction (tests drop waiting).
    @property
    def max_retries(self) -> int:
        return self._backend.retry.retries

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self._backend.retry.retries = max(0, int(value))

    @property
    def backoff(self) -> float:
        return self._backend.retry.backoff

    @backoff.setter
    def backoff(self, value: float) -> None:
        self._backend.retry.backoff = max(0.0, float(value))

    @property
    def on_request(self) -> RequestHook | None:
        return self._backend.on_request

    @on_request.setter
    def on_request(self, hook: RequestHook | None) -> None:
        self._backend.on_request = hook

    def __repr__(self) -> str:  # never the token
        return f"AccClient(base_url={self._backend.shown_url!r})"

    def __enter__(self) -> AccClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._backend.close()

    # ----------------------------------------------------------------- agents

    def get_agent(self, path: str) -> Agent:
        """Look an agent up by repository path; answers are cached for a short while."""
        now = time.monotonic()
        with self._agents_lock:
            cached = self._agents.get(path)
            if cached and cached[0] > now:
                return cached[1]
        what = f"agent {path}"
        response = self._call("GET", "api/agent", params={"agentPath": path}, what=what)
        data = _json_or_none(response)
        # ASP.NET answers a null result with 204 or a literal ``null``: no such agent.
        if data is None:
            raise NotFound(f"ACC has no {what}", what=what, status_code=response.status_code)
        agent = _parse(response, lambda: Agent.from_json(_require_dict(data), path=path))
        if self.agent_cache_seconds > 0:
            with self._agents_lock:
                self._prune_agents(now)
                self._agents[path] = (now + self.agent_cache_seconds, agent)
        return agent

    def _prune_agents(self, now: float) -> None:
        for key in [k for k, (expires, _) in self._agents.items() if expires <= now]:
            del self._agents[key]

    def start_agent(self, agent_id: str, request: StartRequest) -> StartResult:
        response = self._call(
            "POST",
            "api/agent/{id}/cluster/start",
            id=agent_id,
            json=request.to_json(),
            timeout=self._start_timeout(request),
            max_bytes=self._start_max_bytes(request),
            what=f"agent {agent_id}",
        )
        return _start_result(response, request)

    def start_agent_by_path(self, path: str, request: StartRequest) -> StartResult:
        response = self._call(
            "POST",
            "api/agent/cluster/start",
            params={"agentPath": path},
            json=request.to_json(),
            timeout=self._start_timeout(request),
            max_bytes=self._start_max_bytes(request),
            what=f"agent {path}",
        )
        return _start_result(response, request)

    def set_approval(self, agent_id: str, approved: bool, message: str) -> None:
        # The endpoint is a toggle named for the *disapproved* flag: /False approves.
        flag = "False" if approved else "True"
        self._call(
            "POST",
            "api/agent/{id}/toggleAgentApproval/" + flag,
            id=agent_id,
            json=message,
            what=f"agent {agent_id}",
        )

    # ------------------------------------------------------------------- runs

    def restart_run(self, run_id: str) -> None:
        self._call("POST", "api/run/{id}/restart", id=run_id, what=f"run {run_id}")

    def retry_run(self, run_id: str, method: RunMethod = DEFAULT_RUN_METHOD) -> None:
        self._call(
            "POST",
            "api/run/{id}/retry",
            id=run_id,
            params={"RunMethod": RunMethod(method).value},
            what=f"run {run_id}",
        )

    def get_run(self, run_id: str) -> AgentRun:
        response = self._call("GET", "api/run/{id}", id=run_id, what=f"run {run_id}")
        return _parse(response, lambda: AgentRun.from_json(_require_dict(_json(response))))

    def get_run_history(self, agent_id: str, count: int | None = None) -> list[AgentRun]:
        response = self._call(
            "GET",
            "api/agent/{id}/history",
            id=agent_id,
            params=_count(count),
            what=f"agent {agent_id}",
        )
        return _parse_list(response, AgentRun.from_json)

    def get_run_log(self, run_id: str) -> bytes:
        return self._download("api/run/{id}/log", f"log of run {run_id}", id=run_id)

    def get_run_data(self, run_id: str) -> bytes:
        return self._download("api/run/{id}/backup", f"data of run {run_id}", id=run_id)

    # ------------------------------------------------------------------- jobs

    def start_job(self, agent_id: str, request: JobStartRequest) -> JobStartResult:
        response = self._call(
            "POST",
            "api/job/{id}/start",
            id=agent_id,
            json=request.to_json(),
            what=f"agent {agent_id}",
        )
        return _parse(response, lambda: JobStartResult.from_json(_require_dict(_json(response))))

    def get_job_run(self, job_history_id: str) -> JobRun:
        what = f"job run {job_history_id}"
        response = self._call("GET", "api/job/run/{id}", id=job_history_id, what=what)
        return _parse(response, lambda: JobRun.from_json(_require_dict(_json(response))))

    def get_job_history(self, agent_id: str, count: int | None = None) -> list[JobRun]:
        response = self._call(
            "GET",
            "api/job/{id}/history",
            id=agent_id,
            params=_count(count),
            what=f"agent {agent_id}",
        )
        return _parse_list(response, JobRun.from_json)

    def get_job_run_agent_runs(self, agent_id: str, job_run_id: int) -> list[AgentRun]:
        response = self._call(
            "GET",
            "api/agent/{id}/run/{run}/history",
            id=agent_id,
            run=int(job_run_id),
            what=f"job run {job_run_id} of agent {agent_id}",
        )
        return _parse_list(response, AgentRun.from_json)

    def set_latest_job_status(self, agent_id: str, status: JobStatus) -> None:
        self._call(
            "POST",
            "api/job/{id}/status",
            id=agent_id,
            json={"status": int(JobStatus(status))},
            what=f"job run of agent {agent_id}",
        )

    def get_job_logs(self, job_history_id: str) -> bytes:
        what = f"logs of job run {job_history_id}"
        return self._download("api/job/run/{id}/logs", what, id=job_history_id)

    def get_job_data(self, job_history_id: str) -> bytes:
        what = f"data of job run {job_history_id}"
        return self._download("api/job/run/{id}/backup", what, id=job_history_id)

    # -------------------------------------------------------------- schedules

    def get_schedules(self, agent_id: str) -> list[Schedule]:
        response = self._call(
            "GET", "api/job/{id}/schedules", id=agent_id, what=f"agent {agent_id}"
        )
        return _parse_list(response, Schedule.from_json)

    def save_schedule(self, agent_id: str, request: ScheduleRequest) -> None:
        self._call(
            "POST",
            "api/job/{id}/schedule",
            id=agent_id,
            json=request.to_json(),
            what=f"agent {agent_id}",
        )

    def delete_schedule(self, schedule_id: str) -> None:
        what = f"schedule {schedule_id}"
        self._call("DELETE", "api/job/schedule/{id}", id=schedule_id, what=what)

    def delete_all_schedules(self, agent_id: str) -> None:
        what = f"agent {agent_id}"
        self._call("DELETE", "api/job/{id}/schedules", id=agent_id, what=what)

    def start_schedule(self, schedule_id: str) -> None:
        what = f"schedule {schedule_id}"
        self._call("POST", "api/job/schedule/{id}/start", id=schedule_id, what=what)

    def set_schedule_enabled(self, schedule_id: str, enabled: bool) -> None:
        template = "api/job/schedule/{id}/" + ("on" if enabled else "off")
        self._call("POST", template, id=schedule_id, what=f"schedule {schedule_id}")

    def set_all_schedules_enabled(self, agent_id: str, enabled: bool) -> None:
        # The document prints "api/job/{agentId}schedules/on"; the slash is clearly meant.
        template = "api/job/{id}/schedules/" + ("on" if enabled else "off")
        self._call("POST", template, id=agent_id, what=f"agent {agent_id}")

    # ----------------------------------------------------------------- inputs

    def upload_input_csv(self, agent_id: str, name: str, text: str) -> None:
        self._call(
            "POST",
            "api/input/agent/{id}/csv",
            id=agent_id,
            params={"name": _upload_name(name)},
            content=text.encode("utf-8"),
            headers={"Content-Type": "text/plain; charset=utf-8"},
            what=f"agent {agent_id}",
        )

    def upload_input_files(self, agent_id: str, files: list[tuple[str, bytes]]) -> None:
        if not files:
            raise ValueError("no input files to upload")
        parts = []
        for name, data in files:
            # only a basename goes to ACC: "../x.csv" must not name a place on its disk
            safe = _upload_name(name)
            suffix = PurePath(safe).suffix.lower()
            if suffix not in ALLOWED_INPUT_SUFFIXES:
                raise UnsupportedInputFile(name)
            parts.append((UPLOAD_FIELD_NAME, (safe, data, INPUT_CONTENT_TYPES[suffix])))
        self._call(
            "POST", "api/input/agent/{id}/files", id=agent_id, files=parts, what=f"agent {agent_id}"
        )

    def delete_inputs(self, agent_id: str) -> None:
        self._call("DELETE", "api/input/agent/{id}", id=agent_id, what=f"agent {agent_id}")

    def disable_inputs(self, agent_id: str) -> None:
        what = f"agent {agent_id}"
        self._call("POST", "api/input/agent/{id}/disable", id=agent_id, what=what)

    # ----------------------------------------------------------------- server

    def check_server(self, request: ServerCheckRequest) -> ServerStatus:
        response = self._call(
            "POST",
            "api/server/check",
            json=request.to_json(),
            what=f"server {request.ip_address}:{request.port}",
        )
        return _parse(response, lambda: ServerStatus.from_json(_require_dict(_json(response))))

    # -------------------------------------------------------------- transport

    def _start_max_bytes(self, request: StartRequest) -> int | None:
        """A synchronous start may answer with the run's data: a download like any other."""
        return self.max_download_bytes if request.is_synchronous else None

    def _start_timeout(self, request: StartRequest) -> httpx.Timeout | None:
        """A synchronous start holds the connection open until the run ends."""
        if not request.is_synchronous:
            return None
        wait = request.synchronous_timeout or DEFAULT_SYNCHRONOUS_TIMEOUT
        read = wait + SYNCHRONOUS_READ_MARGIN
        current = self._timeout.read
        return httpx.Timeout(
            connect=self._timeout.connect,
            read=None if current is None else max(current, read),
            write=self._timeout.write,
            pool=self._timeout.pool,
        )

    def _call(
        self,
        method: str,
        template: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        files: list[Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
        max_bytes: int | None = None,
        **path_params: Any,
    ) -> httpx.Response:
        """Send one logical request, retrying what is safe, and return a 2xx response."""
        response = self._backend.request(
            method,
            template,
            ids=path_params,
            what=_id_kind(what),
            params=params,
            json=json,
            content=content,
            files=files,
            headers=headers,
            timeout=timeout,
            max_bytes=max_bytes,
        )
        if response.is_success:
            return response
        raise self._status_error(response, f"{method} {template}", what)

    def _download(self, template: str, what: str, **path_params: Any) -> bytes:
        """A zip from ACC, read up to ``max_download_bytes`` (``ResponseTooLarge`` past it)."""
        return self._call(
            "GET", template, what=what, max_bytes=self.max_download_bytes, **path_params
        ).content

    def _status_error(self, response: httpx.Response, label: str, what: str) -> Exception:
        status = response.status_code
        detail = self._backend.clean(_error_detail(response)) or ""
        # a 4xx is usually a person's typo, not an incident: keep warnings for 5xx
        level = logging.WARNING if status >= 500 else logging.INFO
        logger.log(level, "ACC %s -> %d%s", label, status, f": {detail}" if detail else "")
        suffix = f": {detail}" if detail else ""
        remediation = None
        if status == 401:
            message = "ACC refused the access token: it is wrong or expired"
            remediation = "Check ACC_API_TOKEN and its expiry date in the ACC Users page."
        elif status == 403:
            message = f"ACC does not allow this token's user {label}{suffix}"
        elif status == 404:
            # ACC's own words say more than "not found" ("No backup data stored for …")
            message = f"ACC has no {what}" + (f" (ACC says: {detail})" if detail else "")
        elif 400 <= status < 500:
            message = f"ACC rejected {label} ({status}){suffix}"
        elif status >= 500:
            message = f"ACC failed on {label} ({status}){suffix}"
        else:
            message = f"ACC answered {label} with {status}"
        return status_error(
            status,
            message,
            backend=BACKEND,
            what=what,
            detail=detail or None,
            remediation=remediation,
        )


# ------------------------------------------------------------------ helpers


def _id_kind(what: str) -> str:
    """``"log of run <id>"`` -> ``"run ID"``: how an id is named when it is refused."""
    kind = what.rsplit(" ", 1)[0] if " " in what else "id"
    kind = kind.rsplit(" of ", 1)[-1]
    return f"{kind} ID"


def _count(count: int | None) -> dict[str, int] | None:
    if count is None:
        return None
    if count < 1:
        raise ValueError("count must be at least 1")
    return {"count": int(count)}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise InvalidResponse(
            f"ACC sent a body that is not JSON ({response.status_code}, "
            f"{len(response.content)} bytes)"
        ) from exc


def _json_or_none(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content.strip():
        return None
    return _json(response)


def _require_dict(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _parse(response: httpx.Response, build: Callable[[], Any]) -> Any:
    """Run a model constructor; a wrong shape becomes InvalidResponse."""
    try:
        return build()
    except InvalidResponse:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidResponse(
            f"ACC's answer to {response.request.method} {response.request.url.path} "
            f"is not the documented shape ({type(exc).__name__}: {exc})"
        ) from exc


def _parse_list(response: httpx.Response, item: Callable[[dict[str, Any]], Any]) -> list[Any]:
    def build() -> list[Any]:
        data = _json(response)
        if data is None:
            return []
        if not isinstance(data, list):
            raise TypeError(f"expected a JSON array, got {type(data).__name__}")
        return [item(_require_dict(entry)) for entry in data]

    return _parse(response, build)


def _start_result(response: httpx.Response, request: StartRequest) -> StartResult:
    wants_data = request.synchronous_data_delivery in (DataDelivery.PLAIN, DataDelivery.ZIP)
    content_type = response.headers.get("content-type", "")
    if wants_data and not _looks_like_run_ids(response, content_type):
        return StartResult(data=response.content, content_type=content_type or None)

    def build() -> StartResult:
        data = _require_dict(_json(response))
        ids = data["agentRunHistoryIds"]
        if not isinstance(ids, list):
            raise TypeError("agentRunHistoryIds is not a list")
        return StartResult(run_history_ids=[str(i) for i in ids])

    return _parse(response, build)


def _looks_like_run_ids(response: httpx.Response, content_type: str) -> bool:
    """Even with data delivery requested, ACC answers with IDs when it has no data."""
    if "json" not in content_type:
        return False
    try:
        data = response.json()
    except ValueError:
        return False
    return isinstance(data, dict) and set(data) == {"agentRunHistoryIds"}


def _error_detail(response: httpx.Response) -> str:
    """ACC's own explanation from an error body, trimmed: JSON message or plain text."""
    text = response.text.strip() if response.content else ""
    if not text:
        return ""
    message: Any = text
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, str):
        message = data
    elif isinstance(data, dict):
        for key in ("message", "Message", "detail", "title", "error", "errorMessage"):
            if isinstance(data.get(key), str) and data[key].strip():
                message = data[key]
                break
    elif "html" in response.headers.get("content-type", ""):
        return ""  # an IIS or proxy error page says nothing useful
    return str(message)
