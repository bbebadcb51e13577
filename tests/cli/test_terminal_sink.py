"""The terminal's sink: every watcher event printed as plain lines, replies tied to what
they answer, nothing of Slack's markup."""

from __future__ import annotations

import io
import typing
from datetime import UTC, datetime

import pytest

from accbot.acc.models import AgentRun, JobRun, JobStatus, RunStatus
from accbot.actions.results import PauseEnded, PauseView
from accbot.cli.names import Names
from accbot.cli.render import Terminal
from accbot.cli.terminal_sink import EVENT_LINES, TerminalSink
from accbot.watcher.events import (
    AlertFacts,
    AlertPost,
    DigestPage,
    DigestPost,
    Event,
    LagNotice,
    LogExcerptPost,
    OutageNotice,
    RecoveryNote,
    RecoveryPost,
)
from accbot.watcher.quality import DROP, EMPTY, QualityFinding
from accbot.watcher.server_health import UNREACHABLE, ServerFacts
from accbot.watcher.sink import Sink
from accbot.watching.observation import LogExcerpt, Observation
from tests.test_cli import assert_plain

NOW = datetime(2026, 12, 1, 14, 2, 5, tzinfo=UTC)
AGENT_ID = "d4e2b3c5-6e7f-4081-92a3-b4c5d6e7f804"
RUN_ID = "9040f86d-bbc1-4038-9868-501145cc2370"
CHANNEL = "C0ALERTS1"


def a_failure(
    path: str = "sequentum/Demo/flaky", message: str = "Timeout loading <page> & co"
) -> AlertFacts:
    run = AgentRun(
        run_history_id=RUN_ID, agent_id=AGENT_ID, status=RunStatus.FAILED, status_message=message,
        start_time=NOW, end_time=NOW, errors=3, data_count=0,
    )  # fmt: skip
    observation = Observation(
        kind="acc", stream="run", agent_id=AGENT_ID, run_id=RUN_ID, status="Failed",
        is_failure=True, is_finished=True, is_success=False, started=NOW, ended=NOW,
        log_ref=RUN_ID, original=run,
    )  # fmt: skip
    return AlertFacts(
        kind="acc", agent_id=AGENT_ID, agent_ref=path, run_id=RUN_ID, status="Failed",
        is_failure=True, portal_url="https://acc.example.com", observation=observation,
    )  # fmt: skip


def printed(*events: Event, names: Names | None = None) -> str:
    out = io.StringIO()
    sink = TerminalSink(out, Terminal(names=names or Names()), clock=lambda: NOW)
    for event in events:
        sink.post(event)
    assert_plain(out.getvalue())
    return out.getvalue()


def test_every_event_type_of_the_watcher_has_a_terminal_rendering():
    """A new event type must be given its terminal lines (EVENT_LINES) when it is added."""
    assert set(typing.get_args(Event)) == set(EVENT_LINES)


def test_an_event_type_it_cannot_print_is_refused_loudly():
    with pytest.raises(TypeError, match="cannot print"):
        TerminalSink(io.StringIO()).post("not an event")  # type: ignore[arg-type]


def test_the_sink_is_what_the_watcher_takes():
    sink: Sink = TerminalSink(io.StringIO())
    assert sink.pace is None
    assert sink.find_posted(CHANNEL, since=NOW) == {}


def test_a_failure_prints_as_one_alert_line_with_its_facts():
    text = printed(AlertPost("k1", CHANNEL, a_failure()))
    head, *details = text.splitlines()
    assert (
        head
        == f"[2026-12-01 14:02:05 UTC] #{CHANNEL}  ALERT  sequentum/Demo/flaky: run {RUN_ID} Failed"
    )
    assert "    message: Timeout loading <page> & co" in details
    assert any("errors 3, rows 0" in line for line in details)
    assert "    ACC: https://acc.example.com" in details


def test_channels_are_named_when_slack_can_name_them():
    names = Names(channel=lambda cid: "alerts" if cid == CHANNEL else None)
    assert "] #alerts  ALERT  " in printed(AlertPost("k1", CHANNEL, a_failure()), names=names)


def test_replies_say_which_alert_they_answer():
    alert = a_failure()
    out = io.StringIO()
    sink = TerminalSink(out, clock=lambda: NOW)
    thread = sink.post(AlertPost("k1", CHANNEL, alert))
    sink.post(
        LogExcerptPost(CHANNEL, thread, RUN_ID, LogExcerpt("2 error lines", ["ERR one", "ERR two"]))
    )
    sink.post(
        RecoveryPost(
            CHANNEL, thread, RecoveryNote("run", "r2", "Succeeded", NOW), ((thread, alert),)
        )
    )
    lines = out.getvalue().splitlines()
    subject = f"sequentum/Demo/flaky: run {RUN_ID} Failed"
    assert (
        lines[-4]
        == f"[2026-12-01 14:02:05 UTC] #{CHANNEL}  LOG  re: {subject}: log of {RUN_ID}: 2 error lines"
    )
    assert lines[-3:-1] == ["    | ERR one", "    | ERR two"]
    assert lines[-1].endswith(
        f"RECOVERED  re: {subject}: run r2 succeeded at 2026-12-01 14:02:05 UTC"
    )


def test_a_recovery_of_an_alert_printed_by_an_earlier_run_names_the_alert():
    text = printed(
        RecoveryPost(
            CHANNEL, "t99", RecoveryNote("run", "r2", "Succeeded", NOW), (("t99", a_failure()),)
        )
    )
    assert f"RECOVERED  sequentum/Demo/flaky: run {RUN_ID} Failed: run r2 succeeded" in text


