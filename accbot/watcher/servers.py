"""Server watches, each cycle: check every watched SE server once, alert once when it is in
trouble, and say once more when it is back.

``/acc watch server:<name>`` stores only the name; the address and key come from
ACCBOT_SERVERS when the check is made, and the key goes to ACC in the request body and
nowhere else (not into a record, a message or a log line).

A server's trouble is an *episode*: from the first check that finds it unreachable or over
ACC's thresholds to the first that finds it healthy again. Each episode is one alert per
watching channel, recorded before it is posted under a unique key
(``server:<name>:episode-<n>@<channel>``, ``n`` counting the channel's episodes
that are over, so two replicas racing to open the next one agree on it), and its end marks that alert recovered,
which posts one "back" reply in its thread. The open alert itself is the episode's state,
so a restart neither repeats the alert nor forgets to say the server is back.
A check that ACC itself does not answer tells nothing about the server: it changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from accbot.acc.errors import BackendError
from accbot.acc.models import ServerCheckRequest
from accbot.config import ServerConfig
from accbot.store import alerts, server_watches
from accbot.watcher.events import AlertFacts, RecoveryNote
from accbot.watcher.server_health import ServerCondition, ServerFacts, assess

if TYPE_CHECKING:
    from accbot.actions.context import Services

logger = logging.getLogger("accbot.watcher")

KIND = "server"  # the alert records' kind
DEFAULT_CONCURRENCY = 4

Owns = Callable[[str, str], bool]  # (kind, subject id) -> checked by this replica


@dataclass
class ServerCycle:
    checked: list[str] = field(default_factory=list)  # server names checked this cycle
    reserved: list[str] = field(default_factory=list)  # alert keys recorded now
    recovered: list[str] = field(default_factory=list)  # alert keys marked back now
    unchecked: list[str] = field(default_factory=list)  # not configured, or ACC failed


def episode_key(name: str, episode: int, channel: str) -> str:
    """One key per episode whatever the trouble, so checks that see it differently (one
    unreachable, one over a threshold) still record one alert."""
    return f"{KIND}:{name}:episode-{episode}@{channel}"


def subject_ref(name: str) -> str:
    """How the watch names the server: ``server:<name>``."""
    return f"server:{name}"


class ServerChecks:
    def __init__(self, services: Services, *, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        self.services = services
        self.concurrency = max(1, concurrency)
        self._unknown: set[str] = set()  # watched names not configured: said once

    def run(self, now: datetime, owns: Owns | None = None) -> ServerCycle:
        report = ServerCycle()
        watched = self._watched(owns)
        if not watched:
            return report
        configured = {s.name.casefold(): s for s in self.services.settings.ACCBOT_SERVERS}
        targets: list[tuple[ServerConfig, list[str]]] = []
        for name, channels in watched.items():
            server = configured.get(name.casefold())
            if server is None:
                if name not in self._unknown:
                    self._unknown.add(name)
                    logger.warning("watcher: server %s is watched but not in ACCBOT_SERVERS", name)
                report.unchecked.append(name)
            else:
                targets.append((server, channels))
        workers = min(self.concurrency, len(targets)) or 1
        with ThreadPoolExecutor(workers, thread_name_prefix="accbot-server-check") as pool:
            conditions = list(pool.map(self._check, [server for server, _ in targets]))
        for (server, channels), condition in zip(targets, conditions, strict=True):
            if condition is None:
                report.unchecked.append(server.name)
                continue
            report.checked.append(server.name)
            with self.services.db.session() as session:
                reserved, recovered = record_server(session, server, channels, condition, now)
            report.reserved.extend(reserved)
            report.recovered.extend(recovered)
        return report

    def _watched(self, owns: Owns | None) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        with self.services.db.session() as session:
            for watch in server_watches.list_server_watches(session):
                if owns is None or owns(KIND, watch.server_name):
                    grouped.setdefault(watch.server_name, []).append(watch.channel_id)
        return grouped

    def _check(self, server: ServerConfig) -> ServerCondition | None:
        key = server.key.get_secret_value()
        request = ServerCheckRequest(key=key, ip_address=server.ip, port=server.port,
                                     use_ssl=server.ssl)  # fmt: skip
        try:
            status = self.services.acc.check_server(request)
        except BackendError as exc:  # ACC's trouble, not the server's: reported as ACC's
            logger.warning("watcher: ACC could not check server %s: %s", server.name, exc)
            return None
        return assess(status, key)


def record_server(
    session: Session,
    server: ServerConfig,
    channels: Sequence[str],
    condition: ServerCondition,
    now: datetime,
) -> tuple[list[str], list[str]]:
    """Open an episode's alert in each channel that has none, or close the open ones;
    returns (alert keys reserved, alert keys marked back)."""
    reserved: list[str] = []
    recovered: list[str] = []
    for channel in channels:
        open_alerts = alerts.open_failures(session, KIND, server.name, channel)
        if condition.trouble is not None and not open_alerts:
            key = _reserve(session, server, channel, condition, now)
            if key is not None:
                reserved.append(key)
        elif condition.healthy:
            for alert in open_alerts:
                if alerts.mark_recovered(session, alert.alert_key, now=now):
                    note = back_note(server.name, condition, now)
                    alert.payload = {**(alert.payload or {}), "recovery": note}
                    recovered.append(alert.alert_key)
    session.flush()
    return reserved, recovered


def _reserve(
    session: Session, server: ServerConfig, channel: str, condition: ServerCondition, now: datetime
) -> str | None:
    assert condition.trouble is not None
    episode = alerts.count_closed_alerts(session, KIND, server.name, channel) + 1
    key = episode_key(server.name, episode, channel)
    facts = ServerFacts(
        name=server.name,
        address=f"{server.ip}:{server.port}",
        trouble=condition.trouble,
        reasons=condition.reasons,
    )
    record = alerts.reserve_alert(
        session,
        key,
        kind=KIND,
        agent_id=server.name,
        agent_ref=subject_ref(server.name),
        run_id=f"episode-{episode}",
        status=condition.trouble,
        channel_id=channel,
        is_failure=True,  # its end is a recovery: one "back" reply in the thread
        payload=AlertFacts(
            kind=KIND,
            agent_id=server.name,
            agent_ref=subject_ref(server.name),
            run_id=f"episode-{episode}",
            status=condition.trouble,
            is_failure=True,
            server=facts,
        ).payload(),
        now=now,
    )
    return key if record is not None else None


def back_note(name: str, condition: ServerCondition, now: datetime) -> dict[str, Any]:
    """What the "back" reply says: the server answers, with its usage now."""
    usage = [
        f"{what} {value:g}%"
        for what, value in (("CPU", condition.cpu_percent), ("memory", condition.memory_percent))
        if value is not None
    ]
    status = "back: " + (", ".join(usage) if usage else "reachable")
    return RecoveryNote(what="server", run=name, status=status, at=now).payload()
