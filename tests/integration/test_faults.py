"""Faults on a real broker, each checked with the accounting invariant.

Accounting invariant: every raw message (known by its Kafka key) appears in the outputs
(enriched, duplicates or dead-letter), and all outputs for one raw message carry the same
stable id (at-least-once may repeat a record, never change or lose it).
These tests use their own broker (one of them stops it) and their own workers.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from ingest.codec import decode_record
from ingest.devbroker import LocalBroker
from ingest.feed import read_topics
from ingest.kafka import client_options, create_topics
from tests.dedup_streams import generate
from tests.kafka_support import WorkerProcess, send_raw, start_broker, topic_env, unique

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def fault_broker(tmp_path_factory: pytest.TempPathFactory) -> Any:
    broker = start_broker(tmp_path_factory.mktemp("kafka-faults"))
    try:
        yield broker
    finally:
        broker.stop()


def fault_stream(seed: int, copies: int = 4, bad: int = 40) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs: a dedup stream repeated under new sources, plus bad input."""
    items = generate(seed)
    out: list[tuple[bytes, bytes]] = []
    for k in range(copies):
        for item in items:
            raw = dict(item.raw, source=f"{item.raw['source']}-{k}")
            out.append((f"ft/{len(out)}".encode(), orjson.dumps(raw)))
    for i in range(bad):
        out.append((f"ft/{len(out)}".encode(), b'{"id": "broken", "source": ' if i % 2 else b"\xff\xfe not utf-8"))
    return out


def produce(worker: WorkerProcess, pairs: list[tuple[bytes, bytes]]) -> None:
    asyncio.run(send_raw(worker, pairs))


def outputs(worker: WorkerProcess, want: int, timeout: float, isolation: str = "read_uncommitted") -> list[dict[str, Any]]:
    t = worker.settings.topics

    def covered(records: list[Any]) -> bool:
        return len({decode_record(r.value)["kafka"]["key"] for r in records}) >= want

    got = asyncio.run(read_topics(worker.settings.kafka, [t.enriched, t.duplicates, t.deadletter], timeout=timeout, until=covered, isolation_level=isolation))
    return [decode_record(r.value) for r in got]


def wait_for_progress(worker: WorkerProcess, share: float, total: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        seen = len({r["kafka"]["key"] for r in outputs(worker, 0, 2)})
        if seen >= share * total:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"only {seen}/{total} processed before the fault")


def check_accounting(pairs: list[tuple[bytes, bytes]], records: list[dict[str, Any]]) -> dict[str, int]:
    ids: dict[str, set[str]] = {}
    copies = Counter[str]()
    for rec in records:
        key = rec["kafka"]["key"]
        ids.setdefault(key, set()).add(rec["id"])
        copies[key] += 1
    missing = [k.decode() for k, _ in pairs if k.decode() not in ids]
    assert not missing, f"{len(missing)} raw messages have no output, e.g. {missing[:5]}"
    changed = {k: v for k, v in ids.items() if len(v) > 1}
    assert not changed, f"outputs of one raw message with different ids: {list(changed.items())[:3]}"
    extra = sum(n - 1 for n in copies.values())
    print(f"\naccounting: {len(pairs)} raw messages, {len(records)} outputs, {extra} repeated outputs (same id)")
    return {"raw": len(pairs), "outputs": len(records), "repeated": extra}


def second_worker(env: dict[str, str], tmp: Path) -> WorkerProcess:
    """Another worker in the same group: its own port and state directory."""
    return WorkerProcess(dict(env, INGEST_WEB_PORT=str(int(env["INGEST_WEB_PORT"]) + 1), INGEST_DATA_DIR=str(tmp / "d2")), tmp / "w2.log")


def first_worker(broker: LocalBroker, tmp: Path, **extra: str) -> tuple[dict[str, str], WorkerProcess]:
    """The environment of a fresh set of topics (created here) and a first, unstarted worker on it."""
    env = topic_env(broker.bootstrap, unique("f"), tmp / "data", INGEST_SESSION_TIMEOUT_S="10", **extra)
    worker = WorkerProcess(env, tmp / "w1.log")
    asyncio.run(create_topics(worker.settings))
    return env, worker


