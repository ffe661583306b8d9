"""Topics: IPTC Media Topics from cue terms (lexicons/topics.json), with scores and a primary.

Cues: every topic term found (in the article's own language when the lexicon has that language:
"war" is German for "was"), and every institution whose kind has a cue in
lexicons/topic_rules.json (an armed group named is a conflict cue, a party a politics cue); an
ambiguous institution alias counts only in Latin script and capitalised ("Islamic State").
Each cue adds its weight x where it is (title 3.0, lead 2.0, dateline 1.5, body 1.0); a term
repeated adds half as much each further time.

Scores: a topic's raw score S is its own cues plus its descendants' (a war story is also a
conflict story); score = 1 - exp(-S / 3). Listed: topics with score >= 0.6 (one cue in the
title, or about three in the body), each with its ancestors up to the top level. (0.4 listed
too many side topics: on the labelled set, top-level F1 0.657 at 0.4, 0.724 at 0.6, flat above.)

Primary: the top-level topic with the highest raw score, where the cues of the topics in
topic_rules' `primary_rollup` count for the top-level topic given there instead of their IPTC
one (IPTC files armed forces under politics; a drone strike story is a conflict story); it is
listed even when its IPTC score is below the floor. No topic at all when the cues add up to less
than one full cue. Evidence: the cue terms
found, first ones first.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter

from ingest.core.model import TopicTag
from ingest.core.tagging.gazetteer import Gazetteer
from ingest.core.tagging.regions import Zones

WHERE = {"title": 3.0, "dateline": 1.5, "lead": 2.0, "body": 1.0}
SCALE = 3.0
LIST_AT = 0.6
ALONE_AT = 1.0  # raw score that lists the best top-level topic when nothing reaches LIST_AT
MAX_EVIDENCE = 6
_ZONE_WEIGHTS = (WHERE["title"], WHERE["dateline"], WHERE["lead"], WHERE["body"])  # in text order
_INDEX = itemgetter(2)
_LIST_RAW = -SCALE * math.log(1 - LIST_AT)  # the raw score whose score is LIST_AT
REPEAT = 0.5  # what a repeated term adds, relative to its first occurrence
LEXICON_LANGUAGES = frozenset({"en", "tr", "ar", "fr", "de", "ku"})


def _cues(
    gaz: Gazetteer, spans: Sequence[tuple[int, int, int]], text: str, zones: Zones, language: str
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Raw score of each topic from its own cues, and the cue forms found (first ones first).

    A term's repeats are counted per lexicon entry, whatever its surface form or variant. Spans
    are counted per pattern and zone first (in C), so the Python work is per distinct pattern."""
    own: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    check_language = language in LEXICON_LANGUAGES
    table, bases = gaz.topic_cues, gaz.matcher.bases
    starts = [s for s, _, _ in spans]
    cuts = [0, *(bisect_left(starts, z) for z in (zones.title_end, zones.dateline_end, zones.lead_end)), len(spans)]
    for zone, lo, hi in zip(_ZONE_WEIGHTS, cuts, cuts[1:], strict=False):
        if lo == hi:
            continue
        segment = spans[lo:hi]
        counts = Counter(map(_INDEX, segment))
        firsts: dict[int, tuple[int, int, int]] = dict(
            zip(map(_INDEX, reversed(segment)), reversed(segment), strict=True)
        )
        for index, count in counts.items():
            cues = table[index]
            if not cues:
                continue
            for code, weight, languages, exact, capitalised in cues:
                n = count
                if exact is not None:
                    n = sum(1 for s, e, i in segment if i == index and text[s:e] == exact)
                elif capitalised:
                    n = sum(1 for s, _, i in segment if i == index and text[s].isupper())
                if not n:
                    continue
                if check_language and languages is not None and language not in languages:
                    continue
                key = (code, bases[index])
                if key in seen:
                    own[code] += weight * zone * REPEAT * n
                    continue
                seen.add(key)
                own[code] = own.get(code, 0.0) + weight * zone * (1 + REPEAT * (n - 1))
                found = evidence.setdefault(code, [])
                if len(found) < MAX_EVIDENCE:
                    start, end, _ = firsts[index]
                    found.append(exact or text[start:end])
    return own, evidence


def _primary(gaz: Gazetteer, own: dict[str, float]) -> tuple[str, float, list[str]] | None:
    """The top-level topic with the most cues once primary_rollup is applied, its raw score, and
    the topics whose cues made it."""
    editorial: dict[str, float] = {}
    members: dict[str, list[str]] = {}
    tops = gaz.editorial_top
    for code, value in own.items():
        top = tops[code]
        editorial[top] = editorial.get(top, 0.0) + value
        members.setdefault(top, []).append(code)
    if not editorial:
        return None
    top, value = max(editorial.items(), key=lambda kv: (kv[1], kv[0]))
    return top, value, members[top]


def tag_topics(
    gaz: Gazetteer, spans: Sequence[tuple[int, int, int]], text: str, zones: Zones, language: str = "und"
) -> tuple[TopicTag, ...]:
    """Topic tags from the matcher's spans over `text` (see the module docstring)."""
    own, evidence = _cues(gaz, spans, text, zones, language)
    if not own:
        return ()
    topics, lineage = gaz.topics, gaz.lineage
    total: dict[str, float] = {}
    for code, value in own.items():
        for node in lineage[code]:
            total[node] = total.get(node, 0.0) + value
    listed = {node for code, value in total.items() if value >= _LIST_RAW for node in lineage[code]}
    best = _primary(gaz, own)
    if best is None or best[1] < ALONE_AT:
        return ()
    primary, value, members = best
    listed.add(primary)
    total[primary] = max(total.get(primary, 0.0), value)
    evidence[primary] = list(dict.fromkeys(form for code in [primary, *members] for form in evidence.get(code, ())))
    below = _descendants_with_cues(evidence, lineage)
    out = []
    for code in sorted(listed, key=lambda c: (c != primary, -total[c], c)):
        t = topics[code]
        out.append(
            TopicTag(
                code=code,
                label=t["label"],
                level=t["level"],
                parent=t["parent"],
                score=round(1 - math.exp(-total[code] / SCALE), 3),
                primary=code == primary,
                evidence=tuple(_gather(code, evidence, below.get(code, ()))),
            )
        )
    return tuple(out)


def _descendants_with_cues(evidence: dict[str, list[str]], lineage: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """For each topic, its descendants that have cues, in the order the cues were found."""
    below: dict[str, list[str]] = {}
    for child in evidence:
        for node in lineage[child][1:]:
            below.setdefault(node, []).append(child)
    return below


def _gather(code: str, evidence: dict[str, list[str]], descendants: Sequence[str]) -> list[str]:
    """The cue terms of the topic and of its descendants."""
    out = list(evidence.get(code, ()))
    for child in descendants:
        if len(out) >= MAX_EVIDENCE:
            break
        out.extend(t for t in evidence[child] if t not in out)
    return out[:MAX_EVIDENCE]
