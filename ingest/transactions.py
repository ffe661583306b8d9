"""Exactly-once publishing with Kafka transactions (INGEST_PROCESSING_GUARANTEE=exactly_once).

faust's own exactly-once mode picks the transaction by the destination partition and its
co-partition group, which only exists for topics the app consumes; the output topics are sinks.
So the enrich agent does it itself, per raw partition p of a batch:

    begin transaction (transactional.id "<app id>-raw-<p>")
    send the outputs of p's messages
    send p's next offset to the transaction (consumer group <app id>)
    commit

A consumer reading the outputs with isolation.level=read_committed sees each committed output
once; an aborted transaction (crash, fencing) leaves nothing visible and the messages are
processed again. A worker that takes partition p over opens the same transactional id, which
fences the old owner's producer (a zombie can no longer commit) and waits for the old owner's
last transaction to finish. Only then it reads p's committed offset (the floor) and drops the
messages below it: a rebalance does not wait for the batch in flight (ingest.app), so the old
owner may have committed some of the messages the new owner was already given. Messages are
acked to faust only for partitions whose transaction committed.

faust hands a message out once per session: a batch that was not committed (fenced, taken
before a rebalance) is not redelivered while the partition stays here, and a later batch would
commit past it. So before processing, each owned partition's part of the batch must cover every
offset from its floor to its last message; the messages missing in between are read from Kafka
(read_committed: none where an offset holds a transaction marker) and processed with the batch.
Messages below the floor and repeats in the batch are skipped. The dedup index is outside the
transactions: its updates are idempotent and a redelivered message gets its earlier verdict
(ingest.core.dedup).

The transactions are the only writer of the raw topic's committed offsets: faust's own commits
(plain offset commits of what was acked, every second and on rebalance) are cut off the raw
topic (`leave_raw_commits_to_transactions`). They lag the transactions (a batch's messages are
acked once all its partitions' transactions are done, and faust holds its commit back behind
holes), so they moved committed offsets back: in one minute of a worker's run 846 polls saw a
raw partition's committed offset go down (e.g. 267 to 156), and a worker killed then left the
next owner to publish those messages again (test_faults: 211 outputs twice for
read_committed consumers).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import ProducerFenced

from ingest.config import Settings
from ingest.gaps import PartitionReader, by_partition
from ingest.kafka import client_options

log = logging.getLogger("ingest.transactions")


class PartitionLost(RuntimeError):
    """Another worker owns this raw partition now (this worker's producer was fenced)."""


class Fenced(RuntimeError):
    """This worker's producer was fenced but the partition is still assigned to it: retry."""


class TransactionalPublisher:
    """Publishes per raw partition in transactions. `owns(p, generation)` says whether raw
    partition p is assigned here and `generation` (of the batch's messages, None: unknown) is the
    consumer group generation now: a batch fetched before a rebalance is not committed (its
    messages are read again by whoever owns the partition now, see fill_gaps)."""

    def __init__(self, settings: Settings, owns: Callable[[int, int | None], bool] = lambda p, g: True) -> None:
        self.settings = settings
        self.group_id = settings.app_id
        self.owns = owns
        self._producers: dict[int, AIOKafkaProducer] = {}
        self._floor: dict[int, int] = {}
        self.reader = PartitionReader(settings, settings.topics.raw)
        self._lock = asyncio.Lock()
        self.refetched = 0

    async def _producer(self, partition: int) -> AIOKafkaProducer:
        async with self._lock:
            producer = self._producers.get(partition)
            if producer is None:
                producer = AIOKafkaProducer(
                    **client_options(self.settings.kafka),
                    transactional_id=f"{self.settings.app_id}-raw-{partition}",
                    enable_idempotence=True,
                    acks="all",
                    linger_ms=2,
                    max_request_size=16 * 1024 * 1024,
                )
                await producer.start()  # initialises the transactions: fences an older owner
                try:
                    self._floor[partition] = await self.reader.committed(partition) or 0
                except Exception:
                    await producer.stop()
                    raise
                self._producers[partition] = producer
            return producer

    async def fill_gaps(self, raw_messages: Sequence[Any], generation: int | None) -> list[Any]:
        """The batch per partition in offset order without repeats; for each owned partition, the
        messages missing between its floor and its last message here, read from Kafka, added."""
        out: list[Any] = []
        for partition, by_offset in by_partition(raw_messages).items():
            if self.owns(partition, generation):
                await self._producer(partition)
                self.refetched += await self.reader.fill(partition, by_offset, self._floor.get(partition, 0))
            out.extend(by_offset[o] for o in sorted(by_offset))
        return out

    def floor(self, partition: int) -> int | None:
        """The next offset of `partition` to publish, as far as this worker knows."""
        return self._floor.get(partition)

    async def _drop(self, partition: int) -> None:
        producer = self._producers.pop(partition, None)
        if producer is not None:
            try:
                await producer.stop()
            except Exception as exc:  # closing a fenced producer may complain; it is gone anyway
                log.debug("closing producer of partition %s: %s", partition, exc)

    async def publish(
        self, partition: int, records: Sequence[tuple[int, str, bytes, bytes]], next_offset: int, generation: int | None = None
    ) -> int:
        """Publish (raw offset, topic, key, value) records, in offset order without repeats (as
        fill_gaps leaves a batch), and commit `next_offset` of raw partition `partition` in one
        transaction; records below the floor are skipped (already committed).
        Returns how many were published. Raises PartitionLost when fenced by the partition's new
        owner, Fenced (retry) when fenced while still the owner; other errors abort and propagate."""
        if not self.owns(partition, generation):  # taken before a rebalance: never fence the new owner
            await self._drop(partition)
            raise PartitionLost(f"raw partition {partition} is no longer assigned here")
        producer = await self._producer(partition)
        floor = self._floor.get(partition, 0)
        fresh = [r for r in records if r[0] >= floor]  # below: committed already
        if not fresh:
            return 0
        tp = TopicPartition(self.settings.topics.raw, partition)
        try:
            async with producer.transaction():
                futures = [await producer.send(topic, value, key=key) for _, topic, key, value in fresh]
                await producer.send_offsets_to_transaction({tp: next_offset}, self.group_id)
            for fut in futures:
                await fut
            # faust may hand us these messages again (a rebalance seeks kept partitions back to
            # the committed offset, which may predate this commit): the floor skips them
            self._floor[partition] = max(self._floor.get(partition, 0), next_offset)
            return len(fresh)
        except ProducerFenced as exc:
            await self._drop(partition)
            if self.owns(partition, generation):
                raise Fenced(f"raw partition {partition}: producer fenced, taking it back") from exc
            raise PartitionLost(f"raw partition {partition} moved to another worker") from exc
        except Exception:
            await self._drop(partition)  # a fresh producer next time: aborts whatever was open
            raise

    async def stop(self) -> None:
        for partition in list(self._producers):
            await self._drop(partition)
        await self.reader.stop()

    def owned(self) -> list[Any]:
        return sorted(self._producers)


def leave_raw_commits_to_transactions(consumer: Any, raw_topic: str) -> None:
    """Make faust's consumer commit no offsets of `raw_topic` (other topics as before): the
    enrich agent's transactions commit them. Applied once per consumer."""
    if getattr(consumer, "_ingest_raw_commits_cut", False):
        return
    commit: Callable[[Mapping[Any, int]], Awaitable[bool]] = consumer._commit
    thread = getattr(consumer, "_thread", None)

    async def commit_others(offsets: Mapping[Any, int]) -> bool:
        kept = {tp: offset for tp, offset in offsets.items() if tp.topic != raw_topic}
        cut = [tp for tp in offsets if tp.topic == raw_topic]
        if cut and thread is not None and hasattr(thread, "tp_last_committed_at"):
            # the transactions committed them: faust's stalled-commit warnings go by this
            now = time.monotonic()
            thread.tp_last_committed_at.update({tp: now for tp in cut})
        return await commit(kept) if kept else True

    consumer._commit = commit_others
    consumer._ingest_raw_commits_cut = True
