"""Reading the zip archives ACC returns for logs and data (``api/run/{id}/log`` etc.).

ACC compresses every log and backup download. Slack shows a few lines, not a file, so
these helpers list an archive, read one text member and pick out the lines worth showing.

A log can be enormous while its zip is small (256 MiB of log lines deflate to under
1 MiB), and the watcher reads one for every failure alert, so a member is never
decompressed whole: at most ``MAX_EXCERPT_BYTES`` of it are inflated, in chunks, from
its start, and the sizes the archive declares are checked before anything is read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from accbot.backend.errors import InvalidResponse

TEXT_SUFFIXES = (".log", ".txt", ".csv")
MiB = 1024 * 1024
# The most of any one log that is decompressed to quote from it (CPU and memory stay
# small however large the log); the rest is never inflated.
MAX_EXCERPT_BYTES = 2 * MiB
DEFAULT_MAX_TEXT_BYTES = MAX_EXCERPT_BYTES
TRUNCATION_MARK = "[… the rest of the log was not read …]"
# No log or data archive of ACC holds more files; a larger count is refused before the
# central directory is parsed (each entry costs an object in memory).
MAX_ENTRIES = 10_000
# The end of central directory record is 22 bytes plus a comment of at most 64 KiB.
_EOCD_SEARCH = 22 + 65_535
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
    entries = declared_entries(data)
    if entries is not None and entries > MAX_ENTRIES:
        # zipfile would build an object per entry before a single one is looked at
        raise BadArchive(
            f"ACC's archive declares {entries:,} files; accbot reads archives of at most "
            f"{MAX_ENTRIES:,}"
        )
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise BadArchive(
            f"ACC sent a download that is not a zip archive ({len(data)} bytes)"
        ) from exc


def declared_entries(data: bytes) -> int | None:
    """How many files the archive's end record says it holds (None: no end record).

    Read from the last bytes alone (the end of central directory record, or its zip64
    form), so the count is known before the central directory is parsed.
    """
    window = max(0, len(data) - _EOCD_SEARCH)
    end = data.rfind(b"PK\x05\x06", window)
    if end < 0 or end + 22 > len(data):
        return None
    entries = int.from_bytes(data[end + 10 : end + 12], "little")
    locator = end - 20
    if entries == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        record = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[record : record + 4] == b"PK\x06\x06":
            entries = int.from_bytes(data[record + 32 : record + 40], "little")
    return entries


def list_files(data: bytes) -> list[ZipEntry]:
    """The files in an archive, in archive order (directories left out)."""
    with _open(data) as archive:
        return [ZipEntry(i.filename, i.file_size) for i in archive.infolist() if not i.is_dir()]


@dataclass(frozen=True)
class LogText:
    """The start of one archive member as text, and whether that is all of it."""

    name: str
    text: str
    size: int  # uncompressed bytes, as the archive declares them
    truncated: bool


def read_log(
    data: bytes, name: str | None = None, *, max_bytes: int = MAX_EXCERPT_BYTES
) -> LogText:
    """Decode one member as text: ``name``, or the first .log/.txt/.csv file.

    At most ``max_bytes`` are decompressed, from the start of the member; a longer one
    is cut at its last whole line and ends with ``TRUNCATION_MARK``. Invalid UTF-8 is
    replaced, a BOM dropped.
    """
    with _open(data) as archive:
        info = _pick(archive, name)
        _check_sizes(info, len(data))
        try:
            with archive.open(info) as member:
                raw = _read_head(member, max_bytes + 1)
        # zipfile raises NotImplementedError for a compression method it lacks and
        # RuntimeError for an encrypted member: both mean "this archive is unreadable"
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
            raise BadArchive(f"cannot read {info.filename!r} from ACC's archive: {exc}") from exc
    # the declared size may lie: what was actually inflated decides as well
    truncated = len(raw) > max_bytes or info.file_size > max_bytes
    # decoded straight from the buffer: no copy of the bytes just to drop the extra one
    text = str(memoryview(raw)[:max_bytes], "utf-8-sig", "replace")
    del raw
    if truncated:
        # The cut may fall inside a line; drop that partial last line.
        text = text[: text.rfind("\n") + 1] + TRUNCATION_MARK + "\n"
    return LogText(info.filename, text, info.file_size, truncated)


def read_text(data: bytes, name: str | None = None, *, max_bytes: int = MAX_EXCERPT_BYTES) -> str:
    """The text of :func:`read_log` alone."""
    return read_log(data, name, max_bytes=max_bytes).text


def _check_sizes(info: zipfile.ZipInfo, archive_bytes: int) -> None:
    """Refuse a member whose declared sizes cannot be true before inflating any of it."""
    if info.compress_size > archive_bytes or info.file_size < 0 or info.compress_size < 0:
        raise BadArchive(f"ACC's archive declares {info.filename!r} larger than the archive itself")


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


def _read_head(member: io.BufferedIOBase, limit: int) -> bytes:
    """At most ``limit`` bytes from the start of a member, inflated a chunk at a time."""
    chunks: list[bytes] = []
    size = 0
    while size < limit and (chunk := member.read(min(_READ_CHUNK, limit - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def error_lines(text: str, limit: int = 20) -> list[str]:
    """Lines that mention an error, exception or failure: trimmed, each shown once.

    Lines that differ only in a leading timestamp count as the same line. The text is
    searched as a whole and only the lines with a hit are looked at, so a few MiB of
    ordinary log lines cost one regex scan, not one per line.
    """
    found: list[str] = []
    seen: set[str] = set()
    next_line = 0
    for match in _ERROR_WORDS.finditer(text):
        if len(found) >= limit:
            break
        if match.start() < next_line:
            continue  # another hit on a line already looked at
        start = max(text.rfind("\n", 0, match.start()), text.rfind("\r", 0, match.start())) + 1
        end = _line_end(text, match.end())
        next_line = end + 1
        stripped = text[start:end].strip()
        if not _ERROR_WORDS.search(_NONE_COUNTED.sub("", stripped)):
            continue
        key = _LINE_PREFIX.sub("", stripped).lower()
        if key in seen:
            continue
        seen.add(key)
        found.append(_clip(stripped))
    return found


def _line_end(text: str, position: int) -> int:
    """Where the line holding ``position`` ends (a \\n, a lone \\r, or the end of text)."""
    ends = [i for i in (text.find("\n", position), text.find("\r", position)) if i >= 0]
    return min(ends) if ends else len(text)


@dataclass(frozen=True)
class LogSummary:
    """What a run's log archive says in a few lines: its error lines, else its last lines."""

    summary: str
    lines: list[str]
    files: list[str]  # the archive's members


def size_text(size: int) -> str:
    return f"{size / MiB:.0f} MiB" if size >= MiB else f"{size:,} bytes"


def summarize_log(data: bytes, limit: int = 15) -> LogSummary:
    """The log's error lines (at most ``limit``), or its last lines when it has none;
    the summary says when only the start of a long log was read.

    Both ``/acc log`` and the alert's log excerpt say it this way."""
    entries = list_files(data)
    log = read_log(data) if entries else None
    text = log.text if log is not None else ""
    errors = error_lines(text, limit=limit)
    cut = ""
    if log is not None and log.truncated:
        cut = f" (only its first {size_text(MAX_EXCERPT_BYTES)} of {size_text(log.size)} were read)"
    summary = (
        f"{len(errors)} error line(s) in the log{cut}"
        if errors
        else f"No error lines in the log{cut}; its last lines:"
    )
    return LogSummary(summary, errors or tail(text, lines=limit), [e.name for e in entries])


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
