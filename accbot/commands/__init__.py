"""The ``/acc`` command grammar: text -> typed Command, shared by Slack and the CLI.

No I/O here: ``parse`` either returns a Command or raises CommandError.
"""

from accbot.commands.errors import CommandError
from accbot.commands.model import AgentRef, Command
from accbot.commands.parser import parse, parse_words
from accbot.commands.roles import Role, required_role

__all__ = ["AgentRef", "Command", "CommandError", "Role", "parse", "parse_words", "required_role"]
