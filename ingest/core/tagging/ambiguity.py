"""Occurrence checks for region hits: ambiguous aliases, street names, background phrases.

An ambiguous alias (lexicons/ambiguity.json) is accepted when it passes its rule: written
capitalised where required, no local negative cue around it ("turkey sandwich"), no global
negative cue in an article without support ("Thanksgiving" and no other Turkish evidence), not
shaped like a person's name (a capitalised name word next to it: "Michael Jordan"), and, where support is required, the article names
the country otherwise or lists it among other countries ("Egypt, Iraq, Jordan and Lebanon").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.core.tagging.gazetteer import Gazetteer, Ref
from ingest.core.tagging.matcher import Hit

_LIST_GLUE = re.compile(r"^\s*(?:,|and|or|&|ve|et|und|y|و|،)?\s*$", re.IGNORECASE)
_NAME_WORD = re.compile(r"[A-ZÇĞİÖŞÜ][a-zçğıöşü'’.-]+$")
_NOT_NAMES = frozenset(
    "the a an in of and or to from for with by on at as king queen president prime minister kingdom republic "
    "state northern southern eastern western north south east west central new old upper lower greater".split()
)


def _is_all_caps_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return line.upper() == line and line.lower() != line


def _neighbour_word(text: str, start: int, end: int, before: bool) -> str | None:
    if before:
        head = text[max(0, start - 40) : start]
        if not head.endswith(" ") or head.rstrip().endswith((".", "!", "?", ":", "\n", '"', "“", "—", "-")):
            return None
        words = head.split()
        return words[-1] if words else None
    tail = text[end : end + 40]
    if not tail.startswith(" "):
        return None
    words = tail.split()
    return words[0] if words else None


def _looks_like_person(text: str, hit: Hit) -> bool:
    for before in (True, False):
        word = _neighbour_word(text, hit.start, hit.end, before)
        if word and _NAME_WORD.match(word) and word.lower().strip(".'’") not in _NOT_NAMES:
            return True
    return False


def _in_list(hits: Sequence[Hit], i: int, text: str) -> bool:
    """Next to another country name in a list ("Egypt, Iraq, Jordan and Lebanon")."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(hits) and any(r.kind in ("name", "demonym") and not r.ambiguous for r in hits[j].refs):
            lo, hi = (hits[j].end, hits[i].start) if j < i else (hits[i].end, hits[j].start)
            if 0 <= hi - lo <= 6 and _LIST_GLUE.match(text[lo:hi]):
                return True
    return False


def in_street_name(gaz: Gazetteer, folded: str, hit: Hit) -> bool:
    """Part of a street or square name: "Syria Street", "İstanbul Caddesi", "شارع سوريا"."""
    if folded.startswith(gaz.street_after, hit.end):
        end = folded.find(" ", hit.end + 1)
        word = folded[hit.end + 1 : end if end != -1 else len(folded)].strip(".,;:")
        return word in gaz.street_words
    return folded.endswith(gaz.street_before, 0, hit.start)


def find_all(text: str, phrase: str) -> list[int]:
    out = []
    pos = text.find(phrase)
    while pos != -1:
        out.append(pos)
        pos = text.find(phrase, pos + 1)
    return out


def background_spans(gaz: Gazetteer, folded: str) -> list[tuple[int, int]]:
    """Where background phrases ("Iraq war veteran") occur: hits inside them are mentions only."""
    spans: list[tuple[int, int]] = []
    if not any(word in folded for word in gaz.background_words):
        return spans
    for phrase in gaz.background:
        pos = folded.find(phrase)
        while pos != -1:
            spans.append((pos, pos + len(phrase)))
            pos = folded.find(phrase, pos + 1)
    return spans


def accept_ambiguous(
    gaz: Gazetteer,
    text: str,
    folded: str,
    hits: Sequence[Hit],
    i: int,
    ref: Ref,
    supported: set[str],
    verdicts: dict[tuple[str, tuple[str, ...]], bool | None],
) -> bool:
    """The rule of an ambiguous alias (lexicons/ambiguity.json) for this occurrence."""
    hit = hits[i]
    rule = gaz.rule(hit.form)
    latin = hit.form[:1].isascii()
    if rule.capitalized and latin and not hit.form[:1].isupper():
        return False
    if rule.negative_local is not None:
        lo = max(0, hit.start - 30)
        for m in rule.negative_local.finditer(folded, lo, hit.end + 30):
            if m.start() <= hit.start and m.end() >= hit.end:
                return False
    key = (hit.form.lower(), ref.countries)
    if key not in verdicts:  # the article-level part: support, global negative cues
        support = any(c in supported for c in ref.countries) or any(p in folded for p in rule.positive)
        negative = bool(rule.negative_global) and not support and any(p in folded for p in rule.negative_global)
        verdicts[key] = None if negative else support
    verdict = verdicts[key]
    if verdict is None:
        return False
    if rule.person and latin and _looks_like_person(text, hit) and not _is_all_caps_line(text, hit.start, hit.end):
        return False
    if rule.require_support and not verdict:
        # a country name listed among others ("Egypt, Iraq, Jordan and Lebanon"); not a city
        # followed by its country ("TRIPOLI, Lebanon")
        return ref.kind in ("name", "demonym") and _in_list(hits, i, text)
    return True
