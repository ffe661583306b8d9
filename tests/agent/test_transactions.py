"""The exactly-once publisher's offset bookkeeping and commit cut (the Kafka side is in
tests/integration/test_faults.py)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from faust.types import TP

from ingest.gaps import holes as _holes
from ingest.transactions import leave_raw_commits_to_transactions


@pytest.mark.parametrize(
    ("offsets", "floor", "expected"),
    [
        ([5, 6, 7], 5, None),  # contiguous from the floor
        ([1, 2, 5, 6], 5, None),  # below the floor: committed already, skipped
        ([7, 8], 5, (5, 7)),  # a batch that was not committed left 5 and 6 out
        ([5, 7, 9], 5, (6, 9)),  # holes inside the batch: read [6, 9), keep what is missing
        ([3, 9], 5, (5, 9)),
        ([], 5, None),
    ],
)
def test_holes_between_floor_and_last_offset(offsets: list[int], floor: int, expected: tuple[int, int] | None) -> None:
    assert _holes(offsets, floor) == expected


class _Thread:
    def __init__(self) -> None:
        self.tp_last_committed_at: dict[TP, float] = {}


class _Consumer:
    """faust's consumer as far as the commit cut sees it: `_commit(offsets)` and its thread."""

    def __init__(self) -> None:
        self._thread = _Thread()
        self.commits: list[dict[TP, int]] = []

    async def _commit(self, offsets: Mapping[TP, int]) -> bool:
        self.commits.append(dict(offsets))
        return True


async def test_faust_commits_no_raw_offsets_under_exactly_once() -> None:
    consumer = _Consumer()
    leave_raw_commits_to_transactions(consumer, "raw")
    leave_raw_commits_to_transactions(consumer, "raw")  # once per consumer: not wrapped twice
    assert await consumer._commit({TP("raw", 0): 7, TP("raw", 3): 2, TP("requests", 1): 40})
    assert await consumer._commit({TP("raw", 1): 9})  # nothing left to commit: reported done
    assert consumer.commits == [{TP("requests", 1): 40}]
    assert set(consumer._thread.tp_last_committed_at) == {TP("raw", 0), TP("raw", 3), TP("raw", 1)}
