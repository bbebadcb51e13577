"""An observation as JSON data and back, so an alert's record holds facts, not a message.

The watcher records each alert before it is posted; what it records is the observation
(with the backend's own run model) as plain JSON, and whoever posts it later renders it
then. Only the run models in ``ORIGINALS`` are stored; their fields are encoded by type
(times as ISO 8601, durations in seconds, enums by value, nested dataclasses as objects),
read back with the same type hints, so a record written today reads the same tomorrow.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import datetime, timedelta
from typing import Any

from accbot.acc.models import AgentRun, JobRun
from accbot.watching.observation import Observation
from accbot.watching.sas import SasRun

ORIGINALS: dict[str, type] = {"acc_run": AgentRun, "acc_job": JobRun, "sas_run": SasRun}
_NAMES = {klass: name for name, klass in ORIGINALS.items()}


class UnreadableRecord(ValueError):
    """A stored observation this version cannot read back (an unknown run model)."""


def encode_observation(observation: Observation) -> dict[str, Any]:
    data = _encode_fields(observation, exclude=("original",))
    original = observation.original
    if original is not None:
        name = _NAMES.get(type(original))
        if name is None:
            raise UnreadableRecord(f"{type(original).__name__} is not a storable run model")
        data["original"] = {"type": name, "fields": _encode_fields(original)}
    return data


def decode_observation(data: dict[str, Any]) -> Observation:
    raw = dict(data)
    stored = raw.pop("original", None)
    original = None
    if stored is not None:
        klass = ORIGINALS.get(stored.get("type"))
        if klass is None:
            raise UnreadableRecord(f"unknown run model {stored.get('type')!r}")
        original = _decode(klass, stored.get("fields") or {})
    observation = _decode(Observation, raw)
    return dataclasses.replace(observation, original=original)


def _encode_fields(value: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        f.name: _encode(getattr(value, f.name))
        for f in dataclasses.fields(value)
        if f.name not in exclude
    }


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode_fields(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def _decode(klass: type, data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(klass)
    values = {
        f.name: _decode_value(hints[f.name], data[f.name])
        for f in dataclasses.fields(klass)
        if f.name in data
    }
    return klass(**values)


def _decode_value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode_value(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_decode_value(item, v) for v in value)
    if origin is list:
        item = typing.get_args(hint)[0]
        return [_decode_value(item, v) for v in value]
    if origin is dict:
        return dict(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is timedelta:
        return timedelta(seconds=value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode(hint, value)
    return value
