"""Missing offsets: found in what faust hands an agent, read from Kafka, processed in order.

faust (0.15) can leave a message out of what it hands an agent: it hands a message out once per
session (a run it skipped around a rebalance is not handed out again while the partition stays
here), and its commit then goes past the hole when the hole is a single message (its head-gap
check is off by one) or stops committing for good when it is longer. Both were seen in
tests/integration/test_faults.py: one raw message with no output after a restart; a worker idle
with 67 raw messages never processed. The dedup requests topic goes through the same consumer:
a put left out would leave an article out of the index.

So before processing, each partition's part of a batch (raw topic) or each request (dedup
requests topic) is made to run without holes from the partition's floor: the group's committed
offset when the partition is first seen in a consumer group generation, then the offset after
the last message processed here. Messages missing in between are read from Kafka
(read_committed: none where an offset holds a transaction marker or was deleted) and processed
first, in offset order; the caller acks them in faust so its commit goes on. Messages below the
floor are kept (at-least-once: they were redelivered after a seek); repeats within a batch are
dropped.

A hole at the end of a raw partition shows no later message; so when the worker has had no batch
for a while, `idle_tails` names the owned partitions whose floor is below the high watermark,
and the caller seeks them back to the floor (once per floor: control records of transactional
producers also sit below the high watermark). A request partition needs no such check: requests
left out at its end are read before the next request to that partition is answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from ingest.config import Settings
from ingest.kafka import client_options

log = logging.getLogger("ingest.gaps")


@dataclass(frozen=True)
class Refetched:
    """A message read again from Kafka to fill a gap (faust's message attributes)."""

    topic: str
    partition: int
    offset: int
    timestamp: float | None  # seconds, as faust has it
    key: bytes | None
    value: bytes
    generation_id: int | None = None


def holes(offsets: Sequence[int], floor: int) -> tuple[int, int] | None:
    """[first, last + 1) of the offsets from `floor` up to the last of the sorted `offsets` that
    are not among them, or None when there are none."""
    first = last = None
    expected = floor
    for offset in offsets:
        if offset > expected:
            first = expected if first is None else first
            last = offset
        expected = max(expected, offset + 1)
    return None if first is None or last is None else (first, last)


def by_partition(raw_messages: Sequence[Any]) -> dict[int, dict[int, Any]]:
    """The batch's messages per partition and offset (the first of repeats)."""
    out: dict[int, dict[int, Any]] = {}
    for m in raw_messages:
        out.setdefault(int(m.partition), {}).setdefault(int(m.offset), m)
    return out


class PartitionReader:
    """Reads ranges of one topic the app consumes, and the group's committed offsets on it, with
    its own clients."""

    def __init__(self, settings: Settings, topic: str) -> None:
        self.settings = settings
        self.topic = topic
        self._admin: AIOKafkaAdminClient | None = None
        self._reader: AIOKafkaConsumer | None = None

    async def committed(self, partition: int) -> int | None:
        """The group's committed offset of `partition` (None if none)."""
        if self._admin is None:
            self._admin = AIOKafkaAdminClient(**client_options(self.settings.kafka))
            await self._admin.start()
        tp = TopicPartition(self.topic, partition)
        offsets = await self._admin.list_consumer_group_offsets(self.settings.app_id, partitions=[tp])
        found = offsets.get(tp)
        return found.offset if found is not None and found.offset >= 0 else None

    async def beginning(self, partition: int) -> int:
        """The first offset `partition` still holds (its log start offset)."""
        reader = await self._consumer()
        tp = TopicPartition(self.topic, partition)
        return int((await reader.beginning_offsets([tp]))[tp])

    async def _consumer(self) -> AIOKafkaConsumer:
        if self._reader is None:
            self._reader = AIOKafkaConsumer(
                **client_options(self.settings.kafka),
                group_id=None,
                enable_auto_commit=False,
                isolation_level="read_committed",
                auto_offset_reset="earliest",
                max_partition_fetch_bytes=16 * 1024 * 1024,
            )
            await self._reader.start()
        return self._reader

    async def read(self, partition: int, start: int, end: int, timeout_s: float = 30.0) -> list[Refetched]:
        """Messages at offsets [start, end) of `partition` (committed ones; none where the
        offsets hold transaction markers or were deleted)."""
        reader = await self._consumer()
        tp = TopicPartition(self.topic, partition)
        reader.assign([tp])
        reader.seek(tp, start)
        out: list[Refetched] = []
        deadline = asyncio.get_running_loop().time() + timeout_s
        while await reader.position(tp) < end:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"reading {self.topic} partition {partition} [{start}, {end}) took over {timeout_s:.0f}s")
            batch = await reader.getmany(tp, timeout_ms=500, max_records=1000)
            for r in batch.get(tp, ()):
                if start <= r.offset < end:
                    ts = None if r.timestamp is None or r.timestamp < 0 else r.timestamp / 1000
                    out.append(Refetched(r.topic, r.partition, r.offset, ts, r.key, r.value or b""))
        return out

    async def fill(self, partition: int, by_offset: dict[int, Any], floor: int) -> int:
        """Add the messages missing from `by_offset` between `floor` and its last offset (read
        from Kafka); returns how many were added."""
        gap = holes(sorted(by_offset), floor)
        if gap is None:
            return 0
        found = [m for m in await self.read(partition, *gap) if m.offset not in by_offset]
        for m in found:
            by_offset[m.offset] = m
        if found:
            log.warning(
                "%s partition %s: %d messages in [%d, %d) were not handed out, processing them now",
                self.topic, partition, len(found), *gap,
            )
        return len(found)

    async def stop(self) -> None:
        if self._admin is not None:
            await self._admin.close()
            self._admin = None
        if self._reader is not None:
            await self._reader.stop()
            self._reader = None


