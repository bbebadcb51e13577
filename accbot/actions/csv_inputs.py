"""``/acc inputs csv``: pasted CSV rows saved as an agent's input data
(``POST api/input/agent/{id}/csv?name=…``, body the plain CSV text).

The command answers CsvForm; the front end shows a form and, once submitted, runs
``UploadCsvInput`` here: same help key, so the same role (operators) and an audit
entry that names the file and its size, never its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from accbot.actions.common import resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.results import CsvForm, CsvUploaded
from accbot.commands.model import MAX_CSV_CHARS, AddCsvInput, Command
from accbot.commands.parser import csv_name_problem
from accbot.store import input_files

CSV_FORM = "inputs_csv"
DEFAULT_CSV_NAME = "input.csv"


class CsvText:
    """Pasted CSV. No dataclass on purpose: the audit log keeps its size, not its rows."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def rows(self) -> int:
        return len([line for line in self.text.splitlines() if line.strip()])

    def __str__(self) -> str:
        return f"{self.rows} rows, {len(self.text):,} characters"

    __repr__ = __str__


@dataclass(frozen=True)
class UploadCsvInput(Command):
    """The submitted form of ``/acc inputs csv``."""

    agent_path: str
    agent_id: str
    filename: str
    csv: CsvText
    name: ClassVar[str] = "inputs csv"
    mutating: ClassVar[bool] = True


def csv_problem(text: str) -> str | None:
    """Why pasted text cannot be uploaded: nothing in it, or more than one upload takes."""
    if not text.strip():
        return "The CSV is empty: paste at least one row."
    if len(text) > MAX_CSV_CHARS:
        return (
            f"The CSV has {len(text):,} characters; at most {MAX_CSV_CHARS:,} fit in this form. "
            "Upload a larger file with /acc inputs add."
        )
    return None


def open_csv_form(
    command: AddCsvInput,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> CsvForm:
    agent = resolve_agent(services, command.agent_path)  # an unknown path fails before the form
    return CsvForm(
        kind=CSV_FORM,
        agent_path=command.agent_path,
        agent_id=agent.agent_id,
        filename=command.filename or DEFAULT_CSV_NAME,
        max_chars=MAX_CSV_CHARS,
    )


def upload_csv_input(
    command: UploadCsvInput,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> CsvUploaded:
    problem = csv_name_problem(command.filename) or csv_problem(command.csv.text)
    if problem:
        raise InvalidInput(
            problem[:1].upper() + problem[1:] + ("" if problem.endswith(".") else ".")
        )
    services.acc.upload_input_csv(command.agent_id, command.filename, command.csv.text)
    with services.db.session() as session:
        input_files.remember(session, command.agent_id, [command.filename], actor.user_id)
    return CsvUploaded(
        agent_path=command.agent_path,
        filename=command.filename,
        rows=command.csv.rows,
        chars=len(command.csv.text),
        portal_url=services.acc_link(),
    )
