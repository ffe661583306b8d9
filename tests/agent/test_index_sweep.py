"""The horizon sweep's logic, on a dict standing in for a faust memory-store table."""

from __future__ import annotations

from typing import Any

import orjson

from ingest.index_rpc import apply_request, owner
from ingest.index_sweep import SLACK_S, Sweeper

DAY = 86400


class DictTable(dict[bytes, bytes]):
    """A dict with the `.data.data` layout of faust's memory store."""

    def __init__(self) -> None:
        super().__init__()
        self.data: Any = type("Store", (), {"data": self})()


def put_request(key: str, t: int) -> dict[str, Any]:
    value = [f"id-{t}", f"id-{t}", t, 40, "AA=="] if key.startswith("b") else {"i": f"id-{t}", "c": f"id-{t}", "t": t}
    return {"rid": "", "put": [[key, orjson.dumps(value).decode()]]}


def test_old_entries_go_new_ones_stay() -> None:
    table = DictTable()
    horizon = 7 * DAY
    sweeper = Sweeper(table, partitions=1, horizon_s=horizon, interval_s=0, chunk=10)
    old, new = 1_700_000_000, 1_700_000_000 + horizon + SLACK_S + 10
    for key, t in (("h:old", old), ("b0:old", old), ("h:recent", new - DAY)):
        request = put_request(key, t)
        apply_request(table, request, horizon)
        sweeper.observe(0, request)
    assert sweeper.maybe_sweep(0, now=1.0) == 0  # stream time has not moved past the horizon yet
    request = put_request("h:new", new)
    apply_request(table, request, horizon)
    sweeper.observe(0, request)
    assert sweeper.maybe_sweep(0, now=2.0) == 2
    assert set(table) == {b"h:recent", b"h:new"}


def test_sweeps_in_chunks_and_only_its_partition() -> None:
    table = DictTable()
    sweeper = Sweeper(table, partitions=4, horizon_s=DAY, interval_s=0, chunk=5)
    keys = [f"h:{i}" for i in range(60)]
    for key in keys:
        apply_request(table, put_request(key, 1000), DAY)
    late = put_request("h:late", 1000 + 10 * DAY)
    for p in range(4):
        sweeper.observe(p, late)
    mine = [k for k in keys if owner(k, 4) == 2]
    deleted = sum(sweeper.maybe_sweep(2, now=float(n)) for n in range(1, 20))
    assert deleted == len(mine)
    assert all(k.encode() in table for k in keys if owner(k, 4) != 2)


def test_waits_for_its_interval() -> None:
    table = DictTable()
    sweeper = Sweeper(table, partitions=1, horizon_s=DAY, interval_s=60, chunk=100)
    apply_request(table, put_request("h:x", 0), DAY)
    sweeper.observe(0, put_request("h:y", 10 * DAY))
    assert sweeper.maybe_sweep(0, now=100.0) == 1
    apply_request(table, put_request("h:z", 0), DAY)
    assert sweeper.maybe_sweep(0, now=130.0) == 0
    assert sweeper.maybe_sweep(0, now=161.0) == 1


class RocksTable(dict[bytes, bytes]):
    """faust's RocksDB layout: one DB per partition, which also holds faust's own offset key."""

    def __init__(self, path: str) -> None:
        super().__init__()
        from rocksdict import Rdict

        self.db = Rdict(path)
        db = self.db
        self.data: Any = type("Store", (), {"_db_for_partition": staticmethod(lambda p: db)})()

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.db[key] = value

    def __delitem__(self, key: bytes) -> None:
        del self.db[key]

    def get(self, key: bytes, default: Any = None) -> Any:
        return self.db.get(key, default)


def test_skips_faust_offset_key_in_rocksdb(tmp_path: Any) -> None:
    table = RocksTable(str(tmp_path / "db"))
    table.db[b"__faust\x00offset__"] = b"12345"  # what faust's RocksDB store writes next to our keys
    table.db[b"h:corrupt"] = b"not json"
    sweeper = Sweeper(table, partitions=1, horizon_s=DAY, interval_s=0, chunk=100)
    apply_request(table, put_request("h:old", 0), DAY)
    sweeper.observe(0, put_request("h:new", 10 * DAY))
    assert sweeper.maybe_sweep(0, now=1.0) == 1
    assert table.db.get(b"__faust\x00offset__") == b"12345"
    assert table.db.get(b"h:corrupt") == b"not json"  # unreadable entries are logged and left
    assert table.db.get(b"h:old") is None
    table.db.close()
