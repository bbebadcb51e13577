"""Reading the zip archives ACC returns for logs and data (``api/run/{id}/log`` etc.).

ACC compresses every log and backup download. Slack shows a few lines, not a file, so
these helpers list an archive, read one text member (bounded in size, so a huge or
hostile archive cannot exhaust memory) and pick out the lines worth showing.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass

from accbot.acc.errors import InvalidResponse

TEXT_SUFFIXES = (".log", ".txt", ".csv")
DEFAULT_MAX_TEXT_BYTES = 2 * 1024 * 1024
TRUNCATION_MARK = "[… earlier output truncated …]"
MAX_LINE_CHARS = 500
_READ_CHUNK = 64 * 1024

_ERROR_WORDS = re.compile(r"error|exception|failed", re.IGNORECASE)
# "Completed (0 errors)", "no errors", "Errors: 0": a count of none is no error line.
_NONE_COUNTED = re.compile(
    r"\b(?:0|no|zero)\s+(?:errors?|exceptions?|failed)\b"
    r"|\b(?:errors?|exceptions?|failed)\s*[:=]\s*0(?![\d.])",
    re.IGNORECASE,
)
# Timestamps, thread ids and counters that make otherwise identical log lines differ.
_LINE_PREFIX = re.compile(r"^\[?\d[\d\-/:.,TZ +]*\]?\s*")


class BadArchive(InvalidResponse):
    """ACC sent something that is not a readable zip archive."""


class EntryNotFound(BadArchive, LookupError):
    """The archive has no member with the requested name (or no text member at all)."""

    def __init__(self, message: str, *, name: str | None) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class ZipEntry:
    name: str
    size: int  # uncompressed bytes, as the archive declares it


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise BadArchive(
            f"ACC sent a download that is not a zip archive ({len(data)} bytes)"
        ) from exc


def list_files(data: bytes) -> list[ZipEntry]:
    """The files in an archive, in archive order (directories left out)."""
    with _open(data) as archive:
        return [ZipEntry(i.filename, i.file_size) for i in archive.infolist() if not i.is_dir()]


def read_text(
    data: bytes, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_TEXT_BYTES
) -> str:
    """Decode one member as text: ``name``, or the first .log/.txt/.csv file.

    A member longer than ``max_bytes`` keeps only its end (where a failing run's last
    errors are), after a truncation mark. Invalid UTF-8 is replaced, a BOM dropped.
    """
    with _open(data) as archive:
        info = _pick(archive, name)
        try:
            with archive.open(info) as member:
                raw, truncated = _read_tail(member, max_bytes)
        # zipfile raises NotImplementedError for a compression method it lacks and
        # RuntimeError for an encrypted member: both mean "this archive is unreadable"
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
            raise BadArchive(f"cannot read {info.filename!r} from ACC's archive: {exc}") from exc
    text = raw.decode("utf-8-sig", errors="replace")
    if truncated:
        # The cut may fall inside a line; drop that partial first line.
        text = TRUNCATION_MARK + "\n" + text.split("\n", 1)[-1]
    return text


def _pick(archive: zipfile.ZipFile, name: str | None) -> zipfile.ZipInfo:
    files = [i for i in archive.infolist() if not i.is_dir()]
    if name is not None:
        for info in files:
            if info.filename == name:
                return info
        raise EntryNotFound(f"ACC's archive has no file named {name!r}", name=name)
    for info in files:
        if info.filename.lower().endswith(TEXT_SUFFIXES):
            return info
    raise EntryNotFound("ACC's archive holds no .log, .txt or .csv file", name=None)


def _read_tail(member: io.BufferedIOBase, max_bytes: int) -> tuple[bytes, bool]:
    """Stream a member, keeping at most its last ``max_bytes`` bytes in memory."""
    kept: deque[bytes] = deque()
    size = 0
    truncated = False
    while chunk := member.read(_READ_CHUNK):
        kept.append(chunk)
        size += len(chunk)
        while size - len(kept[0]) >= max_bytes:
            size -= len(kept.popleft())
            truncated = True
    raw = b"".join(kept)
    if len(raw) > max_bytes:
        raw = raw[-max_bytes:]
        truncated = True
    return raw, truncated


def error_lines(text: str, limit: int = 20) -> list[str]:
    """Lines that mention an error, exception or failure: trimmed, each shown once.

    Lines that differ only in a leading timestamp count as the same line.
    """
    found: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        if len(found) >= limit:
            break
        stripped = line.strip()
        if not stripped or not _ERROR_WORDS.search(_NONE_COUNTED.sub("", stripped)):
            continue
        key = _LINE_PREFIX.sub("", stripped).lower()
        if key in seen:
            continue
        seen.add(key)
        found.append(_clip(stripped))
    return found


def tail(text: str, lines: int = 20) -> list[str]:
    """The last ``lines`` lines, right-trimmed, ignoring trailing blank lines."""
    if lines <= 0:
        return []
    all_lines = [line.rstrip() for line in text.splitlines()]
    while all_lines and not all_lines[-1]:
        all_lines.pop()
    return [_clip(line) for line in all_lines[-lines:]]


def _clip(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"
