"""Plain records the simulator keeps beside the JSON it serves.

Run and job payloads are stored as dicts in the document's exact camelCase shape (what a
client sees is what a test sets up); these dataclasses hold what ACC keeps but does not
put in those payloads: log text, data files, progress timing, uploaded inputs, approvals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RUN_STATUS_MESSAGES = {
    0: "Never Run",
    1: "Starting",
    2: "Running",
    3: "Delivery",
    4: "Completed",
    5: "Failed",
    6: "Stopped",
    7: "Failure",
}
RUN_ACTIVE = frozenset({1, 2, 3})
RUN_FINAL = frozenset({4, 5, 6, 7})
JOB_ACTIVE = frozenset({1, 2})
JOB_FINAL = frozenset({3, 4, 5})
RUN_METHODS = (
    "Restart",
    "Continue",
    "ContinueRefreshAgent",
    "ContinueAndRetryErrors",
    "ContinueAndRetryErrorsRefreshAgent",
    "New",
)
DEFAULT_RUN_METHOD = "ContinueAndRetryErrorsRefreshAgent"


def camel(name: str) -> str:
    """``status_message`` -> ``statusMessage``; camelCase names pass through unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {camel(key): value for key, value in fields.items()}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the simulator saw it; the Authorization header is deliberately absent."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes
    content_type: str | None


@dataclass
class InputFile:
    name: str
    content: bytes
    enabled: bool = True


@dataclass
class Approval:
    """Whether the agent is approved, and every message sent with a toggle, in order."""

    approved: bool = True
    messages: list[str] = field(default_factory=list)


@dataclass
class KnownServer:
    """An SE server that ``api/server/check`` can reach, with the key ACC must present."""

    ip_address: str
    port: int
    key: str
    use_ssl: bool = False
    online: bool = True
    cpu_usages: str = "0%, a:2%, p:20%"
    memory_usages: str = "6%, a:13%, p: 23 % "
    disc_usages: str = "C:47%"
    cpu_threshold: int = 100
    memory_threshold: int = 90


@dataclass
class StartOptions:
    """The body fields shared by cluster start, job start and schedules."""

    session_id: str | None = None
    log_level: int = 1
    is_production_run: bool = True
    input_parameters: str | None = None
    input_files: list[str] = field(default_factory=list)
    delete_inputs_on_completed: bool = False
    use_multiple_sessions: bool = False


@dataclass
class Progress:
    """A started run moves Starting -> Running at half ``duration`` -> ``final`` at the end."""

    duration: float
    final_status: int


@dataclass
class RunEntry:
    data: dict[str, Any]
    started: datetime
    agent_name: str
    log_text: str | None = None
    # A ready-made log archive served as it is (a test's huge or hostile zip).
    log_archive: bytes | None = None
    data_files: dict[str, bytes] = field(default_factory=dict)
    progress: Progress | None = None
    delete_inputs: list[str] = field(default_factory=list)
    job_id: str | None = None


@dataclass
class JobEntry:
    data: dict[str, Any]
    run_ids: list[str] = field(default_factory=list)
    # A job whose status was set by hand (API or test) no longer follows its runs.
    manual: bool = False
    delete_inputs: list[str] = field(default_factory=list)
    # A ready-made logs archive served as it is (a test's huge or many-membered zip).
    log_archive: bytes | None = None
