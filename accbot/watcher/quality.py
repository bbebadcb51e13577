"""Data quality: a run that succeeds but brings back no data, or far less than usual.

Pure rules over numbers, so each is tested on plain lists. A watch with ``--empty``
alerts a successful run whose ``dataCount`` is 0; a watch with ``--drop P`` alerts a
successful run whose ``dataCount`` is more than P% below the median of the agent's last
MEDIAN_WINDOW successful runs before it — once there are at least MIN_HISTORY of them,
since a median of two runs says little about what is usual. An empty run that a
``--drop`` watch would also flag is one alert ("Empty"), not two.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EMPTY = "Empty"  # the status of an empty-run alert (its key: "<runId>:Empty")
DROP = "Drop"  # the status of a data-drop alert
QUALITY_STATUSES = (EMPTY, DROP)
MEDIAN_WINDOW = 10
MIN_HISTORY = 5
SPARK_LEVELS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class QualityRule:
    """What one watch asks of an agent's data counts."""

    empty: bool = False
    drop_percent: int | None = None

    @property
    def active(self) -> bool:
        return self.empty or self.drop_percent is not None


@dataclass(frozen=True)
class QualityFinding:
    """Why a successful run is alerted, with what the alert shows."""

    status: str  # EMPTY or DROP
    data_count: int
    median: float | None  # of the runs before it; None when there were none
    recent: tuple[int, ...]  # the counts the median came from, then this run's: oldest first
    drop_percent: int | None = None  # the watch's threshold, for a DROP

    @property
    def sparkline(self) -> str:
        return sparkline(self.recent)

    def payload(self) -> dict[str, Any]:
        """As kept in the alert's record (plain JSON), so a retry says the same."""
        return {
            "status": self.status,
            "data_count": self.data_count,
            "median": self.median,
            "recent": list(self.recent),
            "drop_percent": self.drop_percent,
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> QualityFinding:
        median = data.get("median")
        drop = data.get("drop_percent")
        return cls(
            status=str(data["status"]),
            data_count=int(data["data_count"]),
            median=None if median is None else float(median),
            recent=tuple(int(c) for c in data.get("recent") or ()),
            drop_percent=None if drop is None else int(drop),
        )

    @property
    def below_percent(self) -> int | None:
        """How far below the median the count is, in whole percent (None: no median)."""
        if not self.median:
            return None
        return round((1 - self.data_count / self.median) * 100)


def judge(data_count: int, previous: Sequence[int], rule: QualityRule) -> QualityFinding | None:
    """The finding for a successful run with ``data_count``, or None when it looks fine.

    ``previous`` holds the data counts of the agent's successful runs before this one,
    oldest first; only the last MEDIAN_WINDOW count.
    """
    window = tuple(previous[-MEDIAN_WINDOW:])
    middle = median(window)
    recent = (*window, data_count)
    if rule.empty and data_count == 0:
        return QualityFinding(EMPTY, data_count, middle, recent)
    if rule.drop_percent is not None and is_drop(data_count, window, rule.drop_percent):
        return QualityFinding(DROP, data_count, middle, recent, rule.drop_percent)
    return None


def is_drop(data_count: int, window: Sequence[int], percent: int) -> bool:
    """More than ``percent``% below the window's median (and the window long enough)."""
    if len(window) < MIN_HISTORY:
        return False
    middle = median(window)
    if middle is None or middle <= 0:
        return False
    return data_count * 100 < middle * (100 - percent)


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def sparkline(counts: Sequence[int]) -> str:
    """One bar per count, from zero (▁) to the largest (█): a drop to nothing shows."""
    if not counts:
        return ""
    top = max(counts)
    if top <= 0:
        return SPARK_LEVELS[0] * len(counts)
    steps = len(SPARK_LEVELS) - 1
    return "".join(SPARK_LEVELS[round(max(c, 0) / top * steps)] for c in counts)
