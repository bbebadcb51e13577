"""Block Kit for the watcher's events: alerts, digests, log excerpts, recoveries, outages.

The watcher hands over data (``accbot.watcher.events``); this module alone decides how it
reads in Slack. An alert's blocks come from the view of its run's type, in ``ALERT_VIEWS``
(ACC runs, ACC job runs, SAS runs); an alert recorded before alerts were kept as data
has no run to show and is drawn from its record (agent, run, status).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.acc.models import AgentRun, JobRun
from accbot.commands.durations import rough_duration_text
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views import watch_alerts
from accbot.slack.views.blocks import line_sections
from accbot.slack.views.phrase import code, user
from accbot.slack.views.runs import (
    mute_button,
    restart_button,
    retry_errors_button,
    show_log_button,
)
from accbot.slack.views.sas import sas_alert_blocks
from accbot.watcher.events import (
    AlertFacts,
    DigestPage,
    DigestPost,
    EscalationPost,
    LagNotice,
    LogExcerptPost,
    OutageNotice,
    RecoveryNote,
    display_id,
)
from accbot.watching.observation import Observation
from accbot.watching.sas import SasRun

MAX_LOG_CHARS = 2800
FAILURE_ICON = ":x:"
OVERDUE_ICON = ":hourglass:"
RECOVERED_ICON = ":white_check_mark:"


DIGEST_LISTED = 10  # runs named in a digest's own post; all of them are in its thread
MAX_BLOCKS = 50


@dataclass(frozen=True)
class SlackMessage:
    """A message ready for chat.postMessage / chat.update: fallback text and block dicts."""

    text: str
    blocks: list[dict[str, Any]]

    @classmethod
    def of(cls, text: str, blocks: list[Block]) -> SlackMessage:
        # to_dict() checks Block Kit's limits, so a bad message fails here, not in Slack.
        return cls(text=text, blocks=[block.to_dict() for block in blocks])


@dataclass(frozen=True)
class AlertContext:
    """What the watch adds to a run: its name for the agent, the portal, what happened."""

    agent_ref: str  # a path or ``sas:<agentId>``, as the watch names it
    portal_url: str = ""
    overdue: bool = False

    @classmethod
    def of(cls, alert: AlertFacts) -> AlertContext:
        return cls(agent_ref=alert.agent_ref, portal_url=alert.portal_url, overdue=alert.overdue)


AlertView = Callable[[Observation, AlertContext], list[Block]]


def render_alert(alert: AlertFacts, *, acknowledge: bool = True) -> SlackMessage:
    """The alert message for one run (the blocks come from the view of its run's type),
    a successful run's data found wanting, or a server in trouble; with "Acknowledge"
    until someone does (then who, and when, in its place). ``acknowledge`` False: no
    button (a recovered alert needs nobody)."""
    message = _alert_message(alert)
    if alert.acknowledged_by:
        extra = [acknowledged_block(alert.acknowledged_by, alert.acknowledged_at).to_dict()]
        return SlackMessage(message.text, [*message.blocks, *extra][:MAX_BLOCKS])
    if not acknowledge or not alert.key:
        return message
    return SlackMessage(message.text, _with_acknowledge(message.blocks, alert.key))


ACKNOWLEDGED_ICON = ":ballot_box_with_check:"


def acknowledged_time(moment: datetime | None) -> str:
    """``14:02 UTC`` as a Slack date token: each reader sees their own time, and the
    fallback says UTC."""
    if moment is None:
        return "—"
    fallback = moment.astimezone(UTC).strftime("%H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{time}}|{fallback}>"


def acknowledged_block(user_id: str, at: datetime | None) -> ContextBlock:
    text = f"{ACKNOWLEDGED_ICON} Acknowledged by {user(user_id)} at {acknowledged_time(at)}"
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def acknowledge_button(key: str) -> ButtonElement:
    """The alert's record key: the click acknowledges exactly this alert."""
    return ButtonElement(text="Acknowledge", action_id=ids.ALERT_ACKNOWLEDGE, value=key[:2000])


def _with_acknowledge(blocks: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The button joins the alert's last row of buttons, or a row of its own."""
    button = acknowledge_button(key).to_dict()
    out = [dict(b) for b in blocks]
    for block in reversed(out):
        if block.get("type") == "actions" and len(block.get("elements") or []) < 25:
            block["elements"] = [*block["elements"], button]
            return out
    row = ActionsBlock(block_id="alert:acknowledge", elements=[acknowledge_button(key)])
    return [*out, row.to_dict()][:MAX_BLOCKS]


def render_alert_now(
    alert: AlertFacts, *, recovered: bool, note: RecoveryNote | None
) -> SlackMessage:
    """The alert's own message as it stands: marked recovered if it was, acknowledged if
    it was (drawn again when someone clicks "Acknowledge")."""
    if recovered:
        return render_recovered_original(alert, note)
    return render_alert(alert)


def already_acknowledged(user_id: str, at: datetime | None) -> str:
    """For the second person to click "Acknowledge"."""
    return f"{ACKNOWLEDGED_ICON} Already acknowledged by {user(user_id)} at {acknowledged_time(at)}; nothing more to do."


def acknowledge_refused() -> str:
    """Alerts are channel posts, so everyone sees "Acknowledge": a click by someone who may
    not is answered with who may."""
    return (
        ":lock: Only operators can acknowledge alerts, so *Acknowledge* did nothing. "
        "Operators are the people and user groups listed in `ACCBOT_OPERATORS` (admins "
        "too, from `ACCBOT_ADMINS`); ask one of them to take it."
    )


def _alert_message(alert: AlertFacts) -> SlackMessage:
    observation = alert.observation
    context = AlertContext.of(alert)
    if alert.server is not None:
        return SlackMessage.of(
            watch_alerts.server_text(alert.server), watch_alerts.server_alert_blocks(alert.server)
        )
    if alert.quality is not None and observation is not None:
        run_id = display_id(observation)
        run = observation.original if isinstance(observation.original, AgentRun) else None
        return SlackMessage.of(
            watch_alerts.quality_text(alert.agent_ref, run_id, alert.quality),
            watch_alerts.quality_alert_blocks(
                alert.agent_ref, run, run_id, alert.quality, alert.portal_url
            ),
        )
    if observation is None:
        return SlackMessage.of(_record_text(alert), _record_alert(alert))
    view = ALERT_VIEWS.get(type(observation.original))
    if view is None:
        raise LookupError(f"no alert view for {type(observation.original).__name__}")
    return SlackMessage.of(alert_text(observation, context), view(observation, context))


def alert_text(observation: Observation, context: AlertContext) -> str:
    what = "job run" if observation.stream == "job" else "run"
    state = "is overdue" if context.overdue else observation.status
    return fmt.escape(f"{context.agent_ref}: {what} {display_id(observation)} {state}")


def alert_line(alert: AlertFacts) -> str:
    """One line for a digest: icon, agent, run, status."""
    observation = alert.observation
    if alert.server is not None:
        return watch_alerts.server_line(alert.server)
    if alert.quality is not None and observation is not None:
        return watch_alerts.quality_line(alert.agent_ref, display_id(observation), alert.quality)
    if observation is None:
        return f"{FAILURE_ICON if alert.is_failure else ':information_source:'} `{fmt.escape(alert.agent_ref)}` run `{fmt.escape(alert.run_id)}` {fmt.escape(alert.status)}"
    icon = OVERDUE_ICON if alert.overdue else status_icon(observation)
    what = "job run" if observation.stream == "job" else "run"
    state = "overdue" if alert.overdue else observation.status
    return f"{icon} `{fmt.escape(alert.agent_ref)}` {what} `{fmt.escape(display_id(observation))}` {fmt.escape(state)}"


def status_icon(observation: Observation) -> str:
    if observation.is_failure:
        return FAILURE_ICON
    if observation.is_success:
        return RECOVERED_ICON
    return ":information_source:"


def _portal(context: AlertContext, *extra: str) -> ContextBlock:
    parts = [fmt.link(context.portal_url, "Open ACC")] if context.portal_url else []
    parts.extend(extra)
    return ContextBlock(
        elements=[MarkdownTextObject(text=fmt.truncate(" · ".join(parts) or "—", 3000))]
    )


def _field(name: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=f"*{name}*\n{value}")


def _record_text(alert: AlertFacts) -> str:
    return fmt.escape(f"{alert.agent_ref}: run {alert.run_id} {alert.status}")


def _record_alert(alert: AlertFacts) -> list[Block]:
    """An alert recorded by an older accbot, which kept no run to show: its record."""
    icon = FAILURE_ICON if alert.is_failure else ":information_source:"
    return [
        SectionBlock(
            text=fmt.truncate(
                f"{icon} `{fmt.escape(alert.agent_ref)}` · run `{fmt.escape(alert.run_id)}` "
                f"{fmt.escape(alert.status)}",
                3000,
            )
        ),
        ActionsBlock(
            block_id=f"alert:{alert.run_id}"[:255], elements=[mute_button(alert.agent_ref)]
        ),
    ]


def run_alert(observation: Observation, context: AlertContext) -> list[Block]:
    run: AgentRun = observation.original
    agent = fmt.escape(context.agent_ref)
    if context.overdue:
        header = f"{OVERDUE_ICON} Run overdue: {context.agent_ref}"
        lead = f"Run {code(run.run_history_id)} is still {run.status.label.lower()}, expected to end {fmt.when(run.expected_end_time)}."
        fields = [
            _field("Status", fmt.run_status(run)),
            _field("Started", fmt.when(run.start_time)),
            _field("Expected end", fmt.when(run.expected_end_time)),
            _field("Run time so far", fmt.duration(run.run_time)),
            _field("Server", fmt.escape(run.server_ip or "—")),
        ]
    else:
        header = f"{status_icon(observation)} Run {run.status.label.lower()}: {context.agent_ref}"
        lead = f"Agent `{agent}` · run {code(run.run_history_id)}"
        if run.status_message:
            lead += f"\n> {fmt.escape(fmt.truncate(run.status_message, 500))}"
        fields = [
            _field("Status", fmt.run_status(run)),
            _field("Errors", fmt.count(run.errors)),
            _field("Started", fmt.when(run.start_time)),
            _field("Ended", fmt.when(run.end_time)),
            _field("Run time", fmt.duration(run.run_time)),
            _field("Server", fmt.escape(run.server_ip or "—")),
        ]
    return [
        HeaderBlock(text=fmt.plain(header, 150)),
        SectionBlock(text=fmt.truncate(lead, 3000), fields=fields),
        _portal(context),
        ActionsBlock(
            block_id=f"alert:{run.run_history_id}"[:255],
            # A run still going cannot be retried or restarted yet.
            elements=[
                *([] if context.overdue else [retry_errors_button(run), restart_button(run)]),
                show_log_button(run),
                mute_button(context.agent_ref),
            ],
        ),
    ]


def job_alert(observation: Observation, context: AlertContext) -> list[Block]:
    job: JobRun = observation.original
    agent = fmt.escape(context.agent_ref)
    run_time = job.end_time - job.start_time if job.end_time and job.start_time else None
    runs = (
        f"{fmt.count(job.completed_run_count)} of {fmt.count(job.total_run_count)}"
        if job.total_run_count is not None
        else "—"
    )
    fields = [
        _field("Status", fmt.job_status(job.status)),
        _field("Errors", fmt.count(job.total_errors)),
        _field("Started", fmt.when(job.start_time)),
        _field("Ended", fmt.when(job.end_time)),
        _field("Run time", fmt.duration(run_time)),
        _field("Runs completed", runs),
    ]
    hints = (
        code(f"/acc job logs {job.job_history_id}"),
        code(f"/acc job runs {context.agent_ref} {job.run_id}") if job.run_id is not None else "",
    )
    return [
        HeaderBlock(
            text=fmt.plain(
                f"{status_icon(observation)} Job run {job.status.label.lower()}: {context.agent_ref}",
                150,
            )
        ),
        SectionBlock(
            text=fmt.truncate(
                f"Agent `{agent}` · job run {code(job.job_history_id)} (#{job.run_id})", 3000
            ),
            fields=fields,
        ),
        _portal(context, *[h for h in hints if h]),
        ActionsBlock(
            block_id=f"alert:{job.job_history_id}"[:255], elements=[mute_button(context.agent_ref)]
        ),
    ]


def sas_alert(observation: Observation, context: AlertContext) -> list[Block]:
    run: SasRun = observation.original
    return sas_alert_blocks(
        run.item, agent_ref=context.agent_ref, agent_name=run.agent_name, sas_url=run.sas_url
    )


# The view of each kind of run an alert can be about.
ALERT_VIEWS: dict[type, AlertView] = {AgentRun: run_alert, JobRun: job_alert, SasRun: sas_alert}


def alert_buttons(alert: AlertFacts) -> list[ButtonElement]:
    """What can be done about the alert's run: an ACC run that ended can be retried or
    restarted; any ACC run's log shown; every agent muted."""
    observation = alert.observation
    run = observation.original if observation is not None else None
    buttons: list[ButtonElement] = []
    if isinstance(run, AgentRun):
        if not alert.overdue:
            buttons += [retry_errors_button(run), restart_button(run)]
        buttons.append(show_log_button(run))
    buttons.append(mute_button(alert.agent_ref))
    return buttons


# ----------------------------------------------------------------------------- digests


def render_digest(digest: DigestPost) -> SlackMessage:
    """A storm in one channel: one post that counts the alerts; the thread lists them."""
    count = len(digest.alerts)
    agents = len({a.agent_ref.lower() for a in digest.alerts})
    statuses: dict[str, int] = {}
    for alert in digest.alerts:
        statuses[alert.status] = statuses.get(alert.status, 0) + 1
    summary = ", ".join(f"{fmt.count(n)} {fmt.escape(s.lower())}" for s, n in statuses.items())
    lines = [alert_line(a) for a in digest.alerts[:DIGEST_LISTED]]
    if count > DIGEST_LISTED:
        lines.append(f"… and {fmt.count(count - DIGEST_LISTED)} more")
    replies = "1 reply" if digest.pages == 1 else f"{digest.pages} replies"
    title = f"{count:,} alerts"
    if digest.down_seconds is not None:
        down = rough_duration_text(timedelta(seconds=digest.down_seconds))
        title = f"{count:,} alert{'' if count == 1 else 's'} while accbot was down ({down})"
    blocks: list[Block] = [
        HeaderBlock(text=f":rotating_light: {title}"),
        SectionBlock(text=fmt.truncate(f"*{summary}* across {agents:,} agent(s)", 3000)),
        *line_sections(lines),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Every run, with its buttons, is in this thread ({replies})."
                )
            ]
        ),
    ]
    first = "; ".join(_plain(alert_line(a)) for a in digest.alerts[:5])
    return SlackMessage.of(f"{title}: {first}", blocks[:MAX_BLOCKS])


