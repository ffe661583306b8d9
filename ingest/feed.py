"""Producing raw feeds to Kafka and reading output topics back (CLI, demo, tests, bench).

`produce_lines` keys each message by `source/id` when the line is a JSON object that has them,
so all versions of one article land in one partition in order; other lines get no key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from ingest.config import KafkaSettings
from ingest.kafka import client_options


def key_of(line: bytes) -> bytes | None:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(obj, dict):
        source, ident = obj.get("source"), obj.get("id", obj.get("uri"))
        if isinstance(source, str) and isinstance(ident, str):
            return f"{source}/{ident}".encode()[:1024]
    return None


async def produce_lines(
    kafka: KafkaSettings,
    topic: str,
    lines: Iterable[bytes],
    headers: Callable[[int], Sequence[tuple[str, bytes]]] | None = None,
) -> int:
    """Send each line as one message; returns how many were acknowledged."""
    producer = AIOKafkaProducer(
        **client_options(kafka), acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024, compression_type="lz4"
    )
    await producer.start()
    try:
        futures = []
        for n, line in enumerate(lines):
            hdrs = list(headers(n)) if headers else None
            futures.append(await producer.send(topic, line, key=key_of(line), headers=hdrs))
        await asyncio.gather(*futures)
        return len(futures)
    finally:
        await producer.stop()


async def read_topics(
    kafka: KafkaSettings,
    topics: Sequence[str],
    expect: int | None = None,
    timeout: float = 60.0,
    idle: float | None = None,
    until: Callable[[list[ConsumerRecord[Any, Any]]], bool] | None = None,
    isolation_level: str = "read_uncommitted",
) -> list[ConsumerRecord[Any, Any]]:
    """Read `topics` from the beginning until `expect` records, `until(records)`, `idle` seconds
    without new records, or `timeout` seconds, whichever comes first."""
    consumer = AIOKafkaConsumer(
        *topics,
        **client_options(kafka),
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level=isolation_level,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    got: list[ConsumerRecord[Any, Any]] = []
    try:
        deadline = time.monotonic() + timeout
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batch.values():
                got.extend(records)
                last_new = time.monotonic()
            if expect is not None and len(got) >= expect:
                break
            if until is not None and until(got):
                break
            if idle is not None and time.monotonic() - last_new > idle:
                break
    finally:
        await consumer.stop()
    return got
