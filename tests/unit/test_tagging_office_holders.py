"""Office holders (gazetteer/institutions.json, kind office_holder) as evidence for their country.

A leader named in a headline makes the story about the country; a surname that is also a word
("trump", "May") or a common first name ("Abbas") is no evidence on its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import orjson
import pytest

from ingest.codec import decode_raw
from ingest.core.model import Normalised, RawArticle
from ingest.core.normalise import normalise
from ingest.core.tagging import Tagger

NOW = datetime(2026, 12, 7, tzinfo=UTC)
BODY = "Officials said talks would resume next month.\n\nMore meetings are planned.\n\nNo date was set."


@cache
def tagger() -> Tagger:
    return Tagger.load()


def regions(title: str, body: str = BODY) -> dict[str, float]:
    raw = decode_raw(orjson.dumps({"id": "x", "source": "s", "title": title, "body": body}), 1 << 22)
    assert isinstance(raw, RawArticle)
    norm = normalise(raw, NOW)
    assert isinstance(norm, Normalised)
    return {r.code: r.score for r in tagger().tag(norm).regions}


@pytest.mark.parametrize(
    ("title", "about"),
    [
        ("Putin and Zelensky trade accusations over grain corridor", {"RU", "UA"}),
        ("Netanyahu vows to press on", {"IL"}),
        ("Modi inaugurates new temple", {"IN"}),
        ("Macron calls for ceasefire", {"FR"}),
        ("Sisi opens new capital", {"EG"}),
        ("Pashinyan and Aliyev sign peace framework", {"AM", "AZ"}),
    ],
)
def test_a_leader_in_the_headline_makes_the_story_about_the_country(title: str, about: set[str]) -> None:
    found = regions(title)
    assert {code for code, score in found.items() if score >= 0.5} == about, found


@pytest.mark.parametrize(
    "title",
    [
        "Trump card: how bridge players win",  # ambiguous alias, lower case in the text below
        "May sales rise as shoppers return",  # Theresa May only by her full name
        "Abbas Kiarostami retrospective opens",  # a first name, not Mahmoud Abbas
        "Salman Rushdie publishes memoir",
    ],
)
def test_a_surname_that_is_a_word_or_a_first_name_is_no_evidence(title: str) -> None:
    assert regions(title, "A good trump lead decides the game, the club said.\n\nPlayers practise weekly.") == {}


def test_a_leader_in_a_story_about_another_country_is_a_mention() -> None:
    body = (
        "Turkish officials met in Ankara on Monday to discuss the border.\n\n"
        "The talks covered trade and security. Turkey's foreign ministry said more rounds would follow.\n\n"
        "Late in the day, a spokesman recalled that Putin had been invited to visit next year."
    )
    found = regions("Turkey and its neighbours discuss border security", body)
    assert found["TR"] >= 0.5 and 0 < found.get("RU", 0.0) < 0.5, found