@pytest.mark.timeout(400)
def test_kill_9_mid_stream_then_restart(fault_broker: LocalBroker, tmp_path: Path) -> None:
    env, worker = first_worker(fault_broker, tmp_path)
    pairs = fault_stream(seed=41)
    worker.start()
    produce(worker, pairs)
    wait_for_progress(worker, 0.25, len(pairs))
    worker.stop(signal.SIGKILL)
    restarted = WorkerProcess(env, tmp_path / "w2.log")
    restarted.start()
    try:
        check_accounting(pairs, outputs(restarted, len(pairs), 240))
    finally:
        restarted.stop()


@pytest.mark.timeout(400)
def test_backlog_bigger_than_the_stream_buffers(fault_broker: LocalBroker, tmp_path: Path) -> None:
    """A worker that starts on a backlog larger than faust's stream buffers still answers its own
    index requests (once, faust's blocked delivery loop starved the index agent: a deadlock)."""
    _, worker = first_worker(fault_broker, tmp_path)
    pairs = [
        (f"bk/{i}".encode(), orjson.dumps({"id": f"bk-{i}", "source": "backlog", "title": f"Item {i}", "body": f"Report number {i} on harvest {i * 7} tonnes near Konya. " * 4}))
        for i in range(6000)
    ]
    produce(worker, pairs)
    worker.start()
    try:
        check_accounting(pairs, outputs(worker, len(pairs), 300))
    finally:
        worker.stop()


@pytest.mark.timeout(400)
def test_two_workers_one_killed(fault_broker: LocalBroker, tmp_path: Path) -> None:
    env, first = first_worker(fault_broker, tmp_path)
    second = second_worker(env, tmp_path)
    first.start()
    second.start()
    pairs = fault_stream(seed=42)
    try:
        produce(first, pairs)
        wait_for_progress(first, 0.25, len(pairs))
        first.stop(signal.SIGKILL)
        check_accounting(pairs, outputs(second, len(pairs), 300))
        second.wait_ready(60)
        raw = orjson.loads(second.http_text("/readyz"))["partitions"][second.settings.topics.raw]
        assert raw == list(range(8)), "the survivor owns every raw partition"
    finally:
        first.stop()
        second.stop()


@pytest.mark.timeout(400)
def test_broker_down_for_20_seconds(fault_broker: LocalBroker, tmp_path: Path) -> None:
    _, worker = first_worker(fault_broker, tmp_path)
    pairs = fault_stream(seed=43)
    half = len(pairs) // 2
    worker.start()
    try:
        produce(worker, pairs[:half])
        wait_for_progress(worker, 0.2, len(pairs))
        fault_broker.stop()
        stopped = time.monotonic()
        while worker.http_status("/readyz") != 503 and time.monotonic() < stopped + 20:
            time.sleep(0.5)
        assert worker.http_status("/readyz") == 503, "readiness must drop while the broker is gone"
        time.sleep(max(0.0, stopped + 20 - time.monotonic()))
        fault_broker.start()
        worker.wait_ready(120)
        assert worker.proc is not None and worker.proc.poll() is None, "the worker must survive without a restart"
        produce(worker, pairs[half:])
        check_accounting(pairs, outputs(worker, len(pairs), 240))
    finally:
        worker.stop()
        if fault_broker.running_pid() is None:
            fault_broker.start()


@pytest.mark.timeout(500)
def test_rebalance_while_the_index_is_rebuilt(fault_broker: LocalBroker, tmp_path: Path) -> None:
    """A second worker joins (and restores index partitions from the changelog) while copies
    of already indexed stories arrive: the copies must still be recognised."""
    env, first = first_worker(fault_broker, tmp_path)
    items = generate(seed=44)
    originals = [i for i in items if i.kind in ("original", "same_subject", "templated")]
    copies = [i for i in items if i.kind in ("copy", "exact")]
    first.start()
    second = second_worker(env, tmp_path)
    try:
        pairs = [(f"ft/o{n}".encode(), i.line()) for n, i in enumerate(originals)]
        produce(first, pairs)
        outputs(first, len(pairs), 120)
        assert second.proc is None
        with (tmp_path / "w2.log").open("ab") as out:  # start the second worker without waiting for it
            import subprocess
            import sys

            second.proc = subprocess.Popen([sys.executable, "-m", "ingest", "worker"], env=second.env, stdout=out, stderr=subprocess.STDOUT)
        copy_pairs = [(f"ft/c{n}".encode(), i.line()) for n, i in enumerate(copies)]
        produce(first, copy_pairs)
        records = outputs(first, len(pairs) + len(copy_pairs), 300)
        check_accounting(pairs + copy_pairs, records)
        story_of = {rec["id"]: i.story for i, rec in ((originals[int(r["kafka"]["key"][4:])], r) for r in records if r["kafka"]["key"].startswith("ft/o"))}
        flagged = [r for r in records if r["kafka"]["key"].startswith("ft/c")]
        by_key = {r["kafka"]["key"]: r for r in flagged}
        right = sum(
            1 for key, r in by_key.items()
            if r["dedup"]["status"] == "duplicate" and story_of.get(r["dedup"]["duplicate_of"]) == copies[int(key[4:])].story
        )
        print(f"\ncopies recognised during the rebalance: {right}/{len(by_key)}")
        assert right / len(by_key) >= 0.95
    finally:
        first.stop()
        second.stop()