def render_digest_page(page: DigestPage) -> SlackMessage:
    """One reply in a digest's thread: each run on a line, with its buttons under it."""
    first = page.first
    last = first + len(page.alerts) - 1
    title = f"Runs {first:,}–{last:,} ({page.number} of {page.pages})"
    blocks: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text=title)])]
    for index, alert in enumerate(page.alerts):
        line = alert_line(alert)
        elements = alert_buttons(alert)
        if alert.acknowledged_by:  # on the run's own line: a block more each would not fit
            line += (
                f" · {ACKNOWLEDGED_ICON} acknowledged by {user(alert.acknowledged_by)} "
                f"at {acknowledged_time(alert.acknowledged_at)}"
            )
        elif alert.key:
            elements.append(acknowledge_button(alert.key))
        blocks.append(SectionBlock(text=fmt.truncate(line, 3000)))
        blocks.append(
            ActionsBlock(
                block_id=f"digest:{page.number}:{index}:{alert.run_id}"[:255],
                elements=elements,
            )
        )
    return SlackMessage.of(title, blocks[:MAX_BLOCKS])


def _plain(line: str) -> str:
    return line.replace("`", "")


# ----------------------------------------------------------------------------- threads


def render_log_excerpt(post: LogExcerptPost) -> SlackMessage:
    if post.excerpt is None:
        return render_log_unavailable(post.log_ref, post.unavailable or "no log")
    excerpt = post.excerpt
    log_ref = fmt.escape(post.log_ref)
    text = f"*Log of `{log_ref}`* — {fmt.escape(excerpt.summary)}"
    if excerpt.lines:
        quoted = fmt.truncate(fmt.escape("\n".join(excerpt.lines)), MAX_LOG_CHARS)
        fence_free = quoted.replace("```", "'''")  # a fence inside would end the block
        text += f"\n```{fence_free}```"
    return SlackMessage.of(
        fmt.escape(f"Log of {post.log_ref}: {excerpt.summary}"),
        [SectionBlock(text=fmt.truncate(text, 3000))],
    )


