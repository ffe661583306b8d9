"""Tagging quality on the labelled set (tests/fixtures/tagging/articles.jsonl), with the figures.

Regions: a country counts as tagged at any score; the gold set is `about` + `mentioned`, and a
tag of a `not` country (the ambiguity traps) is a false positive like any other. Printed: micro
precision/recall/F1, per-country figures, and the same for aboutness (score >= 0.5 vs `about`).
Topics: the primary top-level topic must be the labelled one; per top-level topic figures are
printed for the listed topics against `primary_topic` + the top-levels of the labelled subjects.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from ingest.codec import decode_raw
from ingest.core.model import Normalised, RawArticle, Tags
from ingest.core.normalise import normalise
from ingest.core.tagging import Tagger

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tagging" / "articles.jsonl"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
#: the labelled subject names -> their IPTC top-level topic
SUBJECT_TOP = {
    "armed conflict": "medtop:16000000",
    "terrorism": "medtop:16000000",
    "protest": "medtop:16000000",
    "diplomacy": "medtop:11000000",
    "election": "medtop:11000000",
    "government": "medtop:11000000",
    "refugees": "medtop:14000000",
    "human rights": "medtop:11000000",
    "crime": "medtop:02000000",
    "disaster": "medtop:03000000",
    "accident": "medtop:03000000",
    "energy": "medtop:04000000",
    "economy": "medtop:04000000",
    "markets": "medtop:04000000",
    "sport": "medtop:15000000",
    "science and technology": "medtop:13000000",
    "health": "medtop:07000000",
    "education": "medtop:05000000",
    "environment": "medtop:06000000",
    "religion": "medtop:12000000",
    "labour": "medtop:09000000",
    "weather": "medtop:17000000",
    "culture": "medtop:01000000",
}


@cache
def tagger() -> Tagger:
    return Tagger.load()


@cache
def corpus() -> list[tuple[dict[str, Any], Normalised, Tags]]:
    out = []
    for line in FIXTURE.read_text().splitlines():
        item = json.loads(line)
        raw = decode_raw(
            orjson.dumps({"id": item["id"], "source": "fixture", "title": item["title"], "body": item["body"]}), 1 << 22
        )
        assert isinstance(raw, RawArticle)
        norm = normalise(raw, NOW)
        assert isinstance(norm, Normalised), item["id"]
        out.append((item, norm, tagger().tag(norm)))
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _report(name: str, per: dict[str, Counter[str]]) -> tuple[float, float, float]:
    total = Counter[str]()
    for counts in per.values():
        total.update(counts)
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    print(f"\n{name}: micro P {p:.3f} R {r:.3f} F1 {f:.3f}  (tp {total['tp']} fp {total['fp']} fn {total['fn']})")
    for key in sorted(per, key=lambda k: -(per[k]["tp"] + per[k]["fn"])):
        c = per[key]
        kp, kr, kf = prf(c["tp"], c["fp"], c["fn"])
        print(f"  {key:<16} P {kp:.2f} R {kr:.2f} F1 {kf:.2f}  tp {c['tp']:>3} fp {c['fp']:>2} fn {c['fn']:>2}")
    return p, r, f


def test_the_labelled_set_is_big_and_varied() -> None:
    items = [item for item, _, _ in corpus()]
    assert len(items) >= 150
    languages = Counter(i["language"] for i in items)
    assert languages["en"] >= 50 and languages["tr"] >= 25 and languages["ar"] >= 25


def test_region_f1() -> None:
    per_any: dict[str, Counter[str]] = {}
    per_about: dict[str, Counter[str]] = {}
    misses = []
    for item, _, tags in corpus():
        exp = item["expect"]
        gold_any, gold_about = set(exp["about"]) | set(exp["mentioned"]), set(exp["about"])
        got_any = {r.code for r in tags.regions}
        got_about = {r.code for r in tags.regions if r.score >= 0.5}
        for per, gold, got in ((per_any, gold_any, got_any), (per_about, gold_about, got_about)):
            for code in gold | got:
                c = per.setdefault(code, Counter())
                c["tp" if code in gold and code in got else "fn" if code in gold else "fp"] += 1
        if gold_any != got_any:
            misses.append(f"{item['id']}: missing {sorted(gold_any - got_any)} extra {sorted(got_any - gold_any)}")
    _, _, f_any = _report("regions (tagged at any score)", per_any)
    _, _, f_about = _report("regions (about: score >= 0.5)", per_about)
    print("\n".join(["", "disagreements:", *misses]))
    assert f_any >= 0.95
    assert f_about >= 0.85


def test_traps_are_not_tagged() -> None:
    wrong = []
    for item, _, tags in corpus():
        tagged = {r.code for r in tags.regions}
        for code in item["expect"]["not"]:
            if code in tagged:
                wrong.append(f"{item['id']}: {code}")
    print(f"\ntrap tags: {len(wrong)}", wrong)
    assert len(wrong) <= 2


def test_primary_region_and_subdivisions() -> None:
    right = total = sub_found = sub_total = 0
    for item, _, tags in corpus():
        exp = item["expect"]
        primary = next((r.code for r in tags.regions if r.primary), None)
        right += primary == exp["primary_region"]
        total += 1
        found = {s.code for r in tags.regions for s in r.subdivisions}
        sub_total += len(exp["subdivisions"])
        sub_found += len(set(exp["subdivisions"]) & found)
    print(
        f"\nprimary region accuracy {right / total:.3f} ({right}/{total}); subdivision recall {sub_found / sub_total:.3f} ({sub_found}/{sub_total})"
    )
    assert right / total >= 0.85
    assert sub_found / sub_total >= 0.85


def test_primary_topic_accuracy() -> None:
    right = 0
    per: dict[str, Counter[str]] = {}
    confusions = []
    for item, _, tags in corpus():
        exp = item["expect"]
        primary = next((t.code for t in tags.topics if t.primary), None)
        right += primary == exp["primary_topic"]
        if primary != exp["primary_topic"]:
            confusions.append(f"{item['id']}: {exp['primary_topic']} -> {primary}")
        gold = {exp["primary_topic"]} | {SUBJECT_TOP[s] for s in exp["topics"]}
        got = {t.code for t in tags.topics if t.level == 1}
        for code in gold | got:
            c = per.setdefault(code, Counter())
            c["tp" if code in gold and code in got else "fn" if code in gold else "fp"] += 1
    accuracy = right / len(corpus())
    _report("top-level topics (listed)", per)
    print(f"\nprimary top-level topic accuracy {accuracy:.3f} ({right}/{len(corpus())})")
    print("\n".join(confusions))
    # issue 4's floor; measured 0.854 (175/205) with topics-lexicon.5
    assert accuracy >= 0.85


def test_seed_article_acceptance() -> None:
    seed = Path("/work/shared/samples/seed-article.txt")
    if not seed.exists():
        pytest.skip("the shared sample is outside the repository")
    raw = decode_raw(
        orjson.dumps(
            {
                "id": "seed",
                "source": "s",
                "title": "Kerry puts pressure on Turkey for stronger cooperation against ISIL",
                "body": seed.read_text(),
            }
        ),
        1 << 22,
    )
    assert isinstance(raw, RawArticle)
    norm = normalise(raw, NOW)
    assert isinstance(norm, Normalised)
    tags = tagger().tag(norm)
    regions = {r.code: r for r in tags.regions}
    assert regions["TR"].primary and regions["SY"].score >= 0.5 and regions["IQ"].score >= 0.5
    assert {"IQ-NI"} <= {s.code for s in regions["IQ"].subdivisions}
    assert {"TR-06"} <= {s.code for s in regions["TR"].subdivisions}
    labels = " ".join(t.label for t in tags.topics)
    assert "diplomacy" in labels or "international relations" in labels
    assert any(t.code == "medtop:16000000" for t in tags.topics)
    assert tags.taxonomy_version.startswith("medtop-")
