"""A property of every Slack view: text from users, ACC or SAS is never live markup.

For any agent path, parameters, note, file name, run message and log lines, no rendered
message (its notification text and every text in its blocks) holds a ``<!…>``, ``<@…>``,
``<#…>`` or ``<http…>`` the bot did not put there itself: its own mentions of the people
it names by id, its date tokens, and its links to the configured ACC and SAS servers.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accbot.acc.models import Agent, AgentRun, JobRun, JobStatus, RunStatus, Schedule, ServerStatus
from accbot.actions import results as r
from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision, RequestView
from accbot.actions.approvals.refusals import AlreadyDecided
from accbot.actions.context import Actor
from accbot.actions.errors import InvalidInput
from accbot.actions.home import HomeSummary, MuteLine, WatcherHealth, WatchLine
from accbot.actions.phrases import ChannelRef, Code, Moment, UserRef, pairs, say
from accbot.commands.errors import CommandError
from accbot.sas.models import BotHistoryItem, Link
from accbot.slack.views import alerts as alert_views
from accbot.slack.views import approvals as approval_views
from accbot.slack.views import pauses as pause_views
from accbot.slack.views.csv_inputs import csv_modal
from accbot.slack.views.errors import explain
from accbot.slack.views.home import home_view
from accbot.slack.views.render import render
from accbot.slack.views.sas import sas_alert_blocks
from accbot.slack.views.start_form import start_modal
from accbot.slack.views.watch_alerts import (
    quality_alert_blocks,
    quality_line,
    quality_text,
    server_alert_blocks,
    server_back_text,
    server_line,
    server_text,
)
from accbot.watcher.events import (
    AlertFacts,
    DigestPage,
    DigestPost,
    EscalationPost,
    LogExcerptPost,
    OutageNotice,
    RecoveryNote,
)
from accbot.watcher.quality import DROP, EMPTY, QualityFinding
from accbot.watcher.server_health import OVER_THRESHOLD, UNREACHABLE, ServerFacts
from accbot.watching.latest import LastRun
from accbot.watching.observation import LogExcerpt, Observation
from accbot.watching.sas import SasRun

ACTOR = Actor(user_id="UACTOR", channel_id="C0OPS")
PORTAL = "https://acc.example.com"
SAS = "https://sas.example.com"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

# What the bot itself writes: mentions of ids it chose, date tokens, links to its servers.
OWN_MARKUP = re.compile(
    r"<@(UACTOR|UREQ|UDECIDER)>"
    r"|<#(C0OPS|C0ALERTS|C0APPROVALS)>"
    r"|<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^<>]*>"
    r"|<!date\^\d+\^\{time\}\|\d\d:\d\d UTC>"  # "Acknowledged by … at 14:02"
    rf"|<{re.escape(PORTAL)}\|[^<>]*>"  # a link into the ACC portal, its label escaped
    rf"|<{re.escape(SAS)}/[^\s<>|]*\|(New|Changed) assets>"
)
LIVE = re.compile(r"<[!@#]|<https?:", re.IGNORECASE)

FRAGMENTS = [
    "<!channel>", "<!here>", "<!everyone>", "<@U999>", "<#C999>", "<!subteam^S999>",
    "<https://evil.example|log in>", "<http://evil.example>", "<mailto:a@b.c|x>",
    "&lt;!channel&gt;", "&amp;", "&", "<", ">", "|", "`", "```", "*", "_", "~", ":x:", "\n",
    " ", "<@UACTOR>", "<!date^1^{date_short_pretty} {time_secs}|x>",
]  # fmt: skip
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=6
).map("".join)


def texts_of(value: Any) -> list[str]:
    """Every ``text`` string anywhere in a block tree (sections, fields, contexts,
    headers, buttons, confirm dialogs)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                found.append(item)
            else:
                found.extend(texts_of(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(texts_of(item))
    return found


def mrkdwn_texts(value: Any) -> list[str]:
    """The mrkdwn texts of a block tree (what Slack parses for mentions and links)."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            found.append(value["text"])
        for item in value.values():
            found.extend(mrkdwn_texts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(mrkdwn_texts(item))
    return found


def assert_nothing_live(text: str) -> None:
    left = OWN_MARKUP.sub("", text)
    found = LIVE.search(left)
    assert found is None, f"live markup {left[found.start() : found.start() + 30]!r} in {text!r}"


def check_reply(reply: Any) -> None:
    assert_nothing_live(reply.text)
    for text in texts_of(reply.block_dicts()):
        assert_nothing_live(text)


def a_run(run_id: str, message: str, params: dict[str, str], server: str) -> AgentRun:
    return AgentRun(
        run_history_id=run_id,
        agent_id="a2f22850-7c88-4e05-a30a-004aa980ee6c",
        status=RunStatus.FAILED,
        server_ip=server,
        start_time=NOW,
        end_time=NOW + timedelta(minutes=3),
        run_time=timedelta(minutes=3),
        errors=2,
        data_count=10,
        status_message=message,
        input_parameters=params,
        is_production_run=True,
    )


def a_request(path: str, note: str, state: str, error: str) -> RequestView:
    return RequestView(
        id=7,
        agent_path=path,
        agent_id="a2f22850-7c88-4e05-a30a-004aa980ee6c",
        requested_by="UREQ",
        channel_id="C0APPROVALS",
        state=state,
        note=note,
        decided_by="UDECIDER" if state != "pending" else None,
        decided_at=NOW if state != "pending" else None,
        decision_message=note,
        error=error,
        created_at=NOW,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=hostile,
    note=hostile,
    file_name=hostile,
    message=hostile,
    lines=st.lists(hostile, max_size=4),
    key=hostile,
)
def test_no_view_makes_what_others_wrote_live(path, note, file_name, message, lines, key):
    params = {key: note}
    run = a_run(file_name, message, params, note)
    job = JobRun(
        job_history_id=file_name, agent_id=run.agent_id, status=JobStatus.FAILURE, run_id=3
    )
    schedule = Schedule(
        schedule_id=file_name, agent_id=run.agent_id, cron=note, cron_description=message,
        time_zone_id=key, error_message=message, is_enabled=True, next_run_time=NOW,
    )  # fmt: skip
    agent = Agent(agent_id=run.agent_id, name=path, directory_id=None, description=note, path=path)
    data = r.FileResult(
        title=f"Log of run {file_name}", filename=file_name, content=b"",
        summary="2 error line(s) in the log", quoted_lines=lines, files_inside=[file_name, path],
    )  # fmt: skip
    item = BotHistoryItem(
        id=file_name, status=message, created_by=note, creation_time=NOW, end_time=NOW,
        parameters=params, job_parameters={path: message}, run_id=file_name,
        links=(
            Link("GET", "newAssets", f"/catalog/search?q={file_name}"),
            Link("GET", "changedAssets", message),
        ),
    )  # fmt: skip
    pending = a_request(path, note, "pending", message)
    decided = a_request(path, note, "approved", message)
    card = ApprovalCard(
        request=pending, summary=say("asked for approval of ", Code(path)), description=note,
        latest_run=run, portal_url=PORTAL,
    )  # fmt: skip
    decision = ApprovalDecision(
        agent_path=path, approved=False, message=message, decided_by="UDECIDER", decided_at=NOW,
        summary=say("disapproved ", Code(path)), cards=[card],
    )  # fmt: skip
    results = [
        r.AgentOverview(
            agent, [run], [schedule], can_operate=True, can_approve=True, portal_url=PORTAL
        ),
        r.RunList(agent_label=path, runs=[run], portal_url=PORTAL),
        r.RunList(agent_label=path, runs=[]),
        r.RunDetail(run=run, agent_label=path, can_operate=True, portal_url=PORTAL),
        data,
        r.Mutation(
            summary=say("uploaded input files ", file_name, " to agent ", Code(path)),
            detail=say("Input parameters: ", pairs(params)),
            portal_url=PORTAL,
        ),
        r.StartedRun(
            agent_path=path, run_ids=[file_name], summary=say("started a run of ", Code(path))
        ),
        r.StartedRun(
            agent_path=path,
            run_ids=[file_name],
            summary=say("run of ", Code(path), " finished"),
            outcome=run,
            data=data,
        ),  # fmt: skip
        r.JobList(agent_label=path, jobs=[job], portal_url=PORTAL),
        r.JobDetail(
            job=job, agent_runs=[run], agent_label=path, runs_listed=True, portal_url=PORTAL
        ),
        r.JobDetail(job=job, agent_label=None),
        r.ScheduleList(agent_label=path, schedules=[schedule], can_operate=True, can_delete=True),
        r.ScheduleList(agent_label=path, schedules=[]),
        r.ServerReport(
            name=key,
            address=note,
            status=ServerStatus(is_error=True, message=message, cpu_usages=note, cpu_threshold=80),
        ),  # fmt: skip
        r.AuditList(
            [
                r.AuditEntryView(
                    NOW, "UACTOR", key, {"agent_path": path, "params": params}, "ok", message
                )
            ]
        ),
        r.ConfirmationRequired(
            prompt=say("This will delete every input file of ", Code(path), " for good."),
            command_text=f"inputs clear {path}",
        ),
        r.Notice(
            text=say(Code(path), " is already watched in ", ChannelRef("C0ALERTS")),
            lines=[say("• ", Code(path), " until ", Moment(NOW), " (by ", UserRef("UACTOR"), ")")],
        ),
        r.AnnouncedNotice(text=say("muted alerts for ", Code(path), " ", note)),
        r.SasRunList(agent_id=file_name, agent_name=path, runs=[item], scanned=1, sas_url=SAS),
        r.CsvUploaded(agent_path=path, filename=file_name, rows=2, chars=10, portal_url=PORTAL),
        card,
        ApprovalCard(request=decided, description=note, details_error=message, portal_url=PORTAL),
        ApprovalCard(request=a_request(path, note, "failed", message)),
        decision,
    ]
    pause = r.PauseView(
        pause_id=3, schedule_ids=[file_name, key], agent_path=path, channel_id="C0OPS",
        paused_by="UACTOR", paused_at=NOW, ends_at=NOW,
    )  # fmt: skip
    single = r.PauseView(3, [file_name], None, None, "cli:" + key, NOW, NOW)
    ended = r.PauseEnded(pause, "expired", missing=[message])
    results += [
        r.PauseStarted(pause, already_off=1, failed=[note]),
        r.PauseStarted(single),
        ended,
        r.PauseEnded(single, "resumed", by="UACTOR"),
        r.PauseEnded(pause, "by_hand"),
        r.PauseExtended(pause, by="UACTOR"),
        r.PauseList([pause, single], can_operate=True),
    ]
    check_reply(pause_views.reminder_message(pause))
    check_reply(pause_views.ended_message(ended))
    forms = [
        start_modal(
            r.StartForm(
                kind="start", agent_path=path, agent_id="x", known_files=[file_name, note],
                defaults=r.StartFormDefaults(params=params, files=[file_name, message]),
            ),
            ACTOR,
        ),
        csv_modal(
            r.CsvForm(kind="csv", agent_path=path, agent_id="x", filename=file_name, max_chars=3000),
            ACTOR,
        ),
    ]  # fmt: skip
    for form in forms:  # plain_text is never parsed for markup; mrkdwn must be escaped
        for text in mrkdwn_texts(form["blocks"]):
            assert_nothing_live(text)
    for result in results:
        check_reply(render(result, ACTOR))

    for text in (
        approval_views.sent_text(card, "C0APPROVALS", None),
        approval_views.thread_reply_text(decision, decided),
        approval_views.already_decided_text(AlreadyDecided(decided)),
        approval_views.already_decided_text(AlreadyDecided(decided, in_flight=True)),
        explain(InvalidInput(say(Code(path), " is not watched in ", ChannelRef("C0OPS"), "."))),
        explain(CommandError(f"unknown command '{path}'", command="run", usage="/acc run <runId>")),
    ):
        assert_nothing_live(text)

    home = home_view(
        HomeSummary(
            roles=["operator"],
            admins_configured=False,
            watches=[
                WatchLine(
                    agent=path,
                    channel_ids=("C0ALERTS",),
                    all_states=True,
                    last=LastRun(run_id=key, status=message, is_failure=True, at=NOW),
                ),
                WatchLine(agent=note, channel_ids=("C0ALERTS", "C0OPS"), all_states=False),
            ],
            recent=[("UACTOR", key, message)],
            portal_url=PORTAL,
            mutes=[MuteLine(agent=path, until=NOW)],
            pauses=[
                r.PauseView(1, [key], None, "C0OPS", "UACTOR", NOW, NOW),
                r.PauseView(2, [key, note], path, "C0OPS", note, NOW, NOW),
            ],
            approvals=[
                RequestView(7, path, "a1", "UACTOR", "C0OPS", "pending", note=note, created_at=NOW)
            ],
            watcher=WatcherHealth("behind", 60, NOW, 1.5, 3, 4, 8),
        )  # fmt: skip
    )
    for text in texts_of(home["blocks"]):
        assert_nothing_live(text)


def test_the_check_itself_sees_live_markup():
    for live in ("<!channel>", "a <@U999> b", "<#C999|x>", "<https://evil.example|log in>"):
        try:
            assert_nothing_live(live)
        except AssertionError:
            continue
        raise AssertionError(f"{live!r} was not caught")
    assert_nothing_live(f"<@UACTOR> <{PORTAL}|Open ACC> &lt;!channel&gt; {json.dumps('<')[1:2]}")


def check_blocks(text: str, blocks: list[Any]) -> None:
    assert_nothing_live(text)
    for block_text in texts_of([b if isinstance(b, dict) else b.to_dict() for b in blocks]):
        assert_nothing_live(block_text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=hostile, note=hostile, run_id=hostile, message=hostile, key=hostile)
def test_no_watcher_alert_view_makes_what_others_wrote_live(path, note, run_id, message, key):
    run = a_run(run_id, message, {key: note}, note)
    for status in (EMPTY, DROP):
        finding = QualityFinding(status, 3, 120.0, (100, 140, 3), drop_percent=50)
        check_blocks(
            quality_text(path, run_id, finding),
            quality_alert_blocks(path, run, run_id, finding, PORTAL),
        )
        assert_nothing_live(quality_line(path, run_id, finding))
    for trouble in (UNREACHABLE, OVER_THRESHOLD):
        facts = ServerFacts(name=key, address=note, trouble=trouble, reasons=(message, note))
        check_blocks(server_text(facts), server_alert_blocks(facts))
        assert_nothing_live(server_line(facts))
    assert_nothing_live(server_back_text(key, message))
    item = BotHistoryItem(
        id=run_id, status=message, created_by=note, creation_time=NOW, end_time=NOW,
        parameters={key: note}, job_parameters={path: message}, run_id=run_id,
        links=(Link("GET", "newAssets", f"{SAS}/catalog/{run_id}"), Link("GET", "changedAssets", note)),
    )  # fmt: skip
    check_blocks("", sas_alert_blocks(item, agent_ref=f"sas:{key}", agent_name=path, sas_url=SAS))


def an_alert(path: str, observation: Observation | None, run_id: str, status: str) -> AlertFacts:
    return AlertFacts(
        kind="acc", agent_id="a2f22850-7c88-4e05-a30a-004aa980ee6c", agent_ref=path,
        run_id=run_id, status=status, is_failure=True, portal_url=PORTAL, observation=observation,
    )  # fmt: skip


def an_observation(original: Any, run_id: str, status: str, stream: str = "run") -> Observation:
    return Observation(
        kind="acc", stream=stream, agent_id="a2f22850-7c88-4e05-a30a-004aa980ee6c",
        run_id=run_id, status=status, is_failure=True, is_finished=True, is_success=False,
        started=NOW, ended=NOW, log_ref=run_id, original=original,
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=hostile, note=hostile, run_id=hostile, message=hostile, lines=st.lists(hostile, max_size=4)
)
def test_no_alert_digest_or_thread_reply_makes_what_others_wrote_live(
    path, note, run_id, message, lines
):
    run = a_run(run_id, message, {note: message}, note)
    job = JobRun(job_history_id=run_id, agent_id=run.agent_id, status=JobStatus.FAILURE, run_id=3)
    item = BotHistoryItem(id=run_id, status=message, created_by=note, run_id=run_id)
    alerts = [
        an_alert(path, an_observation(run, run_id, message), run_id, message),
        an_alert(path, an_observation(run, run_id, "Overdue"), run_id, "Overdue"),
        an_alert(path, an_observation(job, f"job:{run_id}", message, "job"), run_id, message),
        an_alert(path, an_observation(SasRun(item, note, SAS), run_id, message), run_id, message),
        an_alert(path, None, run_id, message),  # a record from before alerts kept their run
    ]
    note_of_recovery = RecoveryNote(what="run", run=run_id, status=message, at=NOW)
    messages = [alert_views.render_alert(alert) for alert in alerts]
    messages += [
        alert_views.render_digest(DigestPost("k", "C0ALERTS", tuple(alerts), pages=1)),
        alert_views.render_digest_page(DigestPage("k", "C0ALERTS", "1.0", 1, 1, 1, tuple(alerts))),
        alert_views.render_log_excerpt(
            LogExcerptPost("C0ALERTS", "1.0", run_id, LogExcerpt(message, lines))
        ),
        alert_views.render_log_excerpt(LogExcerptPost("C0ALERTS", "1.0", run_id, None, note)),
        alert_views.render_recovered_reply(note_of_recovery),
        alert_views.render_recovered_original(alerts[0], note_of_recovery),
        alert_views.render_outage(OutageNotice("C0ALERTS", "ACC", False, NOW, message)),
        alert_views.render_escalation(
            EscalationPost("k", "C0ALERTS", "1.0", "UACTOR", timedelta(minutes=30), tuple(alerts))
        ),
        alert_views.render_alert(dataclasses.replace(alerts[0], key=note)),
        alert_views.render_alert(
            dataclasses.replace(alerts[0], key=note, acknowledged_by="UACTOR", acknowledged_at=NOW)
        ),
        alert_views.render_digest_page(
            DigestPage(
                "k",
                "C0ALERTS",
                "1.0",
                1,
                1,
                1,
                (
                    dataclasses.replace(alerts[0], key=note),
                    dataclasses.replace(
                        alerts[1], key=note, acknowledged_by="UACTOR", acknowledged_at=NOW
                    ),
                ),
            )
        ),
    ]
    for slack_message in messages:
        check_blocks(slack_message.text, slack_message.blocks)
