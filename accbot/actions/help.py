"""``help [topic]``: the help page, plus whether roles still need setting up."""

from __future__ import annotations

from accbot.actions.context import Actor, Services
from accbot.actions.results import HelpResult
from accbot.commands.help import help_page
from accbot.commands.model import Help


def show_help(command: Help, actor: Actor, services: Services) -> HelpResult:
    return help_result(command, admins_configured=services.roles.admins_configured)


def help_result(command: Help, *, admins_configured: bool) -> HelpResult:
    """Raises CommandError for a topic that has no help."""
    return HelpResult(page=help_page(command.topic), admins_configured=admins_configured)
