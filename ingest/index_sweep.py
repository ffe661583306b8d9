"""The horizon sweep of the dedup index: forgets entries whose newest article is too old.

Merges already drop old members from the entries they touch; this removes the entries that are
never touched again, so the index stays bounded by the horizon. It runs inside the index agent
after a request of the partition (its deletes go to the changelog through the same writer as
the puts, ingest.index_store), at most once per `interval_s` per partition, `chunk` keys at a time from a resumable cursor. Time is the partition's stream time:
the newest article time its puts carried, so a backfill of old news sweeps by its own clock.
An entry is expired when its newest time is more than horizon + one day before the stream time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from ingest.core.dedup.entries import newest_time, put_time
from ingest.index_rpc import owner

log = logging.getLogger("ingest.index_sweep")

SLACK_S = 86400


class Sweeper:
    def __init__(
        self,
        table: Any,
        partitions: int,
        horizon_s: int,
        interval_s: float = 60.0,
        chunk: int = 2000,
        delete: Callable[[int, bytes], None] | None = None,
    ) -> None:
        """`delete(partition, key)` removes an entry (default: `del table[key]`)."""
        self.table = table
        self.delete = delete or (lambda partition, key: table.__delitem__(key))
        self.partitions = partitions
        self.horizon_s = horizon_s
        self.interval_s = interval_s
        self.chunk = chunk
        self.stream_time: dict[int, int] = {}
        self._last: dict[int, float] = {}
        self._cursor: dict[int, bytes | None] = {}
        self.deleted = 0

    def observe(self, partition: int, request: Mapping[str, Any]) -> None:
        newest = self.stream_time.get(partition, 0)
        for key, value in request.get("put", ()):
            newest = max(newest, put_time(key, value.encode()))
        self.stream_time[partition] = newest

    def maybe_sweep(self, partition: int, now: float | None = None) -> int:
        """Sweep the next chunk of this partition's keys if it is time; the number deleted."""
        now = time.monotonic() if now is None else now
        if now - self._last.get(partition, float("-inf")) < self.interval_s or partition not in self.stream_time:
            return 0
        self._last[partition] = now
        cutoff = self.stream_time[partition] - self.horizon_s - SLACK_S
        keys = list(self._next_keys(partition))
        read = partition_reader(self.table, partition)
        doomed = []
        for key in keys:
            value = read(key)
            if value is None:
                continue
            try:
                newest = newest_time(key.decode(), value)
            except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:  # never crash the index agent
                log.error("dedup index entry %r unreadable, left alone: %s", key[:80], exc)
                continue
            if newest < cutoff:
                doomed.append(key)
        for key in doomed:
            self.delete(partition, key)
        self.deleted += len(doomed)
        return len(doomed)

    def _next_keys(self, partition: int) -> Iterator[bytes]:
        """Up to `chunk` keys of the partition after the cursor; the cursor wraps at the end."""
        cursor = self._cursor.get(partition)
        store = self.table.data
        taken: list[bytes] = []
        if hasattr(store, "_db_for_partition"):  # faust's RocksDB store: one DB per partition
            db = store._db_for_partition(partition)
            for key in db.keys(from_key=cursor) if cursor else db.keys():
                if (cursor is not None and key == cursor) or not is_index_key(key):
                    continue  # faust keeps its changelog offset in the same DB
                taken.append(key)
                if len(taken) >= self.chunk:
                    break
        else:  # memory store: one dict; keys are routed by owner()
            data: MutableMapping[bytes, Any] = getattr(store, "data", {})
            ordered = sorted(
                k for k in data if owner(k.decode(), self.partitions) == partition and (cursor is None or k > cursor)
            )
            taken = ordered[: self.chunk]
        self._cursor[partition] = taken[-1] if len(taken) >= self.chunk else None
        return iter(taken)


def is_index_key(key: bytes) -> bool:
    """`s:<id>`, `h:<hash>` or `b<i>:<band>` (ingest.core.dedup.entries), not faust's own keys."""
    return key[:2] in (b"s:", b"h:") or (key[:1] == b"b" and b":" in key[1:4])


def entry_count(table: Any, partitions: Iterable[int]) -> int:
    """Index entries held for these partitions (RocksDB: its own estimate, which is cheap)."""
    store = table.data
    dbs = getattr(store, "_dbs", None)
    if dbs is not None:
        total = 0
        for partition in partitions:
            db = dbs.get(partition)
            if db is not None:
                total += int(db.property_int_value("rocksdb.estimate-num-keys") or 0)
        return total
    return len(getattr(store, "data", {}))


def partition_reader(table: Any, partition: int) -> Callable[[bytes], bytes | None]:
    """A lookup in one partition's store. faust's RocksDB store asks every partition's DB about
    a key it has not seen lately (bloom checks and reads in up to 8 DBs for a miss); the index
    agent knows the key's partition, so it reads that DB alone. Other stores: the table's get."""
    store = table.data
    if hasattr(store, "_db_for_partition"):
        db = store._db_for_partition(partition)
        get: Callable[[bytes], bytes | None] = db.get
        return get
    return table.get  # type: ignore[no-any-return]
