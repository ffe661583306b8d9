from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.core.normalise.dates import parse_published
from ingest.core.normalise.text import clean_text, paragraphs
from ingest.core.normalise.urls import canonical_url

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T14:30:00+03:00", "2024-03-05T11:30:00"),
        ("2024-03-05T11:30:00Z", "2024-03-05T11:30:00"),
        ("2024-03-05T11:30:00.123456Z", "2024-03-05T11:30:00"),
        ("2024-03-05", "2024-03-05T00:00:00"),
        ("2024-03-05 14:30", "2024-03-05T14:30:00"),
        ("Tue, 05 Mar 2024 14:30:00 +0300", "2024-03-05T11:30:00"),
        ("Tue, 05 Mar 2024 14:30:00 GMT", "2024-03-05T14:30:00"),
        ("12 Sep 2014 10:00", "2014-09-12T10:00:00"),
        ("Sep 12, 2014 10:00 PM", "2014-09-12T22:00:00"),
        ("12.09.2014 10:00", "2014-09-12T10:00:00"),
        ("5 Mart 2024 14:30", "2024-03-05T14:30:00"),
        (1709638200, "2024-03-05T11:30:00"),
        (1709638200000, "2024-03-05T11:30:00"),
        ("1709638200", "2024-03-05T11:30:00"),
        (1709638200.5, "2024-03-05T11:30:00"),
    ],
)
def test_published_at_to_utc(value: str | int | float, expected: str) -> None:
    moment = parse_published(value, NOW)
    assert moment is not None and moment.tzinfo is not None
    assert moment.strftime("%Y-%m-%dT%H:%M:%S") == expected


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "2099-01-01", "1970-01-01", "31 Foo 2024", True, "x" * 100, "2024-13-45"]
)
def test_unknown_times_stay_null(value: object) -> None:
    assert parse_published(value, NOW) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM/a/B?x=1#frag", "https://www.example.com/a/B?x=1"),
        ("https://e.com/p?utm_source=t&id=7&utm_medium=s&fbclid=z&gclid=g&page=2", "https://e.com/p?id=7&page=2"),
        ("https://e.com/p?mc_cid=1&mc_eid=2&igshid=3", "https://e.com/p"),
        ("http://e.com:80/x", "http://e.com/x"),
        ("https://e.com:8443/x", "https://e.com:8443/x"),
        ("https://e.com", "https://e.com/"),
        ("https://user:pw@e.com/x", None),
        ("ftp://e.com/x", None),
        ("/relative/path", None),
        ("not a url", None),
        (None, None),
    ],
)
def test_canonical_url(url: str | None, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_clean_text_controls_and_spaces() -> None:
    raw = "A\u00a0b\u200b c\u202e\r\nd\u200f\te\x00f\ufeff"
    assert clean_text(raw) == "A b c\nd ef"


def test_clean_text_is_nfc() -> None:
    assert clean_text("Erdog\u0306an") == "Erdoğan"


def test_paragraphs_join_wrapped_lines() -> None:
    assert paragraphs("one\ntwo\n\n\nthree  four\n") == ["one two", "three four"]


@pytest.mark.timeout(30)
def test_clean_text_on_huge_input() -> None:
    text = ("word " * 100 + "\n") * 5000 + " " * 100_000 + "\u200b" * 100_000
    out = clean_text(text)
    assert "\u200b" not in out and "  " not in out
