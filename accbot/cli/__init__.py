"""The terminal front end: `accbot <command>` runs the same commands as `/acc`.

It parses the shell's words with the same grammar (each word one token, so
``accbot start a/b "k=two words"`` needs no extra quoting), runs the same actions (so
the audit log records CLI changes too) and prints plain text. Whoever runs it holds
the ACC token, so the CLI acts as an admin under the name ``cli:<login>``; destructive
bulk commands still wait for ``--yes``, which may stand anywhere on the line.

``accbot watcher`` is the terminal's own: the watcher in the foreground, its alerts printed
(cli/watcher.py). ``#name`` in ``watch`` / ``unwatch`` is looked up in Slack
(cli/channels.py).

Exit codes: 0 done; 1 ACC, SAS, the database or the action refused or failed; 2 the command or the
configuration is wrong; 3 nothing done, ``--yes`` is needed; 4 the command works only
in Slack. Answers go to stdout, every error to stderr.
"""

from __future__ import annotations

import getpass
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from accbot.actions import results as r
from accbot.actions.context import Actor
from accbot.actions.dispatch import execute
from accbot.actions.errors import ActionError
from accbot.actions.help import help_result
from accbot.actions.roles import RoleChecker
from accbot.backend.errors import BackendError
from accbot.cli import watcher
from accbot.cli.channels import ChannelLookupFailed, resolve_channel_names, slack_channel_finder
from accbot.cli.names import Names, slack_names
from accbot.cli.render import Terminal, as_typed_here, render_lines
from accbot.commands.errors import CommandError
from accbot.commands.model import (
    AddCsvInput,
    AddInputs,
    Command,
    Help,
    OpenStartForm,
    RequestApproval,
)
from accbot.commands.parser import parse_words
from accbot.config import ConfigError, load_settings
from accbot.store.db import DatabaseUnavailable

if TYPE_CHECKING:
    from accbot.actions.context import Services

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NEEDS_YES, EXIT_NEEDS_SLACK = 0, 1, 2, 3, 4

USAGE = """usage: accbot [--yes] [--out FOLDER] <command> [arguments]
       accbot watcher [--once]

Runs accbot's /acc commands from a terminal, e.g. accbot runs sequentum/Test2/quick.
accbot watcher runs the watcher here and prints its alerts (Ctrl-C stops it).
  --yes          confirm a destructive bulk command (anywhere on the line)
  --out FOLDER   where downloaded logs and data go (default: the current folder)
accbot help lists every command; accbot help <command> explains one."""

SLACK_ONLY: dict[type[Command], str] = {
    AddInputs: "inputs add opens a Slack form with a file picker: type /acc inputs add in Slack.",
    AddCsvInput: "inputs csv opens a Slack form to paste rows into: type /acc inputs csv in Slack.",
    RequestApproval: (
        "request-approval posts a card with Approve / Disapprove buttons in Slack: type "
        "/acc request-approval in Slack (accbot approve / disapprove work here)."
    ),
    OpenStartForm: (
        "The start form is a Slack form; here, give its choices on the command line: "
        "accbot start <agentPath> [k=v ...] [--log-level 0-3] [--test] [--files a.csv,b.csv] [--multi]"
    ),
}


@dataclass
class Invocation:
    """The shell's words, with the CLI's own options taken out wherever they stood."""

    words: list[str] = field(default_factory=list)
    yes: bool = False
    out: Path = Path(".")
    show_usage: bool = False


def read_argv(argv: list[str]) -> Invocation:
    """``--yes`` and ``--out FOLDER`` anywhere; ``-h``/``--help`` only before the command
    (after it, words belong to the command). Raises CommandError for ``--out`` alone."""
    found = Invocation()
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if word in ("--yes", "-y"):
            found.yes = True
        elif word == "--out":
            if i >= len(argv):
                raise CommandError("--out needs a folder")
            found.out = Path(argv[i])
            i += 1
        elif word.startswith("--out="):
            found.out = Path(word.removeprefix("--out="))
        elif word in ("-h", "--help") and not found.words:
            found.show_usage = True
        else:
            found.words.append(word)
    return found


