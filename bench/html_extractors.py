"""Compare HTML article extractors on the HTML fixtures: body token F1 and time per page.

    .venv/bin/pip install trafilatura justext   # the candidates that are not dependencies
    .venv/bin/python -m bench.html_extractors

Prints one line per extractor: mean token F1 over the HTML fixtures, the worst fixture, and the
median milliseconds per page, measured in the same run.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ingest.core.normalise.html import extract_html
from ingest.core.normalise.text import clean_text

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "normalise"


def tokens(text: str) -> Counter[str]:
    return Counter(clean_text(text).lower().split())


def f1(pred: str, gold: str) -> float:
    p, g = tokens(pred), tokens(gold)
    if not p and not g:
        return 1.0
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def ours(html: str) -> str:
    return "\n\n".join(extract_html(html).paragraphs)


def trafilatura_extract(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""


def trafilatura_fast(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, fast=True) or ""


def justext_extract(html: str) -> str:
    import justext

    paras = justext.justext(html.encode(), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paras if not p.is_boilerplate)


def cases() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted(FIXTURES.glob("*.json")):
        fx = json.loads(path.read_text())
        raw = fx["raw"]
        html = raw.get("html") or raw.get("body_html")
        if html and fx["expected"]["body"]:
            out.append((path.stem, html, fx["expected"]["body"]))
    return out


def measure(name: str, fn: Callable[[str], str], data: list[tuple[str, str, str]]) -> None:
    scores, times = [], []
    for stem, html, gold in data:
        started = time.perf_counter()
        pred = fn(html)
        times.append(time.perf_counter() - started)
        scores.append((f1(pred, gold), stem))
    worst = min(scores)
    mean = statistics.mean(s for s, _ in scores)
    print(
        f"{name:<22} F1 mean {mean:.3f}  worst {worst[0]:.3f} ({worst[1]})  median {statistics.median(times) * 1000:.2f} ms/page"
    )


def main() -> None:
    data = cases()
    print(f"{len(data)} HTML fixtures")
    candidates: list[tuple[str, Callable[[str], str]]] = [("ingest (selectolax)", ours)]
    for name, fn in (
        ("trafilatura", trafilatura_extract),
        ("trafilatura fast", trafilatura_fast),
        ("justext", justext_extract),
    ):
        try:
            fn("<p>warm up</p>")
        except ImportError:
            print(f"{name:<22} not installed")
            continue
        candidates.append((name, fn))
    for label, extractor in candidates:
        measure(label, extractor, data)


if __name__ == "__main__":
    main()
