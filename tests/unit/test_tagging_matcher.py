"""The matcher: whole words after folding, in every script the gazetteer uses."""

from __future__ import annotations

import pytest

from ingest.core.tagging.matcher import Matcher, fold

PATTERNS = [
    "Turkey",
    "Turkish",
    "Iraq",
    "Iran-Iraq war",
    "war",
    "war broke out",
    "Erdoğan",
    "Çavuşoğlu",
    "Türkiye",
    "العراق",
    "الموصل",
    "سوريا",
    "الليرة",
    "Ankara",
    "Republic of Turkey",
    "Diyarbakır",
    "İzmir",
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher((p, p) for p in PATTERNS)


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    hits = matcher.find(text).hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.form
    return [(hit.form, hit.refs[0]) for hit in hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Turkey's army", [("Turkey", "Turkey")]),
        ("TURKISH TROOPS ENTER IRAQ", [("TURKISH", "Turkish"), ("IRAQ", "Iraq")]),
        ("Ankara'da toplantı", [("Ankara", "Ankara")]),
        ("Türkiye’nin tutumu", [("Türkiye", "Türkiye")]),
        ("the Iran-Iraq war ended", [("Iran-Iraq war", "Iran-Iraq war")]),
        ("after the war broke out in Iraq", [("war broke out", "war broke out"), ("Iraq", "Iraq")]),
        ("Erdogan and Cavusoglu met", [("Erdogan", "Erdoğan"), ("Cavusoglu", "Çavuşoğlu")]),
        ("İZMİR and DİYARBAKIR", [("İZMİR", "İzmir"), ("DİYARBAKIR", "Diyarbakır")]),
        ("Republic of Turkey", [("Republic of Turkey", "Republic of Turkey")]),
        ("turkeys and Iraqis", []),  # no whole word: plural, demonym not in the list
        ("Turkeyville, Ankaran", []),
        ("warfare toward", []),
        ("(Iraq)", [("Iraq", "Iraq")]),
        ("Iraq", [("Iraq", "Iraq")]),
        ("Iraq2", []),
    ],
)
def test_latin(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("في العراق اليوم", [("العراق", "العراق")]),
        ("والموصل وبغداد", [("الموصل", "الموصل")]),  # a one-letter proclitic
        ("للعراق", [("للعراق", "العراق")]),  # ل + ال contracted
        ("لليرة", [("لليرة", "الليرة")]),  # ل + الل: one lam fewer
        ("العِراقُ", [("العِراق", "العراق")]),  # harakat: positions map back to the original text
        ("قال إنَّ سوريا والعراق", [("سوريا", "سوريا"), ("العراق", "العراق")]),
        ("العراقية", []),
        ("مالعراق", []),  # م is no proclitic
    ],
)
def test_arabic(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text) == expected


def test_fold_keeps_length() -> None:
    for text in ["İSTANBUL", "أإآ ى ة", "Straße", "ﬁnal"]:
        assert len(fold(text)) == len(text.replace("\u0130", "I"))


@pytest.mark.parametrize(
    "text",
    ["«Iraq»", "Iraq—Turkey", "Iraq🇮🇶", "«العراق»", "العراق، سوريا", "Iraq_", "\u200fالعراق\u200f"],
)
def test_any_non_letter_is_a_boundary(matcher: Matcher, text: str) -> None:
    assert found(matcher, text)


def test_hyphen_and_space_read_alike(matcher: Matcher) -> None:
    assert found(matcher, "the Iran Iraq war") == [("Iran Iraq war", "Iran-Iraq war")]


def test_plain_patterns_come_as_spans_only() -> None:
    m = Matcher([("Iraq", "region"), ("war", "term")], rich=lambda ref: ref != "term")
    text = "war in Iraq, war again"
    result = m.find(text)
    assert [h.form for h in result.hits] == ["Iraq"]
    assert [text[s:e] for s, e, _ in result.spans] == ["war", "Iraq", "war"]
    assert [m.refs[i] for _, _, i in result.spans] == [("term",), ("region",), ("term",)]
    assert result.hits[0].pattern == result.spans[1][2]