def render_log_unavailable(log_ref: str, reason: str) -> SlackMessage:
    text = f":page_facing_up: The log of `{fmt.escape(log_ref)}` could not be fetched ({fmt.escape(reason)}). Use *Show log* to try again."
    return SlackMessage.of(
        fmt.escape(f"The log of {log_ref} could not be fetched"),
        [SectionBlock(text=fmt.truncate(text, 3000))],
    )


def recovery_line(note: RecoveryNote | None) -> str:
    if note is None:
        return "a later run succeeded"
    if note.what == "server":  # the watcher's own words: "back: CPU 12%, memory 40%"
        return f"server `{fmt.escape(note.run)}` is {fmt.escape(note.status)} {fmt.when(note.at)}"
    return f"{note.what} `{fmt.escape(note.run)}` {fmt.escape(note.status.lower())} {fmt.when(note.at)}"


def render_recovered_reply(note: RecoveryNote | None) -> SlackMessage:
    text = f"{RECOVERED_ICON} *Recovered*: {recovery_line(note)}."
    plain = f"{note.what} {note.run} {note.status.lower()}" if note else "a later run succeeded"
    if note is not None and note.what == "server":
        plain = f"server {note.run} is {note.status}"
    return SlackMessage.of(
        fmt.escape(f"Recovered: {plain}"), [SectionBlock(text=fmt.truncate(text, 3000))]
    )


