"""Block Kit for agents and runs: details, lists, buttons that act on a run."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.acc.models import AgentRun
from accbot.actions.context import Actor
from accbot.actions.results import AgentOverview, RunDetail, RunList
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import code
from accbot.slack.views.reply import Reply

MAX_LIST_ROWS = 20


def restart_button(run: AgentRun) -> ButtonElement:
    return ButtonElement(
        text="Restart",
        action_id=ids.RUN_RESTART,
        value=run.run_history_id,
        confirm=ConfirmObject(
            title="Restart this run?",
            text=fmt.plain(f"Run {run.run_history_id} starts again from the beginning.", 300),
            confirm="Restart",
            deny="Cancel",
        ),
    )


def retry_errors_button(run: AgentRun) -> ButtonElement:
    return ButtonElement(
        text="Retry errors", action_id=ids.RUN_RETRY_ERRORS, value=run.run_history_id
    )


def show_log_button(run: AgentRun) -> ButtonElement:
    return ButtonElement(text="Show log", action_id=ids.RUN_SHOW_LOG, value=run.run_history_id)


def mute_button(agent_ref: str) -> ButtonElement:
    """``agent_ref`` is a path or ``sas:<agentId>``; the click mutes it for an hour."""
    return ButtonElement(text="Mute 1h", action_id=ids.ALERT_MUTE_1H, value=agent_ref)


def run_buttons(run: AgentRun) -> ActionsBlock:
    """Restart / Retry errors / Show log / Data — the same buttons everywhere a run shows.

    Never "Mute 1h": these go in answers to one person, who may not be an admin; alerts,
    which the whole channel sees, carry it and refuse a click with who may mute."""
    elements = [
        restart_button(run),
        retry_errors_button(run),
        show_log_button(run),
        ButtonElement(text="Data", action_id=ids.RUN_DATA, value=run.run_history_id),
    ]
    return ActionsBlock(block_id=f"run:{run.run_history_id}"[:255], elements=elements)


def run_fields(run: AgentRun) -> list[MarkdownTextObject]:
    pairs = [
        ("Status", fmt.run_status(run)),
        ("Errors", fmt.count(run.errors)),
        ("Started", fmt.when(run.start_time)),
        ("Ended", fmt.when(run.end_time)),
        ("Run time", fmt.duration(run.run_time)),
        ("Data", fmt.count(run.data_count)),
        ("Requests", fmt.count(run.request_count)),
        ("Page loads", fmt.count(run.page_load_count)),
        ("Server", fmt.escape(run.server_ip or "—")),
        ("Production", "yes" if run.is_production_run else "no (test run)"),
    ]
    return [MarkdownTextObject(text=f"*{k}*\n{v}") for k, v in pairs]


def run_line(run: AgentRun) -> str:
    msg = f" — {fmt.escape(fmt.truncate(run.status_message, 80))}" if run.status_message else ""
    return (
        f"{fmt.run_status(run)} {code(run.run_history_id)} · {fmt.when(run.start_time)}"
        f" · {fmt.count(run.errors)} errors · {fmt.count(run.data_count)} rows{msg}"
    )


def render_run_detail(result: RunDetail, actor: Actor | None = None) -> Reply:
    run = result.run
    label = result.agent_label or run.agent_id
    blocks = [
        HeaderBlock(text=fmt.plain(f"Run of {label}", 150)),
        SectionBlock(
            text=code(run.run_history_id)
            + (
                f"\n> {fmt.escape(fmt.truncate(run.status_message, 500))}"
                if run.status_message
                else ""
            ),
            fields=run_fields(run),
        ),
    ]
    if run.input_parameters:
        params = ", ".join(
            f"`{fmt.escape(k)}={fmt.escape(v)}`" for k, v in run.input_parameters.items()
        )
        blocks.append(SectionBlock(text=fmt.truncate(f"*Inputs* {params}", 3000)))
    if result.portal_url:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=fmt.link(result.portal_url, "Open ACC"))]
            )
        )
    blocks.append(run_buttons(run))
    return Reply(
        text=fmt.escape(f"Run {run.run_history_id} of {label}: {run.status.label}"), blocks=blocks
    )


def render_run_list(result: RunList, actor: Actor | None = None) -> Reply:
    what = "failed runs" if result.failed_only else "runs"
    title = f"Latest {what} of {result.agent_label}"
    if not result.runs:
        text = f"No {what} found for `{fmt.escape(result.agent_label)}`."
        return Reply(text=text, blocks=[SectionBlock(text=text)])
    lines = [run_line(r) for r in result.runs[:MAX_LIST_ROWS]]
    blocks = [
        HeaderBlock(text=fmt.plain(title, 150)),
        SectionBlock(text=fmt.truncate("\n".join(lines), 3000)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="`/acc run &lt;runId&gt;` shows one run with Restart, Retry errors, Show log and Data."
                    + (f" · {fmt.link(result.portal_url, 'Open ACC')}" if result.portal_url else "")
                )
            ]
        ),
    ]
    return Reply(text=fmt.escape(title), blocks=blocks)


def render_agent(result: AgentOverview, actor: Actor | None = None) -> Reply:
    agent = result.agent
    path = agent.path or agent.name
    description = fmt.escape(agent.description) if agent.description else "_No description_"
    blocks = [
        HeaderBlock(text=fmt.plain(f"Agent {path}", 150)),
        SectionBlock(
            text=fmt.truncate(f"{description}\nID {code(agent.agent_id)}", 3000),
        ),
        DividerBlock(),
        SectionBlock(
            text=fmt.truncate(
                "*Latest runs*\n"
                + ("\n".join(run_line(r) for r in result.runs) if result.runs else "_Never run_"),
                3000,
            )
        ),
    ]
    if result.schedules:
        lines = []
        for s in result.schedules:
            state = "enabled" if s.is_enabled else "disabled"
            lines.append(
                f"{code(s.schedule_id)} {code(s.cron)} {fmt.escape(s.cron_description or '')}"
                f" ({state}, next {fmt.when(s.next_run_time)})"
            )
        blocks.append(SectionBlock(text=fmt.truncate("*Schedules*\n" + "\n".join(lines), 3000)))
    else:
        blocks.append(SectionBlock(text="*Schedules*\n_None_"))
    buttons = []
    if result.can_operate:
        # Opens the start form (parameters, input files, log level, test run).
        buttons.append(ButtonElement(text="Start…", action_id=ids.AGENT_START, value=path))
    if result.runs and result.can_operate:
        latest = result.runs[0]
        buttons.extend(run_buttons(latest).elements[:3])
    if result.can_approve:
        buttons.append(
            ButtonElement(text="Approve", action_id=ids.AGENT_APPROVE, value=path, style="primary")
        )
        # Both open the approval form, which asks for the message (a reason, to
        # disapprove) before anything reaches ACC: no confirm dialog on top of it.
        buttons.append(
            ButtonElement(
                text="Disapprove", action_id=ids.AGENT_DISAPPROVE, value=path, style="danger"
            )
        )
    if result.portal_url:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=fmt.link(result.portal_url, "Open ACC"))]
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=f"agent:{agent.agent_id}", elements=buttons))
    return Reply(text=fmt.escape(f"Agent {path}"), blocks=blocks)
