"""Shards: every process puts an agent in the same shard, and replicas share them fairly."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from accbot.watcher.shards import fair_share, shard_of


def test_an_agent_is_in_the_same_shard_in_every_process():
    here = shard_of("acc", "9040F86D-BBC1-4038-9868-501145CC2370", 8)
    code = (
        "from accbot.watcher.shards import shard_of;"
        "print(shard_of('acc', '9040f86d-bbc1-4038-9868-501145cc2370', 8))"
    )
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert int(there) == here  # and the id's case does not matter


def test_the_kind_is_part_of_the_agents_identity():
    shards = {shard_of(kind, f"agent-{n}", 1024) for kind in ("acc", "sas") for n in range(3)}
    assert len(shards) == 6


def test_agents_spread_evenly_over_the_shards():
    counts = Counter(shard_of("acc", f"agent-{n:05d}", 8) for n in range(8000))
    assert set(counts) == set(range(8))
    assert all(900 <= count <= 1100 for count in counts.values())


@pytest.mark.parametrize(
    ("replicas", "shards", "shares"),
    [
        (["a"], 8, [8]),
        (["a", "b"], 8, [4, 4]),
        (["a", "b", "c"], 8, [3, 3, 2]),
        (["a", "b", "c"], 2, [1, 1, 0]),
    ],
)
def test_fair_shares_add_up_to_every_shard(replicas, shards, shares):
    assert [fair_share(replicas, r, shards) for r in replicas] == shares


def test_a_replica_not_yet_counted_counts_itself():
    assert fair_share(["b"], "a", 8) == 4