def main(
    argv: list[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    services: Services | None = None,
    names: Names | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        invocation = read_argv(argv)
        if invocation.show_usage:
            print(USAGE, file=out)
            return EXIT_OK
        if invocation.words[:1] == [watcher.WORD]:
            return _watcher(invocation, out, err, services, names)
        words = resolve_channel_names(
            invocation.words,
            lambda: slack_channel_finder(services.settings if services else load_settings()),
        )
        command = parse_words(words)
        if isinstance(command, Help):  # needs no configuration at all
            result = help_result(command, admins_configured=True)
            _print(render_lines(result, Terminal()), out)
            return EXIT_OK
    except CommandError as exc:
        _error(exc, err)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except (ChannelLookupFailed, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    if type(command) in SLACK_ONLY:
        print(f"error: {SLACK_ONLY[type(command)]}", file=err)
        return EXIT_NEEDS_SLACK
    actor = Actor(user_id=f"cli:{_login()}", channel_id=None, source="cli")
    owned = services is None
    try:
        if services is None:
            services = _build_services(actor)
    except ConfigError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    term = Terminal(names=names or slack_names(services.settings), folder=invocation.out)
    try:
        return _run(command, actor, services, invocation, argv, term, out)
    except (CommandError, ActionError, BackendError) as exc:
        _error(exc, err, term)
        return EXIT_FAILED
    finally:
        if owned:
            from accbot.runtime import close_services

            close_services(services)


def _watcher(
    invocation: Invocation,
    out: TextIO,
    err: TextIO,
    services: Services | None,
    names: Names | None,
) -> int:
    """``accbot watcher [--once]``: the watcher in the foreground (see cli/watcher.py)."""
    once = watcher.read_options(invocation.words[1:])
    owned = services is None
    if services is None:
        services = _build_services(Actor(user_id=f"cli:{_login()}", source="cli"))
    term = Terminal(names=names or slack_names(services.settings), folder=invocation.out)
    try:
        return watcher.run_watcher(services, term, out, err, once=once)
    finally:
        if owned:
            from accbot.runtime import close_services

            close_services(services)


def _run(
    command: Command,
    actor: Actor,
    services: Services,
    invocation: Invocation,
    argv: list[str],
    term: Terminal,
    out: TextIO,
) -> int:
    def progress(result: r.Result) -> None:
        _print(render_lines(result, term), out)

    result = execute(command, actor, services, confirmed=invocation.yes, progress=progress)
    _print(render_lines(result, term), out)
    if isinstance(result, r.ConfirmationRequired):
        print(f"  accbot {shlex.join([*argv, '--yes'])}", file=out)
        return EXIT_NEEDS_YES
    if isinstance(result, r.OpenModal):
        return EXIT_NEEDS_SLACK
    return EXIT_OK


def _error(exc: Exception, err: TextIO, term: Terminal | None = None) -> None:
    """One ``error:`` line (and the usage, as typed here, for a malformed command); an
    action's sentence is rendered like any answer (names, hints as typed here)."""
    if isinstance(exc, CommandError) and exc.usage:
        print(f"error: {exc.message}\nusage: {as_typed_here(exc.usage)}", file=err)
    elif isinstance(exc, ActionError):
        print(f"error: {(term or Terminal()).text(exc.phrase)}", file=err)
    else:
        print(f"error: {exc}", file=err)


def _print(lines: list[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out)


def _build_services(actor: Actor) -> Services:
    from accbot.runtime import build_services, close_services

    settings = load_settings().require_acc()
    services = build_services(settings)
    services.roles = RoleChecker(admins=[actor.user_id])
    try:
        services.db.migrate()
    except DatabaseUnavailable:
        close_services(services)
        raise
    return services


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
