"""Block Kit for the watcher's alerts that are not about a failed run: a successful run
with too little data (``--empty``, ``--drop``), and an SE server in trouble.

Every value that comes from ACC or a user (agent paths, server names, ACC's messages) is
escaped; the numbers and the sparkline are the bot's own.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from accbot.acc.models import AgentRun
from accbot.slack.views import format as fmt
from accbot.slack.views.runs import mute_button, show_log_button
from accbot.watcher.quality import EMPTY, QualityFinding
from accbot.watcher.server_health import UNREACHABLE, ServerFacts

EMPTY_ICON = ":inbox_tray:"
DROP_ICON = ":chart_with_downwards_trend:"
UNREACHABLE_ICON = ":electric_plug:"
OVER_THRESHOLD_ICON = ":fire:"
BACK_ICON = ":white_check_mark:"


# --------------------------------------------------------------------- data quality


def quality_headline(finding: QualityFinding) -> str:
    """ "no data" / "62% less data than usual": what is wrong, in a few words."""
    if finding.status == EMPTY:
        return "succeeded with no data"
    below = finding.below_percent
    return f"succeeded with {below}% less data than usual" if below else "less data than usual"


def quality_text(agent_ref: str, run_id: str, finding: QualityFinding) -> str:
    """The notification text (Slack parses it too, so it is escaped like the blocks)."""
    return fmt.escape(
        f"{agent_ref}: run {run_id} {quality_headline(finding)} ({finding.data_count} rows)"
    )


def quality_line(agent_ref: str, run_id: str, finding: QualityFinding) -> str:
    """One line for a digest."""
    icon = EMPTY_ICON if finding.status == EMPTY else DROP_ICON
    return (
        f"{icon} `{fmt.escape(agent_ref)}` run `{fmt.escape(run_id)}` "
        f"{quality_headline(finding)} ({finding.data_count:,} rows)"
    )


def quality_alert_blocks(
    agent_ref: str, run: AgentRun | None, run_id: str, finding: QualityFinding, portal_url: str
) -> list[Block]:
    """The alert: the count, the median it is compared with, and the recent counts drawn."""
    icon = EMPTY_ICON if finding.status == EMPTY else DROP_ICON
    agent = fmt.link(portal_url, agent_ref) if portal_url else f"`{fmt.escape(agent_ref)}`"
    head = f"{icon} *{agent}* run `{fmt.escape(run_id)}` {quality_headline(finding)}"
    median = "—" if finding.median is None else f"{finding.median:,g}"
    window = len(finding.recent) - 1
    fields = [
        MarkdownTextObject(text=f"*Data count*\n{finding.data_count:,}"),
        MarkdownTextObject(text=f"*Median of the last {window} successful runs*\n{median}"),
        MarkdownTextObject(text=f"*Recent runs*\n`{finding.sparkline}`"),
    ]
    if finding.drop_percent is not None:
        fields.append(
            MarkdownTextObject(text=f"*Alerts below*\n{finding.drop_percent}% under the median")
        )
    if run is not None:
        fields.append(MarkdownTextObject(text=f"*Ended*\n{fmt.when(run.end_time)}"))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=head)),
        SectionBlock(fields=fields),
        ContextBlock(
            elements=[MarkdownTextObject(text="Oldest run first; the last bar is this run.")]
        ),
    ]
    buttons = [mute_button(agent_ref)]
    if run is not None:
        buttons.insert(0, show_log_button(run))
    blocks.append(ActionsBlock(block_id=f"quality:{run_id}"[:255], elements=buttons))
    return blocks


# -------------------------------------------------------------------------- servers


def server_headline(facts: ServerFacts) -> str:
    return "is unreachable" if facts.trouble == UNREACHABLE else "is over ACC's thresholds"


def server_text(facts: ServerFacts) -> str:
    return fmt.escape(f"server {facts.name} {server_headline(facts)}")


def server_line(facts: ServerFacts) -> str:
    icon = UNREACHABLE_ICON if facts.trouble == UNREACHABLE else OVER_THRESHOLD_ICON
    return f"{icon} server `{fmt.escape(facts.name)}` {server_headline(facts)}"


def server_alert_blocks(facts: ServerFacts) -> list[Block]:
    icon = UNREACHABLE_ICON if facts.trouble == UNREACHABLE else OVER_THRESHOLD_ICON
    head = f"{icon} *Server `{fmt.escape(facts.name)}`* {server_headline(facts)}"
    reasons = "\n".join(f"• {fmt.escape(reason)}" for reason in facts.reasons) or "—"
    return [
        SectionBlock(text=MarkdownTextObject(text=head)),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Why*\n{reasons}"),
                MarkdownTextObject(text=f"*Address*\n{fmt.escape(facts.address) or '—'}"),
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Checked with ACC's server check every cycle; a reply here says when "
                    "it is back."
                )
            ]
        ),
    ]


def server_back_text(name: str, status: str) -> str:
    """The "back" reply: ``status`` is the watcher's own words ("back: CPU 12%, …")."""
    return f"{BACK_ICON} Server `{fmt.escape(name)}` is {fmt.escape(status)}"
