"""Session fixtures: one real Kafka broker and one worker for the whole test session.

Tests marked `kafka` share them; each test uses its own sources and Kafka keys and reads back
only its own records, so tests stay independent without paying a worker start each.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.devbroker import LocalBroker
from tests.kafka_support import WorkerProcess, running_worker, start_broker, topic_env, unique


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    home = tmp_path_factory.mktemp("kafka")
    b = start_broker(home)
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture(scope="session")
def worker(broker: LocalBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    root = tmp_path_factory.mktemp("worker")
    env = topic_env(broker.bootstrap, unique("session"), root / "data")
    with running_worker(env, root / "worker.log") as w:
        yield w


@pytest.fixture()
def fresh_env(broker: LocalBroker, tmp_path: Path) -> dict[str, str]:
    """Environment for a worker of this test only, on fresh topics."""
    return topic_env(broker.bootstrap, unique("t"), tmp_path / "data")
