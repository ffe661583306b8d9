"""Real-broker helpers for integration tests: one broker per session, workers as processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from ingest.codec import decode_record
from ingest.config import Settings
from ingest.devbroker import LocalBroker, free_port
from ingest.feed import read_topics
from ingest.kafka import client_options, create_topics

REPO = Path(__file__).resolve().parents[1]


def topic_env(bootstrap: str, tag: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a worker on a fresh set of topics named after `tag`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        INGEST_APP_ID=f"ingest-{tag}",
        INGEST_TOPIC_RAW=f"{tag}.raw",
        INGEST_TOPIC_ENRICHED=f"{tag}.enriched",
        INGEST_TOPIC_DUPLICATES=f"{tag}.duplicates",
        INGEST_TOPIC_DEADLETTER=f"{tag}.deadletter",
        INGEST_TOPIC_DEDUP_REQUESTS=f"{tag}.dedup.requests",
        INGEST_TOPIC_DEDUP_REPLIES=f"{tag}.dedup.replies",
        INGEST_DATA_DIR=str(data_dir),
        INGEST_WEB_PORT=str(free_port()),
        INGEST_LOG_LEVEL="info",
    )
    env.update(extra)
    return env


@dataclass
class WorkerProcess:
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    settings: Settings = field(init=False)

    def __post_init__(self) -> None:
        self.settings = Settings.from_env(self.env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['INGEST_WEB_PORT']}"

    def start(self, timeout: float = 90.0) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ingest", "worker"], env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited {self.proc.returncode}:\n{self.log.read_text()[-4000:]}")
            if self.http_status("/readyz") == 200:
                return
            time.sleep(0.3)
        raise RuntimeError(f"worker not ready in {timeout}s:\n{self.log.read_text()[-4000:]}")

    def http_status(self, path: str) -> int | None:
        try:
            with urllib.request.urlopen(self.url + path, timeout=2) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return None

    def http_text(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=5) as resp:
            return str(resp.read().decode())

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def send_raw(
    worker: WorkerProcess, items: Sequence[tuple[bytes, bytes | None]], partition: int | None = None
) -> None:
    """Produce (key, value) pairs to the worker's raw topic and wait until Kafka has them all."""
    producer = AIOKafkaProducer(**client_options(worker.settings.kafka), max_request_size=16 * 1024 * 1024, acks="all")
    await producer.start()
    try:
        futures = [
            await producer.send(worker.settings.topics.raw, value, key=key, partition=partition) for key, value in items
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


@contextmanager
def running_worker(env: dict[str, str], log: Path) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(env, log)
    asyncio.run(create_topics(worker.settings))
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def read_outputs(
    settings: Settings,
    expect: int,
    match: Mapping[str, Any] | None = None,
    key_prefix: str | None = None,
    timeout: float = 90.0,
) -> list[tuple[str, dict[str, Any]]]:
    """Output records (topic, record) whose source (or Kafka key prefix, for dead letters) is ours."""
    topics = [settings.topics.enriched, settings.topics.duplicates, settings.topics.deadletter]

    def mine(value: bytes) -> bool:
        rec = decode_record(value)
        if match is not None and all(rec.get(k) == v for k, v in match.items()):
            return True
        kafka = rec.get("kafka") or {}
        return key_prefix is not None and str(kafka.get("key") or "").startswith(key_prefix)

    def enough(got: list[Any]) -> bool:
        return sum(1 for r in got if mine(r.value)) >= expect

    got = asyncio.run(read_topics(settings.kafka, topics, timeout=timeout, until=enough))
    return [(r.topic, decode_record(r.value)) for r in got if mine(r.value)]


def start_broker(home: Path) -> LocalBroker:
    broker = LocalBroker(home=home, port=free_port(), controller_port=free_port())
    broker.start()
    return broker
