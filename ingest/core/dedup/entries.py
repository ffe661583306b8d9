"""Index entries and `merge`, the only way an entry changes (applied at the key's owner).

Entries are compact JSON (bytes):
* `s:<article id>` -> {"h": content hash, "r": revision, "c": cluster, "t": time,
  "seen": [[origin, status, duplicate_of, similarity, revision], ...]}: the latest version of
  (source, id), and the verdicts of its last `SEEN_CAP` deliveries by Kafka origin (returned
  again when the same message is redelivered).
* `h:<content hash>` -> {"i": article id, "c": cluster, "t": time}: the first article with it.
* `b<i>:<band hash>` -> {"m": [[id, cluster, time, shingles, compact signature (base64)], ...]}:
  the articles in that LSH bucket, newest `BAND_CAP` kept.

Merge rules: `s:` keeps the higher revision (a tie takes the put); `h:` keeps the first article
unless its entry fell out of the horizon; `b` adds or replaces the member with the same id.
Every rule forgets what is older than the horizon relative to the put, and applying the same put
twice gives the same entry (redelivered puts are harmless).
"""

from __future__ import annotations

from typing import Any

import orjson

BAND_CAP = 16
SEEN_CAP = 8
Member = list[Any]  # [id, cluster, time, shingles, signature_b64]


def load(value: bytes | None) -> dict[str, Any] | None:
    if value is None:
        return None
    entry: dict[str, Any] = orjson.loads(value)
    return entry


def dump(entry: dict[str, Any]) -> bytes:
    return exact(orjson.dumps(entry))


def exact(value: bytes) -> bytes:
    """An exact-size copy: orjson's bytes keep their 4 KB output buffer (measured: 4,097 bytes
    held for a 258-byte entry), which a store that keeps millions of entries must not inherit."""
    return memoryview(value).tobytes()


def merge(key: str, old: bytes | None, put: bytes, horizon_s: int) -> bytes:
    new = orjson.loads(put)
    prev = load(old)
    if key.startswith("b"):
        now_t = new[2]
        members = [] if prev is None else [m for m in prev["m"] if m[0] != new[0] and m[2] >= now_t - horizon_s]
        members.append(new)
        if len(members) > BAND_CAP:
            members.sort(key=lambda m: (m[2], m[0]))
            members = members[-BAND_CAP:]
        return dump({"m": members})
    if prev is None or prev["t"] < new["t"] - horizon_s:
        return exact(put)
    if key.startswith("s:"):
        base = new if new["r"] >= prev["r"] else prev
        origins = {item[0] for item in new["seen"]}
        seen = [item for item in prev["seen"] if item[0] not in origins] + new["seen"]
        return dump({**base, "seen": seen[-SEEN_CAP:]})
    return old if old is not None else exact(put)  # "h:": the first article keeps the hash


def newest_time(key: str, value: bytes) -> int:
    """The newest article time an entry holds (what the horizon sweep compares)."""
    entry = orjson.loads(value)
    if key.startswith("b"):
        return max((m[2] for m in entry["m"]), default=0)
    return int(entry["t"])


def put_time(key: str, value: bytes) -> int:
    """The article time a put carries."""
    data = orjson.loads(value)
    return int(data[2] if key.startswith("b") else data["t"])
