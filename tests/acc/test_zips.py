"""Reading ACC's zipped logs and data: listing, decoding, error lines and tails."""

import io
import zipfile

import pytest

from accbot.acc.errors import InvalidResponse
from accbot.acc.zips import (
    MAX_EXCERPT_BYTES,
    TRUNCATION_MARK,
    BadArchive,
    EntryNotFound,
    ZipEntry,
    declared_entries,
    error_lines,
    list_files,
    read_log,
    read_text,
    tail,
)

LOG = """2019-05-21 13:52:14.302 Info  Agent quick started
2019-05-21 13:52:15.001 Info  Loading page http://www.sequentum.com
2019-05-21 13:52:16.120 Error Timeout loading page http://www.sequentum.com/help
2019-05-21 13:52:17.500 Error Timeout loading page http://www.sequentum.com/help
2019-05-21 13:52:18.000 Warn  System.NullReferenceException: Object reference not set
2019-05-21 13:52:19.000 Info  Action "Export" FAILED after 3 attempts
2019-05-21 13:52:23.656 Info  Completed with 2 errors
"""


def make_zip(files: dict[str, bytes | str], *, dirs: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for directory in dirs:
            archive.writestr(zipfile.ZipInfo(directory), b"")
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_list_files_in_archive_order_without_directories():
    data = make_zip({"logs/quick.log": LOG, "data.csv": "a,b\n1,2\n"}, dirs=("logs/",))
    assert list_files(data) == [
        ZipEntry("logs/quick.log", len(LOG.encode())),
        ZipEntry("data.csv", 8),
    ]


def test_read_text_takes_the_first_text_member_when_no_name_is_given():
    data = make_zip({"image.png": b"\x89PNG", "run.log": LOG, "data.csv": "x"})
    assert read_text(data) == LOG


def test_read_text_by_name():
    data = make_zip({"run.log": LOG, "data.csv": "a,b\n"})
    assert read_text(data, "data.csv") == "a,b\n"


def test_read_text_drops_a_bom_and_replaces_bad_bytes():
    data = make_zip({"data.csv": b"\xef\xbb\xbfname\n caf\xc3\xa9 \xff end\n"})
    assert read_text(data) == "name\n café \ufffd end\n"


def test_a_long_member_is_read_only_up_to_the_cap_from_its_start():
    lines = [f"line {i}" for i in range(50_000)]
    data = make_zip({"big.log": "\n".join(lines) + "\nFATAL error at the end\n"})
    log = read_log(data, max_bytes=10_000)
    assert log.truncated and log.name == "big.log"
    assert log.size > 300_000
    assert log.text.startswith("line 0\nline 1\n")
    assert log.text.endswith("\n" + TRUNCATION_MARK + "\n")
    assert "FATAL" not in log.text  # never inflated
    assert len(log.text.encode()) <= 10_000 + len(TRUNCATION_MARK.encode()) + 1
    # the cut line is dropped: every remaining line is whole
    body = log.text.splitlines()[:-1]
    assert body == [f"line {i}" for i in range(len(body))]


def test_the_default_cap_is_a_few_mib():
    assert 1024 * 1024 <= MAX_EXCERPT_BYTES <= 8 * 1024 * 1024


def test_a_member_that_inflates_past_its_declared_size_is_refused():
    data = bytearray(make_zip({"run.log": "y" * 50_000}))
    # lie in both size fields (local header at 22, central directory entry's at 24)
    header = data.index(b"PK\x03\x04")
    data[header + 22 : header + 26] = (100).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    with pytest.raises(BadArchive):
        read_log(bytes(data), max_bytes=1000)


def test_a_member_declaring_more_compressed_bytes_than_the_archive_holds_is_refused():
    data = bytearray(make_zip({"run.log": LOG}))
    central = data.index(b"PK\x01\x02")
    data[central + 20 : central + 24] = (10**9).to_bytes(4, "little")
    with pytest.raises(BadArchive, match="larger than the archive"):
        read_text(bytes(data))


def test_error_lines_are_found_across_crlf_and_lone_cr_line_ends():
    text = "ok\r\nError one\r\nfine\rexception two\rlast failed\n"
    assert error_lines(text) == ["Error one", "exception two", "last failed"]


def test_a_member_of_exactly_the_cap_is_not_truncated():
    data = make_zip({"a.txt": "x" * 100})
    assert read_text(data, max_bytes=100) == "x" * 100


def test_missing_member_is_entry_not_found():
    data = make_zip({"run.log": LOG})
    with pytest.raises(EntryNotFound) as info:
        read_text(data, "other.log")
    assert info.value.name == "other.log"
    assert isinstance(info.value, LookupError)


def test_archive_without_text_files():
    with pytest.raises(EntryNotFound, match=r"no \.log, \.txt or \.csv"):
        read_text(make_zip({"image.png": b"\x89PNG"}))


@pytest.mark.parametrize("data", [b"", b"not a zip", b"<html>Login</html>", b"PK\x03\x04broken"])
def test_bad_archives_raise_a_typed_error(data):
    with pytest.raises(BadArchive) as info:
        list_files(data)
    assert isinstance(info.value, InvalidResponse)
    with pytest.raises(BadArchive):
        read_text(data)


def test_a_corrupted_member_is_a_bad_archive():
    data = bytearray(make_zip({"run.log": LOG * 20}))
    start = data.index(b"run.log") + len("run.log") + 10  # inside the compressed bytes
    data[start : start + 40] = b"\x00" * 40
    with pytest.raises(BadArchive):
        read_text(bytes(data))


def test_error_lines_are_found_trimmed_and_deduplicated():
    assert error_lines(LOG) == [
        "2019-05-21 13:52:16.120 Error Timeout loading page http://www.sequentum.com/help",
        "2019-05-21 13:52:18.000 Warn  System.NullReferenceException: Object reference not set",
        '2019-05-21 13:52:19.000 Info  Action "Export" FAILED after 3 attempts',
        "2019-05-21 13:52:23.656 Info  Completed with 2 errors",
    ]


def test_error_lines_respect_the_limit():
    text = "\n".join(f"error number {i}" for i in range(100))
    assert error_lines(text, limit=3) == ["error number 0", "error number 1", "error number 2"]
    assert error_lines(text, limit=0) == []


def test_error_lines_of_a_clean_log_is_empty():
    assert error_lines("all good\nCompleted\n") == []


def test_a_count_of_no_errors_is_not_an_error_line():
    log = (
        "10:00:01 Agent finished: Completed (0 errors)\n"
        "10:00:02 No errors found\n"
        "10:00:03 Errors: 0, warnings: 2\n"
        "10:00:04 Agent finished: Completed (10 errors)\n"
        "10:00:05 0 errors on page 1, then an Error loading page 2\n"
    )
    assert error_lines(log) == [
        "10:00:04 Agent finished: Completed (10 errors)",
        "10:00:05 0 errors on page 1, then an Error loading page 2",
    ]


def test_tail_returns_the_last_lines_without_trailing_blanks():
    text = "\n".join(f"line {i}" for i in range(30)) + "\n\n  \n"
    assert tail(text, 3) == ["line 27", "line 28", "line 29"]
    assert tail(text) == [f"line {i}" for i in range(10, 30)]
    assert tail("short\n", 20) == ["short"]
    assert tail(text, 0) == []
    assert tail("") == []


def test_very_long_lines_are_clipped():
    (line,) = tail("x" * 5000)
    assert len(line) == 500 and line.endswith("…")


def test_an_archive_declaring_too_many_files_is_refused_before_it_is_parsed():
    data = bytearray(make_zip({"run.log": LOG}))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = (60_000).to_bytes(2, "little") * 2  # entries here, in total
    with pytest.raises(BadArchive, match="declares 60,000 files"):
        list_files(bytes(data))
    with pytest.raises(BadArchive):
        read_text(bytes(data))


def test_the_declared_file_count_is_read_from_the_end_record():
    files = {f"f{i}.csv": b"x" for i in range(12)}
    assert declared_entries(make_zip(files)) == 12
    assert declared_entries(b"not a zip") is None


def test_a_zip64_end_record_is_followed_for_the_count(monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 0)  # write the zip64 end record
    data = bytearray(make_zip({"a.log": "x", "b.log": "y"}))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = b"\xff" * 4  # "see the zip64 record", as large archives say
    assert declared_entries(bytes(data)) == 2
    assert [e.name for e in list_files(bytes(data))] == ["a.log", "b.log"]
