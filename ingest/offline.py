"""`ingest process`: the same pipeline without Kafka, JSON Lines in, JSON Lines out.

Exactly one output line per input line, in input order: the enriched record (originals,
revisions and duplicates alike, told apart by `dedup.status`) or the dead-letter record.
Lines are decided in batches against an in-process index, which gives the same verdicts as
deciding them one by one (see `ingest.core.dedup.decide`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from ingest.codec import decode_raw, encode_record
from ingest.core.dedup import DedupParams, LocalStore
from ingest.core.model import Origin
from ingest.core.pipeline import Message, Output, Pipeline

BATCH = 256


def process_lines(
    lines: Iterable[bytes],
    pipeline: Pipeline,
    store: LocalStore,
    max_message_bytes: int,
    clock: type[datetime] = datetime,
) -> Iterator[Output]:
    """Outputs for the given raw lines (without their line ends), in order."""
    pending: list[Message] = []

    def flush() -> list[Output]:
        batch = pipeline.batch(pending, clock.now(UTC))
        fetched = store.get_many(batch.keys())
        outputs, puts = batch.complete(fetched)
        store.apply(puts)
        pending.clear()
        return outputs

    for number, line in enumerate(lines, start=1):
        origin = Origin(line=number)
        pending.append(Message(line, origin, decode_raw(line, max_message_bytes)))
        if len(pending) >= BATCH:
            yield from flush()
    if pending:
        yield from flush()


def run(
    source: Iterable[bytes], write: Callable[[bytes], object], max_message_bytes: int, dedup: DedupParams
) -> dict[str, int]:
    """Process `source` lines and write one JSON line per input with `write` (bytes)."""
    pipeline = Pipeline(dedup)
    store = LocalStore(dedup.horizon_s)
    counts = {"enriched": 0, "duplicates": 0, "deadletter": 0}
    stripped = (line.rstrip(b"\r\n") for line in source)
    for output in process_lines(stripped, pipeline, store, max_message_bytes):
        write(encode_record(output.record) + b"\n")
        counts[output.route] += 1
    return counts
