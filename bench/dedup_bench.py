"""Dedup cost per article as the index grows: 10k vs 200k indexed articles, and memory per article.

    .venv/bin/python -m bench.dedup_bench [--large 200000] [--stores dict,rocksdb] [--out bench/results/dedup.json]

Articles are synthetic but realistic in size and vocabulary: ~650 words drawn from the dedup
corpus's running text (so at its natural word frequencies, common phrases included), in
sentences and paragraphs, so each is a distinct story of ~4 KB the way real news is.

Two indexes of each kind are filled, one with 10k articles and one with 200k; then fresh probes
go to them alternately (probe i of the small index, probe i of the large one, ...), so both
medians see the same machine conditions (this VM's timings drift by up to 1.5x within minutes).
Four in five probes are new stories (the common case), one in five a near-copy (a paragraph
dropped, a tagline added) of an indexed article. Measured per article: the lookup of its keys,
`decide_batch` and the application of its puts, against the in-process dict (`ingest process`)
and RocksDB as the worker keeps it (one DB per index partition, faust's RocksDBOptions with the
worker's table options). Fingerprinting is measured separately (it does not depend on the index
size). Reported: the medians, their ratio, and bytes per indexed article (resident memory growth
while filling the large index; RocksDB also its files on disk after a flush).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ingest.core.dedup import DedupParams, LocalStore, Subject, decide_batch, fingerprint, keys_for, merge
from ingest.core.ids import article_id, content_hash
from ingest.index_rpc import owner

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dedup" / "stories.jsonl"
T0 = 1_760_000_000


class RocksStore:
    """The index on RocksDB as the worker keeps it: one DB per index partition (a key lives in
    partition `owner(key)`), opened with faust's RocksDBOptions and the worker's table options,
    merged in Python like the index agent does."""

    def __init__(self, path: Path, horizon_s: int, partitions: int = 8) -> None:
        from faust.stores.rocksdb import RocksDBOptions

        from ingest.app import INDEX_TABLE_OPTIONS

        options = RocksDBOptions(**INDEX_TABLE_OPTIONS)
        self.dbs = [options.open(path / f"p{p}") for p in range(partitions)]
        self.horizon_s = horizon_s
        self.partitions = partitions

    def _db(self, key: str) -> Any:
        return self.dbs[owner(key, self.partitions)]

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes | None]:
        return {k: self._db(k).get(k.encode()) for k in keys}

    def apply(self, puts: Sequence[tuple[str, bytes]]) -> None:
        for key, value in puts:
            db = self._db(key)
            k = key.encode()
            db[k] = merge(key, db.get(k), value, self.horizon_s)

    def settle(self) -> float:
        """Wait for the compactions a bulk fill leaves behind (a worker's index grows slowly);
        returns the seconds waited."""
        started = time.perf_counter()
        while any(
            db.property_int_value("rocksdb.num-running-compactions")
            or db.property_int_value("rocksdb.estimate-pending-compaction-bytes")
            for db in self.dbs
        ):
            time.sleep(0.5)
        return time.perf_counter() - started

    def close(self) -> None:
        for db in self.dbs:
            db.flush()
            db.close()


def vocabulary() -> list[str]:
    """Every running word of the corpus, repeats included (sampling it gives natural frequencies)."""
    out = []
    for line in CORPUS.read_text().splitlines():
        story = json.loads(line)
        if story["language"] == "en":
            out.extend(story["body"].split())
    return out


def synthetic(words: Sequence[str], n: int) -> str:
    """Article n of the synthetic stream (the same text every time it is asked for)."""
    rng = random.Random(n)
    paragraphs = []
    for _ in range(9):
        sentences = [" ".join(rng.choices(words, k=rng.randint(14, 26))) + "." for _ in range(3)]
        paragraphs.append(" ".join(sentences))
    return f"Story {n}: " + "\n\n".join(paragraphs)[:4096]


def near_copy(body: str, rng: random.Random) -> str:
    """A republication: one paragraph dropped, another site's tagline added."""
    paragraphs = body.split("\n\n")
    del paragraphs[rng.randrange(1, len(paragraphs))]
    return "\n\n".join(paragraphs) + "\n\nRead more stories like this on our website."


def probe_bodies(words: Sequence[str], indexed: int, first_new: int, n: int, seed: int) -> list[str]:
    """`n` probes: four in five new stories, one in five a near-copy of one of the first
    `indexed` articles."""
    rng = random.Random(seed)
    return [
        near_copy(synthetic(words, rng.randrange(indexed)), rng) if i % 5 == 4 else synthetic(words, first_new + i)
        for i in range(n)
    ]


def subjects(bodies: Sequence[str], start: int, t_start: int | None = None) -> list[Subject]:
    """Articles `start`, `start` + 1, ... published a second apart from T0 + `t_start` (default `start`)."""
    t = T0 + (start if t_start is None else t_start)
    return [
        Subject(article_id("bench", str(start + i)), content_hash(b), t + i, None, fingerprint(b))
        for i, b in enumerate(bodies)
    ]


def fill(store: LocalStore | RocksStore, items: Sequence[Subject], params: DedupParams, batch: int = 500) -> None:
    for i in range(0, len(items), batch):
        chunk = list(items[i : i + batch])
        keys = [k for s in chunk for k in keys_for(s)]
        _, puts = decide_batch(chunk, store.get_many(keys), params)
        store.apply(puts)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def probe_once(store: LocalStore | RocksStore, subject: Subject, params: DedupParams) -> float:
    """Seconds for one article: lookup + decide + puts."""
    started = time.perf_counter()
    _, puts = decide_batch([subject], store.get_many(keys_for(subject)), params)
    store.apply(puts)
    return time.perf_counter() - started


def make_store(name: str, path: Path, horizon_s: int) -> LocalStore | RocksStore:
    return LocalStore(horizon_s) if name == "dict" else RocksStore(path, horizon_s)


def run(
    large: int, small: int = 10_000, probes_n: int = 3000, kinds: Sequence[str] = ("dict", "rocksdb")
) -> dict[str, object]:
    """Two indexes of each kind, filled to `small` and to `large` articles, probed alternately
    (article i of each probe set, then the next), so both see the same machine conditions."""
    params = DedupParams()
    pool = vocabulary()
    print(f"fingerprinting {large} synthetic articles ...", flush=True)
    started = time.perf_counter()
    all_subjects = subjects([synthetic(pool, n) for n in range(large)], 0)
    fp_seconds = (time.perf_counter() - started) / large
    result: dict[str, object] = {
        "fingerprint_us_per_article": round(fp_seconds * 1e6, 1),
        "small": small,
        "large": large,
        "probes": f"{probes_n} per index, alternating between the two indexes; the first tenth warms up",
        "probe_mix": "4/5 new stories, 1/5 near-copies of indexed ones",
    }
    probe_sets = {}
    for size in (small, large):
        first = 10 * large + size  # ids never used by the fill; times just after it (within the horizon)
        probe_sets[size] = subjects(probe_bodies(pool, size, first, probes_n, seed=size), first, t_start=size)
    for name in kinds:
        tmp = Path(tempfile.mkdtemp(prefix="dedup-bench-"))
        try:
            rss_before = rss_bytes()
            big = make_store(name, tmp / "large", params.horizon_s)
            fill(big, all_subjects, params)
            result[f"{name}_rss_bytes_per_article"] = round((rss_bytes() - rss_before) / large)
            little = make_store(name, tmp / "small", params.horizon_s)
            fill(little, all_subjects[:small], params)
            stores = {small: little, large: big}
            for store in stores.values():
                if isinstance(store, RocksStore):
                    result["rocksdb_settle_s"] = round(store.settle(), 1)
            times: dict[int, list[float]] = {small: [], large: []}
            for i in range(probes_n):
                order = (small, large) if i % 2 else (large, small)
                for size in order:
                    times[size].append(probe_once(stores[size], probe_sets[size][i], params))
            costs = {size: statistics.median(t[probes_n // 10 :]) for size, t in times.items()}
            for size in (small, large):
                print(f"  {name:<8} index {size:>7}: median {costs[size] * 1e6:7.1f} us per article", flush=True)
            if isinstance(big, RocksStore) and isinstance(little, RocksStore):
                big.close()
                little.close()
                disk = sum(f.stat().st_size for f in (tmp / "large").rglob("*") if f.is_file())
                result["rocksdb_disk_bytes_per_article"] = round(disk / large)
            del big, little, stores
            result[f"{name}_us_small"] = round(costs[small] * 1e6, 1)
            result[f"{name}_us_large"] = round(costs[large] * 1e6, 1)
            result[f"{name}_ratio_large_to_small"] = round(costs[large] / costs[small], 3)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "dedup.json")
    parser.add_argument(
        "--stores", default="dict,rocksdb", help="which indexes to fill: dict, rocksdb or both (1M in a dict is ~6 GB)"
    )
    args = parser.parse_args()
    result = run(args.large, kinds=args.stores.split(","))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<34} {value}")


if __name__ == "__main__":
    main()
