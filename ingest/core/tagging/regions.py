"""Regions: which countries an article involves, how much, and where in Turkey, Syria and Iraq.

Evidence: every accepted hit of a country's name, demonym or capital, of a TR/SY/IQ province or
place (counting for its country), or of an institution, party, armed group or office holder.
Weight = where it is (title, dateline, lead: 2.5; body: 1.0 in the first half, 0.75 after) x
what it is (1.0; institutions 0.7 and media 0.3; background phrases such as "Iraq war veteran"
0.2). Institutions are weaker evidence: one linked to several countries (ISIS: SY, IQ) counts
for those of them the article names otherwise, if any; an institution that is its country's
only evidence counts in full.
Rejected: hits inside street names ("Syria Street", شارع سوريا), case-sensitive aliases not
written exactly ("us" is not "US"), and ambiguous aliases that fail their rule (see
lexicons/ambiguity.json: capitalisation, local and global negative cues, person names, support).
Score = 1 - exp(-S / 3.6): one title, dateline or lead mention reaches 0.5 ("about"), as do
three early body mentions; one or two late passing mentions stay below. A country whose only
evidence is background phrases stays below 0.5. Primary: the highest score, if >= 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.core.model import Evidence, Place, RegionTag, Subdivision
from ingest.core.tagging.ambiguity import accept_ambiguous, background_spans, find_all, in_street_name
from ingest.core.tagging.gazetteer import CORE, Gazetteer, Ref
from ingest.core.tagging.matcher import Hit

EARLY = 2.5  # weight of a mention in the title, dateline or lead; the body's first half is 1.0
LATE_BODY = 0.75
SCALE = 2.5 / math.log(2)
BACKGROUND_CAP = 0.45
MAX_EVIDENCE = 8


@dataclass(slots=True)
class Zones:
    """Where each part of the matched text is: title, dateline, lead, body."""

    title_end: int
    dateline_end: int
    lead_end: int
    total: int


@dataclass(slots=True)
class _Country:
    score: float = 0.0
    mentions: int = 0
    direct: bool = False  # has evidence other than institutions and background phrases
    background_only: bool = True
    first: int = 1 << 30
    evidence: dict[tuple[str, str], None] = field(default_factory=dict)  # (surface form, where), in order
    subdivisions: dict[str, int] = field(default_factory=dict)
    places: dict[tuple[str, str | None], int] = field(default_factory=dict)


def tag_regions(gaz: Gazetteer, text: str, folded: str, hits: Sequence[Hit], zones: Zones) -> tuple[RegionTag, ...]:
    """Region tags for `text` (title, blank line, body) from its matcher hits (those with a
    region ref: the matcher gives topic-only matches as spans, not hits)."""
    supported: set[str] = set()  # countries with unambiguous evidence, for the ambiguity rules
    # occurrences grouped by surface form and the matcher's (shared) refs tuple, keyed by its id
    groups: dict[tuple[str, int], tuple[tuple[Ref, ...], list[tuple[int, str, float]]]] = {}
    spans = background_spans(gaz, folded)
    suppressed = [(lo, lo + len(p), code) for p, code in gaz.suppress for lo in find_all(folded, p)]
    title_end, dateline_end, lead_end = zones.title_end, zones.dateline_end, zones.lead_end
    half = lead_end + (zones.total - lead_end) / 2
    background_weight = gaz.background_weight
    street_before = any(word in folded for word in gaz.street_before)  # "شارع سوريا": rare, so checked once
    for i, hit in enumerate(hits):
        refs = hit.refs
        start = hit.start
        if start < title_end:
            where, weight = "title", EARLY
        elif start < dateline_end:
            where, weight = "dateline", EARLY
        elif start < lead_end:
            where, weight = "lead", EARLY
        else:
            where, weight = "body", (1.0 if start < half else LATE_BODY)
        if folded[hit.end : hit.end + 3] in gaz.street_prefixes and in_street_name(gaz, folded, hit):
            continue
        if street_before and folded.endswith(gaz.street_before, 0, start):
            continue
        if spans and any(lo <= start and hit.end <= hi for lo, hi in spans):
            weight = background_weight
        group = groups.get((hit.form, id(refs)))
        if group is None:
            group = groups[(hit.form, id(refs))] = (refs, [])
        group[1].append((i, where, weight))
        if weight > background_weight:
            supported.update(gaz.direct_countries[hit.pattern])
            for ref in gaz.direct_exact[hit.pattern]:
                if ref.exact == hit.form:
                    supported.update(ref.countries)
    countries: dict[str, _Country] = {}
    institutions: list[tuple[Ref, str, list[tuple[int, str, float]]]] = []
    verdicts: dict[tuple[str, tuple[str, ...]], bool | None] = {}
    for (form, _), (refs, occurrences) in groups.items():
        for ref in refs:
            if ref.kind == "term" or (ref.exact is not None and form != ref.exact):
                continue
            if ref.kind in _PROPER and form[:1].isascii() and not form[:1].isupper():
                continue  # a proper name written in lower case is a word ("reading", "south georgia")
            if ref.ambiguous and len(refs) > 1 and _other_supported(refs, ref, supported):
                continue  # an alias of two countries (عمان: Amman, Oman) goes to the one with support
            kept = occurrences
            if ref.ambiguous:
                kept = [
                    o for o in occurrences if accept_ambiguous(gaz, text, folded, hits, o[0], ref, supported, verdicts)
                ]
                if not kept:
                    continue
            if ref.kind == "inst":
                institutions.append((ref, form, [(i, w, weight * ref.weight) for i, w, weight in kept]))
                continue
            if ref.weight != 1.0:
                kept = [(i, w, weight * ref.weight) for i, w, weight in kept]
            for code in ref.countries:
                mine = kept
                if suppressed:  # "Greek Cypriots" is no evidence for Greece
                    mine = [
                        o
                        for o in kept
                        if not any(c == code and lo <= hits[o[0]].start < hi for lo, hi, c in suppressed)
                    ]
                if mine:
                    _add(countries, code, hits, form, mine, ref, direct=True)
    for ref, form, kept in institutions:
        named = [c for c in ref.countries if c in countries and countries[c].direct]
        for code in named or ref.countries:
            mine = kept
            if ref.weight == 0.7 and (code not in countries or not countries[code].direct):
                mine = [(i, w, weight / 0.7) for i, w, weight in kept]  # the country's only sign: full weight
            _add(countries, code, hits, form, mine, ref, direct=False)
    return _finish(gaz, countries)


_PROPER = frozenset({"name", "capital", "sub", "place", "city"})


def _other_supported(refs: tuple[Ref, ...], ref: Ref, supported: set[str]) -> bool:
    """Another country this alias can name has unambiguous evidence, and this one has none."""
    if any(c in supported for c in ref.countries):
        return False
    return any(
        other is not ref and other.kind != "term" and any(c in supported for c in other.countries) for other in refs
    )


def _add(
    countries: dict[str, _Country],
    code: str,
    hits: Sequence[Hit],
    form: str,
    kept: list[tuple[int, str, float]],
    ref: Ref,
    direct: bool,
) -> None:
    c = countries.get(code)
    if c is None:
        c = countries[code] = _Country()
    total = 0.0
    for _, where, weight in kept:
        total += weight
        if len(c.evidence) < MAX_EVIDENCE:
            c.evidence[(form, where)] = None
    c.score += total
    c.mentions += len(kept)
    first = hits[kept[0][0]].start
    c.first = min(c.first, first)
    if direct and total > ref_background(kept):
        c.direct = True
    if any(w > 0.2 for _, _, w in kept):
        c.background_only = False
    if code in CORE:
        n = len(kept)
        if ref.kind == "sub" and ref.subdivision:
            c.subdivisions[ref.subdivision] = c.subdivisions.get(ref.subdivision, 0) + n
        elif ref.kind == "place":
            c.places[(ref.key, ref.subdivision)] = c.places.get((ref.key, ref.subdivision), 0) + n
            if ref.subdivision:
                c.subdivisions[ref.subdivision] = c.subdivisions.get(ref.subdivision, 0) + n


def ref_background(kept: list[tuple[int, str, float]]) -> float:
    """The total an occurrence list would have if all of it were background phrases."""
    return 0.2 * len(kept) + 1e-9


def _finish(gaz: Gazetteer, countries: dict[str, _Country]) -> tuple[RegionTag, ...]:
    scored = []
    for code, c in countries.items():
        score = 1 - math.exp(-c.score / SCALE)
        if c.background_only:
            score = min(score, BACKGROUND_CAP)
        scored.append((round(score, 3), -c.first, code, c))
    scored.sort(reverse=True)
    tags = []
    for rank, (score, _, code, c) in enumerate(scored):
        subdivisions = tuple(
            Subdivision(sub, gaz.subdivision_names.get(sub, sub), n)
            for sub, n in sorted(c.subdivisions.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        places = tuple(
            Place(name, sub, n) for (name, sub), n in sorted(c.places.items(), key=lambda kv: (-kv[1], kv[0][0]))
        )
        tags.append(
            RegionTag(
                code=code,
                name=gaz.country_names.get(code, code),
                score=score,
                mentions=c.mentions,
                primary=rank == 0 and score >= 0.5,
                evidence=tuple(Evidence(text, where) for text, where in c.evidence),  # type: ignore[arg-type]
                subdivisions=subdivisions,
                places=places,
            )
        )
    return tuple(tags)
