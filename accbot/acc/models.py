"""Typed ACC payloads, parsed from the wire shapes in the ACC API document.

Raw dicts stop here: ``from_json`` turns a documented JSON object into a frozen
dataclass, and request bodies are built by ``to_json`` so the wire names (camelCase,
``inputParameters`` as a JSON string) live in one place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from pathlib import PurePath, PureWindowsPath
from typing import Any

from accbot.acc.dotnet import parse_datetime, parse_timespan
from accbot.backend.errors import InvalidId


class RunStatus(IntEnum):
    NEVER_RUN = 0
    STARTING = 1
    RUNNING = 2
    DELIVERY = 3
    SUCCEEDED = 4
    FAILED = 5
    STOPPED = 6
    FAILURE = 7

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").title()

    @property
    def is_finished(self) -> bool:
        return self in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.STOPPED, RunStatus.FAILURE)

    @property
    def is_failure(self) -> bool:
        return self in (RunStatus.FAILED, RunStatus.FAILURE)


class JobStatus(IntEnum):
    NEVER_RUN = 0
    IN_PROGRESS = 1
    IN_PROGRESS_WITH_FAILURE = 2
    SUCCEEDED = 3
    FAILURE = 4
    FAILED = 5

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").title()

    @property
    def slug(self) -> str:
        """The spelling used by ``/acc job status`` (``in-progress-with-failure``)."""
        return self.name.lower().replace("_", "-")

    @property
    def is_finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILURE, JobStatus.FAILED)

    @property
    def is_failure(self) -> bool:
        return self in (JobStatus.FAILURE, JobStatus.FAILED)


class ScheduleStatus(IntEnum):
    WAITING = 0
    RUNNING = 1
    SUCCEEDED = 2
    FAILED = 3

    @property
    def label(self) -> str:
        return self.name.title()


class RunMethod(StrEnum):
    """How ``api/run/{id}/retry`` continues a run; ACC's default is the last one."""

    RESTART = "Restart"
    CONTINUE = "Continue"
    CONTINUE_REFRESH_AGENT = "ContinueRefreshAgent"
    CONTINUE_AND_RETRY_ERRORS = "ContinueAndRetryErrors"
    CONTINUE_AND_RETRY_ERRORS_REFRESH_AGENT = "ContinueAndRetryErrorsRefreshAgent"
    NEW = "New"


DEFAULT_RUN_METHOD = RunMethod.CONTINUE_AND_RETRY_ERRORS_REFRESH_AGENT


