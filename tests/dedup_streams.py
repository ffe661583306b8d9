"""Test streams for dedup, generated from the articles in tests/fixtures/dedup (deterministic by seed).

For each original story: the original, then near-copies from other outlets with random
combinations of the edits wire copy goes through (other chrome, another headline, the end cut by
up to a third, an editor's note or extra paragraph added, lines re-wrapped, small word edits,
served as an HTML page); sometimes an exact copy, a revision of the original (same source and id,
an updated paragraph), and an unchanged resend. Same-subject stories by other reporters and
templated items (earnings, match reports, bulletins) are added as negatives: they must stay
originals. The whole stream is shuffled.

Every item knows its story; `score` measures flagged duplicates: a flag is right when
`duplicate_of` points into the same story (any copy can end up the original, depending on order).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dedup"
OUTLETS = ["daily-a", "herald-b", "post-c", "news-d", "portal-e", "wire-f", "times-g", "haber-h", "akhbar-i"]
CHROMES = [
    (
        "Home > World > Middle East\n\n{title}\n\nShare on Facebook\n\n",
        "\n\nSOURCE: WIRE\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *",
    ),
    (
        "Anasayfa > Dünya\n\n{title}\n\nPaylaş: Facebook | X | WhatsApp\n\n",
        "\n\nEtiketler: dünya, gündem\n\n© 2024 Haber Portalı. Tüm hakları saklıdır.",
    ),
    (
        "الرئيسية > أخبار\n\n{title}\n\nشارك على: فيسبوك | إكس\n\n",
        "\n\nاقرأ أيضاً:\n\n- خبر آخر ذو صلة\n\nجميع الحقوق محفوظة © 2024",
    ),
    (
        'All PostsWorld (Regional)\n\n{title}\n\n"Share this post on social media, spread the news"\n\n',
        "\n\nTags: world, politics\n\nADVERTISEMENT",
    ),
]
HTML = """<!DOCTYPE html><html><head><title>{title} | {site}</title><script>var a=1;</script></head>
<body><nav><a href="/">Home</a><a href="/world">World</a></nav><main><article><h1>{title}</h1>{paras}</article>
<aside class="related"><h3>Most read</h3><ul><li><a href="/x">Another story</a></li></ul></aside></main>
<footer>© 2024 {site}. All rights reserved.</footer></body></html>"""


@dataclass(frozen=True)
class Item:
    story: str  # the story this article belongs to
    kind: str  # original, copy, exact, revision, resend, same_subject, templated
    raw: dict[str, Any]
    expect: str  # original, duplicate, revision (resends count as duplicates of themselves)

    def line(self) -> bytes:
        return json.dumps(self.raw, ensure_ascii=False).encode()


def load_stories() -> tuple[list[dict[str, Any]], list[str]]:
    stories = [json.loads(line) for line in (FIXTURES / "stories.jsonl").read_text().splitlines() if line.strip()]
    notes: list[str] = json.loads((FIXTURES / "editor_notes.json").read_text())
    return stories, notes


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def _small_edits(rng: random.Random, paras: list[str]) -> list[str]:
    out = list(paras)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        words = out[i].split(" ")
        if len(words) < 6:
            continue
        j = rng.randrange(1, len(words) - 1)
        action = rng.choice(["drop", "swap", "number"])
        if action == "drop":
            del words[j]
        elif action == "swap":
            words[j], words[j + 1] = words[j + 1], words[j]
        else:
            words[j] = (
                re.sub(r"\d+", lambda m: str(int(m.group()) + 1), words[j]) if re.search(r"\d", words[j]) else words[j]
            )
        out[i] = " ".join(words)
    return out


def _rewrap(rng: random.Random, paras: list[str]) -> list[str]:
    width = rng.randint(60, 78)
    out = []
    for p in paras:
        lines, line = [], ""
        for word in p.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        out.append("\n".join(lines))
    return out


def near_copy(rng: random.Random, story: dict[str, Any], notes: Sequence[str], n: int) -> dict[str, Any]:
    paras = _paragraphs(story["body"])
    edits = rng.sample(
        ["chrome", "headline", "trim", "note", "rewrap", "small", "html", "dateline"], k=rng.randint(1, 4)
    )
    title = rng.choice(story.get("alt_titles") or [story["title"]]) if "headline" in edits else story["title"]
    if "trim" in edits:
        keep = max(2, round(len(paras) * rng.uniform(0.67, 0.9)))
        paras = paras[:keep]
    if "small" in edits:
        paras = _small_edits(rng, paras)
    if "note" in edits:
        paras = [*paras, rng.choice(notes)] if rng.random() < 0.7 else [rng.choice(notes), *paras]
    if "dateline" in edits and re.match(r"^[A-ZÇĞİÖŞÜ ]+[,(]", paras[0]):
        paras[0] = re.sub(r"^([A-ZÇĞİÖŞÜ ]+)[^-–—]*[-–—]\s*", r"\1 - ", paras[0], count=1)
    raw: dict[str, Any] = {
        "id": f"{story['story']}-c{n}",
        "source": rng.choice(OUTLETS),
        "title": title,
        "published_at": story["published_at"],
    }
    if "html" in edits:
        raw["html"] = HTML.format(title=title, site=raw["source"], paras="".join(f"<p>{p}</p>" for p in paras))
        del raw["title"]
        return raw
    if "rewrap" in edits:
        paras = _rewrap(rng, paras)
    body = "\n\n".join(paras)
    if "chrome" in edits:
        top, bottom = rng.choice(CHROMES)
        body = top.format(title=title) + body + bottom
    raw["body"] = body
    return raw


def generate(seed: int, copies_per_story: tuple[int, int] = (0, 4)) -> list[Item]:
    rng = random.Random(seed)
    stories, notes = load_stories()
    items: list[Item] = []
    for story in stories:
        sid = story["story"]
        raw = {
            "id": sid,
            "source": story["source"],
            "title": story["title"],
            "body": story["body"],
            "published_at": story["published_at"],
        }
        if story["kind"] != "original":
            items.append(Item(sid, story["kind"], raw, "original"))
            continue
        items.append(Item(sid, "original", raw, "original"))
        for n in range(rng.randint(*copies_per_story)):
            items.append(Item(sid, "copy", near_copy(rng, story, notes, n), "duplicate"))
        if rng.random() < 0.2:
            items.append(Item(sid, "exact", {**raw, "id": f"{sid}-x", "source": rng.choice(OUTLETS)}, "duplicate"))
        if rng.random() < 0.15:
            update = "Update: officials gave new figures later in the day, and the count may rise further."
            updated = [*_paragraphs(story["body"]), update]
            items.append(Item(sid, "revision", {**raw, "body": "\n\n".join(updated)}, "revision"))
        elif rng.random() < 0.1:
            items.append(Item(sid, "resend", dict(raw), "duplicate"))
    rng.shuffle(items)
    # a revision or resend must come after the first version of its (source, id)
    first: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        key = (item.raw["source"], item.raw["id"])
        if item.kind in ("revision", "resend") and key not in first:
            j = next(
                k
                for k, other in enumerate(items)
                if other.kind not in ("revision", "resend") and (other.raw["source"], other.raw["id"]) == key
            )
            items[i], items[j] = items[j], items[i]
        first.setdefault((items[i].raw["source"], items[i].raw["id"]), i)
    return items


@dataclass(frozen=True)
class Score:
    flagged: int
    right: int
    should: int
    precision: float
    recall: float
    negatives_flagged: int
    revisions_right: int
    revisions: int


def score(items: Sequence[Item], records: Sequence[dict[str, Any]]) -> Score:
    """Precision and recall of flagged duplicates (see the module docstring)."""
    story_of = {
        rec["id"]: item.story
        for item, rec in zip(items, records, strict=True)
        if rec.get("schema") == "enriched_article.v1"
    }
    flagged = right = negatives = revisions_right = revisions = 0
    per_story: dict[str, int] = {}
    for item, rec in zip(items, records, strict=True):
        if item.kind == "revision":
            revisions += 1
            revisions_right += rec.get("dedup", {}).get("status") == "revision"
        if item.kind in ("revision",):
            continue
        per_story[item.story] = per_story.get(item.story, 0) + 1
        dedup = rec.get("dedup")
        if dedup and dedup["status"] == "duplicate":
            flagged += 1
            if story_of.get(dedup["duplicate_of"]) == item.story:
                right += 1
            if item.kind in ("same_subject", "templated"):
                negatives += 1
    should = sum(n - 1 for n in per_story.values())
    return Score(
        flagged,
        right,
        should,
        right / flagged if flagged else 1.0,
        right / should if should else 1.0,
        negatives,
        revisions_right,
        revisions,
    )
