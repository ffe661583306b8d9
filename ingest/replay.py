"""`ingest replay-deadletter`: re-submit dead-lettered messages to the raw topic after a fix.

Reads the dead-letter topic with its own consumer group (default `<app id>-replay`; progress is
committed, so a second run only sees what arrived since), keeps the records whose reason (and
failure time) match, and produces each original payload (verbatim text or base64-decoded bytes)
to the raw topic with its original key and these headers:

    ingest-replay-of       "<topic>/<partition>/<offset>" of the original raw message (or "line/N")
    ingest-replay-reason   why it was dead-lettered
    ingest-replay-record   the dead-letter record's id

Records whose payload was truncated (over 1 MiB) cannot be replayed from dead-letter; they are
counted and listed with their coordinates, so the original can be re-produced from its source.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ingest.codec import decode_record
from ingest.config import Settings
from ingest.kafka import client_options


@dataclass
class ReplayReport:
    read: int = 0
    replayed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    truncated: list[str] = field(default_factory=list)


def original_payload(record: dict[str, Any]) -> bytes:
    text = record["payload"]
    return base64.b64decode(text) if record["payload_encoding"] == "base64" else str(text).encode("utf-8")


def coordinates(record: dict[str, Any]) -> str:
    kafka = record.get("kafka")
    if kafka:
        return f"{kafka['topic']}/{kafka['partition']}/{kafka['offset']}"
    return f"line/{record.get('line')}"


async def replay(
    settings: Settings,
    reasons: set[str] | None = None,
    since: str | None = None,
    group: str | None = None,
    from_beginning: bool = False,
    dry_run: bool = False,
    idle_s: float = 3.0,
) -> ReplayReport:
    options = client_options(settings.kafka)
    consumer = AIOKafkaConsumer(
        settings.topics.deadletter,
        **options,
        group_id=group or f"{settings.app_id}-replay",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(**options, acks="all", max_request_size=16 * 1024 * 1024, enable_idempotence=True)
    report = ReplayReport()
    await consumer.start()
    await producer.start()
    try:
        if from_beginning:
            await consumer.seek_to_beginning()
        pending = []
        while True:
            batch = await consumer.getmany(timeout_ms=int(idle_s * 1000), max_records=1000)
            if not batch:
                break
            for records in batch.values():
                for message in records:
                    report.read += 1
                    record = decode_record(message.value)
                    reason = record.get("reason", "?")
                    if (reasons and reason not in reasons) or (since and record.get("failed_at", "") < since):
                        report.skipped[reason] += 1
                        continue
                    if record.get("payload_truncated"):
                        report.truncated.append(coordinates(record))
                        continue
                    report.replayed[reason] += 1
                    if dry_run:
                        continue
                    kafka = record.get("kafka") or {}
                    key = kafka.get("key")
                    headers = [
                        ("ingest-replay-of", coordinates(record).encode()),
                        ("ingest-replay-reason", reason.encode()),
                        ("ingest-replay-record", str(record["id"]).encode()),
                    ]
                    pending.append(
                        await producer.send(
                            settings.topics.raw,
                            original_payload(record),
                            key=key.encode() if key else None,
                            headers=headers,
                        )
                    )
            for fut in pending:
                await fut
            pending.clear()
            if not dry_run:
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()
    return report
