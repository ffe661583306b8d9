"""How matcher hits become region and topic tags: the contract, and its constants.

The scoring runs in Rust (`ingest._native.Scorer`: native/src/regions.rs, ambiguity.rs,
topics.rs); the constants below are handed to it with the data (`gazetteer.load`).

Regions. Evidence: every accepted hit of a country's name, demonym or capital, of a TR/SY/IQ
province or place (counting for its country), or of an institution, party, armed group or office
holder. Weight = where it is (title, dateline, lead: 2.5; body: 1.0 in the first half, 0.75
after) x what it is (1.0; other countries' states and big cities 0.8; institutions 0.7 and media
0.3; background phrases such as "Iraq war veteran" 0.2). Institutions are weaker evidence: one
linked to several countries (ISIS: SY, IQ) counts for those of them the article names otherwise,
if any; an institution that is its country's only evidence counts in full.
Rejected: hits inside street names ("Syria Street", شارع سوريا), case-sensitive aliases not
written exactly ("us" is not "US"), proper names written in lower case ("reading"), phrases that
name another country ("Greek Cypriots" is no evidence for Greece), and ambiguous aliases that
fail their rule (lexicons/ambiguity.json). An ambiguous alias is accepted when it is written
capitalised where required; no local negative cue covers it ("turkey sandwich"); no global
negative cue is in an article without support ("Thanksgiving" and no other Turkish evidence);
it is not shaped like a person's name (a capitalised name word next to it: "Michael Jordan",
unless the line is all caps); and, where support is required, the article names the country
unambiguously, has a positive cue, or lists it among other countries ("Egypt, Iraq, Jordan and
Lebanon"). An alias of two countries (عمان: Amman, Oman) goes to the one with support.
Score = 1 - exp(-S / 3.6): one title, dateline or lead mention reaches 0.5 ("about"), as do
three early body mentions; one or two late passing mentions stay below. A country whose only
evidence is background phrases stays below 0.5. Primary: the highest score, if >= 0.5.

Topics. Cues: every topic term found (in the article's own language when the lexicon has that
language: "war" is German for "was"), and every institution whose kind has a cue in
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
than one full cue. Evidence: the cue terms found, first ones first (at most 6 per topic, 8 per
country).
"""

from __future__ import annotations

import math
from typing import Any

EARLY = 2.5  # region weight of a mention in the title, dateline or lead
LATE_BODY = 0.75  # ... in the body's second half (its first half: 1.0)
REGION_SCALE = 2.5 / math.log(2)
BACKGROUND_CAP = 0.45
REGION_MAX_EVIDENCE = 8

TOPIC_WHERE = {"title": 3.0, "dateline": 1.5, "lead": 2.0, "body": 1.0}
TOPIC_SCALE = 3.0
LIST_AT = 0.6
ALONE_AT = 1.0  # raw score that lists the best top-level topic when nothing reaches LIST_AT
REPEAT = 0.5  # what a repeated term adds, relative to its first occurrence
TOPIC_MAX_EVIDENCE = 6
LEXICON_LANGUAGES = ("en", "tr", "ar", "fr", "de", "ku")


def params() -> dict[str, Any]:
    """The constants as the native scorer takes them."""
    return {
        "early": EARLY,
        "late_body": LATE_BODY,
        "region_scale": REGION_SCALE,
        "background_cap": BACKGROUND_CAP,
        "region_max_evidence": REGION_MAX_EVIDENCE,
        "zone_weights": [TOPIC_WHERE[z] for z in ("title", "dateline", "lead", "body")],
        "topic_scale": TOPIC_SCALE,
        "list_raw": -TOPIC_SCALE * math.log(1 - LIST_AT),
        "alone_at": ALONE_AT,
        "repeat": REPEAT,
        "topic_max_evidence": TOPIC_MAX_EVIDENCE,
    }
