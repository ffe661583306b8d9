"""The exactly-once publisher's offset bookkeeping (the Kafka side is in tests/integration/test_faults.py)."""

from __future__ import annotations

import pytest

from ingest.gaps import holes as _holes


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
