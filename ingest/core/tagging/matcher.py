"""The matcher's patterns and its one pass over an article, whole words only.

The pass itself runs in Rust (`ingest._native.Automaton`, native/src/matcher.rs: a trie of
pattern words, which finds what a byte-level Aho-Corasick automaton over the words view finds);
this module prepares its patterns and states what they match.

Folding, the same for patterns and text: Python lower-case (Turkish İ first made I, so every
character maps to exactly one), and in Arabic script: alef forms to bare alef, alef maqsura and
Farsi yeh to yeh, keheh to kaf, teh marbuta to heh; harakat and tatweel dropped (then an offset
map keeps positions in the original text). Patterns also get a variant without Latin diacritics
(Erdoğan -> erdogan, Çavuşoğlu -> cavusoglu).

Whole words: the automaton runs over the folded text with every character that is not a letter
or digit (Python's `str.isalnum`) made a space, and a space added at both ends; each pattern is
stored the same way, with a space before and after. So every match is a whole word (no letter or
digit on either side: "Turkey's", "Ankara'da", "(Iraq)" match, "turkeys", "Ankaran" do not).
Arabic patterns also get variants after a one-letter proclitic (و ب ل ف ك: in والموصل the hit is
الموصل) and, for "al-" patterns, the lam-lam contraction (للعراق, for which the whole word is the
hit). Where matches overlap, the one that starts first, then the longest, is kept ("Republic of
Turkey" over "Turkey"). Positions are indexes into the Python string.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from ingest import _native

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_AR_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ۀ": "ه"}
_AR_FOLD_RX = re.compile("[" + "".join(_AR_FOLD) + "]")
_AR_DROP = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, superscript alef, tatweel
_PROCLITICS = "وبلفك"
_ASCII_SEPARATORS = {i: " " for i in range(128) if not chr(i).isalnum()}


def _alnum_runs() -> list[tuple[int, int]]:
    r"""The [start, end) code-point runs of letters and digits: the runs of `[^\W_]` (exactly
    `str.isalnum`) over a string of all code points decoded from UTF-32 (~50 ms). The automaton
    gets them for the text, `words_view` uses them for the patterns."""
    every = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return [(run.start(), run.end()) for run in re.finditer(r"[^\W_]+", every)]


_ALNUM_RUNS = _alnum_runs()
_SEPARATOR = np.ones(0x110000, dtype=np.bool_)
for _lo, _hi in _ALNUM_RUNS:
    _SEPARATOR[_lo:_hi] = False
_SPACE = np.uint32(32)


def _fold_arabic(text: str) -> str:
    return _AR_FOLD_RX.sub(lambda m: _AR_FOLD[m.group()], text)


def has_arabic(text: str) -> bool:
    """Any Arabic-script character (a check on UTF-8 lead bytes: C speed, no regex)."""
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    return b"\xd8" in data or b"\xd9" in data or b"\xda" in data or b"\xdb" in data


def fold(text: str) -> str:
    """Length-preserving fold (see the module docstring); harakat are handled by `Matcher.find`."""
    low = text.replace("\u0130", "I").lower()
    return _fold_arabic(low) if has_arabic(low) else low


def words_view(folded: str) -> str:
    """`folded` with every character that is not a letter or digit made a space, padded by one
    space at each end (so position p here is position p - 1 in `folded`)."""
    if folded.isascii():
        return f" {folded.translate(_ASCII_SEPARATORS)} "
    codes = np.frombuffer(f" {folded} ".encode("utf-32-le"), dtype=np.uint32).copy()
    codes[_SEPARATOR[codes]] = _SPACE
    return codes.tobytes().decode("utf-32-le")


def fold_pattern(pattern: str) -> list[str]:
    """The folded forms of a gazetteer or lexicon entry (with variants), before word padding."""
    base = _AR_DROP.sub("", fold(" ".join(pattern.split())))
    forms = {base}
    stripped = "".join(c for c in unicodedata.normalize("NFKD", base.replace("ı", "i")) if not unicodedata.combining(c))
    if stripped != base and not _ARABIC.search(base):
        forms.add(stripped)
    return sorted((f for f in forms if f.strip()), key=lambda f: f != base)  # the base form first


def _padded_forms(form: str) -> list[tuple[str, int]]:
    """The automaton patterns of a folded form, each with the number of proclitic characters
    before the hit itself."""
    word = words_view(form)
    out = [(word, 0)]
    if _ARABIC.match(form):
        out.extend((f" {p}{word[1:]}", 1) for p in _PROCLITICS)
        if form.startswith("ال") and len(form) > 3:  # ل + ال contracts to لل (للعراق, لليرة)
            out.append((f" ل{word[3:]}" if form[2] == "ل" else f" لل{word[3:]}", 0))
    return out


class Hit(NamedTuple):
    start: int  # in the original text
    end: int
    form: str  # the surface form, from the original text
    refs: tuple[Any, ...]
    pattern: int  # the pattern's index in the matcher


class Found(NamedTuple):
    """What one pass found: every kept match as (start, end, pattern index) in the original
    text, in text order; the same as `Hit`s for the patterns marked rich; the folded text."""

    spans: list[tuple[int, int, int]]
    hits: list[Hit]
    folded: str


class Matcher:
    """Patterns -> refs; `find` yields whole-word hits in text order (longest first at a start).

    `rich(ref)` says which refs need a `Hit` (surface form, refs) of their own; the others (topic
    cues, a majority of all matches) come as spans only, which costs less per match."""

    def __init__(self, entries: Iterable[tuple[str, Any]], rich: Callable[[Any], bool] = lambda ref: True) -> None:
        table: dict[str, tuple[int, str, list[Any]]] = {}  # padded form -> (lead, base form, refs)
        for pattern, ref in entries:
            forms = fold_pattern(pattern)
            for form in forms:
                for padded, lead in _padded_forms(form):
                    have = table.get(padded)
                    if have is None or have[0] > lead:  # a whole word beats a proclitic reading
                        have = table[padded] = (lead, forms[0], [])
                    elif have[0] < lead:
                        continue
                    if ref not in have[2]:
                        have[2].append(ref)
        self.forms = list(table)
        self.leads = [table[form][0] for form in self.forms]
        self.bases = [table[form][1] for form in self.forms]  # the same for variants of one entry
        shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # one tuple per distinct refs list
        self.refs = [shared.setdefault(tuple(table[form][2]), tuple(table[form][2])) for form in self.forms]
        self.rich = [any(map(rich, refs)) for refs in self.refs]
        self.automaton = _native.Automaton(self.forms, self.leads, self.rich, _ALNUM_RUNS)
        self.size = len(self.forms)

    def find(self, text: str) -> Found:
        """Whole-word matches in text order, and the folded text (position for position)."""
        spans, rich_spans, folded = self.automaton.find(text)
        refs = self.refs
        hits = [Hit(s, e, text[s:e], refs[i], i) for s, e, i in (spans[k] for k in rich_spans)]
        return Found(spans, hits, folded)
