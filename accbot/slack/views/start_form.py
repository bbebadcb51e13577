"""The start form (``/acc start`` with no path, ``--form``, or "Start…" on ``/acc agent``):
agent path when none was given, parameters one ``k=v`` a line, input files (those accbot
uploaded, or typed by name), log level, test run and multi-server.

Reading the submitted state back is here too, beside the block and action IDs it uses;
the checks themselves are the command line's (``parse_param_lines``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    CheckboxesElement,
    PlainTextInputElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from accbot.actions.context import Actor
from accbot.actions.results import StartForm
from accbot.commands.errors import CommandError
from accbot.commands.parser import parse_param_lines
from accbot.slack import ids
from accbot.slack.views import format as fmt

AGENT_BLOCK = "agent"
PARAMS_BLOCK = "params"
FILES_BLOCK = "files"
OTHER_FILES_BLOCK = "other_files"
LOG_LEVEL_BLOCK = "log_level"
OPTIONS_BLOCK = "options"
VALUE = "value"  # the action_id of every element: one element per block

TEST_OPTION = "test"
MULTI_OPTION = "multi"
LOG_LEVELS = {
    0: "0 — least detail",
    1: "1",
    2: "2",
    3: "3 — most detail",
}
OPTION_TEXT_LIMIT = 75  # Slack's limit for an option's text
OPTION_VALUE_LIMIT = 150
ERROR_LIMIT = 150


@dataclass(frozen=True)
class StartTarget:
    """What the form's ``private_metadata`` carries to the submission."""

    agent_path: str  # empty: the form asked for it
    channel_id: str | None

    def dumps(self) -> str:
        return json.dumps({"agent_path": self.agent_path, "channel_id": self.channel_id})

    @classmethod
    def loads(cls, text: str) -> StartTarget:
        data = json.loads(text)
        return cls(str(data["agent_path"]), data.get("channel_id"))


@dataclass
class StartChoices:
    """The submitted form, read and checked: what the run is started with, or the
    errors to show under the fields."""

    agent_path: str = ""
    params: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    log_level: int | None = None
    test: bool = False
    multi: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def _option(text: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=fmt.truncate(text, OPTION_TEXT_LIMIT)), value=value)


def start_modal(result: StartForm, actor: Actor) -> dict:
    defaults = result.defaults
    known = [name for name in result.known_files if len(name) <= OPTION_VALUE_LIMIT]
    blocks: list[Any] = []
    if result.agent_path:
        text = f"Start a run of `{fmt.escape(result.agent_path)}`"
        blocks.append(SectionBlock(text=fmt.truncate(text, 3000)))
    else:
        blocks.append(
            InputBlock(
                block_id=AGENT_BLOCK,
                label="Agent path",
                element=PlainTextInputElement(
                    action_id=VALUE, placeholder="sequentum/Test1/Test-Agent", max_length=500
                ),
            )
        )
    params_text = "\n".join(f"{k}={v}" for k, v in defaults.params.items())
    blocks.append(
        InputBlock(
            block_id=PARAMS_BLOCK,
            label="Input parameters (one k=v a line)",
            optional=True,
            element=PlainTextInputElement(
                action_id=VALUE,
                multiline=True,
                initial_value=params_text or None,
                placeholder="city=New York",
            ),
        )
    )
    chosen = [name for name in defaults.files if name in known]
    if known:
        blocks.append(
            InputBlock(
                block_id=FILES_BLOCK,
                label="Input files uploaded through accbot",
                optional=True,
                element=StaticMultiSelectElement(
                    action_id=VALUE,
                    placeholder="Choose input files",
                    options=[_option(name, name) for name in known],
                    initial_options=[_option(name, name) for name in chosen] or None,
                ),
            )
        )
    typed = [name for name in defaults.files if name not in chosen]
    blocks.append(
        InputBlock(
            block_id=OTHER_FILES_BLOCK,
            label="Other input files (names, comma-separated)"
            if known
            else "Input files (names, comma-separated)",
            optional=True,
            element=PlainTextInputElement(
                action_id=VALUE, initial_value=", ".join(typed) or None, placeholder="a.csv, b.txt"
            ),
        )
    )
    levels = [_option(text, str(level)) for level, text in LOG_LEVELS.items()]
    initial_level = levels[defaults.log_level] if defaults.log_level in LOG_LEVELS else None
    blocks.append(
        InputBlock(
            block_id=LOG_LEVEL_BLOCK,
            label="Log level",
            optional=True,
            element=StaticSelectElement(
                action_id=VALUE,
                placeholder="The agent's own setting",
                options=levels,
                initial_option=initial_level,
            ),
        )
    )
    options = [
        _option("Test run (not a production run)", TEST_OPTION),
        _option("Use multiple servers (new sessions)", MULTI_OPTION),
    ]
    initial = [o for o, on in zip(options, (defaults.test, defaults.multi), strict=True) if on]
    blocks.append(
        InputBlock(
            block_id=OPTIONS_BLOCK,
            label="Options",
            optional=True,
            element=CheckboxesElement(
                action_id=VALUE, options=options, initial_options=initial or None
            ),
        )
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Input files must have been uploaded before (`/acc inputs add`, "
                    "`/acc inputs csv`). The run is announced in this channel."
                )
            ]
        )
    )
    view = View(
        type="modal",
        callback_id=ids.START_MODAL,
        title="Start a run",
        submit="Start",
        close="Cancel",
        private_metadata=StartTarget(result.agent_path, actor.channel_id).dumps(),
        blocks=blocks,
    )
    return view.to_dict()  # validates Block Kit limits


