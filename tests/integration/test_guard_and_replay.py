"""The dead-letter cap stops a bad feed; resume; replay dead letters after the fix (real broker)."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson
import pytest

from ingest.codec import decode_record
from ingest.feed import produce_lines, read_topics
from ingest.kafka import create_topics
from ingest.replay import replay
from tests.kafka_support import WorkerProcess

pytestmark = pytest.mark.kafka


def article(i: int, size: int) -> bytes:
    body = f"ANKARA - Item {i} on the border talks. " + "More detail on the trade talks. " * (size // 32)
    return orjson.dumps({"id": f"g{i}", "source": "guard-test", "title": f"Item {i}", "body": body})


def article_of(record: dict[str, Any]) -> str | None:
    """The raw id an output is about (dead letters of unparsed payloads: from the Kafka key)."""
    if record.get("source_id"):
        return str(record["source_id"])
    key = (record.get("kafka") or {}).get("key") or ""
    return str(key).split("/", 1)[-1] or None


def outputs(worker: WorkerProcess, ids: set[str], timeout: float, expect: int | None = None) -> list[dict[str, Any]]:
    t = worker.settings.topics

    def mine(values: list[Any]) -> list[dict[str, Any]]:
        return [r for r in (decode_record(v.value) for v in values) if article_of(r) in ids]

    until = (lambda rs: len(mine(rs)) >= expect) if expect else None
    got = asyncio.run(
        read_topics(worker.settings.kafka, [t.enriched, t.duplicates, t.deadletter], timeout=timeout, until=until)
    )
    return mine(got)


@pytest.mark.timeout(300)
def test_cap_pauses_resume_and_replay_after_the_fix(fresh_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(
        fresh_env,
        INGEST_MAX_MESSAGE_BYTES="5000",
        INGEST_DEADLETTER_CAP_SHARE="0.5",
        INGEST_DEADLETTER_CAP_WINDOW="40",
        INGEST_DEADLETTER_CAP_MIN="20",
    )
    worker = WorkerProcess(env, tmp_path / "w1.log")
    asyncio.run(create_topics(worker.settings))
    worker.start()
    bad_ids = {f"g{i}" for i in range(30)}
    good_ids = {f"g{i}" for i in range(100, 105)}
    try:
        asyncio.run(
            produce_lines(worker.settings.kafka, worker.settings.topics.raw, [article(i, 6000) for i in range(30)])
        )
        deadline = time.monotonic() + 60
        while worker.http_status("/readyz") != 503 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert worker.http_status("/readyz") == 503
        assert "ingest_consumption_paused 1.0" in worker.http_text("/metrics")
        # the cap trips after the batch that took the window past its minimum (20); how many of
        # the 30 that batch held depends on how the consumer's fetches cut the stream
        before_resume = outputs(worker, bad_ids, 5)
        assert 20 <= len(before_resume) <= 30
        asyncio.run(
            produce_lines(worker.settings.kafka, worker.settings.topics.raw, [article(i, 100) for i in range(100, 105)])
        )
        assert outputs(worker, good_ids, 8) == [], "a paused worker must not consume"
        assert len(outputs(worker, bad_ids, 1)) == len(before_resume), "nor dead-letter more"
        with urllib.request.urlopen(urllib.request.Request(worker.url + "/resume", method="POST"), timeout=5) as resp:
            assert orjson.loads(resp.read())["resumed"] is True
        # the rest of the bad backlog drains to dead-letter in the grace window, then the good ones
        assert len(outputs(worker, good_ids | bad_ids, 60, expect=35)) == 35
        worker.wait_ready(30)
    finally:
        worker.stop()
    # the fix: a worker that accepts larger messages; then replay what was dead-lettered
    fixed = WorkerProcess(dict(env, INGEST_MAX_MESSAGE_BYTES=str(2 * 1024 * 1024)), tmp_path / "w2.log")
    fixed.start()
    try:
        report = asyncio.run(replay(fixed.settings, reasons={"too_large"}))
        assert sum(report.replayed.values()) == 30 and not report.truncated
        enriched = [r for r in outputs(fixed, bad_ids, 60, expect=60) if r["schema"] == "enriched_article.v1"]
        assert {r["source_id"] for r in enriched} == bad_ids
        again = asyncio.run(replay(fixed.settings, reasons={"too_large"}))
        assert sum(again.replayed.values()) == 0  # progress is committed: nothing twice
    finally:
        fixed.stop()
