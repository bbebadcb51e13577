"""The watcher's sink for a terminal: each event printed as plain lines, as it happens.

``accbot watcher`` runs the watcher in the foreground with this sink, so accbot can be
tried with the simulator and no Slack at all, and an operator can follow what the
watcher says from a shell. Every event type the watcher has (``watcher.events.Event``)
has a renderer in ``EVENT_LINES``; a new one without a terminal rendering fails loudly
(``TypeError`` here, and a test that checks the table against ``Event``).

A line starts with the time (UTC, to the second) and the channel the event is meant for
(``#name`` when a bot token lets the CLI name it), then a word in capitals saying what it
is (ALERT, DIGEST, RECOVERED, …). A reply — a log excerpt, a "recovered" note, a digest's
list of runs — follows with ``re:`` and what it answers. No Slack markup: no mrkdwn, no
emoji codes, no ``<@U…>``.

A terminal keeps no messages: ``find_posted`` finds nothing, so a record left pending by
a crash is printed again on the next run (a line, never a Slack message, may repeat).
The schedule-pause keeper's news (reminders, pauses ended) is printed here too.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from accbot.acc.models import AgentRun, JobRun
from accbot.actions.results import PauseEnded, PauseView
from accbot.cli.render import (
    NONE,
    Terminal,
    count,
    render_pause_ended,
    when,
)
from accbot.cli.render import _pause_what as pause_what
from accbot.commands.durations import rough_duration_text
from accbot.watcher.events import (
    AlertFacts,
    AlertPost,
    DigestPage,
    DigestPost,
    EscalationPost,
    Event,
    LagNotice,
    LogExcerptPost,
    OutageNotice,
    RecoveryNote,
    RecoveryPost,
    display_id,
)
from accbot.watcher.quality import EMPTY
from accbot.watcher.server_health import UNREACHABLE
from accbot.watcher.sink import Pace
from accbot.watching.sas import SasRun

INDENT = "    "
DIGEST_NAMED = 10  # runs named in a digest's own lines; its pages list them all


class TerminalSink:
    """Prints the watcher's events (and the pause keeper's news) to ``out``."""

    pace: Pace | None = None  # a terminal takes lines as fast as they come

    def __init__(
        self,
        out: TextIO,
        term: Terminal | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.out = out
        self.term = term or Terminal()
        self.clock = clock
        self._ids = itertools.count(1)
        self._subjects: dict[str, str] = {}  # line id -> what it was about, for replies
        self._lock = threading.Lock()  # the publisher posts from several threads

    # --- the watcher's Sink ---------------------------------------------------------

    def post(self, event: Event) -> str:
        render = EVENT_LINES.get(type(event))
        if render is None:
            raise TypeError(f"the terminal sink cannot print {type(event).__name__}")
        with self._lock:
            subject, lines = render(event, self)
            message_id = f"t{next(self._ids)}"
            self._subjects[message_id] = subject
            self._write(lines)
        return message_id

    def find_posted(
        self, channel: str, *, since: datetime, thread: str | None = None
    ) -> dict[str, str]:
        return {}  # printed lines cannot be looked up again

    # --- the pause keeper's PauseSink ----------------------------------------------

    def reminder(self, pause: PauseView) -> None:
        with self._lock:
            self._write(
                [
                    self._head(pause.channel_id, "PAUSE ENDING")
                    + f"pause #{pause.pause_id} of {pause_what(pause)} ends at "
                    f"{when(pause.ends_at)}; accbot turns them back on then",
                    f"{INDENT}now: accbot schedules on / accbot schedule on <scheduleId>",
                ]
            )

    def ended(self, result: PauseEnded) -> None:
        lines = render_pause_ended(result, self.term)
        with self._lock:
            self._write(
                [self._head(result.pause.channel_id, "PAUSE OVER") + lines[0]]
                + [INDENT + line.strip() for line in lines[1:]]
            )

    # --- helpers --------------------------------------------------------------------

    def _head(self, channel: str | None, word: str) -> str:
        where = self.term.channel(channel) if channel else "(no channel)"
        return f"[{when(self.clock())}] {where}  {word}  "

    def _reply_head(self, channel: str, word: str, thread: str) -> str:
        subject = self._subjects.get(thread)
        return self._head(channel, word) + (f"re: {subject}: " if subject else "")

    def _write(self, lines: list[str]) -> None:
        for line in lines:
            print(line, file=self.out)
        self.out.flush()


# --- one renderer per event type: (subject for later replies, lines) --------------------

Rendered = tuple[str, list[str]]


def alert_subject(alert: AlertFacts) -> str:
    """One line: what the alert is about and what happened."""
    observation = alert.observation
    if alert.server is not None:
        trouble = (
            "is unreachable" if alert.server.trouble == UNREACHABLE else "is over ACC's thresholds"
        )
        return f"server {alert.server.name} {trouble}"
    if observation is None:
        return f"{alert.agent_ref}: run {alert.run_id} {alert.status}"
    what = "job run" if observation.stream == "job" else "run"
    run = display_id(observation)
    if alert.quality is not None:
        finding = alert.quality
        if finding.status == EMPTY:
            how = "succeeded with no data"
        else:
            below = finding.below_percent
            how = (
                f"succeeded with {below}% less data than usual" if below else "less data than usual"
            )
        return f"{alert.agent_ref}: {what} {run} {how} ({count(finding.data_count)} rows)"
    state = "is overdue" if alert.overdue else observation.status
    return f"{alert.agent_ref}: {what} {run} {state}"


def alert_details(alert: AlertFacts) -> list[str]:
    """What else the alert says, one fact a line."""
    lines: list[str] = []
    if alert.server is not None:
        lines += [f"why: {reason}" for reason in alert.server.reasons]
        if alert.server.address:
            lines.append(f"address: {alert.server.address}")
        return lines
    observation = alert.observation
    original = observation.original if observation is not None else None
    if alert.quality is not None:
        finding = alert.quality
        median = NONE if finding.median is None else f"{finding.median:,g}"
        lines.append(
            f"median of the last {max(len(finding.recent) - 1, 0)} successful runs: {median};"
            f" recent counts (oldest first): {finding.sparkline}"
        )
        if finding.drop_percent is not None:
            lines.append(f"alerts below {finding.drop_percent}% under the median")
    elif isinstance(original, AgentRun):
        if original.status_message:
            lines.append(f"message: {original.status_message}")
        lines.append(
            f"started {when(original.start_time)}, ended {when(original.end_time)};"
            f" errors {count(original.errors)}, rows {count(original.data_count)}"
        )
    elif isinstance(original, JobRun):
        lines.append(
            f"started {when(original.start_time)}, ended {when(original.end_time)};"
            f" runs {count(original.completed_run_count)}/{count(original.total_run_count)},"
            f" errors {count(original.total_errors)}"
        )
    elif isinstance(original, SasRun):
        item = original.item
        lines.append(f"SAS agent {original.agent_name}, created {when(item.creation_time)}")
    if alert.portal_url:
        lines.append(f"ACC: {alert.portal_url}")
    return lines


def _alert(event: AlertPost, sink: TerminalSink) -> Rendered:
    subject = alert_subject(event.alert)
    head = sink._head(event.channel, "ALERT") + subject
    return subject, [head, *(INDENT + line for line in alert_details(event.alert))]


def _digest(event: DigestPost, sink: TerminalSink) -> Rendered:
    total = len(event.alerts)
    subject = f"{total} alerts at once"
    if event.down_seconds is not None:
        down = rough_duration_text(timedelta(seconds=event.down_seconds))
        subject = f"{total} alert{'' if total == 1 else 's'} while accbot was down ({down})"
    lines = [sink._head(event.channel, "DIGEST") + f"{subject}; the runs follow"]
    lines += [INDENT + alert_subject(a) for a in event.alerts[:DIGEST_NAMED]]
    if total > DIGEST_NAMED:
        lines.append(f"{INDENT}… and {total - DIGEST_NAMED} more")
    return subject, lines


def _digest_page(event: DigestPage, sink: TerminalSink) -> Rendered:
    last = event.first + len(event.alerts) - 1
    head = sink._reply_head(event.channel, "DIGEST", event.thread)
    lines = [head + f"runs {event.first}–{last} (part {event.number} of {event.pages})"]
    lines += [
        f"{INDENT}{event.first + i}. {alert_subject(alert)}" for i, alert in enumerate(event.alerts)
    ]
    return f"part {event.number} of a digest", lines


def _log_excerpt(event: LogExcerptPost, sink: TerminalSink) -> Rendered:
    head = sink._reply_head(event.channel, "LOG", event.thread)
    if event.excerpt is None:
        reason = event.unavailable or "no log"
        return "a log", [head + f"the log of {event.log_ref} could not be read: {reason}"]
    lines = [head + f"log of {event.log_ref}: {event.excerpt.summary}"]
    lines += [f"{INDENT}| {line}" for line in event.excerpt.lines]
    return "a log", lines


def recovery_text(note: RecoveryNote | None) -> str:
    if note is None:
        return "a later run succeeded"
    if note.what == "server":
        return f"server {note.run} is {note.status} ({when(note.at)})"
    return f"{note.what} {note.run} {note.status.lower()} at {when(note.at)}"


def _recovery(event: RecoveryPost, sink: TerminalSink) -> Rendered:
    head = sink._reply_head(event.channel, "RECOVERED", event.thread)
    if event.thread not in sink._subjects and event.originals:
        # a failure printed by an earlier run of the CLI: name it from its own facts
        head += alert_subject(event.originals[0][1]) + ": "
    return "a recovery", [head + recovery_text(event.note)]


def _outage(event: OutageNotice, sink: TerminalSink) -> Rendered:
    if event.reachable:
        subject = f"{event.backend} reachable again"
        return subject, [
            sink._head(event.channel, "BACK") + f"{subject}; anything missed is alerted now"
        ]
    subject = f"{event.backend} unreachable"
    lines = [
        sink._head(event.channel, "OUTAGE")
        + f"{subject} since {when(event.since)}; the watcher keeps trying"
    ]
    if event.error:
        lines.append(f"{INDENT}{event.error}")
    return subject, lines


def _lag(event: LagNotice, sink: TerminalSink) -> Rendered:
    if event.behind:
        lag = rough_duration_text(timedelta(seconds=event.lag_seconds))
        subject = f"the watcher is behind by {lag}"
        return subject, [sink._head(event.channel, "BEHIND") + f"{subject}: no cycle ended since"]
    subject = "the watcher has caught up"
    return subject, [sink._head(event.channel, "CAUGHT UP") + f"{subject}: its cycles end again"]


def _escalation(event: EscalationPost, sink: TerminalSink) -> Rendered:
    head = sink._reply_head(event.channel, "ESCALATED", event.thread)
    minutes = int(event.after.total_seconds() // 60)
    what = "this alert" if len(event.alerts) == 1 else f"{len(event.alerts)} alerts"
    lines = [head + f"{sink.term.user(event.mention)}: {what} unacknowledged for {minutes} min"]
    lines += [INDENT + alert_subject(a) for a in event.alerts[:DIGEST_NAMED]]
    return "an escalation", lines


EVENT_LINES: dict[type, Callable[[Any, TerminalSink], Rendered]] = {
    AlertPost: _alert,
    DigestPost: _digest,
    DigestPage: _digest_page,
    LogExcerptPost: _log_excerpt,
    RecoveryPost: _recovery,
    OutageNotice: _outage,
    LagNotice: _lag,
    EscalationPost: _escalation,
}
