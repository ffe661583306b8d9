"""`ingest demo`: the embedded default, end to end on a real local Kafka broker.

Starts a fresh single-node broker (state in var/demo, wiped first), creates the topics, starts
one worker process, replays the bundled sample wire feed (ingest/samples/wire-feed.jsonl) into
the raw topic, prints one line per output record and the worker's metrics, then stops what it
started (or keeps both running with --keep-running until Ctrl-C).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.config import Settings
from ingest.devbroker import REPO, BrokerError, LocalBroker, free_port
from ingest.feed import produce_lines, read_topics
from ingest.kafka import create_topics

DEMO_ROOT = REPO / "var" / "demo"


def sample_lines() -> list[bytes]:
    text = resources.files("ingest").joinpath("samples/wire-feed.jsonl").read_bytes()
    return [line for line in text.splitlines() if line.strip()]


def wait_http(url: str, timeout: float, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BrokerError(f"the worker exited with {proc.returncode}; its log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise BrokerError(f"the worker was not ready at {url} after {timeout:.0f}s; its log:\n{log.read_text()[-3000:]}")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _describe(record: Mapping[str, Any]) -> str:
    if record["schema"] == "dead_letter.v1":
        return f"DEAD-LETTER  {record['reason']:<16} {record['detail'][:70]}"
    d = record["dedup"]
    regions = (
        ",".join(f"{r['code']}{'*' if r['primary'] else ''}" for r in record["regions"] if r["score"] >= 0.5) or "-"
    )
    topics = ",".join(t["label"] for t in record["topics"] if t["primary"]) or "-"
    status = d["status"] + (f" of {d['duplicate_of'][:8]}" if d["duplicate_of"] else "")
    return f"{status:<22} {record['language']:<3} {regions:<12} {topics[:28]:<28} {record['title'][:60]}"


def run_demo(keep_running: bool = False, port: int = 0) -> int:
    shutil.rmtree(DEMO_ROOT, ignore_errors=True)
    DEMO_ROOT.mkdir(parents=True)
    broker = LocalBroker(home=DEMO_ROOT / "kafka", port=port or free_port(), controller_port=free_port())
    print(f"Starting a local Kafka broker (KRaft, single node) at {broker.bootstrap} ...", flush=True)
    broker.start()
    worker: subprocess.Popen[bytes] | None = None
    try:
        web_port = free_port()
        env = dict(os.environ)
        env.update(
            INGEST_KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap,
            INGEST_APP_ID="ingest-demo",
            INGEST_DATA_DIR=str(DEMO_ROOT / "worker"),
            INGEST_WEB_PORT=str(web_port),
        )
        settings = Settings.from_env(env)
        asyncio.run(create_topics(settings))
        log = DEMO_ROOT / "worker.log"
        print(f"Starting a worker (log: {log}) ...", flush=True)
        with log.open("wb") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "ingest", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_http(f"http://127.0.0.1:{web_port}/readyz", 180, worker, log)
        lines = sample_lines()
        asyncio.run(produce_lines(settings.kafka, settings.topics.raw, lines))
        print(f"Replayed {len(lines)} sample wire events into {settings.topics.raw}; outputs:\n", flush=True)
        outputs = [settings.topics.enriched, settings.topics.duplicates, settings.topics.deadletter]
        records = asyncio.run(read_topics(settings.kafka, outputs, expect=len(lines), timeout=120))
        from ingest.codec import decode_record

        for rec in records:
            print(f"  {rec.topic:<16} {_describe(decode_record(rec.value))}")
        print(f"\n{len(records)} records for {len(lines)} raw events.")
        metrics_url = f"http://{settings.web_bind}:{web_port}/metrics"
        with urllib.request.urlopen(metrics_url, timeout=5) as resp:
            text = resp.read().decode()
        print(f"\nMetrics: {metrics_url} (readiness /readyz, liveness /livez). A few of them:")
        for line in text.splitlines():
            if line.startswith(
                (
                    "ingest_records_published_total",
                    "ingest_dedup_verdicts_total",
                    "ingest_deadletters_total",
                    "ingest_build_info",
                )
            ):
                print("  " + line)
        if keep_running:
            print(
                f"\nBroker {broker.bootstrap} and worker keep running; produce more with\n"
                f"  INGEST_KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap} ingest produce FILE\nCtrl-C stops both."
            )
            try:
                while worker.poll() is None:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        return 0 if len(records) == len(lines) else 1
    finally:
        if worker is not None:
            stop_process(worker)
        broker.stop()
        print("Stopped the worker and the broker.")
