"""A realistic benchmark corpus of raw article events (deterministic by seed).

Default mix: plain-text articles inside scraped site chrome and whole HTML pages (about 30%),
median body about 4 KB, English, Turkish and Arabic; 20% near-copies of earlier articles (edits
as in tests/dedup_streams.py) and 2% bad input (broken JSON, not UTF-8, contract violations).
Distinct articles are built from the dedup corpus's own sentences, shuffled across stories and
languages kept apart, with place and actor names varied, so tagging and dedup do real work.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from tests.dedup_streams import CHROMES, HTML, near_copy

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dedup" / "stories.jsonl"
PLACES = {
    "en": [
        "Ankara",
        "Istanbul",
        "Aleppo",
        "Baghdad",
        "Mosul",
        "Erbil",
        "Damascus",
        "Gaziantep",
        "Basra",
        "Izmir",
        "Raqqa",
        "Kirkuk",
    ],
    "tr": [
        "Ankara",
        "İstanbul",
        "Halep",
        "Bağdat",
        "Musul",
        "Erbil",
        "Şam",
        "Gaziantep",
        "Basra",
        "İzmir",
        "Rakka",
        "Kerkük",
    ],
    "ar": [
        "أنقرة",
        "إسطنبول",
        "حلب",
        "بغداد",
        "الموصل",
        "أربيل",
        "دمشق",
        "غازي عنتاب",
        "البصرة",
        "إزمير",
        "الرقة",
        "كركوك",
    ],
}


def _sentences() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"en": [], "tr": [], "ar": []}
    for line in FIXTURES.read_text().splitlines():
        story = json.loads(line)
        text = story["body"].replace("\n\n", " ")
        parts = [s.strip() for s in text.replace("؟", ".").split(". ") if len(s.split()) > 5]
        out.setdefault(story["language"], []).extend(p if p.endswith(".") else p + "." for p in parts)
    return out


def _article(rng: random.Random, sentences: list[str], language: str, n: int) -> dict[str, Any]:
    place = rng.choice(PLACES[language])
    paragraphs: list[str] = []
    size = 0
    target = int(rng.lognormvariate(8.3, 0.35))  # median ~4 KB, some short, some long
    while size < target:
        para = " ".join(rng.sample(sentences, k=rng.randint(2, 4)))
        para = para.replace(rng.choice(PLACES[language]), place, 1) + f" ({n}-{len(paragraphs)})"
        paragraphs.append(para)
        size += len(para.encode())
    dateline = {"en": f"{place.upper()} (Wire) - ", "tr": f"{place.upper()} (AA) - ", "ar": f"{place} (وكالات) - "}[
        language
    ]
    paragraphs[0] = dateline + paragraphs[0]
    title = " ".join(paragraphs[1].split()[:9]).rstrip(".,")
    return {
        "id": f"bench-{n}",
        "source": rng.choice(["wire-a", "wire-b", "portal-c", "daily-d"]),
        "title": title,
        "body": "\n\n".join(paragraphs),
        "published_at": f"2026-11-{rng.randint(20, 27):02d}T{rng.randint(0, 23):02d}:00:00Z",
        "alt_titles": [title + " - update", "Report: " + title],
        "story": f"bench-{n}",
        "language": language,
    }


def generate(
    count: int, seed: int = 2026, copy_share: float = 0.2, bad_share: float = 0.02, html_share: float = 0.3
) -> list[bytes]:
    rng = random.Random(seed)
    sentences = _sentences()
    notes = [
        "Editor's note: This story has been updated.",
        "(Reporting by the Ankara bureau; editing by the desk)",
        "المصدر: وكالة الأناضول",
    ]
    originals: list[dict[str, Any]] = []
    lines: list[bytes] = []
    for n in range(count):
        roll = rng.random()
        if roll < bad_share:
            lines.append(
                rng.choice(
                    [
                        b'{"id": "x", "source": "broken-feed", "body": ',
                        b"\xff\xfe\x00 binary junk",
                        b'{"id": "y", "title": "no source"}',
                        b"[1, 2, 3]",
                    ]
                )
            )
            continue
        if roll < bad_share + copy_share and originals:
            base = rng.choice(originals)
            raw = near_copy(rng, base, notes, n)
            raw["id"] = f"bench-copy-{n}"
        else:
            language = rng.choices(["en", "tr", "ar"], weights=[0.6, 0.25, 0.15])[0]
            base = _article(rng, sentences[language], language, n)
            originals.append(base)
            raw = {k: base[k] for k in ("id", "source", "title", "body", "published_at")}
            if rng.random() < html_share:
                paras = "".join(f"<p>{p}</p>" for p in base["body"].split("\n\n"))
                raw["html"] = HTML.format(title=base["title"], site=raw["source"], paras=paras)
                del raw["body"]
            else:
                top, bottom = rng.choice(CHROMES)
                raw["body"] = top.format(title=base["title"]) + base["body"] + bottom
        lines.append(json.dumps(raw, ensure_ascii=False).encode())
    return lines