class DataDelivery(StrEnum):
    """``synchronousDataDelivery``: what a synchronous start returns."""

    NONE = "None"
    PLAIN = "Plain"
    ZIP = "Zip"


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def parse_input_parameters(value: Any) -> dict[str, str]:
    """ACC sends inputParameters as a JSON string (or null); callers want a dict."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in decoded.items()}


def encode_input_parameters(params: dict[str, str] | None) -> str | None:
    """The wire form: a JSON object encoded as a string inside the JSON body."""
    if not params:
        return None
    return json.dumps({str(k): str(v) for k, v in params.items()}, separators=(",", ":"))


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    directory_id: str | None
    description: str | None
    path: str | None = None  # not on the wire: the path it was looked up by

    @classmethod
    def from_json(cls, data: dict[str, Any], path: str | None = None) -> Agent:
        return cls(
            agent_id=str(data["agentId"]),
            name=str(data.get("name") or ""),
            directory_id=data.get("directoryId"),
            description=data.get("description"),
            path=path,
        )


@dataclass(frozen=True)
class AgentRun:
    """One agent run (``api/run/{id}`` and each item of a run history)."""

    run_history_id: str
    agent_id: str
    status: RunStatus
    session_id: str | None = None
    run_id: int | None = None
    job_schedule_id: str | None = None
    server_ip: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    expected_end_time: datetime | None = None
    run_time: timedelta | None = None
    success_action_count: int | None = None
    dynamic_success_action_count: int | None = None
    volume: int | None = None
    page_load_count: int | None = None
    request_count: int | None = None
    download_count: int | None = None
    errors: int | None = None
    data_count: int | None = None
    delivery_count: int | None = None
    status_message: str | None = None
    log_path: str | None = None
    input_parameters: dict[str, str] = field(default_factory=dict)
    log_level: int | None = None
    is_windowless: bool | None = None
    is_production_run: bool | None = None
    backup_data_expiry: datetime | None = None
    last_updated: datetime | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AgentRun:
        return cls(
            run_history_id=str(data["agentRunHistoryId"]),
            agent_id=str(data["agentId"]),
            status=RunStatus(int(data["status"])),
            session_id=data.get("sessionId"),
            run_id=_opt_int(data.get("runId")),
            job_schedule_id=data.get("agentJobScheduleId"),
            server_ip=data.get("serverIp"),
            start_time=parse_datetime(data.get("startTime")),
            end_time=parse_datetime(data.get("endTime")),
            expected_end_time=parse_datetime(data.get("expectedEndTime")),
            run_time=parse_timespan(data.get("runTime")),
            success_action_count=_opt_int(data.get("successActionCount")),
            dynamic_success_action_count=_opt_int(data.get("dynamicSuccessActionCount")),
            volume=_opt_int(data.get("volume")),
            page_load_count=_opt_int(data.get("pageLoadCount")),
            request_count=_opt_int(data.get("requestCount")),
            download_count=_opt_int(data.get("downloadCount")),
            errors=_opt_int(data.get("errors")),
            data_count=_opt_int(data.get("dataCount")),
            delivery_count=_opt_int(data.get("deliveryCount")),
            status_message=data.get("statusMessage"),
            log_path=data.get("logPath"),
            input_parameters=parse_input_parameters(data.get("inputParameters")),
            log_level=_opt_int(data.get("logLevel")),
            is_windowless=data.get("isWindowLess"),
            is_production_run=data.get("isProductionRun"),
            backup_data_expiry=parse_datetime(data.get("backupDataExpiry")),
            last_updated=parse_datetime(data.get("lastUpdated")),
        )


@dataclass(frozen=True)
class StartResult:
    """What a cluster start returns: run IDs, or data for synchronous data delivery."""

    run_history_ids: list[str] = field(default_factory=list)
    data: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class JobStartResult:
    job_history_id: str
    job_run_id: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobStartResult:
        return cls(job_history_id=str(data["agentJobHistoryId"]), job_run_id=int(data["jobRunId"]))


@dataclass(frozen=True)
class JobRun:
    """One job run (``api/job/run/{id}`` and each item of a job history)."""

    job_history_id: str
    agent_id: str
    status: JobStatus
    run_id: int | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    total_success_action_count: int | None = None
    total_dynamic_success_action_count: int | None = None
    total_page_load_count: int | None = None
    total_request_count: int | None = None
    total_download_count: int | None = None
    total_volume: int | None = None
    total_errors: int | None = None
    total_data_count: int | None = None
    total_delivery_count: int | None = None
    completed_schedule_count: int | None = None
    total_schedule_count: int | None = None
    completed_run_count: int | None = None
    total_run_count: int | None = None
    job_setting: Any = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobRun:
        return cls(
            job_history_id=str(data["agentJobHistoryId"]),
            agent_id=str(data["agentId"]),
            status=JobStatus(int(data["status"])),
            run_id=_opt_int(data.get("runId")),
            start_time=parse_datetime(data.get("startTime")),
            end_time=parse_datetime(data.get("endTime")),
            total_success_action_count=_opt_int(data.get("totalSuccessActionCount")),
            total_dynamic_success_action_count=_opt_int(data.get("totalDynamicSuccessActionCount")),
            total_page_load_count=_opt_int(data.get("totalPageLoadCount")),
            total_request_count=_opt_int(data.get("totalRequestCount")),
            total_download_count=_opt_int(data.get("totalDownloadCount")),
            total_volume=_opt_int(data.get("totalVolume")),
            total_errors=_opt_int(data.get("totalErrors")),
            total_data_count=_opt_int(data.get("totalDataCount")),
            total_delivery_count=_opt_int(data.get("totalDeliveryCount")),
            completed_schedule_count=_opt_int(data.get("completedScheduleCount")),
            total_schedule_count=_opt_int(data.get("totalScheduleCount")),
            completed_run_count=_opt_int(data.get("completedRunCount")),
            total_run_count=_opt_int(data.get("totalRunCount")),
            job_setting=data.get("agentJobSetting"),
        )


@dataclass(frozen=True)
class Schedule:
    schedule_id: str
    agent_id: str
    cron: str
    cron_description: str | None = None
    session_id: str | None = None
    start_time: datetime | None = None
    time_zone_id: str | None = None
    next_run_time: datetime | None = None
    input_parameters: dict[str, str] = field(default_factory=dict)
    log_level: int | None = None
    is_windowless: bool | None = None
    error_message: str | None = None
    status: ScheduleStatus | None = None
    last_run_time: datetime | None = None
    completed_time: datetime | None = None
    is_enabled: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schedule:
        status = data.get("scheduleStatus")
        return cls(
            schedule_id=str(data["scheduleId"]),
            agent_id=str(data.get("agentId") or ""),
            cron=str(data.get("cron") or ""),
            cron_description=data.get("cronDescription"),
            session_id=data.get("sessionId"),
            start_time=parse_datetime(data.get("startTime")),
            time_zone_id=data.get("timeZoneId"),
            next_run_time=parse_datetime(data.get("nextRunTime")),
            input_parameters=parse_input_parameters(data.get("inputParameters")),
            log_level=_opt_int(data.get("logLevel")),
            is_windowless=data.get("isWindowless"),
            error_message=data.get("errorMessage"),
            status=None if status is None else ScheduleStatus(int(status)),
            last_run_time=parse_datetime(data.get("lastRunTime")),
            completed_time=parse_datetime(data.get("completedTime")),
            is_enabled=bool(data.get("isEnabled")),
        )


@dataclass(frozen=True)
class StartRequest:
    """Body of a cluster start (by id or path); None fields are left to ACC's defaults."""

    session_id: str | None = None
    log_level: int | None = None
    is_production_run: bool | None = None
    input_parameters: dict[str, str] | None = None
    input_files: list[str] | None = None
    is_delete_input_files_on_completed: bool | None = None
    use_multiple_sessions: bool | None = None
    is_synchronous: bool | None = None
    synchronous_timeout: int | None = None
    synchronous_data_delivery: DataDelivery | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sessionId": self.session_id,
            "logLevel": self.log_level,
            "isProductionRun": self.is_production_run,
            "inputParameters": encode_input_parameters(self.input_parameters),
            "inputFiles": [safe_file_name(n) for n in self.input_files]
            if self.input_files
            else None,
            "isDeleteInputFilesOnCompleted": self.is_delete_input_files_on_completed,
            "useMultipleSessions": self.use_multiple_sessions,
            "isSynchronous": self.is_synchronous,
            "synchronousTimeout": self.synchronous_timeout,
            "synchronousDataDelivery": (
                self.synchronous_data_delivery.value if self.synchronous_data_delivery else None
            ),
        }
        return {k: v for k, v in body.items() if v is not None}


