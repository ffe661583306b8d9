"""Every record the service emits carries its schema name and validates (reference validator)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from ingest.codec import schema
from ingest.core.dedup import DedupParams
from ingest.offline import run

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "ingest" / "samples" / "wire-feed.jsonl"
STEMS = ("raw_article.v1", "enriched_article.v1", "dead_letter.v1")


def validate(record: dict[str, Any]) -> None:
    stem = record["schema"]
    doc = schema(stem)
    jsonschema.Draft202012Validator(doc).validate(record)
    assert set(record) <= set(doc["properties"]), f"fields not in {stem}: {set(record) - set(doc['properties'])}"


@pytest.mark.parametrize("stem", STEMS)
def test_schemas_are_valid_2020_12(stem: str) -> None:
    doc = schema(stem)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(doc)
    assert (REPO / "schemas" / f"{stem}.json").exists()


def process(lines: list[bytes]) -> list[dict[str, Any]]:
    out: list[bytes] = []
    run(lines, out.append, 2 * 1024 * 1024, DedupParams())
    return [orjson.loads(line) for line in out]


def test_sample_feed_one_valid_record_per_line_in_order() -> None:
    lines = [line for line in SAMPLE.read_bytes().splitlines() if line.strip()]
    records = process(lines)
    assert len(records) == len(lines)
    for rec in records:
        validate(rec)
    statuses = [r.get("reason") or r["dedup"]["status"] for r in records]
    assert statuses == [
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
    habur, copy = records[0], records[4]
    assert copy["dedup"]["duplicate_of"] == habur["id"] == copy["dedup"]["cluster_id"]
    assert records[6]["id"] == records[2]["id"] and records[6]["revision"] == 1
    assert records[6]["dedup"]["cluster_id"] == records[2]["dedup"]["cluster_id"]


def test_raw_events_validate_against_the_raw_schema() -> None:
    validator = jsonschema.Draft202012Validator(schema("raw_article.v1"))
    lines = [line for line in SAMPLE.read_bytes().splitlines() if line.strip()]
    good = [orjson.loads(line) for line in lines[:7]]
    for obj in good:
        if "uri" not in obj:
            validator.validate(obj)


def test_stable_ids_across_runs() -> None:
    lines = [line for line in SAMPLE.read_bytes().splitlines() if line.strip()]
    first, second = process(lines), process(lines)
    assert [r["id"] for r in first] == [r["id"] for r in second]


def test_cli_process_writes_one_line_per_input_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        b'{"id": "a", "source": "s", "body": "Some text here."}\nnot json\n\n[1]\n'
        b'{"id": "b", "source": "s", "html": "<p>Hi there.</p>"}\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "process", str(feed)], capture_output=True, check=True, cwd=REPO
    )
    out = [orjson.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 5
    assert [r.get("reason") or r["dedup"]["status"] for r in out] == [
        "original",
        "invalid_json",
        "invalid_json",
        "not_an_object",
        "original",
    ]
    assert out[1]["line"] == 2 and out[1]["payload"] == "not json"
    for rec in out:
        validate(rec)
    assert b"enriched=2" in proc.stderr
