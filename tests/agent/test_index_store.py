"""The dedup table's batched changelog writes (ingest.index_store), against aiokafka's own record
batches and a producer that records what it was handed (the broker side is covered by
tests/integration/test_faults.py: a second worker restores the index from this changelog)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.producer.message_accumulator import BatchBuilder
from aiokafka.record.default_records import DefaultRecordBatch

from ingest.index_rpc import apply_request
from ingest.index_store import IndexWriter, PartitionWrites


class _Producer:
    """create_batch gives aiokafka's own batch builder (as the producer's does); send_batch keeps
    the batch's records and answers with the base offset the partition would give it."""

    def __init__(self, max_batch_size: int) -> None:
        self.max_batch_size = max_batch_size
        self.sent: list[tuple[str, int, list[tuple[bytes | None, bytes | None]]]] = []
        self.futures: list[asyncio.Future[Any]] = []
        self.next_offset: dict[int, int] = {}

    def create_batch(self) -> Any:
        return BatchBuilder(self.max_batch_size, 0)  # no compression

    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> asyncio.Future[Any]:
        records = [(r.key, r.value) for r in DefaultRecordBatch(bytes(batch._build()))]
        base = self.next_offset.get(partition, 0)
        self.next_offset[partition] = base + len(records)
        self.sent.append((topic, partition, records))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(type("Meta", (), {"offset": base})())
        self.futures.append(future)
        return future


class _Store:
    def __init__(self) -> None:
        self.data: dict[bytes, bytes] = {}
        self.persisted: dict[tuple[str, int], int] = {}

    def set_persisted_offset(self, tp: Any, offset: int) -> None:
        self.persisted[(tp.topic, tp.partition)] = offset


class _Topic:
    def get_topic_name(self) -> str:
        return "app-dedup-index-changelog"


class _Table:
    def __init__(self) -> None:
        self.data = _Store()
        self.changelog_topic = _Topic()


async def test_a_request_is_logged_in_order_in_its_partition_and_the_offset_persisted() -> None:
    table, producer = _Table(), _Producer(max_batch_size=16384)
    writer = IndexWriter(table, lambda: producer)
    view = PartitionWrites(writer, 3, table.data.data.get)
    request = {"put": [["h:a", '{"i": "x", "c": "x", "t": 5}'], ["h:b", '{"i": "y", "c": "y", "t": 6}']]}
    apply_request(view, request, 86400)
    assert set(table.data.data) == {b"h:a", b"h:b"}, "in the store before the flush: later reads see them"
    writer.delete(3, b"h:a")
    assert await writer.flush(3) == 3
    assert await writer.flush(3) == 0, "nothing is sent twice"
    await asyncio.sleep(0)  # the done callbacks
    (topic, partition, records), = producer.sent
    assert (topic, partition) == ("app-dedup-index-changelog", 3)
    assert [k for k, _ in records] == [b"h:a", b"h:b", b"h:a"]
    assert records[2][1] is None, "a delete is a tombstone"
    assert records[1][1] == table.data.data[b"h:b"], "the changelog has the value the store got"
    assert b"h:a" not in table.data.data
    assert table.data.persisted == {("app-dedup-index-changelog", 3): 2}


async def test_writes_larger_than_a_batch_go_in_several_batches_in_order() -> None:
    table, producer = _Table(), _Producer(max_batch_size=300)
    writer = IndexWriter(table, lambda: producer)
    keys = [f"b{i}:{i:012x}".encode() for i in range(12)]
    for key in keys:
        writer.put(5, key, b"v" * 60)
    assert await writer.flush(5) == 12
    await asyncio.sleep(0)
    assert len(producer.sent) > 1
    assert [k for _, _, records in producer.sent for k, _ in records] == keys
    assert table.data.persisted == {("app-dedup-index-changelog", 5): 11}


async def test_an_entry_larger_than_a_batch_goes_in_a_batch_of_its_own() -> None:
    table, producer = _Table(), _Producer(max_batch_size=100)
    writer = IndexWriter(table, lambda: producer)
    writer.put(1, b"h:small", b"v")
    writer.put(1, b"s:big", b"v" * 500)
    writer.put(1, b"h:after", b"v")
    assert await writer.flush(1) == 3
    await asyncio.sleep(0)
    assert [[k for k, _ in records] for _, _, records in producer.sent] == [[b"h:small"], [b"s:big"], [b"h:after"]]
    assert table.data.persisted == {("app-dedup-index-changelog", 1): 2}
