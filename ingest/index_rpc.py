"""The dedup index over Kafka: batched lookups and inserts to the partitions that own the keys.

A key's owner is partition `xxh3(key) % index_partitions` of the requests topic; the worker that
holds that partition keeps the key in its faust table (`ingest.app`). Per batch the worker sends
at most one request message per index partition:

    {"rid": <request id>, "reply": <replies partition>, "get": [keys], "put": [[key, value], ...]}

and the owner applies the puts in order (`ingest.core.dedup.merge`), then answers the gets on
the replies topic with `{"rid", "p", "e": {key: value | null}}`. Each worker reads one replies
partition (its mailbox, picked at random at start; workers sharing one just skip the other's
request ids). Requests and replies go through this module's own producer, outside faust's
transactions, so an answer is visible at once in both processing guarantees.

Ordering: one producer and one request in flight per worker, and Kafka keeps order per
partition, so a batch's puts reach each owner before the next batch's gets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import orjson
import xxhash
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ingest.config import Settings
from ingest.core.dedup import merge
from ingest.kafka import client_options

log = logging.getLogger("ingest.index")


class Writable(Protocol):
    """Where a request's puts go: the table, or one partition's writes (ingest.index_store)."""

    def get(self, key: bytes, /) -> bytes | None: ...

    def __setitem__(self, key: bytes, value: bytes, /) -> None: ...


def apply_request(
    table: Writable,
    request: Mapping[str, Any],
    horizon_s: int,
) -> dict[str, bytes | None] | None:
    """The owner's side: apply the puts in order, then read the gets (None if none asked).
    `table` reads and writes the request's partition and logs the writes to the changelog."""
    read = table.get
    for key, value in request.get("put", ()):
        k = key.encode()
        table[k] = merge(key, read(k), value.encode(), horizon_s)
    gets = request.get("get")
    if not gets:
        return None
    return {k: read(k.encode()) for k in gets}


def owner(key: str, partitions: int) -> int:
    return int(xxhash.xxh3_64_intdigest(key.encode()) % partitions)


class IndexUnavailable(RuntimeError):
    """The index did not answer in time (owners rebalancing, broker down); the caller retries."""


class IndexClient:
    """Asks the partitioned dedup index for entries and sends it puts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.requests_topic = settings.topics.dedup_requests
        self.replies_topic = settings.topics.dedup_replies
        self.partitions = settings.index_partitions
        self.mailbox = random.randrange(settings.raw_partitions)
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._pending: dict[str, tuple[set[int], dict[str, Any], asyncio.Future[None]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.timeouts = 0

    async def start(self) -> None:
        options = client_options(self.settings.kafka)
        self._producer = AIOKafkaProducer(
            **options,
            acks="all",
            linger_ms=1,
            max_request_size=16 * 1024 * 1024,
            compression_type="lz4",
            enable_idempotence=True,
        )
        await self._producer.start()
        self._consumer = AIOKafkaConsumer(
            **options,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=5,
            max_partition_fetch_bytes=16 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        await self._consumer.start()
        tp = TopicPartition(self.replies_topic, self.mailbox)
        self._consumer.assign([tp])
        await self._consumer.seek_to_end(tp)
        await self._consumer.position(tp)
        self._reader = asyncio.create_task(self._read_replies(), name="index-replies")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        for _, _, fut in self._pending.values():
            if not fut.done():
                fut.set_exception(IndexUnavailable("index client stopped"))
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _read_replies(self) -> None:
        assert self._consumer is not None
        async for msg in self._consumer:
            try:
                reply = orjson.loads(msg.value)
                pending = self._pending.get(reply["rid"])
            except (orjson.JSONDecodeError, KeyError, TypeError):
                log.warning("unreadable index reply", extra={"kafka": f"{msg.topic}/{msg.partition}/{msg.offset}"})
                continue
            if pending is None:
                continue  # another worker's request, or one we gave up on
            waiting, entries, fut = pending
            entries.update(reply["e"])
            waiting.discard(reply["p"])
            if not waiting and not fut.done():
                fut.set_result(None)

    def _by_owner(self, keys: Iterable[str]) -> dict[int, list[str]]:
        groups: dict[int, list[str]] = {}
        for key in keys:
            groups.setdefault(owner(key, self.partitions), []).append(key)
        return groups

    async def _send(self, partition: int, message: dict[str, Any]) -> asyncio.Future[Any]:
        assert self._producer is not None
        fut: asyncio.Future[Any] = await self._producer.send(
            self.requests_topic, orjson.dumps(message), partition=partition
        )
        return fut

    async def get_many(self, keys: Sequence[str]) -> dict[str, bytes | None]:
        """The entries of `keys` (None where absent). Raises IndexUnavailable after the timeout."""
        if not keys:
            return {}
        groups = self._by_owner(keys)
        rid = uuid.uuid4().hex
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entries: dict[str, Any] = {}
        self._pending[rid] = (set(groups), entries, fut)
        try:
            sends = [await self._send(p, {"rid": rid, "reply": self.mailbox, "get": ks}) for p, ks in groups.items()]
            await asyncio.gather(*sends)
            await asyncio.wait_for(fut, self.settings.dedup_timeout_s)
        except TimeoutError:
            self.timeouts += 1
            waiting = sorted(self._pending[rid][0])
            raise IndexUnavailable(
                f"no answer from index partitions {waiting} in {self.settings.dedup_timeout_s:.0f}s"
            ) from None
        finally:
            del self._pending[rid]
        return {k: (v.encode() if isinstance(v, str) else None) for k, v in ((k, entries.get(k)) for k in keys)}

    async def put_many(self, puts: Sequence[tuple[str, bytes]]) -> None:
        """Send the puts to their owners, in order, and wait until Kafka has them."""
        if not puts:
            return
        groups: dict[int, list[list[str]]] = {}
        for key, value in puts:
            groups.setdefault(owner(key, self.partitions), []).append([key, value.decode()])
        sends = [await self._send(p, {"rid": "", "put": items}) for p, items in groups.items()]
        await asyncio.gather(*sends)

    async def reply(self, partition: int, rid: str, index_partition: int, entries: Mapping[str, bytes | None]) -> None:
        """Answer a request (called by the index agent on the owner)."""
        payload = {
            "rid": rid,
            "p": index_partition,
            "e": {k: (v.decode() if v is not None else None) for k, v in entries.items()},
        }
        await self._send_reply(partition, payload)

    async def _send_reply(self, partition: int, payload: dict[str, Any]) -> None:
        assert self._producer is not None
        await self._producer.send(self.replies_topic, orjson.dumps(payload), partition=partition)
