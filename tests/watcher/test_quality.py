"""The data-quality rules on plain numbers: empty runs, drops below the median, sparklines."""

from __future__ import annotations

import pytest

from accbot.watcher.quality import (
    DROP,
    EMPTY,
    MEDIAN_WINDOW,
    QualityFinding,
    QualityRule,
    judge,
    median,
    sparkline,
)

USUAL = [100, 120, 90, 110, 100]  # median 100


def test_an_empty_run_is_alerted_when_the_watch_asks_for_it() -> None:
    finding = judge(0, [], QualityRule(empty=True))
    assert finding is not None
    assert (finding.status, finding.data_count, finding.median) == (EMPTY, 0, None)
    assert judge(0, [], QualityRule()) is None
    assert judge(0, USUAL, QualityRule(drop_percent=None)) is None


def test_a_run_with_data_is_not_empty() -> None:
    assert judge(1, USUAL, QualityRule(empty=True)) is None


def test_a_drop_is_more_than_the_percentage_below_the_median() -> None:
    rule = QualityRule(drop_percent=50)
    assert judge(50, USUAL, rule) is None  # exactly half: not more than 50% below
    finding = judge(49, USUAL, rule)
    assert finding is not None
    assert (finding.status, finding.median, finding.below_percent) == (DROP, 100.0, 51)
    assert finding.drop_percent == 50


def test_no_drop_is_alerted_until_there_are_five_earlier_runs() -> None:
    rule = QualityRule(drop_percent=50)
    assert judge(1, USUAL[:4], rule) is None
    assert judge(1, USUAL, rule) is not None


def test_only_the_last_ten_runs_make_the_median() -> None:
    old_and_huge = [10_000] * 20
    recent = [10] * MEDIAN_WINDOW
    finding = judge(4, old_and_huge + recent, QualityRule(drop_percent=50))
    assert finding is not None and finding.median == 10.0
    assert finding.recent == (*recent, 4)
    assert judge(6, old_and_huge + recent, QualityRule(drop_percent=50)) is None


def test_an_empty_run_that_is_also_a_drop_is_one_empty_finding() -> None:
    finding = judge(0, USUAL, QualityRule(empty=True, drop_percent=50))
    assert finding is not None and finding.status == EMPTY and finding.median == 100.0


def test_an_empty_run_counts_as_a_drop_for_a_watch_without_empty() -> None:
    finding = judge(0, USUAL, QualityRule(drop_percent=50))
    assert finding is not None and finding.status == DROP and finding.below_percent == 100


def test_a_median_of_zero_has_nothing_to_drop_from() -> None:
    assert judge(0, [0, 0, 0, 0, 0], QualityRule(drop_percent=10)) is None


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([1, 2, 3, 10]) == 2.5
    assert median([]) is None


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ([], ""),
        ([0, 0], "▁▁"),
        ([0, 1, 2, 3, 4, 5, 6, 7], "▁▂▃▄▅▆▇█"),
        ([100, 100, 100, 0], "███▁"),
        ([5], "█"),
    ],
)
def test_the_sparkline_scales_counts_from_zero_to_the_largest(counts, line) -> None:
    assert sparkline(counts) == line


def test_a_finding_draws_its_recent_counts() -> None:
    finding = judge(10, [100, 100, 80, 100, 100], QualityRule(drop_percent=50))
    assert finding is not None and finding.sparkline == "██▇██▂"


def test_a_finding_survives_its_record() -> None:
    finding = judge(10, [100, 100, 80, 100, 100], QualityRule(drop_percent=50))
    assert finding is not None
    assert QualityFinding.of(finding.payload()) == finding
    empty = judge(0, [], QualityRule(empty=True))
    assert empty is not None and QualityFinding.of(empty.payload()) == empty
