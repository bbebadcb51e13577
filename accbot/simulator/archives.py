"""Log text and zip archives, the binary answers of the log and backup endpoints.

ACC returns logs and data "compressed"; the simulator answers with real zip files so a
client has to open them as it would in production. Failed runs' logs carry ``Error``
lines because the bot shows those lines in its failure alerts.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta

from accbot.simulator.models import RUN_STATUS_MESSAGES


def zip_files(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond // 1000:03d}"


def make_log(agent_name: str, started: datetime, status: int, errors: int, log_level: int) -> str:
    """A plausible Sequentum run log; ``errors`` Error lines when the run did not succeed."""
    lines = [
        f"{_stamp(started)} Info    Starting agent '{agent_name}' (log level {log_level})",
        f"{_stamp(started + timedelta(seconds=1))} Info    Loading https://www.example.com/{agent_name}",
    ]
    moment = started + timedelta(seconds=2)
    if status in (5, 7):
        for index in range(max(errors, 1)):
            lines.append(
                f"{_stamp(moment)} Error   Error in command 'Extract price' on page {index + 1}: "
                "element '.price' not found (timeout after 30s)"
            )
            moment += timedelta(seconds=1)
    else:
        lines.append(f"{_stamp(moment)} Info    Extracted 25 rows")
    lines.append(
        f"{_stamp(moment + timedelta(seconds=1))} Info    Agent finished: "
        f"{RUN_STATUS_MESSAGES.get(status, status)} ({errors} errors)"
    )
    return "\r\n".join(lines) + "\r\n"