def render_recovered_original(alert: AlertFacts, note: RecoveryNote | None) -> SlackMessage:
    """The failure's own message, marked recovered at the top."""
    original = render_alert(alert, acknowledge=False)
    banner = SectionBlock(
        text=fmt.truncate(f"{RECOVERED_ICON} *Recovered* — {recovery_line(note)}", 3000)
    ).to_dict()
    return SlackMessage(
        text=f"Recovered — {original.text}", blocks=[banner, *original.blocks][:MAX_BLOCKS]
    )


# ----------------------------------------------------------------------------- outages


def render_lag(notice: LagNotice) -> SlackMessage:
    """The watcher about itself: behind (no cycle ended for a while), or caught up."""
    lag = rough_duration_text(timedelta(seconds=notice.lag_seconds))
    if notice.behind:
        text = (
            f":hourglass: *The watcher is behind by {lag}*: no cycle has ended since. "
            "Failures are alerted late until it catches up; `/acc status` shows more."
        )
        return SlackMessage.of(f"The watcher is behind by {lag}", [SectionBlock(text=text)])
    text = f"{RECOVERED_ICON} *The watcher has caught up*: its cycles end again."
    return SlackMessage.of("The watcher has caught up", [SectionBlock(text=text)])


def render_outage(notice: OutageNotice) -> SlackMessage:
    if notice.reachable:
        return backend_reachable(notice.backend)
    return backend_unreachable(notice.backend, notice.since, notice.error)


