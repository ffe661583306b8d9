"""One batch of raw Kafka messages through the core, with the index and the output topics.

Delivery contract (at-least-once): a raw message is acked only after its one output record was
acknowledged by Kafka, so a crash at any point makes the batch run again; redelivered messages
get the same verdicts and the same output ids (see `ingest.core.dedup`). Bad input is never
raised out of here: the pipeline turns it into dead-letter records. Infrastructure trouble (the
index not answering, Kafka refusing a send) is retried with backoff, never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from ingest.codec import OutputContractError, decode_raw, encode_record
from ingest.core import records
from ingest.core.model import Origin, Reason, Rejection
from ingest.core.pipeline import Message, Output, Pipeline, Route
from ingest.gaps import GapFiller, Refetched
from ingest.metrics import Metrics
from ingest.transactions import PartitionLost, TransactionalPublisher

log = logging.getLogger("ingest.worker")

#: sends one record (key, value) and returns the delivery future
Send = Callable[[bytes, bytes], Awaitable[Awaitable[Any]]]


class Index(Protocol):
    async def get_many(self, keys: Sequence[str]) -> Mapping[str, bytes | None]: ...

    async def put_many(self, puts: Sequence[tuple[str, bytes]]) -> None: ...


def origin_of(message: Any) -> Origin:
    """Coordinates of a faust/aiokafka message (timestamp in ms)."""
    key = message.key
    if isinstance(key, bytes):
        key = key[:256].decode("utf-8", "replace")
    ts = message.timestamp
    return Origin(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        timestamp_ms=None if ts is None else round(ts * 1000),
        key=key,
    )


async def retrying(
    what: str,
    attempt: Callable[[], Awaitable[Any]],
    on_retry: Callable[[], None] | None = None,
    fatal: tuple[type[BaseException], ...] = (),
) -> Any:
    """Run `attempt` until it succeeds; back off 0.2 s doubling to 5 s. Cancellation and the
    `fatal` exceptions stop it."""
    delay = 0.2
    while True:
        try:
            return await attempt()
        except asyncio.CancelledError:
            raise
        except fatal:
            raise
        except Exception as exc:
            log.warning("%s failed, retrying in %.1fs: %s", what, delay, exc)
            if on_retry is not None:
                on_retry()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def generation_of(raw_messages: Sequence[Any]) -> int | None:
    """The consumer group generation the batch was fetched in (faust messages carry it), or None
    when the messages do not say or disagree (then the publisher does not check it)."""
    generations = {getattr(m, "generation_id", None) for m in raw_messages}
    if len(generations) != 1:
        return None
    only = generations.pop()
    return only if isinstance(only, int) else None


@dataclass(frozen=True)
class BatchResult:
    outputs: list[Output]
    #: raw partitions whose outputs were committed (exactly-once mode); None: all (at-least-once)
    committed: set[int] | None = None
    #: messages faust did not hand out, read from Kafka and processed with the batch (ingest.gaps)
    refetched: tuple[Refetched, ...] = ()


class BatchProcessor:
    """Processes batches for one worker: decode, core, index, publish."""

    def __init__(
        self,
        pipeline: Pipeline,
        index: Index,
        senders: Mapping[Route, Send],
        topic_names: Mapping[Route, str],
        metrics: Metrics,
        max_message_bytes: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transactional: TransactionalPublisher | None = None,
        gaps: GapFiller | None = None,
    ) -> None:
        self.transactional = transactional
        self.gaps = gaps
        self.pipeline = pipeline
        self.index = index
        self.senders = senders
        self.topic_names = topic_names
        self.metrics = metrics
        self.max_message_bytes = max_message_bytes
        self.clock = clock

    def decode(self, raw_messages: Sequence[Any]) -> list[Message]:
        out = []
        for m in raw_messages:
            origin = origin_of(m)
            out.append(Message(m.value, origin, decode_raw(m.value, self.max_message_bytes)))
        return out

    async def process(self, raw_messages: Sequence[Any]) -> BatchResult:
        """Process and publish one batch; returns once Kafka acknowledged (or committed) them."""
        if self.gaps is None:
            return await self._process(raw_messages)
        try:
            return await self._process(raw_messages)
        finally:
            self.gaps.release()

    async def _process(self, raw_messages: Sequence[Any]) -> BatchResult:
        started = time.perf_counter()
        generation = generation_of(raw_messages)
        if self.transactional is not None:
            publisher = self.transactional
            raw_messages = await retrying("reading uncommitted gaps", lambda: publisher.fill_gaps(raw_messages, generation))
        elif self.gaps is not None:
            gaps = self.gaps
            raw_messages = await retrying("reading missing offsets", lambda: gaps.fill(raw_messages, generation))
        messages = self.decode(raw_messages)
        decoded_at = time.perf_counter()
        batch = self.pipeline.batch(messages, self.clock())
        batch.timings.seconds["decode"] += decoded_at - started
        keys = batch.keys()
        asked = time.perf_counter()
        fetched = await retrying(
            "dedup index lookup", lambda: self.index.get_many(keys), self.metrics.index_timeouts.inc
        )
        self.metrics.index_rpc_seconds.observe(time.perf_counter() - asked)
        outputs, puts = batch.complete(fetched)
        await retrying("dedup index insert", lambda: self.index.put_many(puts))
        publish_at = time.perf_counter()
        committed: set[int] | None = None
        if self.transactional is None:
            outputs = cast(list[Output], await retrying("publish", lambda: self._publish(messages, outputs)))
            if self.gaps is not None:
                self.gaps.done(raw_messages)
        else:
            outputs, committed = await self._publish_transactions(messages, outputs, generation)
        batch.timings.seconds["publish"] += time.perf_counter() - publish_at
        kept = [(r, o) for r, o in zip(raw_messages, outputs, strict=True) if committed is None or r.partition in committed]
        self._observe([r for r, _ in kept], [o for _, o in kept], batch.timings.seconds, time.perf_counter() - started)
        refetched = tuple(m for m in raw_messages if isinstance(m, Refetched))
        if refetched:
            self.metrics.refetched.labels(refetched[0].topic).inc(len(refetched))
        return BatchResult(outputs, committed, refetched)

    def _encoded(self, msg: Message, planned: Output) -> tuple[Output, bytes]:
        try:
            return planned, encode_record(planned.record)
        except OutputContractError as exc:  # a bug: keep the message, as dead-letter
            log.error("output broke its schema, dead-lettering: %s", exc)
            record = records.dead_letter(Rejection(Reason.PROCESSING_ERROR, str(exc)), msg.value, msg.origin, self.clock())
            return Output("deadletter", record["id"], record), encode_record(record)

    async def _publish_transactions(
        self, messages: Sequence[Message], outputs: list[Output], generation: int | None
    ) -> tuple[list[Output], set[int]]:
        """One transaction per raw partition: its outputs and its next offset (exactly-once)."""
        assert self.transactional is not None
        final: list[Output] = []
        by_partition: dict[int, list[tuple[int, str, bytes, bytes]]] = {}
        next_offset: dict[int, int] = {}
        for msg, planned in zip(messages, outputs, strict=True):
            out, value = self._encoded(msg, planned)
            final.append(out)
            p, offset = int(msg.origin.partition or 0), int(msg.origin.offset or 0)
            by_partition.setdefault(p, []).append((offset, self.topic_names[out.route], out.key.encode(), value))
            next_offset[p] = max(next_offset.get(p, 0), offset + 1)
        committed: set[int] = set()
        publisher = self.transactional
        for p, recs in by_partition.items():
            try:
                await retrying(
                    f"transaction of raw partition {p}",
                    lambda p=p, recs=recs: publisher.publish(p, recs, next_offset[p], generation),  # type: ignore[misc]
                    fatal=(PartitionLost,),
                )
            except PartitionLost as exc:
                log.warning("not committing: %s", exc)
                continue
            committed.add(p)
        return final, committed

    async def _publish(self, messages: Sequence[Message], outputs: list[Output]) -> list[Output]:
        futures = []
        final: list[Output] = []
        for msg, planned in zip(messages, outputs, strict=True):
            out, value = self._encoded(msg, planned)
            futures.append(await self.senders[out.route](out.key.encode(), value))
            self.metrics.published_bytes.labels(self.topic_names[out.route]).inc(len(value))
            final.append(out)
        await asyncio.gather(*futures)
        return final

    def _observe(
        self, raw_messages: Sequence[Any], outputs: Sequence[Output], stages: Mapping[str, float], seconds: float
    ) -> None:
        m = self.metrics
        n = len(outputs)
        if n == 0:  # exactly-once: nothing of this batch was committed
            return
        m.batch_size.observe(n)
        m.batch_seconds.observe(seconds)
        for stage, total in stages.items():
            m.stage_seconds.labels(stage).observe(total / n)
        now = time.time()
        for raw, out in zip(raw_messages, outputs, strict=True):
            m.consumed.labels(raw.topic).inc()
            m.published.labels(self.topic_names[out.route]).inc()
            m.article_seconds.observe(seconds / n)
            if raw.timestamp:
                m.publish_age.observe(max(0.0, now - raw.timestamp))
            rec = out.record
            if out.route == "deadletter":
                m.deadletters.labels(rec["reason"]).inc()
                log.warning(
                    "dead-lettered",
                    extra={
                        "reason": rec["reason"],
                        "detail": rec["detail"][:300],
                        "kafka": f"{raw.topic}/{raw.partition}/{raw.offset}",
                        "record_id": rec["id"],
                    },
                )
                continue
            m.verdicts.labels(rec["dedup"]["status"]).inc()
            for region in rec["regions"]:
                if region["score"] >= 0.5:
                    m.region(region["code"])
            for topic in rec["topics"]:
                if topic["level"] == 1:
                    m.topic_tags.labels(topic["code"]).inc()
