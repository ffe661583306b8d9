"""The faust-side batch logic without a broker: routing, ack-after-delivery, retries.

The index here is the same LocalStore the offline mode uses, behind the worker's async
interface; the senders record what would be published. Kafka itself is exercised by the
integration tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ingest.codec import decode_record
from ingest.core.dedup import DedupParams, LocalStore
from ingest.core.pipeline import Pipeline, Route
from ingest.index_rpc import apply_request
from ingest.metrics import Metrics
from ingest.worker import BatchProcessor

NAMES: dict[Route, str] = {
    "enriched": "news.enriched",
    "duplicates": "news.duplicates",
    "deadletter": "news.deadletter",
}


@dataclass
class FakeMessage:
    value: bytes | None
    offset: int
    topic: str = "news.raw"
    partition: int = 0
    key: bytes | None = None
    timestamp: float | None = 1_700_000_000.0


class FlakyIndex:
    """LocalStore behind the async index interface, failing the first `fail` lookups."""

    def __init__(self, fail: int = 0) -> None:
        self.store = LocalStore(DedupParams().horizon_s)
        self.fail = fail
        self.calls = 0

    async def get_many(self, keys: Sequence[str]) -> Mapping[str, bytes | None]:
        self.calls += 1
        if self.fail:
            self.fail -= 1
            raise TimeoutError("index partition rebalancing")
        return self.store.get_many(keys)

    async def put_many(self, puts: Sequence[tuple[str, bytes]]) -> None:
        self.store.apply(puts)


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[Route, bytes, bytes]] = []
        self.pending: list[asyncio.Future[None]] = []

    def sender(self, route: Route) -> Any:
        async def send(key: bytes, value: bytes) -> asyncio.Future[None]:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.pending.append(fut)
            self.sent.append((route, key, value))
            return fut

        return send


def processor(index: FlakyIndex, outbox: Outbox) -> BatchProcessor:
    senders = {r: outbox.sender(r) for r in NAMES}
    return BatchProcessor(Pipeline(DedupParams()), index, senders, NAMES, Metrics(), 2 * 1024 * 1024)


def raw(i: int, body: str, **extra: Any) -> FakeMessage:
    return FakeMessage(orjson.dumps({"id": f"a{i}", "source": "wire", "body": body, **extra}), offset=i)


BODY = " ".join(f"Line {i} about the border talks between Ankara and Baghdad on customs fees." for i in range(20))


async def test_routes_every_message_to_exactly_one_output() -> None:
    outbox, index = Outbox(), FlakyIndex()
    batch = [
        raw(0, BODY),
        FakeMessage(b"{bad", 1),
        raw(2, BODY),
        FakeMessage(b'{"id":"x","source":"s","body":"  "}', 3),
        FakeMessage(None, 4),
    ]
    task = asyncio.create_task(processor(index, outbox).process(batch))
    await asyncio.sleep(0.05)
    assert not task.done(), "the batch must not complete before Kafka acknowledged its outputs"
    for fut in outbox.pending:
        fut.set_result(None)
    outputs = (await task).outputs
    assert [o.route for o in outputs] == ["enriched", "deadletter", "duplicates", "deadletter", "deadletter"]
    assert len(outbox.sent) == 5
    reasons = [decode_record(v).get("reason") for r, _, v in outbox.sent if r == "deadletter"]
    assert reasons == ["invalid_json", "empty_body", "not_an_object"]
    dl = decode_record(outbox.sent[1][2])
    assert dl["kafka"] == {
        "topic": "news.raw",
        "partition": 0,
        "offset": 1,
        "timestamp": 1_700_000_000_000,
        "key": None,
    }


async def test_index_trouble_is_retried_not_dropped() -> None:
    outbox, index = Outbox(), FlakyIndex(fail=2)
    task = asyncio.create_task(processor(index, outbox).process([raw(0, BODY)]))
    while not outbox.pending:
        await asyncio.sleep(0.05)
    outbox.pending[0].set_result(None)
    outputs = (await task).outputs
    assert index.calls == 3 and [o.route for o in outputs] == ["enriched"]


async def test_redelivered_batch_gets_the_same_outputs() -> None:
    outbox, index = Outbox(), FlakyIndex()
    proc = processor(index, outbox)
    batch = [raw(0, BODY), raw(1, BODY + " One more line."), raw(2, BODY)]

    async def run() -> list[Any]:
        task = asyncio.create_task(proc.process(batch))
        while len(outbox.pending) < 3:
            await asyncio.sleep(0.01)
        for fut in outbox.pending:
            fut.set_result(None)
        outbox.pending.clear()
        return (await task).outputs

    first, second = await run(), await run()
    assert [(o.route, o.key, o.record["dedup"]) for o in first] == [(o.route, o.key, o.record["dedup"]) for o in second]


def test_index_owner_applies_puts_before_answering_gets() -> None:
    table: dict[bytes, bytes] = {}
    put = ["h:abc", orjson.dumps({"i": "x", "c": "x", "t": 10}).decode()]
    assert apply_request(table, {"rid": "", "put": [put]}, 100) is None
    answer = apply_request(table, {"rid": "r", "reply": 0, "get": ["h:abc", "h:zzz"]}, 100)
    assert answer is not None and orjson.loads(answer["h:abc"] or b"") == {"i": "x", "c": "x", "t": 10}
    assert answer["h:zzz"] is None


class FakeTransactions:
    """The exactly-once publisher's interface; partition 1 belongs to another worker now."""

    def __init__(self) -> None:
        self.committed: dict[int, tuple[list[tuple[int, str, bytes, bytes]], int]] = {}

    async def fill_gaps(self, raw_messages: Sequence[Any], generation: int | None) -> list[Any]:
        return list(raw_messages)

    async def publish(self, partition: int, records: Sequence[tuple[int, str, bytes, bytes]], next_offset: int, generation: int | None = None) -> int:
        from ingest.transactions import PartitionLost

        if partition == 1:
            raise PartitionLost("raw partition 1 moved to another worker")
        self.committed[partition] = (list(records), next_offset)
        return len(records)


async def test_exactly_once_commits_per_partition_and_survives_a_lost_one() -> None:
    txn = FakeTransactions()
    outbox = Outbox()
    proc = BatchProcessor(
        Pipeline(DedupParams()), FlakyIndex(), {r: outbox.sender(r) for r in NAMES}, NAMES, Metrics(), 2 * 1024 * 1024,
        transactional=txn,  # type: ignore[arg-type]
    )
    batch = [FakeMessage(raw(i, BODY + f" {i}").value, offset=10 + i, partition=i % 2) for i in range(6)]
    result = await proc.process(batch)
    assert result.committed == {0}
    records, next_offset = txn.committed[0]
    assert [r[0] for r in records] == [10, 12, 14] and next_offset == 15
    assert outbox.sent == []  # exactly-once publishes through the transactions only
    only_lost = await proc.process([FakeMessage(raw(9, BODY).value, offset=30, partition=1)])
    assert only_lost.committed == set()  # nothing committed, nothing observed, no crash