def backend_unreachable(backend: str, since: datetime | None, error: str | None) -> SlackMessage:
    text = (
        f":electric_plug: *{backend} unreachable* since {fmt.when(since)}. The watcher keeps "
        "trying; failures that happen meanwhile are alerted once it answers again."
    )
    if error:
        text += f"\n> {fmt.escape(fmt.truncate(error, 300))}"
    return SlackMessage.of(f"{backend} unreachable", [SectionBlock(text=fmt.truncate(text, 3000))])


def backend_reachable(backend: str) -> SlackMessage:
    text = f"{RECOVERED_ICON} *{backend} reachable again*. Watching resumes; anything missed is alerted now."
    return SlackMessage.of(f"{backend} reachable again", [SectionBlock(text=text)])


# ----------------------------------------------------------------------------- escalations


def render_escalation(post: EscalationPost) -> SlackMessage:
    """One reply in the alert's thread: the person or group the watch names, and what
    nobody took."""
    after = fmt.duration(post.after)
    lines = [alert_line(a) for a in post.alerts[:DIGEST_LISTED]]
    if len(post.alerts) > DIGEST_LISTED:
        lines.append(f"… and {fmt.count(len(post.alerts) - DIGEST_LISTED)} more")
    what = "This alert" if len(post.alerts) == 1 else f"{len(post.alerts)} alerts"
    text = (
        f":rotating_light: {user(post.mention)} {what} went unacknowledged for {after}. "
        "*Acknowledge* it once someone is on it."
    )
    blocks: list[Block] = [SectionBlock(text=fmt.truncate(text, 3000)), *line_sections(lines)]
    plain = f"{what} went unacknowledged for {after}"
    return SlackMessage.of(f"{user(post.mention)} {plain}", blocks[:MAX_BLOCKS])
