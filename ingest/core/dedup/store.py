"""The index as the core sees it, and the in-process implementation used offline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from ingest.core.dedup.entries import merge


class IndexStore(Protocol):
    """Synchronous index access (the worker has an asynchronous one over Kafka)."""

    def get_many(self, keys: Iterable[str]) -> Mapping[str, bytes | None]: ...

    def apply(self, puts: Sequence[tuple[str, bytes]]) -> None: ...


class LocalStore:
    """A dict-backed index for `ingest process`, tests and benchmarks."""

    def __init__(self, horizon_s: int) -> None:
        self.horizon_s = horizon_s
        self.entries: dict[str, bytes] = {}

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes | None]:
        get = self.entries.get
        return {k: get(k) for k in keys}

    def apply(self, puts: Sequence[tuple[str, bytes]]) -> None:
        entries = self.entries
        for key, value in puts:
            entries[key] = merge(key, entries.get(key), value, self.horizon_s)
