"""Dedup on the real broker: across workers, across a restart, and the same as offline.

Each test runs its own workers on fresh topics (they need a known partition layout or a restart).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from ingest.codec import decode_record
from ingest.core.dedup import LocalStore
from ingest.core.pipeline import Pipeline
from ingest.feed import read_topics
from ingest.kafka import client_options, create_topics
from ingest.offline import process_lines
from tests.dedup_streams import generate, load_stories, near_copy
from tests.kafka_support import WorkerProcess

pytestmark = pytest.mark.kafka


async def _send(worker: WorkerProcess, items: list[tuple[bytes, int | None]]) -> None:
    producer = AIOKafkaProducer(**client_options(worker.settings.kafka), acks="all", max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        futures = [await producer.send(worker.settings.topics.raw, value, partition=p) for value, p in items]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def send(worker: WorkerProcess, *items: tuple[dict[str, Any], int | None]) -> None:
    asyncio.run(_send(worker, [(orjson.dumps(raw), p) for raw, p in items]))


def story_pair(index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    import random

    stories, notes = load_stories()
    story = [s for s in stories if s["kind"] == "original"][index]
    original = {
        "id": story["story"],
        "source": "wire-a",
        "title": story["title"],
        "body": story["body"],
        "published_at": story["published_at"],
    }
    copy = near_copy(random.Random(index), story, notes, 0)
    copy["source"] = "outlet-z"
    return original, copy


def outputs_by_source_id(
    worker: WorkerProcess, expect: int, sources: set[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    t = worker.settings.topics
    got = asyncio.run(
        read_topics(
            worker.settings.kafka,
            [t.enriched, t.duplicates],
            timeout=90,
            until=lambda rs: sum(1 for r in rs if decode_record(r.value)["source"] in sources) >= expect,
        )
    )
    records = [decode_record(r.value) for r in got]
    return {(r["source"], r["source_id"]): r for r in records if r["source"] in sources}


def test_near_copy_on_another_workers_partition_is_caught(fresh_env: dict[str, str], tmp_path: Path) -> None:
    first = WorkerProcess(dict(fresh_env), tmp_path / "w1.log")
    asyncio.run(create_topics(first.settings))
    second_env = dict(
        fresh_env, INGEST_WEB_PORT=str(int(fresh_env["INGEST_WEB_PORT"]) + 1), INGEST_DATA_DIR=str(tmp_path / "data2")
    )
    second = WorkerProcess(second_env, tmp_path / "w2.log")
    first.start()
    second.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until the group settled: each owns some raw partitions
            layout = [
                orjson.loads(w.http_text("/readyz")).get("partitions", {}).get(w.settings.topics.raw, [])
                for w in (first, second)
            ]
            if all(layout) and sorted(layout[0] + layout[1]) == list(range(8)):
                break
            time.sleep(0.5)
        assert all(layout), layout
        original, copy = story_pair(3)
        send(first, (original, layout[0][0]))
        outputs_by_source_id(first, 1, {"wire-a"})
        send(first, (copy, layout[1][0]))
        out = outputs_by_source_id(first, 2, {"wire-a", "outlet-z"})
        orig_rec, copy_rec = out[("wire-a", original["id"])], out[("outlet-z", copy["id"])]
        assert orig_rec["dedup"]["status"] == "original"
        assert copy_rec["dedup"]["status"] == "duplicate"
        assert copy_rec["dedup"]["duplicate_of"] == orig_rec["id"] == copy_rec["dedup"]["cluster_id"]
        assert orig_rec["kafka"]["partition"] in layout[0] and copy_rec["kafka"]["partition"] in layout[1]
    finally:
        first.stop()
        second.stop()


def test_index_survives_a_restart_from_its_changelog(fresh_env: dict[str, str], tmp_path: Path) -> None:
    worker = WorkerProcess(dict(fresh_env), tmp_path / "w.log")
    asyncio.run(create_topics(worker.settings))
    worker.start()
    original, copy = story_pair(5)
    try:
        send(worker, (original, None))
        outputs_by_source_id(worker, 1, {"wire-a"})
    finally:
        worker.stop()
    # a new data directory: the local RocksDB is gone, the table must come back from the changelog
    restarted = WorkerProcess(dict(fresh_env, INGEST_DATA_DIR=str(tmp_path / "fresh-data")), tmp_path / "w2.log")
    restarted.start()
    try:
        send(restarted, (copy, None))
        out = outputs_by_source_id(restarted, 2, {"wire-a", "outlet-z"})
        copy_rec = out[("outlet-z", copy["id"])]
        assert copy_rec["dedup"]["status"] == "duplicate"
        assert copy_rec["dedup"]["duplicate_of"] == out[("wire-a", original["id"])]["id"]
    finally:
        restarted.stop()


def test_worker_verdicts_equal_offline_for_the_same_order(fresh_env: dict[str, str], tmp_path: Path) -> None:
    worker = WorkerProcess(dict(fresh_env), tmp_path / "w.log")
    asyncio.run(create_topics(worker.settings))
    items = generate(seed=31)[:150]
    lines = [i.line() for i in items]
    worker.start()
    try:
        asyncio.run(_send(worker, [(line, 0) for line in lines]))  # one partition: one order
        t = worker.settings.topics
        got = asyncio.run(
            read_topics(worker.settings.kafka, [t.enriched, t.duplicates, t.deadletter], expect=len(lines), timeout=120)
        )
    finally:
        worker.stop()
    by_offset = {decode_record(r.value)["kafka"]["offset"]: decode_record(r.value) for r in got}
    assert len(by_offset) == len(lines)
    params = worker.settings.dedup_params()
    offline = [
        o.record
        for o in process_lines(lines, Pipeline(params), LocalStore(params.horizon_s), worker.settings.max_message_bytes)
    ]
    for offset, expected in enumerate(offline):
        actual = by_offset[offset]
        assert actual["id"] == expected["id"]
        assert actual["dedup"] == expected["dedup"], (offset, actual["dedup"], expected["dedup"])
        assert actual["revision"] == expected["revision"]