@dataclass(frozen=True)
class JobStartRequest:
    """Body of ``api/job/{agentId}/start``."""

    session_id: str | None = None
    log_level: int | None = None
    is_production_run: bool | None = None
    input_parameters: dict[str, str] | None = None
    input_files: list[str] | None = None
    is_delete_input_files_on_completed: bool | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sessionId": self.session_id,
            "logLevel": self.log_level,
            "isProductionRun": self.is_production_run,
            "inputParameters": encode_input_parameters(self.input_parameters),
            "inputFiles": [safe_file_name(n) for n in self.input_files]
            if self.input_files
            else None,
            "isDeleteInputFilesOnCompleted": self.is_delete_input_files_on_completed,
        }
        return {k: v for k, v in body.items() if v is not None}


@dataclass(frozen=True)
class ScheduleRequest:
    """Body of ``api/job/{agentId}/schedule`` (add when the id is new, else update)."""

    schedule_id: str
    cron: str
    start_time: str  # yyyy-MM-ddTHH:mm:ss, in time_zone_id
    time_zone_id: str
    session_id: str | None = None
    input_parameters: dict[str, str] | None = None
    log_level: int = 1
    is_windowless: bool = True
    is_enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "scheduleId": self.schedule_id,
            "cron": self.cron,
            "sessionId": self.session_id,
            "startTime": self.start_time,
            "timeZoneId": self.time_zone_id,
            "inputParameters": encode_input_parameters(self.input_parameters) or "{}",
            "logLevel": self.log_level,
            "isWindowless": self.is_windowless,
            "isEnabled": self.is_enabled,
        }


