"""Prometheus metrics, on one registry of accbot's own so tests can build many apps."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

SLACK_REQUESTS = Counter(
    "accbot_slack_requests_total",
    "Requests received from Slack, by kind (command, action, view, event).",
    ["kind"],
    registry=REGISTRY,
)
ACC_CALLS = Counter(
    "accbot_acc_calls_total",
    "Calls made to ACC, by endpoint and outcome (HTTP status or 'error').",
    ["endpoint", "outcome"],
    registry=REGISTRY,
)
ACC_LATENCY = Histogram(
    "accbot_acc_call_seconds",
    "Latency of calls to ACC, by endpoint.",
    ["endpoint"],
    registry=REGISTRY,
)
SAS_CALLS = Counter(
    "accbot_sas_calls_total",
    "Calls made to SAS Viya, by endpoint and outcome (HTTP status or 'error').",
    ["endpoint", "outcome"],
    registry=REGISTRY,
)
SAS_LATENCY = Histogram(
    "accbot_sas_call_seconds",
    "Latency of calls to SAS Viya, by endpoint.",
    ["endpoint"],
    registry=REGISTRY,
)
ERRORS = Counter(
    "accbot_errors_total",
    "Errors shown to users or raised in background work, by kind.",
    ["kind"],
    registry=REGISTRY,
)
ALERTS = Counter(
    "accbot_alerts_total",
    "Messages posted by the watcher, by kind (failure, overdue, end_state, digest, recovered, notice, escalation).",
    ["kind"],
    registry=REGISTRY,
)

WATCHER_LAST_CYCLE_END = Gauge(
    "accbot_watcher_last_cycle_end_timestamp_seconds",
    "When this replica's last watcher cycle ended (Unix time); 0 before the first.",
    registry=REGISTRY,
)
WATCHER_CYCLE_DURATION = Gauge(
    "accbot_watcher_cycle_duration_seconds",
    "How long this replica's last watcher cycle took.",
    registry=REGISTRY,
)
ALERTS_PENDING = Gauge(
    "accbot_alerts_pending",
    "Alerts recorded but not yet posted (all replicas), as last counted by this one.",
    registry=REGISTRY,
)


def observe_acc_call(method: str, endpoint: str, status: int | None, seconds: float) -> None:
    """The ACC client's ``on_request`` hook; ``endpoint`` is a template ("GET api/run/{id}")
    so the label set stays small however many runs there are."""
    ACC_CALLS.labels(endpoint=endpoint, outcome=str(status) if status else "error").inc()
    ACC_LATENCY.labels(endpoint=endpoint).observe(seconds)


def observe_sas_call(method: str, endpoint: str, status: int | None, seconds: float) -> None:
    """The SAS client's ``on_request`` hook, labelled the same way
    ("GET /catalog/bots/{id}/history")."""
    SAS_CALLS.labels(endpoint=endpoint, outcome=str(status) if status else "error").inc()
    SAS_LATENCY.labels(endpoint=endpoint).observe(seconds)


def render() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
