"""The native tagger (ingest._native) on arbitrary text: it never fails, and what it reports holds.

Random texts mix gazetteer aliases, cue terms, trap words and hostile characters (harakat,
tatweel, İ and final sigma, emoji, bidi marks, controls). Every span must be a whole-word match of
its pattern at that position; every evidence form must be in the text; scores stay in 0..1.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.core.data import load_json
from ingest.core.model import Evidence, Place, RegionTag, Subdivision, TopicTag
from ingest.core.tagging import Tagger
from ingest.core.tagging.matcher import _AR_DROP, fold, words_view


@cache
def tagger() -> Tagger:
    return Tagger.load()


@cache
def words() -> list[str]:
    countries = load_json("gazetteer/countries.json")["countries"]
    out = [a for c in countries[:80] for a in c["aliases"][:2] + c["demonyms"][:1]]
    for data in load_json("gazetteer/core_regions.json")["countries"].values():
        out += [a for names in data["names"].values() for a in names]
        out += [s["aliases"][0] for s in data["subdivisions"][:30]]
        out += [i["aliases"][0] for i in data["institutions"][:20]]
    topics = load_json("lexicons/topics.json")["topics"]
    out += [w for by_language in list(topics.values())[:60] for ws in by_language.values() for w in ws[:3]]
    amb = load_json("lexicons/ambiguity.json")
    out += list(amb["aliases"]) + amb["street_after"] + amb["street_before"] + amb["background"]
    return out


HOSTILE = ["\u064e", "\u0651", "\u0640", "İ", "Σ", "ΟΔΟΣ", "🇮🇶", "\u200f", "\u200d", "\x00", "\t", "\n", "’s", "'da", "-", "—", "“", "ß"]
GLUE = [" ", " ", " ", ", ", " and ", "\n\n", ". ", "و", " Michael ", " Street ", "شارع "]
token = st.one_of(
    st.sampled_from(words()),
    st.sampled_from(words()).map(str.upper),
    st.sampled_from(words()).map(str.lower),
    st.sampled_from(HOSTILE),
    st.text(max_size=4),
)
article = st.lists(st.tuples(token, st.sampled_from(GLUE)), max_size=60).map(lambda ts: "".join(a + b for a, b in ts))


@settings(max_examples=300, deadline=None)
@given(article, st.integers(0, 40), st.sampled_from(["en", "tr", "ar", "de", "und"]))
def test_tags_hold_on_any_text(text: str, title_len: int, language: str) -> None:
    title, body = text[:title_len], text[title_len:]
    full = f"{title}\n\n{body}"
    start = len(title) + 2
    regions, topics = tagger().gazetteer.scorer.tag(full, len(title), start, start + len(body) // 3, language)
    assert all(type(r) is RegionTag for r in regions) and all(type(t) is TopicTag for t in topics)
    assert sum(r.primary for r in regions) <= 1
    for r in regions:
        assert 0.0 <= r.score <= 1.0 and r.mentions >= 1 and (not r.primary or r.score >= 0.5)
        assert all(type(e) is Evidence and e.text in full for e in r.evidence)
        assert all(type(s) is Subdivision for s in r.subdivisions) and all(type(p) is Place for p in r.places)
    assert sum(t.primary for t in topics) == (1 if topics else 0)
    for t in topics:
        assert 0.0 <= t.score <= 1.0 and len(t.evidence) <= 6


def _is_word_char(c: str) -> bool:
    return c.isalnum()


@settings(max_examples=300, deadline=None)
@given(article)
def test_every_span_is_a_whole_word_match_of_its_pattern(text: str) -> None:
    matcher = tagger().gazetteer.matcher
    spans = matcher.find(text).spans
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in pairwise(spans))
    for start, end, index in spans:
        lead = matcher.leads[index]
        pattern = matcher.forms[index][1 + lead : -1]  # without the padding and a proclitic
        matched = words_view(_AR_DROP.sub("", fold(text[start:end])))[1:-1]
        assert matched == pattern, (text[start:end], pattern)
        before = _AR_DROP.sub("", text[:start])
        if lead == 0:
            assert not before or not _is_word_char(before[-1])
        after = _AR_DROP.sub("", text[end:])
        assert not after or not _is_word_char(after[0])


def test_positions_are_python_string_indexes() -> None:
    text = "🇮🇶 العِراقُ — Ankara’da İZMİR"
    found = [(text[s:e], e - s) for s, e, _ in tagger().gazetteer.matcher.find(text).spans]
    assert ("العِراق", 7) in found and ("Ankara", 6) in found and ("İZMİR", 5) in found
    assert tagger().gazetteer.matcher.find("ΟΔΟΣ").folded == "ΟΔΟΣ".lower()  # final sigma by context
