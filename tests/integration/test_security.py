"""SASL/SCRAM on a real broker: the worker works with the right credentials, is refused with
wrong ones, and its logs, metrics and errors never show the password."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ingest.config import Settings
from ingest.devbroker import LocalBroker, free_port, with_scram_listener
from ingest.feed import produce_lines, read_topics
from ingest.kafka import create_topics
from tests.kafka_support import WorkerProcess, topic_env

pytestmark = pytest.mark.kafka
PASSWORD = "s3cret-Scram-Pw-4711"


@pytest.fixture(scope="module")
def scram_broker(tmp_path_factory: pytest.TempPathFactory) -> object:
    sasl_port = free_port()
    broker = with_scram_listener(
        LocalBroker(home=tmp_path_factory.mktemp("kafka-sasl"), port=free_port(), controller_port=free_port()),
        sasl_port,
        {"ingest": PASSWORD},
    )
    broker.start()
    try:
        yield broker, sasl_port
    finally:
        broker.stop()


def sasl_env(bootstrap_plain: str, sasl_port: int, tmp: Path, password: str) -> dict[str, str]:
    env = topic_env(bootstrap_plain, "sec", tmp / "data")
    env.update(
        INGEST_KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{sasl_port}",
        INGEST_KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        INGEST_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
        INGEST_KAFKA_SASL_USERNAME="ingest",
        INGEST_KAFKA_SASL_PASSWORD=password,
    )
    return env


@pytest.mark.timeout(300)
def test_scram_right_and_wrong_credentials(scram_broker: tuple[LocalBroker, int], tmp_path: Path) -> None:
    broker, sasl_port = scram_broker
    env = sasl_env(broker.bootstrap, sasl_port, tmp_path / "ok", PASSWORD)
    settings = Settings.from_env(env)
    asyncio.run(create_topics(settings))  # over SASL: authenticated
    worker = WorkerProcess(env, tmp_path / "ok.log")
    worker.start()
    try:
        line = orjson.dumps(
            {
                "id": "s1",
                "source": "sec",
                "title": "Secure",
                "body": "ANKARA - Over SASL/SCRAM the worker reads and writes as usual.",
            }
        )
        asyncio.run(produce_lines(settings.kafka, settings.topics.raw, [line]))
        got = asyncio.run(read_topics(settings.kafka, [settings.topics.enriched], expect=1, timeout=60))
        assert len(got) == 1 and orjson.loads(got[0].value)["source"] == "sec"
        assert PASSWORD not in worker.http_text("/metrics")
    finally:
        worker.stop()
    assert PASSWORD not in (tmp_path / "ok.log").read_text()

    bad = sasl_env(broker.bootstrap, sasl_port, tmp_path / "bad", "wrong-password-1234")
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "worker"], env=bad, capture_output=True, text=True, timeout=120, check=False
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "authentication" in output.lower(), output[-2000:]
    assert "wrong-password-1234" not in output