class GapFiller:
    """At-least-once: keeps each partition's floor and fills the batch's holes above it (the raw
    topic's for the enrich agent, the dedup requests topic's for the index agent)."""

    def __init__(self, reader: PartitionReader) -> None:
        self.reader = reader
        self._floor: dict[int, tuple[int | None, int]] = {}  # partition: (generation, floor)
        self._sought: dict[int, int] = {}  # partition: floor it was last sought back to
        self._active = time.monotonic()  # when a batch last started or ended
        self._in_flight = 0
        self.refetched = 0

    async def fill(self, raw_messages: Sequence[Any], generation: int | None) -> list[Any]:
        """The batch per partition in offset order without repeats, holes filled."""
        self._in_flight += 1
        self._active = time.monotonic()
        out: list[Any] = []
        for partition, by_offset in by_partition(raw_messages).items():
            generations = {getattr(m, "generation_id", None) for m in by_offset.values()}
            own = next(iter(generations)) if len(generations) == 1 else generation  # the batch's may be mixed
            known = self._floor.get(partition)
            if known is None or (own is not None and known[0] != own):
                committed = await self.reader.committed(partition)
                floor = min(by_offset) if committed is None else committed
            else:
                floor = known[1]
            self.refetched += await self.reader.fill(partition, by_offset, floor)
            self._floor[partition] = (own, floor)
            out.extend(by_offset[o] for o in sorted(by_offset))
        return out

    def done(self, raw_messages: Sequence[Any]) -> None:
        """The messages were processed and acked: their partitions' floors move past them."""
        self._active = time.monotonic()
        for m in raw_messages:
            generation, floor = self._floor.get(int(m.partition), (None, 0))
            self._floor[int(m.partition)] = (generation, max(floor, int(m.offset) + 1))

    def release(self) -> None:
        """The batch `fill` was given is over, processed or not."""
        self._in_flight = max(0, self._in_flight - 1)
        self._active = time.monotonic()

    async def idle_tails(
        self, owned: Iterable[int], generation: int | None, highwater: Callable[[int], int | None], idle_s: float
    ) -> dict[int, int]:
        """{partition: offset to seek back to} for the owned partitions with messages above their
        floor (this generation's, else the committed offset, else the partition's first offset:
        faust may never commit a partition at all, see docs/architecture.md), when no batch ran
        for `idle_s`."""
        if self._in_flight or time.monotonic() - self._active < idle_s:
            return {}
        out: dict[int, int] = {}
        for partition in owned:
            high = highwater(partition)
            if high is None:
                continue
            known = self._floor.get(partition)
            floor = known[1] if known is not None and known[0] == generation else await self.reader.committed(partition)
            if floor is None:
                floor = await self.reader.beginning(partition)
            if floor < high and self._sought.get(partition) != floor:
                self._sought[partition] = out[partition] = floor
        return out
