"""Sentences actions say, as data: the bot's own words plus typed values.

Actions must not format for a front end (no ``<@U…>``, backticks or ``*bold*``), yet
"restarted run 9040… of agent sequentum/x" is worth writing once, where the action
knows what happened. A ``Phrase`` keeps that wording with every value typed: a plain
``str`` part is text (the front end escapes it, whoever wrote it), ``Code`` is a value
shown verbatim (a path, an id, a cron expression), ``UserRef``/``ChannelRef`` carry
Slack ids, ``Moment`` a datetime and ``Heading`` a title. Slack renders them as mrkdwn
(``accbot.slack.views.phrase``), the CLI as plain text (``accbot.cli.render``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

PLAIN_TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


@dataclass(frozen=True)
class Code:
    """A value shown exactly as it is: an agent path, a run id, a cron expression."""

    text: str


@dataclass(frozen=True)
class UserRef:
    """A person by id: a Slack user or group id, or ``cli:<login>``."""

    id: str


@dataclass(frozen=True)
class ChannelRef:
    """A Slack channel by id."""

    id: str


@dataclass(frozen=True)
class Moment:
    at: datetime


@dataclass(frozen=True)
class Heading:
    """The title of a list the bot shows ("Watches")."""

    text: str


Part = str | Code | UserRef | ChannelRef | Moment | Heading


def plain_time(moment: datetime) -> str:
    """A time to the second in UTC: what a terminal, a log or an audit row shows."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(PLAIN_TIME_FORMAT)


@dataclass(frozen=True)
class Phrase:
    parts: tuple[Part, ...]

    def __str__(self) -> str:
        """Plain text with ids as they are: for the audit log and exception messages."""
        return "".join(_plain(part) for part in self.parts)

    def __add__(self, other: Phrase | Part) -> Phrase:
        more = other.parts if isinstance(other, Phrase) else (other,)
        return Phrase(self.parts + more)


def say(*parts: Part | Phrase) -> Phrase:
    """``say("restarted run ", Code(run_id))``: a phrase from parts (phrases flatten)."""
    flat: list[Part] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Phrase) else (part,))
    return Phrase(tuple(flat))


def joined(items: list[Phrase] | list[Part], separator: str = ", ") -> Phrase:
    """Items with ``separator`` between them, e.g. a list of schedule ids."""
    out: list[Part | Phrase] = []
    for index, item in enumerate(items):
        if index:
            out.append(separator)
        out.append(item)
    return say(*out)


def pairs(params: Mapping[str, str]) -> Phrase:
    """Input parameters as ``k=v, k2=v2``: text like any other (front ends escape it)."""
    return say(", ".join(f"{key}={value}" for key, value in params.items()))


def _plain(part: Part) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Code | Heading):
        return part.text
    if isinstance(part, UserRef):
        return part.id
    if isinstance(part, ChannelRef):
        return f"#{part.id}"
    return plain_time(part.at)