@dataclass(frozen=True)
class ServerCheckRequest:
    key: str
    ip_address: str
    port: int
    use_ssl: bool = False
    server_refresh: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "ipAddress": self.ip_address,
            "port": self.port,
            "useSsl": self.use_ssl,
            "serverRefresh": self.server_refresh,
        }

    def __repr__(self) -> str:  # the key is a secret
        return f"ServerCheckRequest(ip_address={self.ip_address!r}, port={self.port}, key='***')"


@dataclass(frozen=True)
class ServerStatus:
    is_error: bool
    message: str
    cpu_usages: str | None = None
    memory_usages: str | None = None
    disc_usages: str | None = None
    cpu_threshold: int | None = None
    memory_threshold: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerStatus:
        return cls(
            is_error=bool(data.get("isError")),
            message=str(data.get("message") or ""),
            cpu_usages=data.get("cpuUsages"),
            memory_usages=data.get("memoryUsages"),
            disc_usages=data.get("discUsages"),
            cpu_threshold=_opt_int(data.get("cpuThreshold")),
            memory_threshold=_opt_int(data.get("memoryThreshold")),
        )

    @property
    def cpu_percent(self) -> float | None:
        """The current CPU usage: the first figure of ``cpuUsages`` ("0%, a:2%, p:20%")."""
        return usage_percent(self.cpu_usages)

    @property
    def memory_percent(self) -> float | None:
        """The current memory usage: the first figure of ``memoryUsages``."""
        return usage_percent(self.memory_usages)


_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%")


def usage_percent(usages: str | None) -> float | None:
    """The leading percentage of an ACC usage text ("6%, a:13%, p: 23 % " -> 6.0).

    The document shows the current figure first, then ``a:`` and ``p:`` figures it does
    not explain; only the first is compared with ACC's thresholds. None when absent.
    """
    if not usages:
        return None
    match = _PERCENT.match(usages)
    return float(match.group(1)) if match else None


# The input file types ACC's upload endpoint takes; Slack's file input offers only these.
ALLOWED_INPUT_SUFFIXES = (".csv", ".txt", ".zip")


def safe_file_name(name: str) -> str:
    """The last component of ``name`` (``a/../b.csv`` and ``C:\\x\\b.csv`` give ``b.csv``).

    File names go to ACC as input file names and inside ``inputFiles``; a path in one
    could point ACC elsewhere on its disk. Control characters and quotes are dropped.
    """
    base = PureWindowsPath(PurePath(str(name)).name).name
    base = "".join(c for c in base if ord(c) >= 32 and c not in '"<>|:*?')
    base = base.strip().strip(".")
    if not base:
        raise InvalidId(str(name), what="file name")
    return base
