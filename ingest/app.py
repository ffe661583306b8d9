"""The faust application: topics, the dedup index table, the two agents, and services.

* `enrich` consumes the raw topic in batches (`noack_take`), runs `BatchProcessor` and acks the
  batch only after its outputs were delivered.
* `index` owns the dedup index: it consumes the requests topic, applies puts to the
  `dedup-index` table (RocksDB or memory, changelog topic `<app id>-dedup-index-changelog`,
  written a request at a time by ingest.index_store) and answers lookups on the replies topic.
* Both read back what faust left out of a partition before going on (ingest.gaps), and a timer
  seeks idle raw partitions with unprocessed messages back to them.
* Services, started by the worker before the app (so /livez answers during table recovery):
  the HTTP server (/metrics, /livez, /readyz), the index client (producer + mailbox consumer)
  and the monitor (broker probe, lag and table gauges, horizon sweep).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import faust
import orjson
from faust.types import TP, Message
from mode import Service

from ingest.config import Settings
from ingest.core.dedup import DedupParams
from ingest.core.pipeline import Pipeline, Route
from ingest.gaps import GapFiller, PartitionReader, Refetched
from ingest.guard import DeadLetterCap
from ingest.index_rpc import IndexClient, apply_request
from ingest.index_store import IndexWriter, PartitionWrites
from ingest.index_sweep import Sweeper, partition_reader
from ingest.kafka import faust_credentials
from ingest.metrics import Metrics
from ingest.transactions import TransactionalPublisher, leave_raw_commits_to_transactions
from ingest.worker import BatchProcessor, retrying

log = logging.getLogger("ingest.app")

MAX_POLL_RECORDS = 100
#: seconds without a batch after which partitions with unprocessed messages are read again (ingest.gaps)
TAIL_CHECK_S = 15.0


def stream_buffer_size(settings: Settings) -> int:
    """Events a stream may buffer: never fills up before faust has paused every partition."""
    partitions = max(settings.raw_partitions, settings.index_partitions)
    return max(4 * settings.batch_size, 2048, 5 * partitions * MAX_POLL_RECORDS + MAX_POLL_RECORDS)

INDEX_TABLE = "dedup-index"
#: RocksDB options of each dedup-index partition (faust's defaults: 64 MiB x 3 write buffers, a
#: 2 GiB block cache, 3-bit blooms). Most index reads are misses (a new story's 16 band keys, read
#: to decide and again to merge the insert): 16-bit blooms answer them without a data block ~99.9%
#: of the time. 8 MiB write buffers: a lookup in a 64 MiB skiplist memtable costs as much as the
#: rest of the article's index work (bench/dedup_bench.py at 200k articles: 212 us of lookups
#: against 79 us with 8 MiB), and 8 partitions x 3 x 64 MiB of memtables is 1.5 GiB of memory.
INDEX_TABLE_OPTIONS: dict[str, Any] = {
    "bloom_filter_size": 16,
    "block_cache_size": 64 * 1024 * 1024,
    "write_buffer_size": 8 * 1024 * 1024,
}


def faust_message(m: Refetched) -> Message:
    """A faust message for a raw message read from Kafka by ingest.gaps (only to ack it)."""
    return Message(m.topic, m.partition, m.offset, m.timestamp or 0.0, 0, None, m.key, m.value, None)


def broker_urls(bootstrap: str) -> list[str]:
    return [f"kafka://{h.strip()}" for h in bootstrap.split(",") if h.strip()]


@dataclass
class Built:
    """The faust app and what runs beside it."""

    app: Any
    services: list[Service]
    settings: Settings
    metrics: Metrics
    index: IndexClient
    processor: BatchProcessor
    table: Any
    cap: DeadLetterCap


def create_app(settings: Settings, metrics: Metrics | None = None, dedup: DedupParams | None = None) -> Built:
    """Build the faust app for `settings` (nothing connects until the worker starts)."""
    from ingest.health import HealthServer
    from ingest.monitor import Monitor

    metrics = metrics or Metrics()
    dedup = dedup or settings.dedup_params()
    app = faust.App(
        settings.app_id,
        broker=broker_urls(settings.kafka.bootstrap_servers),
        broker_credentials=faust_credentials(settings.kafka),
        store=settings.store,
        datadir=settings.data_dir,
        processing_guarantee="at_least_once",  # exactly-once is done by the enrich agent (ingest.transactions)
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.index_partitions,
        topic_replication_factor=settings.replication_factor,
        consumer_auto_offset_reset="earliest",
        producer_max_request_size=16 * 1024 * 1024,
        # A linger of 10-20 ms with 1 MiB batches gave +10-12% in bench/run.py C (faust's own
        # default is 0: one request per message under light load).
        producer_linger=settings.producer_linger_ms / 1000,
        producer_max_batch_size=1024 * 1024 if settings.producer_linger_ms else 16384,
        consumer_max_fetch_size=8 * 1024 * 1024,
        # One consumer feeds both agents, and faust blocks its whole delivery loop when a stream's
        # buffer is full: with a raw backlog, index requests queued behind raw messages never
        # reached the index agent the enrich agent was waiting for (a deadlock bench/run.py found,
        # see tests/integration/test_faults.py). faust stops fetching a partition when one of its
        # messages finds the buffer 80% full; until every partition has been stopped so, each
        # poll can add MAX_POLL_RECORDS, so the other 20% must hold partitions x that.
        stream_buffer_maxsize=stream_buffer_size(settings),
        broker_max_poll_records=MAX_POLL_RECORDS,
        broker_commit_interval=1.0,
        # A rebalance must not wait for the batch in flight: that batch may be waiting for index
        # partitions that only get an owner once the rebalance is done (a deadlock, seen in
        # tests/integration/test_faults.py). Its messages stay unacked and are redelivered to
        # their partition's next owner; reprocessing is idempotent (same ids and verdicts).
        stream_wait_empty=False,
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 4),
        web_enabled=False,
        worker_redirect_stdouts=False,
    )

    def topic(name: str, partitions: int) -> Any:
        return app.topic(name, partitions=partitions, key_serializer="raw", value_serializer="raw")

    raw_topic = topic(settings.topics.raw, settings.raw_partitions)
    requests_topic = topic(settings.topics.dedup_requests, settings.index_partitions)
    names: dict[Route, str] = {
        "enriched": settings.topics.enriched,
        "duplicates": settings.topics.duplicates,
        "deadletter": settings.topics.deadletter,
    }
    out_topics = {route: topic(name, settings.output_partitions) for route, name in names.items()}
    table = app.Table(
        INDEX_TABLE,
        partitions=settings.index_partitions,
        key_type=bytes,
        value_type=bytes,
        options=INDEX_TABLE_OPTIONS,
    )

    index = IndexClient(settings)

    def kafka_producer() -> Any:
        """The aiokafka producer under faust's buffer (started with the app; faust flushes it
        before it commits offsets)."""
        return cast(Any, app.producer)._ensure_producer()

    writer = IndexWriter(table, kafka_producer)
    sweeper = Sweeper(table, settings.index_partitions, dedup.horizon_s, settings.index_sweep_interval_s, delete=writer.delete)
    cap = DeadLetterCap(settings.deadletter_cap_share, settings.deadletter_cap_window, settings.deadletter_cap_min)
    pipeline = Pipeline(dedup)
    metrics.set_taxonomy(pipeline.tagger.version)

    def sender(topic: Any) -> Any:
        async def send(key: bytes, value: bytes) -> Any:
            return await topic.send(key=key, value=value)

        return send

    def owns_raw(partition: int, generation: int | None) -> bool:
        if generation is not None and generation != app.consumer_generation_id:
            return False
        return any(tp.topic == settings.topics.raw and tp.partition == partition for tp in app.consumer.assignment())

    transactional = TransactionalPublisher(settings, owns_raw) if settings.processing_guarantee == "exactly_once" else None
    gaps = GapFiller(PartitionReader(settings, settings.topics.raw)) if transactional is None else None
    request_gaps = GapFiller(PartitionReader(settings, settings.topics.dedup_requests))
    processor = BatchProcessor(
        pipeline,
        index,
        {r: sender(t) for r, t in out_topics.items()},
        names,
        metrics,
        settings.max_message_bytes,
        transactional=transactional,
        gaps=gaps,
    )

    class IndexService(Service):
        def __init__(self) -> None:
            super().__init__()
            self.up = asyncio.Event()

        async def wait_until_ready(self) -> None:
            await self.up.wait()

        async def on_start(self) -> None:
            await index.start()
            self.up.set()

        async def on_stop(self) -> None:
            await index.stop()
            if transactional is not None:
                await transactional.stop()
            if gaps is not None:
                await gaps.reader.stop()
            await request_gaps.reader.stop()

    index_service = IndexService()

    async def redeliver_uncommitted(partitions: set[int]) -> None:
        """faust does not hand a message out twice: seek the partitions still assigned here whose
        batch was not committed (taken before a rebalance) back to their floor."""
        assert transactional is not None
        for partition in partitions:
            floor = transactional.floor(partition)
            if floor is not None and owns_raw(partition, None):
                log.info("raw partition %s: batch not committed, reading again from %s", partition, floor)
                await app.consumer.seek(TP(settings.topics.raw, partition), floor)

    @app.agent(raw_topic, name="enrich")
    async def enrich(stream: Any) -> None:
        await index_service.wait_until_ready()
        if transactional is not None:  # before the first ack: faust would commit what is acked
            leave_raw_commits_to_transactions(app.consumer, settings.topics.raw)
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_window_ms / 1000):
            await cap.wait_until_open()  # tripped: hold this batch, take no more, until resumed
            result = await processor.process([e.message for e in events])
            for event in events:  # exactly-once: only events whose transaction committed
                if result.committed is None or event.message.partition in result.committed:
                    await stream.ack(event)
            for refetched in result.refetched:  # lets faust commit past the gap they filled
                if result.committed is None or refetched.partition in result.committed:
                    app.consumer.ack(faust_message(refetched))
            if transactional is not None and result.committed is not None:
                await redeliver_uncommitted({e.message.partition for e in events} - result.committed)
            if cap.record(o.route == "deadletter" for o in result.outputs):
                metrics.paused.set(1)

    async def reread_idle_tails() -> None:
        """Messages faust left out at the end of a partition (ingest.gaps): read them again."""
        if gaps is None or cap.tripped:
            return
        raw = settings.topics.raw
        owned = [tp.partition for tp in app.consumer.assignment() if tp.topic == raw]
        highwater = lambda p: app.consumer.highwater(TP(raw, p))  # noqa: E731
        try:
            tails = await gaps.idle_tails(owned, app.consumer_generation_id, highwater, TAIL_CHECK_S)
            for partition, floor in tails.items():
                log.warning("raw partition %s: idle with messages from offset %s not processed, reading them again", partition, floor)
                await app.consumer.seek(TP(raw, partition), floor)
        except Exception as exc:  # broker away, partition just revoked: the next round tries again
            log.warning("checking idle partitions failed: %s", exc)

    app.timer(TAIL_CHECK_S)(reread_idle_tails)

    async def serve(message: Any) -> None:
        """Apply one index request to this worker's table partition and answer its gets."""
        partition = message.partition
        try:
            await answer(message)
        finally:  # the request's puts (those before a bad one too) and the sweep's deletes
            await writer.flush(partition)

    async def answer(message: Any) -> None:
        partition = message.partition
        try:
            request = orjson.loads(message.value)
            entries = apply_request(PartitionWrites(writer, partition, partition_reader(table, partition)), request, dedup.horizon_s)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            where = f"{message.topic}/{partition}/{message.offset}"
            log.error("unreadable dedup request skipped: %s", exc, extra={"kafka": where})
            return
        metrics.index_ops.labels("put").inc(len(request.get("put", ())))
        if entries is not None:
            metrics.index_ops.labels("get").inc(len(entries))
            await index.reply(request["reply"], request["rid"], partition, entries)
        sweeper.observe(partition, request)
        expired = sweeper.maybe_sweep(partition)  # after the answer: never delays a lookup
        if expired:
            metrics.index_expired.inc(expired)

    @app.agent(requests_topic, name="index")
    async def index_agent(stream: Any) -> None:
        await index_service.wait_until_ready()
        async for event in stream.events():
            message = event.message
            generation = getattr(message, "generation_id", None)
            # requests faust left out of this partition come first, in order (ingest.gaps)
            requests = await retrying("reading missing index requests", partial(request_gaps.fill, [message], generation))
            try:
                for request in requests:
                    await serve(request)
                request_gaps.done(requests)
            finally:
                request_gaps.release()
            for refetched in requests:
                if isinstance(refetched, Refetched):
                    metrics.refetched.labels(refetched.topic).inc()
                    app.consumer.ack(faust_message(refetched))

    monitor = Monitor(app, settings, metrics, table, raw_topic, cap)
    health = HealthServer(app, settings, metrics, monitor, cap)
    return Built(app, [health, index_service, monitor], settings, metrics, index, processor, table, cap)
