"""Tagging speed: median per ~4 KB article, against a baseline pass in the same run.

    .venv/bin/python -m bench.tag_bench [--out bench/results/tagging.json]

Articles are the labelled tagging fixtures (English, Turkish, Arabic, French, German, Kurdish;
wire items and features), each padded to ~4 KB with more of its own paragraphs, normalised
first (not timed). Timed: `Tagger.tag` (the native pass and scoring, and the tags' Python
objects), and `Matcher.find` (the native pass with Python hit objects, as tests use it). Baseline on the same texts: `str.lower()` and
`str.split()` (the least any pass over the text costs in Python), so the ratio can be compared
across machines and runs. Each time is the best of 5 repetitions of the median; this VM's speed
drifts by up to ~1.7x within a run, so `ratio_to_baseline` is timed article by article, the
baseline and the tagger back to back, and is the median of those ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from ingest.codec import decode_raw
from ingest.core.model import Normalised, RawArticle
from ingest.core.normalise import normalise
from ingest.core.tagging import Tagger

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tagging" / "articles.jsonl"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def articles(size: int = 4096) -> list[Normalised]:
    out = []
    for line in FIXTURE.read_text().splitlines():
        item = json.loads(line)
        paras = item["body"].split("\n\n")
        body = item["body"]
        while len(body.encode()) < size:
            body += "\n\n" + paras[len(body) % len(paras)]
        raw = decode_raw(
            orjson.dumps({"id": item["id"], "source": "bench", "title": item["title"], "body": body}), 1 << 22
        )
        assert isinstance(raw, RawArticle)
        norm = normalise(raw, NOW)
        assert isinstance(norm, Normalised)
        out.append(norm)
    return out


def median_us(fn: Callable[[Any], object], items: list[Any], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        times = []
        for item in items:
            started = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - started)
        best = min(best, statistics.median(times))
    return best * 1e6


def interleaved_ratio(fn: Callable[[Any], object], base: Callable[[Any], object], items: list[Any], repeat: int = 5) -> float:
    """Median over articles and repetitions of fn's time / base's time on the same article, timed
    back to back: robust to this VM's speed drifting between and within runs."""
    ratios = []
    for _ in range(repeat):
        for item in items:
            started = time.perf_counter()
            base(item)
            middle = time.perf_counter()
            fn(item)
            ratios.append((time.perf_counter() - middle) / (middle - started))
    return statistics.median(ratios)


def run() -> dict[str, Any]:
    tagger = Tagger.load()
    gaz = tagger.gazetteer
    items = articles()
    texts = [f"{n.title}\n\n{n.body}" for n in items]
    sizes = [len(t.encode()) for t in texts]
    result: dict[str, Any] = {
        "articles": len(items),
        "median_bytes": statistics.median(sizes),
        "patterns": gaz.sizes,
        "baseline_lower_split_us": median_us(lambda t: t.lower().split(), texts),
        "tag_us": median_us(tagger.tag, items),
        "matcher_us": median_us(gaz.matcher.find, texts),
    }
    result["ratio_to_baseline"] = interleaved_ratio(tagger.tag, lambda n: f"{n.title}\n\n{n.body}".lower().split(), items)
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "tagging.json")
    args = parser.parse_args()
    result = run()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<28} {value}")


if __name__ == "__main__":
    main()
