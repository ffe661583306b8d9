"""Topics: IPTC Media Topics from cue terms (lexicons/topics.json), with scores and a primary.

Cues: every topic term found (in the article's own language when the lexicon has that language:
"war" is German for "was"), and every unambiguous institution whose kind has a cue in
lexicons/topic_rules.json (an armed group named is a conflict cue, a party a politics cue).
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
from collections.abc import Sequence
from typing import Any

from ingest.core.model import TopicTag
from ingest.core.tagging.gazetteer import Gazetteer
from ingest.core.tagging.matcher import Hit
from ingest.core.tagging.regions import Zones

WHERE = {"title": 3.0, "dateline": 1.5, "lead": 2.0, "body": 1.0}
SCALE = 3.0
LIST_AT = 0.6
ALONE_AT = 1.0  # raw score that lists the best top-level topic when nothing reaches LIST_AT
MAX_EVIDENCE = 6
REPEAT = 0.5  # what a repeated term adds, relative to its first occurrence
LEXICON_LANGUAGES = frozenset({"en", "tr", "ar", "fr", "de", "ku"})


def _cues(gaz: Gazetteer, hits: Sequence[Hit], zones: Zones, language: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Raw score of each topic from its own cues, and the cue forms found."""
    own: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    check_language = language in LEXICON_LANGUAGES
    for hit in hits:
        for ref in hit.refs:
            if ref.kind == "term":
                if check_language and language not in ref.languages:
                    continue
                code, weight = ref.key, ref.weight
            elif ref.kind == "inst" and ref.role in gaz.institution_cues and not ref.ambiguous:
                if ref.exact is not None and hit.form != ref.exact:
                    continue
                code, weight = gaz.institution_cues[ref.role]
            else:
                continue
            term = hit.form.lower()
            n = seen.get((code, term), 0)
            seen[(code, term)] = n + 1
            own[code] = own.get(code, 0.0) + weight * WHERE[zones.where(hit.start)] * (REPEAT if n else 1.0)
            found = evidence.setdefault(code, [])
            if n == 0 and len(found) < MAX_EVIDENCE:
                found.append(hit.form)
    return own, evidence


def _primary(gaz: Gazetteer, own: dict[str, float]) -> tuple[str, float, list[str]] | None:
    """The top-level topic with the most cues once primary_rollup is applied, its raw score, and
    the topics whose cues made it."""
    topics, rollup = gaz.topics, gaz.primary_rollup
    editorial: dict[str, float] = {}
    members: dict[str, list[str]] = {}
    for code, value in own.items():
        node: str = code
        while node not in rollup and topics[node]["parent"] is not None:
            node = topics[node]["parent"]
        top = rollup.get(node, node)
        editorial[top] = editorial.get(top, 0.0) + value
        members.setdefault(top, []).append(code)
    if not editorial:
        return None
    top, value = max(editorial.items(), key=lambda kv: (kv[1], kv[0]))
    return top, value, members[top]


def tag_topics(gaz: Gazetteer, hits: Sequence[Hit], zones: Zones, language: str = "und") -> tuple[TopicTag, ...]:
    own, evidence = _cues(gaz, hits, zones, language)
    if not own:
        return ()
    topics = gaz.topics
    total: dict[str, float] = {}
    for code, value in own.items():
        node: str | None = code
        while node is not None:
            total[node] = total.get(node, 0.0) + value
            node = topics[node]["parent"]
    listed = {code for code, value in total.items() if 1 - math.exp(-value / SCALE) >= LIST_AT}
    for code in list(listed):
        parent = topics[code]["parent"]
        while parent is not None:
            listed.add(parent)
            parent = topics[parent]["parent"]
    best = _primary(gaz, own)
    if best is None or best[1] < ALONE_AT:
        return ()
    primary, value, members = best
    if not listed:
        listed = {primary}
    listed.add(primary)
    total[primary] = max(total.get(primary, 0.0), value)
    evidence[primary] = list(dict.fromkeys(form for code in [primary, *members] for form in evidence.get(code, ())))
    below = _descendants_with_cues(evidence, topics)
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


def _descendants_with_cues(evidence: dict[str, list[str]], topics: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """For each topic, its descendants that have cues, in the order the cues were found."""
    below: dict[str, list[str]] = {}
    for child in evidence:
        node = topics[child]["parent"]
        while node is not None:
            below.setdefault(node, []).append(child)
            node = topics[node]["parent"]
    return below


def _gather(code: str, evidence: dict[str, list[str]], descendants: Sequence[str]) -> list[str]:
    """The cue terms of the topic and of its descendants."""
    out = list(evidence.get(code, ()))
    for child in descendants:
        if len(out) >= MAX_EVIDENCE:
            break
        out.extend(t for t in evidence[child] if t not in out)
    return out[:MAX_EVIDENCE]
