"""The pipeline: normalise -> tag -> fingerprint -> dedupe -> record, per batch.

The caller decodes the bytes at the edge (`ingest.codec.decode_raw`) and passes the typed
values in with the messages they came from.

Contract: every input message yields exactly one `Output`, in input order:
* an enriched record to `enriched` (originals and revisions) or `duplicates` (copies), or
* a dead-letter record to `deadletter`, with the reason (see `Reason`).
A step that raises on one message dead-letters that message as `processing_error`; it never
takes the batch down. The index is read once per batch (`Batch.keys`) and written once
(`Batch.complete` returns the puts), so the worker can do both over Kafka and `ingest process`
against a dict with the same verdicts.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ingest.core import records
from ingest.core.dedup import DedupParams, Subject, decide_batch, fingerprint, keys_for
from ingest.core.ids import article_id
from ingest.core.model import Normalised, Origin, RawArticle, Reason, Rejection, Tags
from ingest.core.normalise import normalise, warm_up
from ingest.core.tagging import Tagger

Route = Literal["enriched", "duplicates", "deadletter"]
STAGES = ("decode", "normalise", "tag", "dedupe", "publish")


@dataclass(frozen=True, slots=True)
class Message:
    """One raw input: its bytes, where it came from, and what the codec made of it."""

    value: bytes | None
    origin: Origin
    decoded: RawArticle | Rejection


@dataclass(frozen=True, slots=True)
class Output:
    route: Route
    key: str
    record: dict[str, Any]


@dataclass(slots=True)
class Timings:
    """Seconds spent per stage over a batch (the worker turns them into metrics)."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] += now - since
        return now


@dataclass(frozen=True, slots=True)
class _Ready:
    raw: RawArticle
    norm: Normalised
    tags: Tags
    subject: Subject


def _detail(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}{where}: {exc}"[:1000]


def _article_time(norm: Normalised, origin: Origin, now: datetime) -> int:
    if norm.published_at is not None:
        return int(norm.published_at.timestamp())
    if origin.timestamp_ms is not None:
        return origin.timestamp_ms // 1000
    return int(now.timestamp())


def _origin_key(origin: Origin) -> str | None:
    return None if origin.topic is None else f"{origin.topic}/{origin.partition}/{origin.offset}"


class Pipeline:
    """The steps, with their data (gazetteers, taxonomy) loaded once."""

    def __init__(self, dedup: DedupParams, tagger: Tagger | None = None) -> None:
        self.dedup = dedup
        self.tagger = tagger or Tagger.load()
        warm_up()  # lazily loaded models, loaded now rather than in the middle of a stream

    def batch(self, messages: Sequence[Message], now: datetime) -> Batch:
        return Batch(self, messages, now)


class Batch:
    """One batch in flight: prepared on creation, completed with the fetched index entries."""

    def __init__(self, pipeline: Pipeline, messages: Sequence[Message], now: datetime) -> None:
        self.pipeline = pipeline
        self.messages = messages
        self.now = now
        self.timings = Timings()
        self.items: list[_Ready | Rejection] = []
        self.raws: list[RawArticle | None] = []
        clock = time.perf_counter()
        for msg in messages:
            raw: RawArticle | None = None
            item: _Ready | Rejection
            try:
                if isinstance(msg.decoded, Rejection):
                    item = msg.decoded
                else:
                    raw = msg.decoded
                    item, clock = self._prepare(raw, msg.origin, clock)
            except Exception as exc:  # a bug on this input: dead-letter it, keep the batch going
                item = Rejection(Reason.PROCESSING_ERROR, _detail(exc))
                clock = time.perf_counter()
            self.items.append(item)
            self.raws.append(raw)

    def _prepare(self, raw: RawArticle, origin: Origin, clock: float) -> tuple[_Ready | Rejection, float]:
        norm = normalise(raw, self.now)
        clock = self.timings.add("normalise", clock)
        if isinstance(norm, Rejection):
            return norm, clock
        tags = self.pipeline.tagger.tag(norm)
        clock = self.timings.add("tag", clock)
        subject = Subject(
            id=article_id(raw.source, raw.id),
            content_hash=norm.content_hash,
            time=_article_time(norm, origin, self.now),
            origin=_origin_key(origin),
            fingerprint=fingerprint(norm.body),
        )
        clock = self.timings.add("dedupe", clock)
        return _Ready(raw, norm, tags, subject), clock

    def keys(self) -> list[str]:
        """The index keys this batch reads (each once)."""
        seen: dict[str, None] = {}
        for item in self.items:
            if isinstance(item, _Ready):
                seen.update(dict.fromkeys(keys_for(item.subject)))
        return list(seen)

    def complete(self, fetched: Mapping[str, bytes | None]) -> tuple[list[Output], list[tuple[str, bytes]]]:
        """The outputs (one per message, in order) and the index puts."""
        clock = time.perf_counter()
        ready = [item for item in self.items if isinstance(item, _Ready)]
        verdicts, puts = decide_batch([r.subject for r in ready], fetched, self.pipeline.dedup)
        clock = self.timings.add("dedupe", clock)
        by_item = dict(zip(map(id, ready), verdicts, strict=True))
        outputs: list[Output] = []
        for msg, raw, item in zip(self.messages, self.raws, self.items, strict=True):
            outputs.append(self._output(msg, raw, item, by_item))
        self.timings.add("publish", clock)
        return outputs, puts

    def _output(
        self, msg: Message, raw: RawArticle | None, item: _Ready | Rejection, verdicts: dict[int, Any]
    ) -> Output:
        if isinstance(item, _Ready):
            try:
                verdict = verdicts[id(item)]
                record = records.enriched(item.raw, item.norm, item.tags, verdict, msg.origin, self.now)
                route: Route = "duplicates" if verdict.status == "duplicate" else "enriched"
                return Output(route, record["id"], record)
            except Exception as exc:
                item = Rejection(Reason.PROCESSING_ERROR, _detail(exc))
        record = records.dead_letter(item, msg.value, msg.origin, self.now, raw)
        return Output("deadletter", record["id"], record)
