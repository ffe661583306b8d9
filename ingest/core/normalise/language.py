"""Language of an article: ISO 639-1 code and a confidence in 0..1.

1. Script: the dominant script of the letters in a sample (title + first ~2,000 characters).
2. Arabic script: Sorani Kurdish when its own letters (ە ێ ۆ ڕ ڵ) are frequent -> "ku"; Persian
   when keheh/Farsi yeh (ک ی) and پ چ ژ گ outweigh Arabic kaf/yeh/teh marbuta -> "fa"; Urdu by
   its letters; else "ar". Cyrillic: Ukrainian, Serbian ... by their letters, else "ru". Other
   scripts map to their language (el, he, hy, ka, ja, ko, zh, hi, th).
3. Latin script: counts of frequent function words per language (data file
   lexicons/stopwords.json); Kurmanji Kurdish ("ku") is one of them. When the evidence is thin
   (short text, or two languages close), py3langid's classifier decides among all its languages.
Confidence: the share of the sample's letters in the chosen script times the winner's margin.
A text with too few letters is "und" with confidence 0.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from ingest.core.data import load_json

_SAMPLE = 1500
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
# UTF-8 lead bytes of each script's letters (counting bytes is C-speed, no per-character Python)
_LEAD_BYTES = {
    "latin": (0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9),
    "arabic": (0xD8, 0xD9, 0xDA, 0xDB, 0xDD),
    "cyrillic": (0xD0, 0xD1, 0xD2, 0xD3),
    "greek": (0xCE, 0xCF),
    "hebrew": (0xD6, 0xD7),
    "armenian": (0xD4, 0xD5),
}
# three-byte scripts: (name, UTF-8 lead bytes that start them, first, last code point)
_THREE_BYTE = (
    ("georgian", (0xE1,), "\u10a0", "\u10ff"),
    ("devanagari", (0xE0,), "\u0900", "\u097f"),
    ("thai", (0xE0,), "\u0e00", "\u0e7f"),
    ("hangul", (0xEA, 0xEB, 0xEC, 0xED), "\uac00", "\ud7af"),
    ("kana", (0xE3,), "\u3040", "\u30ff"),
    ("han", (0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9), "\u4e00", "\u9fff"),
)
_SCRIPT_LANGUAGE = {
    "greek": "el",
    "hebrew": "he",
    "armenian": "hy",
    "georgian": "ka",
    "devanagari": "hi",
    "thai": "th",
    "hangul": "ko",
    "kana": "ja",
    "han": "zh",
}
_WORD = re.compile(r"[^\W\d_]+")
_LANGID_MAP = {"sdh": "ku", "ckb": "ku", "kmr": "ku", "ku": "ku"}


@functools.cache
def _profiles() -> tuple[dict[str, frozenset[str]], dict[str, str], dict[str, str]]:
    data = load_json("lexicons/stopwords.json")
    latin = {lang: frozenset(words) for lang, words in data["latin"].items()}
    return latin, data["arabic_script"], data["cyrillic"]


@functools.cache
def _word_languages() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for lang, words in _profiles()[0].items():
        for word in words:
            table.setdefault(word, []).append(lang)
    return {w: tuple(langs) for w, langs in table.items()}


def _arabic_script(sample: str, letters: int) -> tuple[str, float]:
    _, markers, _ = _profiles()
    counts = {lang: sum(sample.count(ch) for ch in chars) for lang, chars in markers.items()}
    letters = max(1, letters)
    if counts["ku"] / letters > 0.015:
        return "ku", min(1.0, 0.6 + counts["ku"] / letters * 10)
    if counts["ur"] / letters > 0.01:
        return "ur", 0.8
    if counts["fa"] > 1.5 * counts["ar"]:
        return "fa", min(1.0, 0.5 + (counts["fa"] - counts["ar"]) / max(1, counts["fa"]))
    return "ar", min(1.0, 0.5 + (counts["ar"] - counts["fa"]) / max(1, counts["ar"] + 1))


def _cyrillic(sample: str, letters: int) -> tuple[str, float]:
    _, _, markers = _profiles()
    low = sample.lower()
    letters = max(1, letters)
    best = max(markers, key=lambda lang: sum(low.count(ch) for ch in markers[lang]))
    share = sum(low.count(ch) for ch in markers[best]) / letters
    if share > 0.01:
        return best, min(1.0, 0.6 + share * 10)
    return "ru", 0.9


def _latin(sample: str) -> tuple[str, float]:
    words = sample[:600].casefold().split()
    table = _word_languages()
    votes: Counter[str] = Counter()
    for word in words:
        for lang in table.get(word, ()):
            votes[lang] += 1
    ranked = votes.most_common(2)
    if not ranked:
        return _fallback(sample)
    top, hits = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    margin = (hits - second) / hits
    if hits < 4 or margin < 0.25:
        return _fallback(sample, (top, margin))
    return top, min(1.0, 0.5 + margin / 2 + min(hits, 40) / 200)


def warm_up() -> None:
    """Load the stopword tables and py3langid's model (see `ingest.core.normalise.warm_up`)."""
    _word_languages()
    _fallback("warm up the language identifier")


def _fallback(sample: str, guess: tuple[str, float] | None = None) -> tuple[str, float]:
    import py3langid

    lang, _ = py3langid.classify(sample[:1000])
    lang = _LANGID_MAP.get(lang, lang)
    if guess is not None and guess[0] == lang:
        return lang, 0.6 + guess[1] / 3
    return (lang, 0.5) if len(lang) == 2 else ("und", 0.0)


def _script_counts(sample: str) -> dict[str, int]:
    data = sample.encode("utf-8", "surrogatepass")
    ascii_letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
    if ascii_letters * 2 > len(sample):  # Latin wins outright: skip the other counts
        return {"latin": ascii_letters}
    counts = {name: sum(data.count(b) for b in leads) for name, leads in _LEAD_BYTES.items()}
    counts["latin"] += ascii_letters
    for name, leads, low, high in _THREE_BYTE:
        if sum(data.count(b) for b in leads) * 10 > len(sample):  # worth an exact count
            counts[name] = sum(1 for c in sample if low <= c <= high)
    return counts


def detect(title: str, body: str) -> tuple[str, float]:
    sample = f"{title}\n{body[:_SAMPLE]}"
    counts = _script_counts(sample)
    letters = sum(counts.values())
    if letters < 20:
        return "und", 0.0
    script = max(counts, key=lambda name: counts[name])
    share = counts[script] / letters
    if script == "arabic":
        lang, conf = _arabic_script(sample, counts[script])
    elif script == "cyrillic":
        lang, conf = _cyrillic(sample, counts[script])
    elif script == "latin":
        lang, conf = _latin(sample)
    else:
        lang, conf = _SCRIPT_LANGUAGE[script], 0.9
    return lang, round(conf * share, 3)
