"""Observability against real processes: the worker's scrape, and a real Prometheus server."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from ingest.devbroker import free_port
from ingest.feed import produce_lines
from ingest.kafka import create_topics
from tests.kafka_support import WorkerProcess

pytestmark = pytest.mark.kafka
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}


def exported_names(exposition: str) -> set[str]:
    names = set()
    for line in exposition.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            names.add(name)
            names.update(name + s for s in _SUFFIXES.get(kind, ()))
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def used_names() -> set[str]:
    text = (DEPLOY / "grafana" / "dashboards" / "ingest.json").read_text()
    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules" / "ingest.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    return set(re.findall(r"\b(ingest_[a-z0-9_]+)", text + "\n".join(exprs)))


def test_dashboard_and_rules_only_use_exported_metrics(worker: WorkerProcess) -> None:
    exported = exported_names(worker.http_text("/metrics"))
    used = used_names()
    assert len(used) >= 15
    assert used - exported == set()


def query(port: int, expr: str) -> float | None:
    url = f"http://127.0.0.1:{port}/api/v1/query?query={urllib.parse.quote(expr)}"
    with urllib.request.urlopen(url, timeout=5) as resp:
        body = json.load(resp)
    result = body["data"]["result"]
    return float(result[0]["value"][1]) if result else None


@pytest.mark.timeout(300)
def test_prometheus_reads_the_workers_counts(fresh_env: dict[str, str], tmp_path: Path) -> None:
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: apt-get install prometheus (./dev setup does it)"
    worker = WorkerProcess(dict(fresh_env), tmp_path / "worker.log")
    asyncio.run(create_topics(worker.settings))
    worker.start()
    port = free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(DEPLOY / "prometheus" / "rules" / "ingest.yml")],
        "scrape_configs": [
            {"job_name": "ingest", "static_configs": [{"targets": [f"127.0.0.1:{fresh_env['INGEST_WEB_PORT']}"]}]}
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    with (tmp_path / "prometheus.log").open("wb") as log:
        prom = subprocess.Popen(
            [
                binary,
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        good = [
            orjson.dumps(
                {
                    "id": f"p{i}",
                    "source": "prom-test",
                    "title": f"Item {i}",
                    "body": f"ANKARA - Story number {i} about talks in Ankara and Baghdad on trade and water.",
                }
            )
            for i in range(10)
        ]
        bad = [b"{not json", b"[1, 2, 3]"]
        asyncio.run(produce_lines(worker.settings.kafka, worker.settings.topics.raw, good + bad))
        expected = {
            'sum(ingest_messages_consumed_total{job="ingest"})': 12.0,
            'sum(ingest_records_published_total{job="ingest"})': 12.0,
            'sum(ingest_deadletters_total{job="ingest"})': 2.0,
            'sum(ingest_dedup_verdicts_total{job="ingest"})': 10.0,
            'up{job="ingest"}': 1.0,
            'ingest_ready{job="ingest"}': 1.0,
        }
        got: dict[str, Any] = {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                got = {expr: query(port, expr) for expr in expected}
            except OSError:
                got = {}
            if got == expected:
                break
            time.sleep(1)
        assert got == expected, (got, (tmp_path / "prometheus.log").read_text()[-2000:])
        regions = query(port, 'sum(ingest_region_tags_total{job="ingest"})')
        assert regions is not None and regions >= 10, "every good item names Turkey (Ankara) and Iraq (Baghdad)"
    finally:
        prom.terminate()
        prom.wait(30)
        worker.stop()
