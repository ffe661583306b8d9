"""Writes to the dedup-index table, a request at a time: into the partition's store at once, and
into the table's changelog partition as record batches.

faust's own table write (`table[key] = value`) sends every key through its producer buffer as a
message of its own, with a future and a callback each. A new story puts 18 keys (its entry, its
hash, 16 bands), and in bench/run.py C those sends were ~45% of the worker's CPU: 7.3 ms per
article with them, 4.0 ms with the changelog left out. Here a request's writes go into the
partition's store directly and into record batches handed to the Kafka producer under faust's
buffer (the same aiokafka producer), so:

* the changelog holds what faust would have written (key and value; a delete: value None), in
  the partition of the request, and faust's recovery and standbys read it as before;
* faust flushes that producer before it commits offsets: once a request's offset is committed,
  its writes are in the changelog (at-least-once, as with faust's writes);
* when a batch is acknowledged, the store's persisted changelog offset moves to its last record
  (faust does the same per message): a restart recovers only what came after.

Every write of the table goes through here, the sweep's deletes too: mixed with faust's buffered
sends, a put and a delete of one key could reach the changelog in the other order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from faust.types import TP

log = logging.getLogger("ingest.index_store")


class PartitionWrites:
    """One partition of the table as `apply_request` sees it: `get` and `view[key] = value`."""

    def __init__(self, writer: IndexWriter, partition: int, get: Callable[[bytes], bytes | None]) -> None:
        self._writer = writer
        self._partition = partition
        self.get = get

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._writer.put(self._partition, key, value)


class IndexWriter:
    """The table's writes, logged per partition in batches (`flush`). `producer()` is the
    aiokafka producer that faust flushes before its commits."""

    def __init__(self, table: Any, producer: Callable[[], Any]) -> None:
        self.table = table
        self.producer = producer
        self._pending: dict[int, list[tuple[bytes, bytes | None]]] = {}
        self.failed = 0  # batches the broker did not take (logged)

    def put(self, partition: int, key: bytes, value: bytes) -> None:
        self._store_write(partition, key, value)
        self._pending.setdefault(partition, []).append((key, value))

    def delete(self, partition: int, key: bytes) -> None:
        self._store_write(partition, key, None)
        self._pending.setdefault(partition, []).append((key, None))

    async def flush(self, partition: int) -> int:
        """Hand the partition's pending writes to the producer, in order; returns how many. It
        returns once they are queued; faust's flush before a commit waits for their delivery."""
        writes = self._pending.pop(partition, [])
        if not writes:
            return 0
        producer = self.producer()
        topic = self.table.changelog_topic.get_topic_name()
        batch = producer.create_batch()
        count = 0
        for key, value in writes:
            if batch.append(key=key, value=value, timestamp=None) is None:
                # full; the record opens the next batch (an empty batch takes any first record)
                await self._send(producer, batch, topic, partition, count)
                batch, count = producer.create_batch(), 0
                batch.append(key=key, value=value, timestamp=None)
            count += 1
        await self._send(producer, batch, topic, partition, count)
        return len(writes)

    async def _send(self, producer: Any, batch: Any, topic: str, partition: int, count: int) -> None:
        batch.close()
        future = await producer.send_batch(batch, topic, partition=partition)
        future.add_done_callback(lambda f: self._sent(f, topic, partition, count))

    def _sent(self, future: Any, topic: str, partition: int, count: int) -> None:
        if future.cancelled() or future.exception() is not None:
            self.failed += 1
            log.error(
                "dedup index changelog write failed (%d records, partition %s): %s",
                count, partition, "cancelled" if future.cancelled() else future.exception(),
            )
            return
        metadata = future.result()
        self.table.data.set_persisted_offset(TP(topic, partition), metadata.offset + count - 1)

    def _store_write(self, partition: int, key: bytes, value: bytes | None) -> None:
        store = self.table.data
        if hasattr(store, "_db_for_partition"):  # faust's RocksDB store: one DB per partition
            db = store._db_for_partition(partition)
            if value is None:
                db.delete(key)
            else:
                db.put(key, value)
        elif value is None:  # memory store: one dict
            store.data.pop(key, None)
        else:
            store.data[key] = value