def test_a_storm_prints_one_digest_then_its_pages():
    alerts = tuple(a_failure(f"team/agent{i}") for i in range(12))
    out = io.StringIO()
    sink = TerminalSink(out, clock=lambda: NOW)
    head = sink.post(DigestPost("d", CHANNEL, alerts, pages=1))
    sink.post(DigestPage("d:1", CHANNEL, head, 1, 1, 1, alerts))
    text = out.getvalue()
    assert_plain(text)
    assert "DIGEST  12 alerts at once; the runs follow" in text
    assert "… and 2 more" in text
    assert "DIGEST  re: 12 alerts at once: runs 1–12 (part 1 of 1)" in text
    assert f"    12. team/agent11: run {RUN_ID} Failed" in text


def test_job_overdue_quality_server_and_old_records_each_read_plainly():
    job = JobRun(job_history_id="77", agent_id=AGENT_ID, status=JobStatus.FAILURE, run_id=3)
    job_obs = Observation(
        kind="acc", stream="job", agent_id=AGENT_ID, run_id="job:77", status="Failure",
        is_failure=True, is_finished=True, is_success=False, log_ref="77", original=job,
    )  # fmt: skip
    base = a_failure()
    quality = QualityFinding(DROP, 30, 120.0, (100, 140, 120, 110, 130, 30), drop_percent=50)
    alerts = [
        AlertFacts("acc", AGENT_ID, "a/job", "job:77", "Failure", True, observation=job_obs),
        AlertFacts("acc", AGENT_ID, "a/slow", RUN_ID, "Overdue", True, observation=base.observation),
        AlertFacts("acc", AGENT_ID, "a/data", RUN_ID, DROP, False, observation=base.observation, quality=quality),
        AlertFacts("acc", AGENT_ID, "a/none", RUN_ID, EMPTY, False, observation=base.observation,
                   quality=QualityFinding(EMPTY, 0, None, (0,))),
        AlertFacts("acc", "se1", "server:se1", "se1", "Unreachable", True,
                   server=ServerFacts("se1", "10.0.0.5:8004", UNREACHABLE, ("no answer in 10s",))),
        AlertFacts("acc", AGENT_ID, "a/old", RUN_ID, "Failed", True),
    ]  # fmt: skip
    text = printed(*(AlertPost(f"k{i}", CHANNEL, a) for i, a in enumerate(alerts)))
    assert "ALERT  a/job: job run 77 Failure" in text
    assert f"ALERT  a/slow: run {RUN_ID} is overdue" in text
    assert f"ALERT  a/data: run {RUN_ID} succeeded with 75% less data than usual (30 rows)" in text
    assert "median of the last 5 successful runs: 120; recent counts (oldest first): " in text
    assert f"ALERT  a/none: run {RUN_ID} succeeded with no data (0 rows)" in text
    assert "ALERT  server se1 is unreachable" in text and "    why: no answer in 10s" in text
    assert f"ALERT  a/old: run {RUN_ID} Failed" in text


def test_outages_are_told_and_their_end_too():
    text = printed(
        OutageNotice(CHANNEL, "ACC", False, NOW, "ConnectError"), OutageNotice(CHANNEL, "ACC", True)
    )
    assert "OUTAGE  ACC unreachable since 2026-12-01 14:02:05 UTC; the watcher keeps trying" in text
    assert "    ConnectError" in text
    assert "BACK  ACC reachable again; anything missed is alerted now" in text


def test_the_watcher_behind_and_caught_up_and_a_downtime_digest_read_plainly():
    text = printed(
        LagNotice(CHANNEL, True, 250.0),
        LagNotice(CHANNEL, False, 0.5),
        DigestPost("d", CHANNEL, (a_failure(),), pages=1, down_seconds=2 * 3600 + 10 * 60 + 7),
    )
    assert "BEHIND  the watcher is behind by 4m: no cycle ended since" in text
    assert "CAUGHT UP  the watcher has caught up: its cycles end again" in text
    assert "DIGEST  1 alert while accbot was down (2h 10m); the runs follow" in text


def test_pause_reminders_and_ends_are_printed_for_their_channel():
    pause = PauseView(4, ["s1", "s2"], "a/b", CHANNEL, "cli:ann", NOW, NOW)
    out = io.StringIO()
    sink = TerminalSink(out, clock=lambda: NOW)
    sink.reminder(pause)
    sink.ended(PauseEnded(pause=pause, reason="expired"))
    text = out.getvalue()
    assert_plain(text)
    assert (
        f"#{CHANNEL}  PAUSE ENDING  pause #4 of 2 schedules of a/b ends at 2026-12-01 14:02:05 UTC"
        in text
    )
    assert "PAUSE OVER  Pause #4 of 2 schedules of a/b is over: time up, turned back on." in text


def test_an_escalation_prints_as_a_reply_naming_whom_it_calls():
    from datetime import timedelta

    from accbot.watcher.events import EscalationPost

    alert = a_failure()
    out = io.StringIO()
    names = Names(user=lambda uid: "oncall" if uid == "S0ONCALL1" else None)
    sink = TerminalSink(out, Terminal(names=names), clock=lambda: NOW)
    thread = sink.post(AlertPost("k1", CHANNEL, alert))
    sink.post(EscalationPost("e1", CHANNEL, thread, "S0ONCALL1", timedelta(minutes=30), (alert,)))
    lines = out.getvalue().splitlines()
    subject = f"sequentum/Demo/flaky: run {RUN_ID} Failed"
    assert lines[-2].endswith(
        f"ESCALATED  re: {subject}: @oncall: this alert unacknowledged for 30 min"
    )
    assert lines[-1] == f"    {subject}"
    assert_plain(out.getvalue())
