"""Normalise speed: median per ~4 KB plain-text article, HTML pages, and linearity up to 2 MiB.

    .venv/bin/python -m bench.normalise_bench [--out bench/results/normalise.json]

Articles are the plain-text and ninjs normalise fixtures padded to ~4 KB with more of their own
paragraphs, inside typical scraped chrome (breadcrumb, share prompt, SOURCE line, comment form).
The same run measures a baseline on the same texts (str.split + join: the least any text pass
costs in Python), so the ratio can be compared across machines; this VM's timings vary by up to
~1.5x between runs, so each figure is the best of 5 repetitions of the median.
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
from ingest.core.model import RawArticle
from ingest.core.normalise import normalise

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "normalise"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CHROME_TOP = 'Home > World > Middle East\n\n{title}\n\n"Share this post on social media, spread the news"\n\n'
CHROME_END = "\n\nSOURCE: WIRE\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n\nEDIRNE VIDEO BANNER 200424"


def articles(size: int = 4096) -> list[RawArticle]:
    out = []
    for path in sorted(FIXTURES.glob("*.json")):
        fx = json.loads(path.read_text())
        body = fx["expected"]["body"]
        if fx["style"] == "html" or not body:
            continue
        paras = body.split("\n\n")
        text = body
        while len(text.encode()) < size:
            text += "\n\n" + paras[len(text) % len(paras)]
        raw = {
            "id": path.stem,
            "source": "bench",
            "title": fx["expected"]["title"],
            "body": CHROME_TOP.format(title=fx["expected"]["title"]) + text + CHROME_END,
        }
        decoded = decode_raw(orjson.dumps(raw), 8 * 1024 * 1024)
        assert isinstance(decoded, RawArticle)
        out.append(decoded)
    return out


def html_pages() -> list[RawArticle]:
    out = []
    for path in sorted(FIXTURES.glob("*.json")):
        fx = json.loads(path.read_text())
        if fx["style"] == "html":
            decoded = decode_raw(orjson.dumps(fx["raw"]), 8 * 1024 * 1024)
            assert isinstance(decoded, RawArticle)
            out.append(decoded)
    return out


def best_median(fn: Callable[[], Any], items: int, reps: int = 5, rounds: int = 20) -> float:
    """Best (lowest) over `reps` of the median seconds per item of `rounds` timed passes."""
    medians = []
    for _ in range(reps):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) / items)
        medians.append(statistics.median(times))
    return min(medians)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "normalise.json")
    args = parser.parse_args()
    plain = articles()
    pages = html_pages()
    sizes = [len((a.body or "").encode()) for a in plain]
    per_article = best_median(lambda: [normalise(a, NOW) for a in plain], len(plain))
    baseline = best_median(
        lambda: ["\n\n".join(" ".join(p.split()) for p in (a.body or "").split("\n\n")) for a in plain], len(plain)
    )
    per_page = best_median(lambda: [normalise(p, NOW) for p in pages], len(pages))
    linear = {}
    for kib in (64, 512, 2048):
        body = ("The committee met again on Tuesday and said the talks would go on. " * (kib * 16))[: kib * 1024]
        raw = decode_raw(orjson.dumps({"id": "big", "source": "bench", "body": body}), 8 * 1024 * 1024)
        assert isinstance(raw, RawArticle)
        linear[kib] = best_median(lambda raw=raw: normalise(raw, NOW), 1, reps=3, rounds=3) / kib  # type: ignore[misc]
    result = {
        "plain_articles": len(plain),
        "plain_median_bytes": statistics.median(sizes),
        "normalise_us_per_plain_article": round(per_article * 1e6, 1),
        "baseline_us_per_plain_article": round(baseline * 1e6, 1),
        "ratio_to_baseline": round(per_article / baseline, 2),
        "normalise_us_per_html_page": round(per_page * 1e6, 1),
        "us_per_kib": {str(k): round(v * 1e6, 2) for k, v in linear.items()},
        "linearity_2mib_vs_64kib": round(linear[2048] / linear[64], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:<34} {value}")


if __name__ == "__main__":
    main()
