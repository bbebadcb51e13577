"""The one exception state methods raise so the HTTP layer can answer like ACC does.

State logic stays free of Starlette; the app turns a ``SimError`` into a JSON body
``{"message": ...}`` with the carried status code.
"""

from __future__ import annotations


class SimError(Exception):
    """A refusal with an HTTP status (400 bad request, 404 unknown, 409 conflict)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# The API document's own words for the backup endpoints, quoted in their 404 answers.
BACKUP_HINT = "The agent or Sequentum server must be configured to store backup data."


def not_found(message: str) -> SimError:
    return SimError(404, message)


def bad_request(message: str) -> SimError:
    return SimError(400, message)