def _state(view: dict[str, Any], block: str) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return (values.get(block) or {}).get(VALUE) or {}


def _selected(state: dict[str, Any]) -> list[str]:
    return [str(o.get("value")) for o in state.get("selected_options") or [] if o.get("value")]


def read_start_form(view: dict[str, Any], target: StartTarget) -> StartChoices:
    """The submitted form as choices, with an error per field that cannot be used."""
    choices = StartChoices(agent_path=target.agent_path)
    if not target.agent_path:
        choices.agent_path = (_state(view, AGENT_BLOCK).get("value") or "").strip()
        if not choices.agent_path:
            choices.errors[AGENT_BLOCK] = "Give the agent's path, e.g. sequentum/Test1/Test-Agent."
        elif choices.agent_path.lower().startswith("sas:"):
            choices.errors[AGENT_BLOCK] = "SAS agents cannot be started from accbot."
    try:
        choices.params = parse_param_lines(_state(view, PARAMS_BLOCK).get("value") or "")
    except CommandError as exc:
        choices.errors[PARAMS_BLOCK] = fmt.truncate(exc.message, ERROR_LIMIT)
    files = _selected(_state(view, FILES_BLOCK))
    typed = (_state(view, OTHER_FILES_BLOCK).get("value") or "").strip()
    if typed:
        names = [name.strip() for name in typed.split(",")]
        if not all(names):
            choices.errors[OTHER_FILES_BLOCK] = "A file name is empty: separate names with commas."
        files += [name for name in names if name and name not in files]
    choices.files = files
    level = (_state(view, LOG_LEVEL_BLOCK).get("selected_option") or {}).get("value")
    choices.log_level = int(level) if level is not None and str(level).isdigit() else None
    if choices.log_level is not None and choices.log_level not in LOG_LEVELS:
        choices.errors[LOG_LEVEL_BLOCK] = "Choose a log level from 0 to 3."
    options = _selected(_state(view, OPTIONS_BLOCK))
    choices.test = TEST_OPTION in options
    choices.multi = MULTI_OPTION in options
    return choices


def unknown_agent_error(path: str) -> dict[str, str]:
    return {AGENT_BLOCK: fmt.truncate(f"ACC has no agent at {path}.", ERROR_LIMIT)}
