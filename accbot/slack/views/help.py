"""``/acc help`` in Slack: the help page laid out in mrkdwn."""

from __future__ import annotations

from accbot.actions.context import Actor
from accbot.actions.results import HelpResult
from accbot.commands.help import SLASH, HelpPage, role_line
from accbot.slack.views import format as fmt
from accbot.slack.views.blocks import line_sections
from accbot.slack.views.reply import Reply

NO_ADMINS = (
    ":lock: *No admins are configured* (`ACCBOT_ADMINS`), so changes that need an "
    "admin are disabled, and roles left unset are held by nobody. Set `ACCBOT_ADMINS`, "
    "`ACCBOT_OPERATORS` and `ACCBOT_APPROVERS` to Slack user or user-group IDs."
)


def help_mrkdwn(page: HelpPage) -> str:
    if page.command is not None:
        h = page.command
        return (
            f"`{fmt.escape(h.usage)}`\n{fmt.escape(h.description)}\n"
            f"Example: `{fmt.escape(h.example)}`\n{role_line(h)}"
        )
    if page.family:
        return "\n".join(
            f"`{fmt.escape(h.usage)}` — {fmt.escape(h.description)}" for h in page.family
        )
    lines = [f"Commands ({SLASH} help &lt;command&gt; for details and an example):"]
    for group, commands in page.groups:
        lines.append(f"*{group.capitalize()}*")
        lines.extend(f"  `{fmt.escape(h.usage)}`" for h in commands)
    return "\n".join(lines)


def help_reply_text(result: HelpResult) -> str:
    text = help_mrkdwn(result.page)
    if result.page.groups and not result.admins_configured:
        text += "\n\n" + NO_ADMINS
    return text


def render_help(result: HelpResult, actor: Actor) -> Reply:
    text = help_reply_text(result)
    return Reply(text=text, blocks=line_sections(text.split("\n")))
