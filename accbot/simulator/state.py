"""SimState: the in-memory ACC behind the simulator's HTTP endpoints.

Everything a test needs to arrange (agents, runs, jobs, schedules, inputs, servers) or
to assert on (recorded requests, approval messages, retries) lives here, behind one lock,
because the HTTP server runs in another thread than the test that inspects it.

Started runs progress lazily: their status is computed from the clock whenever they are
read (Starting, Running after half of ``run_duration``, then the scripted or default
final status), so no background thread is needed and tests can use tiny durations.
Restart and retry act on the same run record (same agentRunHistoryId), the way ACC's
run history shows a retried run: one row whose status starts over.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tzlocal.windows_tz import win_tz

from accbot.simulator import archives, cron
from accbot.simulator.errors import SimError, bad_request, not_found
from accbot.simulator.formats import (
    dotnet_datetime,
    dotnet_datetime_seconds,
    dotnet_datetime_trimmed,
    dotnet_timespan,
    new_guid,
)
from accbot.simulator.models import (
    JOB_ACTIVE,
    JOB_FINAL,
    RUN_ACTIVE,
    RUN_FINAL,
    RUN_STATUS_MESSAGES,
    Approval,
    InputFile,
    JobEntry,
    KnownServer,
    Progress,
    RecordedRequest,
    RunEntry,
    StartOptions,
    camel_fields,
)

# The document's examples are in Australian Eastern time; so is the simulator by default.
DEFAULT_TZ = timezone(timedelta(hours=10))
MULTIPLE_JOBS = "Multiple job for the same agent cannot run simultaneously"


def _time(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return dotnet_datetime(value)


class SimState:
    """Thread-safe fake ACC. Public attributes are knobs; methods arrange and inspect."""

    def __init__(
        self,
        seed: bool = True,
        *,
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo = DEFAULT_TZ,
        run_duration: float = 0.5,
        latency: float = 0.0,
    ) -> None:
        self._lock = threading.RLock()
        self.reset(seed, clock=clock, tz=tz, run_duration=run_duration, latency=latency)

    def reset(
        self,
        seed: bool = True,
        *,
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo = DEFAULT_TZ,
        run_duration: float = 0.5,
        latency: float = 0.0,
    ) -> None:
        """Forget everything and start over, in place, so one running server can serve many tests."""
        with self._lock:
            self._initialize(clock, tz, run_duration, latency)
            if seed:
                from accbot.simulator.seed import seed_state

                seed_state(self)

    def _initialize(
        self, clock: Callable[[], datetime] | None, tz: tzinfo, run_duration: float, latency: float
    ) -> None:
        self.tz = tz
        self._clock = clock
        self.latency = latency
        self.run_duration = run_duration
        self.run_outcomes: dict[str, list[int]] = {}
        # final status of every unscripted run of an agent (default Succeeded 4), so a
        # demo agent can fail every time it is started
        self.default_outcomes: dict[str, int] = {}
        self.requests: list[RecordedRequest] = []
        self.retries: list[tuple[str, str]] = []
        self.restarts: list[str] = []
        self.servers: dict[tuple[str, int], KnownServer] = {}
        self._agents: dict[str, dict[str, Any]] = {}
        self._paths: dict[str, str] = {}
        self._path_names: dict[str, str] = {}
        self._agent_data: dict[str, dict[str, bytes]] = {}
        self._runs: dict[str, RunEntry] = {}
        self._history: dict[str, list[str]] = {}
        self._jobs: dict[str, JobEntry] = {}
        self._job_history: dict[str, list[str]] = {}
        self._schedules: dict[str, dict[str, Any]] = {}
        self._schedule_jobs: dict[str, str] = {}
        self._inputs: dict[str, dict[str, InputFile]] = {}
        self._approvals: dict[str, Approval] = {}
        self._fail_count = 0
        self._fail_status = 503
        self._fail_echo = False
        self._hang_count = 0
        self._hang_seconds = 0.0
        self.in_flight = 0  # requests being answered right now
        self.most_in_flight = 0  # the most at any moment since the last reset

    # --- clock and knobs ---------------------------------------------------------------

    def now(self) -> datetime:
        """Current time in the simulator's zone (a test may inject ``clock``)."""
        moment = self._clock() if self._clock else datetime.now(self.tz)
        return moment.astimezone(self.tz)

    def fail_next(self, count: int, status: int = 503, *, echo_body: bool = False) -> None:
        """The next ``count`` requests are answered with ``status`` (before auth).

        With ``echo_body`` the error message quotes the request body, as a server in
        debug mode (or a chatty proxy) does: tests use it to prove the bot scrubs
        secrets it sent (a server key) from what comes back.
        """
        with self._lock:
            self._fail_count, self._fail_status = count, status
            self._fail_echo = echo_body

    def take_fault_echo(self) -> bool:
        """Whether the injected failures quote the request body (see ``fail_next``)."""
        with self._lock:
            return self._fail_echo

    def hang_next(self, count: int, seconds: float) -> None:
        """The next ``count`` requests wait ``seconds`` before being answered."""
        with self._lock:
            self._hang_count, self._hang_seconds = count, seconds

    def take_fault(self) -> tuple[int | None, float]:
        """Consume one injected fault: (status to fail with or None, seconds to hang)."""
        with self._lock:
            hang = 0.0
            if self._hang_count > 0:
                self._hang_count -= 1
                hang = self._hang_seconds
            status = None
            if self._fail_count > 0:
                self._fail_count -= 1
                status = self._fail_status
            return status, hang

    def script_outcomes(self, agent_id: str, outcomes: list[int]) -> None:
        """Final statuses of the next runs started for ``agent_id``, in order."""
        with self._lock:
            self.run_outcomes[agent_id] = list(outcomes)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def begin_request(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def end_request(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def count_requests(self, method: str, path_prefix: str) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if r.method == method.upper() and r.path.startswith(path_prefix)
            )

    # --- agents ------------------------------------------------------------------------

    def add_agent(
        self,
        path: str,
        agent_id: str | None = None,
        description: str | None = None,
        *,
        directory_id: str | None = None,
        data_files: dict[str, bytes] | None = None,
    ) -> dict[str, Any]:
        """Register an agent at ``path`` (``org/folder/name``); ``data_files`` is what its runs export."""
        path = path.strip("/")
        name = path.rsplit("/", 1)[-1]
        with self._lock:
            agent = {
                "agentId": (agent_id or new_guid()).lower(),
                "name": name,
                "directoryId": directory_id or new_guid(),
                "description": description,
            }
            agent_id = agent["agentId"]
            self._agents[agent_id] = agent
            self._paths[path.lower()] = agent_id
            self._path_names[agent_id] = path
            self._history.setdefault(agent_id, [])
            self._job_history.setdefault(agent_id, [])
            self._inputs.setdefault(agent_id, {})
            self._approvals.setdefault(agent_id, Approval())
            self._agent_data[agent_id] = dict(
                data_files
                if data_files is not None
                else {f"{name}.csv": f"URL,Value\r\nhttps://www.example.com/{name},1\r\n".encode()}
            )
            return dict(agent)

    def agent_by_path(self, path: str) -> dict[str, Any]:
        with self._lock:
            agent_id = self._paths.get(path.strip().strip("/").lower())
            if agent_id is None:
                raise not_found(f"Agent '{path}' not found")
            return dict(self._agents[agent_id])

    def agent(self, agent_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._require_agent(agent_id))

    def agents(self) -> list[dict[str, Any]]:
        """All agents with their paths, for the command line banner."""
        with self._lock:
            return [
                {"path": self._path_names[agent_id], **agent}
                for agent_id, agent in self._agents.items()
            ]

    def _require_agent(self, agent_id: str) -> dict[str, Any]:
        agent = self._agents.get(agent_id.lower())
        if agent is None:
            raise not_found(f"Agent {agent_id} not found")
        return agent

    # --- runs --------------------------------------------------------------------------

    def _new_run_data(self, agent_id: str, run_id: str, started: datetime) -> dict[str, Any]:
        name = self._agents[agent_id]["name"]
        return {
            "agentRunHistoryId": run_id,
            "agentId": agent_id,
            "sessionId": None,
            "runId": 0,
            "agentJobScheduleId": None,
            "serverIp": "127.0.0.1",
            "startTime": dotnet_datetime(started),
            "endTime": None,
            "expectedEndTime": None,
            "runTime": None,
            "status": 1,
            "successActionCount": 0,
            "dynamicSuccessActionCount": 0,
            "volume": 0,
            "pageLoadCount": 0,
            "requestCount": 0,
            "downloadCount": 0,
            "errors": 0,
            "dataCount": 0,
            "deliveryCount": 0,
            "statusMessage": RUN_STATUS_MESSAGES[1],
            "logPath": f"{name}-{started:%Y_%m_%d-%I_%M_%S}.log",
            "inputParameters": None,
            "logLevel": 1,
            "isWindowLess": True,
            "isProductionRun": True,
            "backupDataExpiry": None,
            "lastUpdated": dotnet_datetime_trimmed(started),
        }

    def add_run(
        self,
        agent_id: str,
        status: int,
        *,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        errors: int = 0,
        status_message: str | None = None,
        expected_end_time: datetime | str | None = None,
        run_history_id: str | None = None,
        log_text: str | None = None,
        data_files: dict[str, bytes] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Append a finished or frozen run to the agent's history (it does not progress).

        ``extra`` fields (snake_case or camelCase) override the payload, e.g. ``run_id=3``.
        """
        with self._lock:
            agent = self._require_agent(agent_id)
            agent_id = agent["agentId"]
            started = start_time if isinstance(start_time, datetime) else self.now()
            run_id = (run_history_id or new_guid()).lower()
            data = self._new_run_data(agent_id, run_id, started)
            if isinstance(start_time, str):
                data["startTime"] = start_time
            if end_time is None and status in RUN_FINAL and not isinstance(start_time, str):
                end_time = started + timedelta(seconds=9, microseconds=123456)
            if isinstance(end_time, datetime):
                data["runTime"] = dotnet_timespan(end_time - started)
                data["lastUpdated"] = dotnet_datetime_trimmed(end_time)
            data.update(
                status=status,
                endTime=_time(end_time),
                expectedEndTime=_time(expected_end_time),
                errors=errors,
                statusMessage=status_message or RUN_STATUS_MESSAGES.get(status, ""),
            )
            if status == 4:
                data.update(successActionCount=1, dynamicSuccessActionCount=1, volume=25)
                data.update(pageLoadCount=1, requestCount=33, dataCount=1)
            data.update(camel_fields(extra))
            entry = RunEntry(
                data=data,
                started=started,
                agent_name=agent["name"],
                log_text=log_text,
                data_files=dict(
                    data_files
                    if data_files is not None
                    else (self._agent_data[agent_id] if status == 4 else {})
                ),
            )
            self._runs[run_id] = entry
            self._history[agent_id].append(run_id)
            return copy.deepcopy(data)

    def add_runs(self, agent_ids: list[str], status: int, **fields: Any) -> list[dict[str, Any]]:
        """``add_run`` for each agent, all at one moment: no request is answered between
        two of them (a storm of failures that lands at once, not over a second or two)."""
        with self._lock:
            return [self.add_run(agent_id, status, **fields) for agent_id in agent_ids]

    def set_run_status(self, run_history_id: str, status: int, **fields: Any) -> dict[str, Any]:
        """Force a run's status (stops its progression); ``fields`` override the payload."""
        with self._lock:
            entry = self._require_run(run_history_id)
            entry.progress = None
            now = self.now()
            data = entry.data
            data["status"] = status
            data["statusMessage"] = RUN_STATUS_MESSAGES.get(status, "")
            data["lastUpdated"] = dotnet_datetime_trimmed(now)
            if status in RUN_FINAL and data["endTime"] is None:
                data["endTime"] = dotnet_datetime(now)
                data["runTime"] = dotnet_timespan(now - entry.started)
            data.update(camel_fields(fields))
            if status == 5:
                self._delete_named_inputs(data["agentId"], entry.delete_inputs)
            if entry.job_id:
                self._refresh_job(self._jobs[entry.job_id])
            return copy.deepcopy(data)

    def _require_run(self, run_id: str) -> RunEntry:
        entry = self._runs.get(run_id.lower())
        if entry is None:
            raise not_found(f"Agent run {run_id} not found")
        return entry

    def _next_outcome(self, agent_id: str) -> int:
        scripted = self.run_outcomes.get(agent_id)
        return scripted.pop(0) if scripted else self.default_outcomes.get(agent_id, 4)

    def _begin(self, entry: RunEntry) -> None:
        """(Re)start ``entry`` now: Starting, with a fresh progression towards its outcome."""
        started = self.now()
        agent_id = entry.data["agentId"]
        entry.started = started
        entry.log_text = None
        entry.log_archive = None
        entry.data_files = {}
        entry.progress = Progress(self.run_duration, self._next_outcome(agent_id))
        entry.data.update(
            startTime=dotnet_datetime(started),
            endTime=None,
            runTime=dotnet_timespan(timedelta(0)),
            expectedEndTime=dotnet_datetime(started + timedelta(seconds=self.run_duration)),
            status=1,
            statusMessage=RUN_STATUS_MESSAGES[1],
            errors=0,
            lastUpdated=dotnet_datetime_trimmed(started),
        )

    def _refresh_run(self, entry: RunEntry) -> None:
        """Bring a progressing run up to date with the clock."""
        progress = entry.progress
        if progress is None:
            return
        now = self.now()
        elapsed = (now - entry.started).total_seconds()
        data = entry.data
        if elapsed < progress.duration:
            status = 1 if elapsed < progress.duration / 2 else 2
            data.update(
                status=status,
                statusMessage=RUN_STATUS_MESSAGES[status],
                runTime=dotnet_timespan(now - entry.started),
                lastUpdated=dotnet_datetime_trimmed(now),
            )
            return
        final = progress.final_status
        ended = entry.started + timedelta(seconds=progress.duration)
        entry.progress = None
        failed = final in (5, 7)
        data.update(
            status=final,
            statusMessage=RUN_STATUS_MESSAGES.get(final, ""),
            endTime=dotnet_datetime(ended),
            runTime=dotnet_timespan(ended - entry.started),
            lastUpdated=dotnet_datetime_trimmed(ended),
            errors=3 if failed else 0,
            successActionCount=0 if failed else 1,
            dynamicSuccessActionCount=0 if failed else 1,
            volume=25,
            pageLoadCount=1,
            requestCount=33,
            dataCount=0 if failed else 1,
            deliveryCount=1 if final == 4 and data["isProductionRun"] else 0,
        )
        if final == 4:
            entry.data_files = dict(self._agent_data[data["agentId"]])
            self._delete_named_inputs(data["agentId"], entry.delete_inputs)

    def start_run(
        self,
        agent_id: str,
        options: StartOptions,
        *,
        job_id: str | None = None,
        schedule_id: str | None = None,
        run_number: int = 0,
    ) -> dict[str, Any]:
        """Start a run on the 'cluster'; it progresses to its scripted outcome."""
        with self._lock:
            agent = self._require_agent(agent_id)
            agent_id = agent["agentId"]
            self._check_inputs(agent_id, options.input_files)
            run_id = new_guid()
            started = self.now()
            data = self._new_run_data(agent_id, run_id, started)
            data.update(
                sessionId=options.session_id or None,
                runId=run_number,
                agentJobScheduleId=schedule_id,
                inputParameters=self._run_parameters(options),
                logLevel=options.log_level,
                isProductionRun=options.is_production_run,
            )
            entry = RunEntry(data=data, started=started, agent_name=agent["name"], job_id=job_id)
            if options.delete_inputs_on_completed:
                entry.delete_inputs = list(options.input_files)
            self._begin(entry)
            self._runs[run_id] = entry
            self._history[agent_id].append(run_id)
            return copy.deepcopy(data)

    @staticmethod
    def _run_parameters(options: StartOptions) -> str | None:
        """Input files reach the agent as input_file_1, input_file_2, ... parameters."""
        if not options.input_files:
            return options.input_parameters
        parameters = json.loads(options.input_parameters) if options.input_parameters else {}
        for index, name in enumerate(options.input_files, start=1):
            parameters[f"input_file_{index}"] = name
        return json.dumps(parameters)

    def run(self, run_history_id: str) -> dict[str, Any]:
        with self._lock:
            entry = self._require_run(run_history_id)
            self._refresh_run(entry)
            return copy.deepcopy(entry.data)

    def history(self, agent_id: str, count: int = 100) -> list[dict[str, Any]]:
        """The agent's latest ``count`` runs, newest first."""
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            ids = list(reversed(self._history[agent_id]))[:count]
            for run_id in ids:
                self._refresh_run(self._runs[run_id])
            return [copy.deepcopy(self._runs[run_id].data) for run_id in ids]

    def job_agent_runs(
        self, agent_id: str, run_number: int, count: int = 100
    ) -> list[dict[str, Any]]:
        """Runs belonging to the agent's job run number ``run_number``, newest first."""
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            runs = self.history(agent_id, count=len(self._history[agent_id]))
            return [r for r in runs if r["runId"] == run_number][:count]

    def restart_run(self, run_history_id: str) -> dict[str, Any]:
        with self._lock:
            entry = self._restartable(run_history_id)
            self.restarts.append(entry.data["agentRunHistoryId"])
            self._begin(entry)
            return copy.deepcopy(entry.data)

    def retry_run(self, run_history_id: str, method: str) -> dict[str, Any]:
        with self._lock:
            entry = self._restartable(run_history_id)
            self.retries.append((entry.data["agentRunHistoryId"], method))
            self._begin(entry)
            return copy.deepcopy(entry.data)

    def _restartable(self, run_history_id: str) -> RunEntry:
        entry = self._require_run(run_history_id)
        self._refresh_run(entry)
        if entry.data["status"] in RUN_ACTIVE:
            raise bad_request(f"Agent run {run_history_id} is still active")
        return entry

    def run_log(self, run_history_id: str) -> tuple[str, str]:
        """(log file name, log text) of a run; generated from its outcome if none was set."""
        with self._lock:
            entry = self._require_run(run_history_id)
            self._refresh_run(entry)
            data = entry.data
            if entry.log_text is None and data["status"] not in RUN_ACTIVE:
                entry.log_text = archives.make_log(
                    entry.agent_name,
                    entry.started,
                    data["status"],
                    data["errors"],
                    data["logLevel"],
                )
            text = entry.log_text or archives.make_log(
                entry.agent_name, entry.started, data["status"], 0, data["logLevel"]
            )
            return data["logPath"], text

    def set_run_log_archive(self, run_history_id: str, archive: bytes) -> None:
        """Serve ``archive`` as it is for the run's log (e.g. a zip bomb, a huge log)."""
        with self._lock:
            self._require_run(run_history_id).log_archive = archive

    def run_log_archive(self, run_history_id: str) -> bytes | None:
        """The ready-made log archive set for the run, if any."""
        with self._lock:
            return self._require_run(run_history_id).log_archive

    def run_data(self, run_history_id: str) -> dict[str, bytes]:
        """The run's exported data files (empty while running or when it exported none)."""
        with self._lock:
            entry = self._require_run(run_history_id)
            self._refresh_run(entry)
            return dict(entry.data_files)

    # --- jobs --------------------------------------------------------------------------

    def _new_job_data(
        self, agent_id: str, job_id: str, run_number: int, status: int
    ) -> dict[str, Any]:
        started = self.now()
        return {
            "agentJobHistoryId": job_id,
            "agentId": agent_id,
            "startTime": dotnet_datetime(started),
            "endTime": dotnet_datetime(started) if status in JOB_FINAL else None,
            "totalSuccessActionCount": 0,
            "totalDynamicSuccessActionCount": 0,
            "totalPageLoadCount": 0,
            "totalRequestCount": 0,
            "totalDownloadCount": 0,
            "totalVolume": 0,
            "totalErrors": 0,
            "totalDataCount": 0,
            "totalDeliveryCount": 0,
            "completedScheduleCount": 0,
            "totalScheduleCount": 0,
            "completedRunCount": 0,
            "totalRunCount": 0,
            "runId": run_number,
            "status": status,
            "agentJobSetting": None,
        }

    def _next_job_number(self, agent_id: str) -> int:
        numbers = [self._jobs[j].data["runId"] for j in self._job_history[agent_id]]
        return max(numbers, default=0) + 1

    def add_job_run(
        self, agent_id: str, status: int, *, run_status: int | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Append a job run with a fixed status; ``fields`` override the payload.

        ``run_status`` also appends the job's agent run in that status to the agent's run
        history (``runId`` = the job's number), as ACC shows every job's runs.
        """
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            job_id = (
                fields.pop("agent_job_history_id", None)
                or fields.pop("agentJobHistoryId", None)
                or new_guid()
            )
            job_id = job_id.lower()
            data = self._new_job_data(agent_id, job_id, self._next_job_number(agent_id), status)
            data.update(camel_fields(fields))
            job = JobEntry(data=data, manual=True)
            self._jobs[job_id] = job
            self._job_history[agent_id].append(job_id)
            if run_status is not None:
                run = self.add_run(agent_id, run_status, run_id=data["runId"])
                job.run_ids.append(run["agentRunHistoryId"])
            return copy.deepcopy(data)

    def set_job_status(self, job_history_id: str, status: int) -> dict[str, Any]:
        with self._lock:
            job = self._require_job(job_history_id)
            self._set_job_status(job, status)
            return copy.deepcopy(job.data)

    def _set_job_status(self, job: JobEntry, status: int) -> None:
        job.manual = True
        job.data["status"] = status
        if status in JOB_FINAL and job.data["endTime"] is None:
            job.data["endTime"] = dotnet_datetime(self.now())
        if status == 5:
            self._delete_named_inputs(job.data["agentId"], job.delete_inputs)

    def set_latest_job_status(self, agent_id: str, status: int) -> dict[str, Any]:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            jobs = self._job_history[agent_id]
            if not jobs:
                raise not_found(f"Agent {agent_id} has no job runs")
            job = self._jobs[jobs[-1]]
            self._refresh_job(job)
            self._set_job_status(job, status)
            return copy.deepcopy(job.data)

    def _require_job(self, job_id: str) -> JobEntry:
        job = self._jobs.get(job_id.lower())
        if job is None:
            raise not_found(f"Job run {job_id} not found")
        return job

    def _refresh_job(self, job: JobEntry) -> None:
        """A job follows its runs: in progress (with failure), then succeeded/failure/failed."""
        runs = [self._runs[r] for r in job.run_ids]
        for run in runs:
            self._refresh_run(run)
        if job.manual or not runs:
            return
        datas = [r.data for r in runs]
        statuses = [d["status"] for d in datas]
        done = [s for s in statuses if s in RUN_FINAL]
        totals = {
            "totalSuccessActionCount": "successActionCount",
            "totalDynamicSuccessActionCount": "dynamicSuccessActionCount",
            "totalPageLoadCount": "pageLoadCount",
            "totalRequestCount": "requestCount",
            "totalDownloadCount": "downloadCount",
            "totalVolume": "volume",
            "totalErrors": "errors",
            "totalDataCount": "dataCount",
            "totalDeliveryCount": "deliveryCount",
        }
        for total, key in totals.items():
            job.data[total] = sum(d[key] for d in datas)
        job.data["completedRunCount"] = len(done)
        job.data["totalRunCount"] = len(runs)
        failed = any(s in (5, 7) for s in statuses)
        if len(done) < len(runs):
            job.data["status"] = 2 if failed else 1
            return
        job.data["status"] = 5 if 5 in statuses else 4 if failed or 6 in statuses else 3
        job.data["completedScheduleCount"] = job.data["totalScheduleCount"]
        job.data["endTime"] = max((d["endTime"] for d in datas if d["endTime"]), default=None)

    def start_job(
        self, agent_id: str, options: StartOptions, schedule_id: str | None = None
    ) -> dict[str, Any]:
        """Start a job run with one agent run; refused while another job of the agent runs."""
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            for job_id in self._job_history[agent_id]:
                job = self._jobs[job_id]
                self._refresh_job(job)
                if job.data["status"] in JOB_ACTIVE:
                    raise SimError(409, MULTIPLE_JOBS)
            self._check_inputs(agent_id, options.input_files)
            job_id = new_guid()
            number = self._next_job_number(agent_id)
            job = JobEntry(data=self._new_job_data(agent_id, job_id, number, 1))
            job.data.update(totalScheduleCount=1, totalRunCount=1)
            if options.delete_inputs_on_completed:
                job.delete_inputs = list(options.input_files)
            self._jobs[job_id] = job
            self._job_history[agent_id].append(job_id)
            run_options = copy.copy(options)
            run_options.delete_inputs_on_completed = False
            run = self.start_run(
                agent_id, run_options, job_id=job_id, schedule_id=schedule_id, run_number=number
            )
            job.run_ids.append(run["agentRunHistoryId"])
            if options.delete_inputs_on_completed:
                self._runs[run["agentRunHistoryId"]].delete_inputs = list(options.input_files)
            return copy.deepcopy(job.data)

    def job(self, job_history_id: str) -> dict[str, Any]:
        with self._lock:
            job = self._require_job(job_history_id)
            self._refresh_job(job)
            return copy.deepcopy(job.data)

    def job_history(self, agent_id: str, count: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            ids = list(reversed(self._job_history[agent_id]))[:count]
            for job_id in ids:
                self._refresh_job(self._jobs[job_id])
            return [copy.deepcopy(self._jobs[j].data) for j in ids]

    def set_job_log_archive(self, job_history_id: str, archive: bytes) -> None:
        """Serve ``archive`` as it is for the job's logs (e.g. many huge members)."""
        with self._lock:
            self._require_job(job_history_id).log_archive = archive

    def job_log_archive(self, job_history_id: str) -> bytes | None:
        """The ready-made logs archive set for the job, if any."""
        with self._lock:
            return self._require_job(job_history_id).log_archive

    def job_files(self, job_history_id: str, kind: str) -> dict[str, bytes]:
        """All logs (``kind='logs'``) or data files (``'data'``) of a job's runs."""
        with self._lock:
            job = self._require_job(job_history_id)
            self._refresh_job(job)
            files: dict[str, bytes] = {}
            for run_id in job.run_ids:
                if kind == "logs":
                    name, text = self.run_log(run_id)
                    files[name] = text.encode()
                else:
                    for name, content in self.run_data(run_id).items():
                        files[f"{run_id}/{name}"] = content
            if kind == "logs" and not files:
                data = job.data
                files[f"job-{data['runId']}.log"] = (
                    f"Job run {data['runId']} of agent {data['agentId']}: status {data['status']}, "
                    f"{data['totalErrors']} errors\r\n"
                ).encode()
            return files

    # --- schedules ---------------------------------------------------------------------

    def add_schedule(self, agent_id: str, cron_expression: str, **fields: Any) -> dict[str, Any]:
        """Add (or, with a known ``schedule_id``, replace) a schedule; the cron is validated."""
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            fields = camel_fields(fields)
            schedule_id = (fields.pop("scheduleId", None) or new_guid()).lower()
            existing = self._schedules.get(schedule_id)
            if existing is not None and existing["agentId"] != agent_id:
                raise bad_request(f"Schedule {schedule_id} belongs to another agent")
            zone_id = fields.get("timeZoneId") or "UTC"
            zone = self._zone(zone_id)
            try:
                description = cron.describe(cron_expression, zone_id)
            except cron.CronError as error:
                raise bad_request(f"Invalid cron expression '{cron_expression}': {error}") from None
            start_text = fields.get("startTime")
            start = (
                datetime.fromisoformat(start_text).replace(tzinfo=zone)
                if start_text
                else self.now().astimezone(zone).replace(microsecond=0, tzinfo=None)
            )
            if isinstance(start, datetime) and start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            schedule = {
                "scheduleId": schedule_id,
                "agentId": agent_id,
                "cron": cron_expression,
                "cronDescription": description,
                "sessionId": None,
                "startTime": f"{start:%Y-%m-%dT%H:%M:%S}",
                "timeZoneId": zone_id,
                "nextRunTime": None,
                "inputParameters": "{}",
                "logLevel": 1,
                "isWindowless": True,
                "errorMessage": None,
                "scheduleStatus": 0,
                "lastRunTime": None,
                "completedTime": None,
                "isEnabled": True,
            }
            if existing is not None:
                for key in ("scheduleStatus", "lastRunTime", "completedTime", "errorMessage"):
                    schedule[key] = existing[key]
            schedule.update(fields)
            schedule["startTime"] = f"{start:%Y-%m-%dT%H:%M:%S}"
            self._schedules[schedule_id] = schedule
            if "nextRunTime" not in fields:
                self._update_next_run(schedule)
            return copy.deepcopy(schedule)

    def _zone(self, zone_id: str) -> tzinfo:
        iana = win_tz.get(zone_id)
        if iana is None:
            raise bad_request(f"Unknown time zone '{zone_id}' (ACC expects a Windows time zone id)")
        return ZoneInfo(iana)

    def _update_next_run(self, schedule: dict[str, Any]) -> None:
        if not schedule["isEnabled"]:
            schedule["nextRunTime"] = None
            return
        zone = self._zone(schedule["timeZoneId"])
        start = datetime.fromisoformat(schedule["startTime"]).replace(tzinfo=zone)
        after = max(self.now(), start - timedelta(seconds=1))
        upcoming = cron.next_run(schedule["cron"], after, zone)
        schedule["nextRunTime"] = dotnet_datetime_seconds(upcoming) if upcoming else None

    def _require_schedule(self, schedule_id: str) -> dict[str, Any]:
        schedule = self._schedules.get(schedule_id.lower())
        if schedule is None:
            raise not_found(f"Schedule {schedule_id} not found")
        return schedule

    def _refresh_schedule(self, schedule: dict[str, Any]) -> None:
        job_id = self._schedule_jobs.get(schedule["scheduleId"])
        if job_id is None:
            return
        job = self._jobs[job_id]
        self._refresh_job(job)
        status = job.data["status"]
        if status in JOB_FINAL:
            schedule["scheduleStatus"] = 2 if status == 3 else 3
            schedule["completedTime"] = job.data["endTime"]
        elif status in JOB_ACTIVE:
            schedule["scheduleStatus"] = 1

    def schedule(self, schedule_id: str) -> dict[str, Any]:
        with self._lock:
            schedule = self._require_schedule(schedule_id)
            self._refresh_schedule(schedule)
            return copy.deepcopy(schedule)

    def schedules(self, agent_id: str) -> list[dict[str, Any]]:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            found = [s for s in self._schedules.values() if s["agentId"] == agent_id]
            for schedule in found:
                self._refresh_schedule(schedule)
            return copy.deepcopy(found)

    def delete_schedule(self, schedule_id: str) -> None:
        with self._lock:
            self._require_schedule(schedule_id)
            del self._schedules[schedule_id.lower()]

    def delete_schedules(self, agent_id: str) -> int:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            doomed = [k for k, s in self._schedules.items() if s["agentId"] == agent_id]
            for key in doomed:
                del self._schedules[key]
            return len(doomed)

    def set_schedule_enabled(self, schedule_id: str, enabled: bool) -> dict[str, Any]:
        with self._lock:
            schedule = self._require_schedule(schedule_id)
            if schedule["isEnabled"] != enabled:
                schedule["isEnabled"] = enabled
                self._update_next_run(schedule)
            return copy.deepcopy(schedule)

    def set_all_schedules_enabled(self, agent_id: str, enabled: bool) -> int:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            found = [s for s in self._schedules.values() if s["agentId"] == agent_id]
            for schedule in found:
                self.set_schedule_enabled(schedule["scheduleId"], enabled)
            return len(found)

    def start_schedule(self, schedule_id: str) -> dict[str, Any]:
        """Run a schedule now: a job run whose agent run carries the schedule's id."""
        with self._lock:
            schedule = self._require_schedule(schedule_id)
            options = StartOptions(
                session_id=schedule["sessionId"],
                log_level=schedule["logLevel"],
                input_parameters=schedule["inputParameters"],
            )
            job = self.start_job(schedule["agentId"], options, schedule_id=schedule["scheduleId"])
            self._schedule_jobs[schedule["scheduleId"]] = job["agentJobHistoryId"]
            schedule["lastRunTime"] = job["startTime"]
            schedule["scheduleStatus"] = 1
            return job

    # --- inputs ------------------------------------------------------------------------

    def add_input(self, agent_id: str, name: str, content: bytes) -> None:
        """Add or replace (re-enabling) an input file."""
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            self._inputs[agent_id][name] = InputFile(name=name, content=content)

    def inputs(self, agent_id: str) -> dict[str, InputFile]:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            return {n: copy.copy(f) for n, f in self._inputs[agent_id].items()}

    def delete_inputs(self, agent_id: str) -> int:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            count = len(self._inputs[agent_id])
            self._inputs[agent_id].clear()
            return count

    def disable_inputs(self, agent_id: str) -> int:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            for item in self._inputs[agent_id].values():
                item.enabled = False
            return len(self._inputs[agent_id])

    def _check_inputs(self, agent_id: str, names: list[str]) -> None:
        available = self._inputs[agent_id]
        for name in names:
            item = available.get(name)
            if item is None:
                raise bad_request(f"Input file '{name}' has not been uploaded for this agent")
            if not item.enabled:
                raise bad_request(f"Input file '{name}' is disabled")

    def _delete_named_inputs(self, agent_id: str, names: list[str]) -> None:
        for name in names:
            self._inputs[agent_id].pop(name, None)

    # --- approvals and servers ---------------------------------------------------------

    def toggle_approval(self, agent_id: str, disapprove: bool, message: str) -> Approval:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            approval = self._approvals[agent_id]
            approval.approved = not disapprove
            approval.messages.append(message)
            return copy.deepcopy(approval)

    def approval(self, agent_id: str) -> Approval:
        with self._lock:
            agent_id = self._require_agent(agent_id)["agentId"]
            return copy.deepcopy(self._approvals[agent_id])

    def add_server(
        self, ip_address: str, port: int, key: str, *, use_ssl: bool = False, online: bool = True
    ) -> KnownServer:
        with self._lock:
            server = KnownServer(ip_address, port, key, use_ssl=use_ssl, online=online)
            self.servers[(ip_address, port)] = server
            return server

    def set_server(
        self,
        ip_address: str,
        port: int,
        *,
        online: bool | None = None,
        cpu_usages: str | None = None,
        memory_usages: str | None = None,
        cpu_threshold: int | None = None,
        memory_threshold: int | None = None,
    ) -> KnownServer:
        """Change a known server on cue: take it offline (``api/server/check`` then answers
        "Unable to connect"), or set its usage texts ("95%, a:60%, p:99%") and thresholds."""
        changes = {
            "online": online,
            "cpu_usages": cpu_usages,
            "memory_usages": memory_usages,
            "cpu_threshold": cpu_threshold,
            "memory_threshold": memory_threshold,
        }
        with self._lock:
            server = self.servers.get((ip_address, port))
            if server is None:
                raise KeyError(f"no server {ip_address}:{port} (add_server first)")
            for name, value in changes.items():
                if value is not None:
                    setattr(server, name, value)
            return copy.deepcopy(server)

    def check_server(self, key: str, ip_address: str, port: int, use_ssl: bool) -> dict[str, Any]:
        """The body of ``api/server/check``: isError plus usage figures when reachable."""
        with self._lock:
            server = self.servers.get((ip_address, port))
        where = f"{ip_address}:{port}"
        result: dict[str, Any] = {
            "isError": True,
            "message": "",
            "cpuUsages": None,
            "memoryUsages": None,
            "discUsages": None,
            "cpuThreshold": 0,
            "memoryThreshold": 0,
        }
        if server is None or not server.online or server.use_ssl != use_ssl:
            result["message"] = f"Unable to connect to server {where}."
        elif server.key != key:
            result["message"] = f"Connection to server {where} failed: invalid API key."
        else:
            result.update(
                isError=False,
                message=f"Connection to server {where} is successful.",
                cpuUsages=server.cpu_usages,
                memoryUsages=server.memory_usages,
                discUsages=server.disc_usages,
                cpuThreshold=server.cpu_threshold,
                memoryThreshold=server.memory_threshold,
            )
        return result
