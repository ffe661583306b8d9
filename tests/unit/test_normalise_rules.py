"""Rules of the normaliser on small inputs: chrome, titles, Unicode, language, datelines, limits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from ingest.codec import decode_raw
from ingest.core.model import Normalised, RawArticle, Reason, Rejection
from ingest.core.normalise import normalise
from ingest.core.normalise.language import detect
from ingest.core.normalise.text import clean_text, repair
from ingest.core.normalise.title import clean_title, dateline, site_names

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SEED = Path("/work/shared/samples/seed-article.txt")
TEXT = "ANKARA, March 4 (Wire) - Officials from both countries met on Tuesday and agreed to reopen the crossing."


def norm(**raw: object) -> Normalised | Rejection:
    decoded = decode_raw(orjson.dumps({"id": "1", "source": "example-news", **raw}), 4 * 1024 * 1024)
    assert isinstance(decoded, RawArticle)
    return normalise(decoded, NOW)


def test_scraped_chrome_around_an_article() -> None:
    body = "\n\n".join(
        [
            "All PostsWorld (Middle East)",
            "Crossing to reopen",
            '"Share this post on social media, spread the news"',
            "CROSSING-TALKS",
            TEXT,
            "“We have agreed,” the minister said. “Trucks will move again on Thursday.”",
            "SOURCE: WIRE",
            "Related:",
            "- Another story about trade",
            "- A third headline here",
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "Great article!",
            "EDIRNE VIDEO BANNER 200424",
        ]
    )
    out = norm(title="Crossing to reopen | Example News", body=body)
    assert isinstance(out, Normalised)
    assert out.title == "Crossing to reopen"
    assert out.paragraphs == (TEXT, "“We have agreed,” the minister said. “Trucks will move again on Thursday.”")
    assert out.attribution == "WIRE" and out.dateline == "ANKARA, March 4 (Wire)"


@pytest.mark.skipif(not SEED.exists(), reason="the shared sample is outside the repository")
def test_the_seed_article() -> None:
    out = norm(title="Kerry puts pressure on Turkey for stronger cooperation against ISIL", body=SEED.read_text())
    assert isinstance(out, Normalised)
    assert out.lead.startswith("Erdoğan received John Kerry")
    assert out.attribution == "MEDIA" and out.language == "en"
    for chrome in (
        "All Posts",
        "Share this post",
        "ERDOGAN-KERRY",
        "Leave a Reply",
        "BANNER",
        "SOURCE:",
        "Required fields",
    ):
        assert chrome not in out.body
    assert out.body.count("\n\n") == len(out.paragraphs) - 1 == 8


def test_without_a_title_the_headline_above_the_text_becomes_it() -> None:
    out = norm(body=SEED.read_text())
    assert isinstance(out, Normalised)
    assert out.title == "Kerry puts pressure on Turkey for stronger cooperation against ISIL"
    assert out.lead.startswith("Erdoğan received John Kerry") and out.title not in out.body
    # a first paragraph that is a sentence, or a text too short to have a headline, stays text
    for body in (TEXT + "\n\nMore.\n\nAnd more.", "Officials of both countries say the crossing will reopen within days\n\n" + TEXT):
        short = norm(body=body)
        assert isinstance(short, Normalised) and short.title == "" and short.lead == body.split("\n\n")[0]


def test_empty_after_cleaning_is_rejected() -> None:
    out = norm(body="Home > News\n\nShare on Facebook\n\n© 2024 Example News. All rights reserved.")
    assert isinstance(out, Rejection) and out.reason == Reason.EMPTY_BODY


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ErdoÄŸan received Kerry in Ä°stanbul", "Erdoğan received Kerry in İstanbul"),
        ("Lisbonâ€™s cafÃ© owners", "Lisbon’s café owners"),
        ("ÐŸÑ€ÐµÐ·Ð¸Ð´ÐµÐ½Ñ‚", "Президент"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert clean_text(broken) == fixed


def test_clean_text_is_left_alone() -> None:
    for text in ("Çavuşoğlu ve Erdoğan Ankara'da görüştü.", "الرئيس العراقي في بغداد", "Château and café"):
        assert repair(text) is text


def test_zero_width_and_bidi_characters() -> None:
    assert clean_text("a\u200bb\u200ec\u202bd\u202c e\ufeff") == "abcd e"
    assert clean_text("concert\u200dgoers") == "concertgoers"
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian keeps its ZWNJ
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(f"A {family} emoji") == f"A {family} emoji"  # emoji sequences keep their ZWJ


@pytest.mark.parametrize(
    ("title", "source", "url", "expected"),
    [
        ("Monsoon reaches Kerala early - South Asia Daily", "south-asia-daily", None, "Monsoon reaches Kerala early"),
        ("Shire Courier: Bakery draws a queue of 500", "shirecourier", None, "Bakery draws a queue of 500"),
        ("Seagrass returns | The Northern Ledger", "northernledger", None, "Seagrass returns"),
        ("Floods hit Basra | Gulf Monitor", "x", "https://gulfmonitor.example.net/a", "Floods hit Basra"),
        (
            "Bazaar gets a facelift — and keeps its character",
            "aegeanreport.com",
            None,
            "Bazaar gets a facelift — and keeps its character",
        ),
        ("Erdoğan: Turkey will not back down", "daily-news", None, "Erdoğan: Turkey will not back down"),
        ("Site | Long enough headline about the vote", "unknown", None, "Long enough headline about the vote"),
    ],
)
def test_titles_lose_their_site_name(title: str, source: str, url: str | None, expected: str) -> None:
    assert clean_title(title, site_names(source, url)) == expected


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("ANKARA, March 4 (Reuters) - Turkey said", "ANKARA, March 4 (Reuters)"),
        ("DAMASCUS (AP) — Syrian forces", "DAMASCUS (AP)"),
        ("BASRA, Iraq — Heavy rain", "BASRA, Iraq"),
        ("ANKARA (AA) - Türkiye", "ANKARA (AA)"),
        ("دمشق (وكالات) - أعلن الجيش", "دمشق (وكالات)"),
        ("The minister said - and repeated", None),
    ],
)
def test_datelines(lead: str, expected: str | None) -> None:
    assert dateline(lead) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "The government said on Tuesday that the talks with the opposition would continue next week in the capital.",
            "en",
        ),
        (
            "Hükümet salı günü yaptığı açıklamada muhalefetle görüşmelerin gelecek hafta başkentte devam edeceğini söyledi.",
            "tr",
        ),
        ("قالت الحكومة يوم الثلاثاء إن المحادثات مع المعارضة ستستمر الأسبوع المقبل في العاصمة بغداد", "ar"),
        ("پەرلەمانی هەرێمی کوردستان سبەینێ کۆبوونەوەیەکی نائاسایی دەکات بۆ گفتوگۆکردن لەسەر یاسای هەڵبژاردن", "ku"),
        ("Serokê Herêma Kurdistanê li Hewlêrê pêşwaziya şandeke Amerîkî kir û got ku ew ê alîkariyê bidin.", "ku"),
        (
            "Le gouvernement a déclaré mardi que les discussions avec l'opposition se poursuivraient la semaine prochaine.",
            "fr",
        ),
        (
            "Die Regierung erklärte am Dienstag, dass die Gespräche mit der Opposition in der nächsten Woche fortgesetzt werden.",
            "de",
        ),
        (
            "Правительство заявило во вторник, что переговоры с оппозицией продолжатся на следующей неделе в столице.",
            "ru",
        ),
        (
            "دولت روز سه‌شنبه اعلام کرد که گفتگوها با مخالفان هفته آینده در پایتخت ادامه خواهد یافت و نتیجه آن اعلام می‌شود",
            "fa",
        ),
    ],
)
def test_languages(text: str, lang: str) -> None:
    got, confidence = detect("", text)
    assert got == lang and 0 < confidence <= 1


@pytest.mark.timeout(60)
def test_two_mib_inputs_stay_bounded() -> None:
    line = ("word " * 400_000)[: 2 * 1024 * 1024 - 100]
    out = norm(body=line)
    assert isinstance(out, Normalised) and out.word_count > 100_000
    nested = "<div>" * 50_000 + "<p>deep text here for the extractor</p>" + "</div>" * 50_000
    assert isinstance(norm(html=nested), Normalised | Rejection)
    one_line_page = "<html><body><p>" + ("word " * 420_000)[: 2 * 1024 * 1024 - 100] + "</p></body></html>"
    assert isinstance(norm(html=one_line_page), Normalised)
    one_token = "<html><body><p>" + "x" * (2 * 1024 * 1024 - 100) + "</p></body></html>"
    assert isinstance(norm(html=one_token), Normalised | Rejection)  # one 2 MiB "word": either way, one record
