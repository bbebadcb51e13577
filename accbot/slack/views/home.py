"""The App Home tab: the person's roles, what accbot watches, and the commands."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from accbot.actions.home import HomeSummary
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import channel, user


def home_view(summary: HomeSummary) -> dict:
    """The Home tab for one person, from what ``actions.home.home_summary`` gathered."""
    roles = ", ".join(summary.roles) if summary.roles else "viewer"
    blocks = [
        HeaderBlock(text="accbot — Agent Control Center in Slack"),
        SectionBlock(
            text=f"Your roles: *{roles}*.\nType `/acc help` for every command, "
            "`/acc agent &lt;agentPath&gt;` to look at an agent."
        ),
    ]
    if not summary.admins_configured:
        blocks.append(
            SectionBlock(text=":lock: No admins are configured (`ACCBOT_ADMINS`): changes are disabled.")
        )
    blocks.append(DividerBlock())
    if summary.watches:
        lines = [
            f"• `{fmt.escape(w.agent)}` → {channel(w.channel_id)}"
            + (" (all end states)" if w.all_states else "")
            for w in summary.watches[:40]
        ]
        blocks.append(SectionBlock(text=fmt.truncate("*Watching*\n" + "\n".join(lines), 3000)))
    else:
        blocks.append(SectionBlock(text="*Watching*\nNothing yet. An admin can `/acc watch &lt;agentPath&gt;`."))
    if summary.recent:
        blocks.append(SectionBlock(text=fmt.truncate("*Recent changes*\n"
                + "\n".join(f"{user(u)} {fmt.escape(a)} — {fmt.escape(r)}" for u, a, r in summary.recent), 3000)))
    if summary.portal_url:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=fmt.link(summary.portal_url, "Open ACC"))]))
    return View(type="home", blocks=blocks).to_dict()
