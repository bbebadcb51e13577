"""Block helpers shared by the list views: long lists split into sections Slack accepts."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from accbot.slack.views import format as fmt

SECTION_TEXT_LIMIT = 3000


def line_sections(lines: list[str], *, limit: int = SECTION_TEXT_LIMIT) -> list[SectionBlock]:
    """One section per run of lines that fits Slack's section text limit; a single line
    longer than the limit is cut, so no line is ever split across two sections."""
    sections: list[SectionBlock] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = fmt.truncate(line, limit)
        if current and size + 1 + len(line) > limit:
            sections.append(SectionBlock(text="\n".join(current)))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        sections.append(SectionBlock(text="\n".join(current)))
    return sections
