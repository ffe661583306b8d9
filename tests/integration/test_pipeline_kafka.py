"""End to end on the real broker: every raw message yields exactly one schema-valid output."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from ingest.codec import schema
from tests.kafka_support import WorkerProcess, read_outputs, send_raw, unique

pytestmark = pytest.mark.kafka
SAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "wire-feed.jsonl"


def retag(lines: list[bytes], tag: str) -> list[bytes]:
    """The sample feed with sources prefixed by `tag`, so this test's records are its own."""
    out = []
    for line in lines:
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            out.append(line)
            continue
        if isinstance(obj, dict) and "source" in obj:
            obj["source"] = f"{tag}-{obj['source']}"
        out.append(orjson.dumps(obj))
    return out


def validate(record: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema(record["schema"])).validate(record)


def test_sample_feed_end_to_end(worker: WorkerProcess) -> None:
    tag = unique("feed")
    lines = retag([line for line in SAMPLE.read_bytes().splitlines() if line.strip()], tag)
    # bad lines carry no source: give every message a key with our tag; one partition keeps the
    # feed's order, which decides which copy of a story is the original
    asyncio.run(send_raw(worker, [(f"{tag}/{i}".encode(), line) for i, line in enumerate(lines)], partition=0))
    records = read_outputs(worker.settings, expect=len(lines), key_prefix=f"{tag}/")
    assert len(records) == len(lines)
    by_topic: dict[str, int] = {}
    for topic, rec in records:
        validate(rec)
        by_topic[topic] = by_topic.get(topic, 0) + 1
    t = worker.settings.topics
    assert by_topic == {t.enriched: 7, t.duplicates: 2, t.deadletter: 3}
    keys = sorted(int(rec["kafka"]["key"].split("/")[1]) for _, rec in records)
    assert keys == list(range(len(lines)))
    statuses = {int(r["kafka"]["key"].split("/")[1]): r.get("reason") or r["dedup"]["status"] for _, r in records}
    assert [statuses[i] for i in range(len(lines))] == [
        "original",
        "original",
        "original",
        "original",
        "duplicate",
        "duplicate",
        "revision",
        "invalid_json",
        "schema_violation",
        "empty_body",
        "original",
        "original",
    ]


def test_hostile_input_is_dead_lettered_never_lost(worker: WorkerProcess) -> None:
    tag = unique("bad")
    big = b'{"id": "big", "source": "s", "body": "' + b"x" * (2 * 1024 * 1024 + 10) + b'"}'
    items: list[tuple[bytes, bytes | None]] = [
        (b"0", os.urandom(300)),
        (b"1", None),
        (b"2", b"[" * 100_000),
        (b"3", big),
        (b"4", b'{"id": "1", "source": "s", "body": "\\ud800 lone surrogate"}'),
        (b"5", '{"id": "x", "source": "s", "body": "\u202e\u200b\u200f"}'.encode()),
        (b"6", b"\x00\x01\x02"),
        (b"7", b"null"),
    ]
    asyncio.run(send_raw(worker, [(f"{tag}/".encode() + k, v) for k, v in items]))
    records = read_outputs(worker.settings, expect=len(items), key_prefix=f"{tag}/")
    assert len(records) == len(items)
    reasons = {rec["kafka"]["key"]: rec["reason"] for _, rec in records}
    assert reasons[f"{tag}/1"] == "not_an_object"
    assert reasons[f"{tag}/2"] == "invalid_json"
    assert reasons[f"{tag}/3"] == "too_large"
    assert reasons[f"{tag}/4"] == "invalid_json"
    assert reasons[f"{tag}/5"] == "empty_body"
    assert reasons[f"{tag}/7"] == "not_an_object"
    for _, rec in records:
        validate(rec)
        assert rec["schema"] == "dead_letter.v1"
    big_rec = next(r for _, r in records if r["kafka"]["key"] == f"{tag}/3")
    assert big_rec["payload_truncated"] and big_rec["payload_bytes"] == len(big)


def test_health_and_metrics_endpoints(worker: WorkerProcess) -> None:
    assert worker.http_status("/livez") == 200
    assert worker.http_status("/readyz") == 200
    ready = orjson.loads(worker.http_text("/readyz"))
    assert (
        ready["ready"] is True
        and ready["reasons"] == []
        and ready["partitions"][worker.settings.topics.raw] == list(range(8))
    )
    text = worker.http_text("/metrics")
    assert "ingest_build_info{" in text and "ingest_ready 1.0" in text


def test_clients_that_are_not_ours_interoperate(worker: WorkerProcess, tmp_path: Path) -> None:
    """kcat (librdkafka) produces raw events and consumes the worker's output."""
    tag = unique("kcat")
    t = worker.settings.topics
    bootstrap = worker.settings.kafka.bootstrap_servers
    lines = [
        f'{tag}/0\t{{"id": "k0", "source": "{tag}", "title": "Kcat item", '
        '"body": "Produced by kcat in Ankara for the interoperability test."}',
        f"{tag}/1\tthis is not json",
    ]
    subprocess.run(
        ["kcat", "-P", "-b", bootstrap, "-t", t.raw, "-K", "\t"],
        input="\n".join(lines) + "\n",
        text=True,
        check=True,
        timeout=60,
    )
    records = read_outputs(worker.settings, expect=2, key_prefix=f"{tag}/")
    assert len(records) == 2
    ours = [r for _, r in records if r["schema"] == "enriched_article.v1"]
    assert ours and ours[0]["source"] == tag
    out = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", t.enriched, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    mine = [line for line in out.stdout.splitlines() if f'"source":"{tag}"' in line]
    assert len(mine) == 1
    key, value = mine[0].split("\t", 1)
    record = orjson.loads(value)
    assert key == record["id"]
    validate(record)
