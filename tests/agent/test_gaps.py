"""Holes in what faust hands out are read from Kafka (the Kafka side is in tests/integration/test_faults.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.config import Settings
from ingest.gaps import GapFiller, PartitionReader, Refetched


@dataclass
class Msg:
    partition: int
    offset: int
    generation_id: int | None = 1
    topic: str = "raw"


class LogReader(PartitionReader):
    """A raw topic of 100 messages per partition; committed offsets as given."""

    def __init__(self, committed: dict[int, int]) -> None:
        super().__init__(Settings.from_env({}), "raw")
        self.offsets = committed
        self.reads: list[tuple[int, int, int]] = []

    async def committed(self, partition: int) -> int | None:
        return self.offsets.get(partition)

    async def beginning(self, partition: int) -> int:
        return 0

    async def read(self, partition: int, start: int, end: int, timeout_s: float = 30.0) -> list[Refetched]:
        self.reads.append((partition, start, end))
        return [Refetched("raw", partition, o, None, None, b"{}") for o in range(start, min(end, 100))]


def offsets(batch: list[object]) -> list[tuple[int, int, bool]]:
    return [(m.partition, m.offset, isinstance(m, Refetched)) for m in batch]  # type: ignore[attr-defined]


async def test_a_message_left_out_is_read_and_processed_in_order() -> None:
    reader = LogReader({0: 10})
    gaps = GapFiller(reader)
    batch = await gaps.fill([Msg(0, 10), Msg(0, 11), Msg(0, 13), Msg(0, 14)], 1)
    assert offsets(batch) == [(0, 10, False), (0, 11, False), (0, 12, True), (0, 13, False), (0, 14, False)]
    assert reader.reads == [(0, 12, 13)] and gaps.refetched == 1


async def test_the_floor_follows_processed_batches_and_is_read_again_after_a_rebalance() -> None:
    reader = LogReader({0: 10})
    gaps = GapFiller(reader)
    first = await gaps.fill([Msg(0, 10), Msg(0, 11)], 1)
    gaps.done(first)
    later = await gaps.fill([Msg(0, 15)], 1)  # 12..14 never came
    assert offsets(later) == [(0, 12, True), (0, 13, True), (0, 14, True), (0, 15, False)]
    gaps.done(later)
    reader.offsets[0] = 30  # another worker processed up to 30 meanwhile
    after = await gaps.fill([Msg(0, 30, generation_id=2)], 2)
    assert offsets(after) == [(0, 30, False)] and reader.reads == [(0, 12, 15)]


async def test_no_committed_offset_starts_at_the_batch_and_repeats_are_dropped() -> None:
    reader = LogReader({})
    gaps = GapFiller(reader)
    batch = await gaps.fill([Msg(1, 40), Msg(1, 40), Msg(1, 41), Msg(0, 3)], 1)
    assert offsets(batch) == [(1, 40, False), (1, 41, False), (0, 3, False)]
    assert reader.reads == []


async def test_redelivered_messages_below_the_floor_are_kept() -> None:
    reader = LogReader({0: 10})
    gaps = GapFiller(reader)
    gaps.done(await gaps.fill([Msg(0, 10), Msg(0, 11)], 1))
    again = await gaps.fill([Msg(0, 10), Msg(0, 11), Msg(0, 12)], 1)  # faust sought back
    assert offsets(again) == [(0, 10, False), (0, 11, False), (0, 12, False)] and reader.reads == []


async def test_idle_tails_names_partitions_left_below_the_high_watermark_once() -> None:
    reader = LogReader({0: 10, 1: 50})
    gaps = GapFiller(reader)
    gaps.done(await gaps.fill([Msg(0, 10), Msg(0, 11)], 1))  # floor 12; partition 1: committed 50
    gaps.release()
    high = {0: 20, 1: 50}.get
    assert await gaps.idle_tails([0, 1], 1, high, idle_s=60) == {}  # a batch just ran
    assert await gaps.idle_tails([0, 1], 1, high, idle_s=0) == {0: 12}
    assert await gaps.idle_tails([0, 1], 1, high, idle_s=0) == {}  # already sought back to 12
    assert await gaps.idle_tails([0, 1], 2, high, idle_s=0) == {0: 10}  # new generation: committed
    batch = await gaps.fill([Msg(0, 12, generation_id=2)], 2)  # 10 and 11 read back
    assert await gaps.idle_tails([0], 2, high, idle_s=0) == {}  # a batch in flight
    gaps.done(batch)
    gaps.release()
    assert await gaps.idle_tails([0], 2, high, idle_s=0) == {0: 13}  # 13..19 never came


async def test_idle_tails_seeks_a_partition_never_committed_back_to_its_start() -> None:
    # seen in bench/run.py with 2 workers: two raw partitions half processed, never committed,
    # then no more messages handed out; with no floor to go by the tail was left alone for good
    reader = LogReader({1: 50})
    gaps = GapFiller(reader)
    gaps.done(await gaps.fill([Msg(0, 0), Msg(0, 1)], 1))  # in generation 1
    gaps.release()
    high = {0: 40, 1: 50}.get
    assert await gaps.idle_tails([0, 1], 2, high, idle_s=0) == {0: 0}  # generation 2, nothing committed
    assert await gaps.idle_tails([0, 1], 2, high, idle_s=0) == {}  # once per floor
