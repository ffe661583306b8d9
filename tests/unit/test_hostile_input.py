"""Property-based tests: whatever arrives, the codec and the core never crash and every input
yields exactly one schema-valid record (enriched or dead-letter).

Time per article is bounded by the input limit (2 MiB) and linear-time steps; the worst cases
measured are in docs/threat-model.md and the suite guards them with a timeout, not a timed assert.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.codec import decode_raw, encode_record
from ingest.core.dedup import DedupParams, LocalStore
from ingest.core.model import RawArticle, Rejection
from ingest.core.pipeline import Pipeline
from ingest.offline import process_lines

LIMIT = 2 * 1024 * 1024
PIPELINE = Pipeline(DedupParams())
NASTY = st.sampled_from(
    [
        "\u202e",
        "\u202d",
        "\u200b",
        "\u200f",
        "\u0000",
        "\x1b[31m",
        "\ufeff",
        "\u2028",
        "\U0001f600",
        "Ä°",
        "â€™",
        "\ud83d",
        "<script>",
        "&amp;",
        "\\",
        '"',
        "\n\n",
        "\r",
        "\t",
        "ّ",
        "ـ",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=40), NASTY), max_size=30).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=30,
)
FIELD_VALUE = st.one_of(
    TEXT, st.integers(), st.none(), st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2)
)


def to_bytes(value: Any) -> bytes:
    """JSON as a producer might send it; lone surrogates become \\udXXX escapes (orjson refuses them)."""
    return json.dumps(value).encode()


def one_record_each(lines: list[bytes]) -> list[dict[str, Any]]:
    outputs = list(process_lines(lines, PIPELINE, LocalStore(DedupParams().horizon_s), LIMIT))
    assert len(outputs) == len(lines)
    for out in outputs:
        encode_record(out.record)  # validates against its schema; raises if not
    return [o.record for o in outputs]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    assert isinstance(decode_raw(data, LIMIT), RawArticle | Rejection)
    one_record_each([data])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(JSON)
def test_any_json_value(value: Any) -> None:
    one_record_each([to_bytes(value)])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": FIELD_VALUE, "source": FIELD_VALUE},
        optional={
            "body": FIELD_VALUE,
            "html": FIELD_VALUE,
            "title": FIELD_VALUE,
            "url": FIELD_VALUE,
            "published_at": st.one_of(
                FIELD_VALUE, st.floats(allow_nan=False), st.integers(min_value=-(10**20), max_value=10**20)
            ),
            "language": FIELD_VALUE,
            "byline": FIELD_VALUE,
        },
    )
)
def test_wrong_types_and_odd_strings(obj: dict[str, Any]) -> None:
    one_record_each([to_bytes(obj)])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8), TEXT)
def test_valid_articles_with_hostile_text(paragraphs: list[str], title: str) -> None:
    body = "\n\n".join(paragraphs)
    records = one_record_each(
        [
            to_bytes({"id": "x", "source": "s", "title": title, "body": body}),
            to_bytes({"id": "y", "source": "s", "html": f"<p>{body}</p>"}),
        ]
    )
    for rec in records:
        if rec["schema"] == "enriched_article.v1":
            assert "\u202e" not in rec["body"] and "\u200b" not in rec["body"] and "\x00" not in rec["body"]


def test_lone_surrogate_escapes_are_dead_lettered() -> None:
    (rec,) = one_record_each([b'{"id": "1", "source": "s", "body": "a \\udc00 b"}'])
    assert rec["reason"] == "invalid_json"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "page",
    [
        "<div>" * 100_000 + "x" + "</div>" * 100_000,
        "<p>" + "word " * 400_000 + "</p>",
        "<table>" + "<tr><td>cell</td></tr>" * 60_000 + "</table>",
        "<a href='x'>" * 50_000,
        "<!--" + "-" * 2_000_000,
        "<p>" + "&amp;" * 400_000 + "</p>",
        "<script>" + "x" * 2_000_000,
    ],
    ids=["nested-divs", "one-line-2mib", "wide-table", "unclosed-anchors", "open-comment", "entities", "open-script"],
)
def test_zip_bomb_like_html_is_bounded(page: str) -> None:
    line = orjson.dumps({"id": "bomb", "source": "s", "html": page[: LIMIT - 200]})
    assert len(line) <= LIMIT
    (rec,) = one_record_each([line])
    assert rec["schema"] in ("enriched_article.v1", "dead_letter.v1")


def test_deep_and_wide_json() -> None:
    deep = b'{"a":' * 5000 + b"1" + b"}" * 5000
    wide = orjson.dumps({f"k{i}": i for i in range(100_000)})
    recs = one_record_each(
        [
            deep,
            wide,
            orjson.dumps({"id": "w", "source": "s", "body": "text " * 100, **{f"x{i}": i for i in range(5000)}}),
        ]
    )
    assert recs[0]["reason"] == "invalid_json" and recs[1]["reason"] == "schema_violation"
    assert recs[2]["schema"] == "enriched_article.v1" and len(recs[2]["extra"]) == 5000
