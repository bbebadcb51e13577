"""A rendered answer: what to post, to whom, and which files go with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.models.blocks import Block


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    title: str


@dataclass(frozen=True)
class Reply:
    text: str  # the notification text; also what screen readers read
    blocks: list[Block] = field(default_factory=list)
    announce: bool = False  # post in the channel for the team, not only to the asker
    uploads: list[Upload] = field(default_factory=list)

    def block_dicts(self) -> list[dict]:
        # to_dict() validates Block Kit limits (slack-sdk raises on a violation)
        return [block.to_dict() for block in self.blocks]
