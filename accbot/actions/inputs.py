"""Input files: open the upload form, upload what was submitted, clear or disable them.

``inputs add`` answers with OpenModal; the front end shows a form and, once submitted,
fetches the files itself and runs ``UploadInputs`` here, so this module never talks to
Slack and the upload is role-checked and audited like every other change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from accbot.acc import zips
from accbot.acc.client import UnsupportedInputFile
from accbot.actions.common import quote_word, resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, say
from accbot.actions.results import ConfirmationRequired, Mutation, OpenModal
from accbot.commands.model import AddInputs, ClearInputs, Command, DisableInputs
from accbot.store import input_files

INPUTS_MODAL = "inputs"


class InputFiles:
    """Named file contents. Deliberately no dataclass: the audit log keeps a command's
    fields, and for this one its text (names and sizes), never the bytes."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[tuple[str, bytes]]) -> None:
        self.items: tuple[tuple[str, bytes], ...] = tuple(items)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.items]

    def __str__(self) -> str:
        return ", ".join(f"{name} ({len(data):,} bytes)" for name, data in self.items)

    __repr__ = __str__


@dataclass(frozen=True)
class UploadInputs(Command):
    """The submitted upload form of ``/acc inputs add``: same name, so the same role."""

    agent_path: str
    agent_id: str
    files: InputFiles
    name: ClassVar[str] = "inputs add"
    mutating: ClassVar[bool] = True


def add_inputs(
    command: AddInputs,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> OpenModal:
    agent = resolve_agent(services, command.agent_path)  # an unknown path fails before the form
    return OpenModal(kind=INPUTS_MODAL, agent_path=command.agent_path, agent_id=agent.agent_id)


def upload_inputs(
    command: UploadInputs,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    if not command.files.items:
        raise InvalidInput("No files were submitted; nothing was uploaded.")
    try:
        services.acc.upload_input_files(command.agent_id, list(command.files.items))
    except UnsupportedInputFile as exc:
        raise InvalidInput(str(exc)) from None
    with services.db.session() as session:
        input_files.remember(session, command.agent_id, stored_names(command.files), actor.user_id)
    return Mutation(
        summary=say(
            "uploaded input files ",
            ", ".join(command.files.names),
            " to agent ",
            Code(command.agent_path),
        ),  # fmt: skip
        portal_url=services.acc_link(),
    )


def clear_inputs(
    command: ClearInputs,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation | ConfirmationRequired:
    agent = resolve_agent(services, command.agent_path)
    if not confirmed:
        return ConfirmationRequired(
            prompt=say(
                "This will delete every input file of ", Code(command.agent_path), " for good."
            ),
            command_text=f"inputs clear {quote_word(command.agent_path)}",
        )
    services.acc.delete_inputs(agent.agent_id)
    with services.db.session() as session:
        input_files.forget_all(session, agent.agent_id)
    return Mutation(
        summary=say("deleted the input files of ", Code(command.agent_path)),
        portal_url=services.acc_link(),
    )


def disable_inputs(
    command: DisableInputs,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    agent = resolve_agent(services, command.agent_path)
    services.acc.disable_inputs(agent.agent_id)
    return Mutation(
        summary=say("disabled the input files of ", Code(command.agent_path)),
        portal_url=services.acc_link(),
    )


def stored_names(files: InputFiles) -> list[str]:
    """The names ACC keeps: a csv or txt as it is, a zip's csv and txt files by their
    own names (without the folders inside the archive)."""
    names: list[str] = []
    for name, data in files.items:
        if not name.lower().endswith(".zip"):
            names.append(name)
            continue
        try:
            entries = zips.list_files(data)
        except zips.BadArchive:
            continue
        names.extend(
            e.name.rsplit("/", 1)[-1] for e in entries if e.name.lower().endswith((".csv", ".txt"))
        )
    return names
