"""Normalisation against the hand-written fixture set (tests/fixtures/normalise, see its README).

Plain text and ninjs items must match exactly; HTML pages must match on metadata and reach a body
token F1 >= 0.95 on average (exact where the extractor gets them exactly, which is printed).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from ingest.codec import decode_raw
from ingest.core.model import Normalised, RawArticle, Reason, Rejection
from ingest.core.normalise import normalise

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "normalise").glob("*.json"))
NOW = datetime(2026, 1, 1, tzinfo=UTC)
FIELDS = ("title", "lead", "language", "canonical_url", "published_at", "attribution", "byline")


def load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(path.read_text())
    return fixture


def run(fixture: dict[str, Any]) -> Normalised | Rejection:
    raw = decode_raw(orjson.dumps(fixture["raw"]), 2 * 1024 * 1024)
    assert isinstance(raw, RawArticle), raw
    return normalise(raw, NOW)


def fields(out: Normalised) -> dict[str, Any]:
    published = out.published_at.strftime("%Y-%m-%dT%H:%M:%SZ") if out.published_at else None
    return {
        "title": out.title,
        "lead": out.lead,
        "language": out.language,
        "canonical_url": out.canonical_url,
        "published_at": published,
        "attribution": out.attribution,
        "byline": out.byline,
    }


def token_f1(pred: str, gold: str) -> float:
    p, g = Counter(pred.split()), Counter(gold.split())
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def test_the_fixture_set_is_big_and_varied() -> None:
    fixtures = [load(p) for p in FIXTURES]
    assert len(fixtures) >= 40
    styles = Counter(f["style"] for f in fixtures)
    languages = Counter(f["expected"]["language"] for f in fixtures)
    assert styles["html"] >= 10 and styles["ninjs"] >= 4 and styles["plain-chrome"] >= 8
    assert {"en", "tr", "ar", "ku", "fr", "de", "ru", "fa"} <= set(languages)


@pytest.mark.parametrize("path", [p for p in FIXTURES if load(p)["style"] != "html"], ids=lambda p: p.stem)
def test_plain_and_wire_items_exactly(path: Path) -> None:
    fixture = load(path)
    expected = fixture["expected"]
    out = run(fixture)
    if not expected["body"]:
        assert isinstance(out, Rejection) and out.reason == Reason.EMPTY_BODY
        return
    assert isinstance(out, Normalised), out
    assert out.body == expected["body"]
    assert fields(out) == {k: expected[k] for k in FIELDS}
    assert out.word_count == len(out.body.split())
    assert out.paragraphs[0] == out.lead


def test_html_pages_body_f1_and_metadata() -> None:
    scores: dict[str, float] = {}
    exact = 0
    for path in FIXTURES:
        fixture = load(path)
        if fixture["style"] != "html":
            continue
        expected = fixture["expected"]
        out = run(fixture)
        if not expected["body"]:
            assert isinstance(out, Rejection) and out.reason == Reason.EMPTY_BODY, path.stem
            continue
        assert isinstance(out, Normalised), (path.stem, out)
        assert fields(out) == {k: expected[k] for k in FIELDS}, path.stem
        scores[path.stem] = token_f1(out.body, expected["body"])
        exact += out.body == expected["body"]
    mean = statistics.mean(scores.values())
    print(
        f"\nHTML body token F1: mean {mean:.4f} over {len(scores)} pages, worst {min(scores.values()):.4f}, exact {exact}"
    )
    assert len(scores) >= 10
    assert mean >= 0.95
