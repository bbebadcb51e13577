"""The ``/acc inputs add`` form: a file input for csv, txt and zip files, and the
metadata that carries the agent and the channel to the submission."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from accbot.acc.models import ALLOWED_INPUT_SUFFIXES
from accbot.actions.context import Actor
from accbot.actions.results import OpenModal
from accbot.slack import ids
from accbot.slack.views import format as fmt

FILES_BLOCK = "files"
FILES_ACTION = "files"
FILE_TYPES = [suffix.lstrip(".") for suffix in ALLOWED_INPUT_SUFFIXES]
MAX_FILES = 10  # Slack's own limit for one file input


@dataclass(frozen=True)
class UploadTarget:
    """What the form's ``private_metadata`` carries from the command to the submission."""

    agent_path: str
    agent_id: str
    channel_id: str | None

    def dumps(self) -> str:
        return json.dumps(
            {
                "agent_path": self.agent_path,
                "agent_id": self.agent_id,
                "channel_id": self.channel_id,
            }
        )

    @classmethod
    def loads(cls, text: str) -> UploadTarget:
        data = json.loads(text)
        return cls(str(data["agent_path"]), str(data["agent_id"]), data.get("channel_id"))


def inputs_modal(result: OpenModal, actor: Actor) -> dict:
    target = UploadTarget(result.agent_path, result.agent_id, actor.channel_id)
    view = View(
        type="modal",
        callback_id=ids.INPUTS_MODAL,
        title="Upload input files",
        submit="Upload",
        close="Cancel",
        private_metadata=target.dumps(),
        blocks=[
            SectionBlock(
                text=fmt.truncate(f"Input files for agent `{fmt.escape(result.agent_path)}`", 3000)
            ),
            InputBlock(
                block_id=FILES_BLOCK,
                label="Files (csv, txt or zip)",
                element=FileInputElement(
                    action_id=FILES_ACTION, filetypes=FILE_TYPES, max_files=MAX_FILES
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="A file with the name of an existing input file replaces it. "
                        "A zip adds every csv and txt file inside it."
                    )
                ]
            ),
        ],
    )
    return view.to_dict()  # validates Block Kit limits


def submission_errors(names: list[str]) -> dict[str, str]:
    """What the form shows under the file input when the submission cannot be used."""
    if not names:
        return {FILES_BLOCK: "Choose at least one file."}
    bad = [n for n in names if not n.lower().endswith(ALLOWED_INPUT_SUFFIXES)]
    if bad:
        return {
            FILES_BLOCK: fmt.truncate(f"Only csv, txt and zip files: not {', '.join(bad)}", 150)
        }
    return {}
