"""Request parsing helpers shared by the route modules.

ACC is an ASP.NET service: JSON property names match case-insensitively, unknown
properties are ignored, and a value of the wrong type is a 400. These helpers apply
exactly that, raising SimError so every refusal has a ``{"message": ...}`` body.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from accbot.simulator.errors import SimError, bad_request
from accbot.simulator.formats import is_guid


def ok() -> Response:
    """200 with an empty body: what ACC's undocumented-output endpoints answer."""
    return Response(status_code=200)


def json_ok(payload: Any) -> JSONResponse:
    return JSONResponse(payload)


def guid_param(request: Request, name: str) -> str:
    value = request.path_params[name]
    if not is_guid(value):
        raise bad_request(f"'{value}' is not a valid GUID")
    return value.lower()


def count_param(request: Request, default: int = 100) -> int:
    raw = request.query_params.get("count")
    if raw is None or raw == "":
        return default
    try:
        count = int(raw)
    except ValueError:
        raise bad_request(f"count must be a whole number, not '{raw}'") from None
    if count < 0:
        raise bad_request("count must not be negative")
    return count


async def json_body(request: Request, *, required: bool = False) -> Any:
    """The decoded JSON body; None for an empty body unless ``required``."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise bad_request("A request body is required")
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request body is not valid JSON") from None


class Fields:
    """Case-insensitive, type-checked access to a JSON object body."""

    def __init__(self, body: Any) -> None:
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        self._values = {str(k).lower(): v for k, v in body.items()}

    def has(self, name: str) -> bool:
        return name.lower() in self._values

    def raw(self, name: str) -> Any:
        return self._values.get(name.lower())

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a string")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise bad_request(f"{name} must be true or false")
        return value

    def integer(self, name: str, default: int | None, low: int, high: int) -> int | None:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"{name} must be a whole number")
        if not low <= value <= high:
            raise bad_request(f"{name} must be between {low} and {high}")
        return value

    def string_list(self, name: str) -> list[str]:
        value = self.raw(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request(f"{name} must be a list of file names")
        return value

    def parameters(self, name: str = "inputParameters") -> str | None:
        """inputParameters is a JSON *string* holding an object of name/value pairs."""
        value = self.raw(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a string containing a JSON object")
        try:
            decoded = json.loads(value)
        except ValueError:
            raise bad_request(f"{name} is not valid JSON") from None
        if not isinstance(decoded, dict):
            raise bad_request(f"{name} must be a JSON object of name/value pairs")
        return value


async def sim_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SimError)
    return JSONResponse({"message": exc.message}, status_code=exc.status)
