"""The one error the command grammar raises.

Every refusal says precisely what was wrong (``message``) and, when a command was
recognised, how that command is typed (``usage``), so Slack and the CLI can show both.
"""

from __future__ import annotations


class CommandError(ValueError):
    """Text that is not a valid ``/acc`` command.

    ``command`` is the help key of the command being parsed (``"schedule add"``) or None
    when the command word itself was not understood; ``usage`` is its usage line.
    """

    def __init__(self, message: str, *, command: str | None = None, usage: str | None = None):
        super().__init__(message)
        self.message = message
        self.command = command
        self.usage = usage

    def __str__(self) -> str:
        if self.usage:
            return f"{self.message}\nusage: {self.usage}"
        return self.message