@pytest.mark.timeout(500)
@pytest.mark.parametrize("fault", ["kill-9-restart", "two-workers-one-killed"])
def test_exactly_once_under_faults(fault_broker: LocalBroker, tmp_path: Path, fault: str) -> None:
    """With INGEST_PROCESSING_GUARANTEE=exactly_once, a read_committed consumer sees exactly one
    output per raw message through a kill -9 (and a failover to a second worker)."""
    env, first = first_worker(fault_broker, tmp_path, INGEST_PROCESSING_GUARANTEE="exactly_once")
    pairs = fault_stream(seed=45, copies=3)
    first.start()
    survivor: WorkerProcess
    if fault == "two-workers-one-killed":
        survivor = second_worker(env, tmp_path)
        survivor.start()
    try:
        produce(first, pairs)
        wait_for_progress(first, 0.25, len(pairs))
        first.stop(signal.SIGKILL)
        if fault == "kill-9-restart":
            survivor = WorkerProcess(env, tmp_path / "w2.log")
            survivor.start()
        stats = check_accounting(pairs, outputs(survivor, len(pairs), 300, isolation="read_committed"))
        assert stats["repeated"] == 0, "exactly-once: no output twice for read_committed consumers"
    finally:
        first.stop()
        survivor.stop()


@pytest.mark.timeout(300)
def test_exactly_once_committed_offsets_never_move_back(fault_broker: LocalBroker, tmp_path: Path) -> None:
    """Under exactly_once only the transactions commit raw offsets: polled all along, no raw
    partition's committed offset goes down, and at the end each is at its partition's end.
    (faust's own lagging commits once moved them back: a kill then published messages twice.)"""
    _, worker = first_worker(fault_broker, tmp_path, INGEST_PROCESSING_GUARANTEE="exactly_once")
    pairs = fault_stream(seed=46, copies=3)
    worker.start()
    raw = worker.settings.topics.raw
    tps = [TopicPartition(raw, p) for p in range(worker.settings.raw_partitions)]

    async def watch() -> tuple[list[tuple[int, int, int]], dict[int, int], dict[int, int]]:
        admin = AIOKafkaAdminClient(**client_options(worker.settings.kafka))
        await admin.start()
        producing = asyncio.create_task(send_raw(worker, pairs))
        seen: dict[int, int] = {}
        back: list[tuple[int, int, int]] = []
        ends: dict[int, int] = {}
        deadline = time.monotonic() + 200
        try:
            while time.monotonic() < deadline:
                found = await admin.list_consumer_group_offsets(worker.settings.app_id, partitions=tps)
                for tp, meta in found.items():
                    if 0 <= meta.offset < seen.get(tp.partition, -1):
                        back.append((tp.partition, seen[tp.partition], meta.offset))
                    seen[tp.partition] = max(seen.get(tp.partition, -1), meta.offset)
                if producing.done() and not ends:
                    await producing
                    ends = {tp.partition: offset for tp, offset in (await end_offsets(worker, tps)).items()}
                if ends and all(seen.get(p) == end for p, end in ends.items()):
                    break
                await asyncio.sleep(0.01)
        finally:
            await admin.close()
        return back, seen, ends

    try:
        back, seen, ends = asyncio.run(watch())
    finally:
        worker.stop()
    assert not back, f"committed offsets moved back (partition, from, to): {sorted(set(back))[:10]}"
    assert ends and seen == ends, f"committed {seen}, partition ends {ends}"


async def end_offsets(worker: WorkerProcess, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(**client_options(worker.settings.kafka), group_id=None)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()
