from __future__ import annotations

import orjson
import pytest

from ingest.codec import OutputContractError, decode_raw, encode_record
from ingest.core.model import RawArticle, Reason, Rejection

LIMIT = 2 * 1024 * 1024


def reason(value: bytes | None) -> Reason:
    out = decode_raw(value, LIMIT)
    assert isinstance(out, Rejection)
    return out.reason


def test_good_raw_event_keeps_unknown_fields() -> None:
    out = decode_raw(orjson.dumps({"id": "1", "source": "s", "body": "text", "desk": "world", "priority": 3}), LIMIT)
    assert isinstance(out, RawArticle)
    assert out.input_format == "raw" and out.extra == {"desk": "world", "priority": 3}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Reason.NOT_AN_OBJECT),
        (b"", Reason.INVALID_JSON),
        (b"{nope", Reason.INVALID_JSON),
        (b"\xff\xfe\x00garbage", Reason.INVALID_UTF8),
        (b"[1, 2]", Reason.NOT_AN_OBJECT),
        (b'"just a string"', Reason.NOT_AN_OBJECT),
        (b'{"id": "1", "source": "s"}', Reason.SCHEMA_VIOLATION),
        (b'{"id": "", "source": "s", "body": "x"}', Reason.SCHEMA_VIOLATION),
        (b'{"id": 5, "source": "s", "body": "x"}', Reason.SCHEMA_VIOLATION),
        (b'{"id": "1", "source": "s", "body": 7}', Reason.SCHEMA_VIOLATION),
        (b'{"id": "1", "source": "s", "body": "x", "title": ["a"]}', Reason.SCHEMA_VIOLATION),
        (b'{"id": "1", "source": "s", "body": "\\ud800"}', Reason.INVALID_JSON),
        (b"[" * 5000 + b"]" * 5000, Reason.INVALID_JSON),
    ],
)
def test_bad_input_gets_a_stable_reason(value: bytes | None, expected: Reason) -> None:
    assert reason(value) == expected


def test_oversize_is_rejected_before_parsing() -> None:
    big = b'{"id": "1", "source": "s", "body": "' + b"x" * 3000 + b'"}'
    out = decode_raw(big, 1024)
    assert isinstance(out, Rejection) and out.reason == Reason.TOO_LARGE and "limit 1024" in out.detail


def test_ninjs_is_mapped_onto_the_raw_contract() -> None:
    ninjs = {
        "uri": "https://wire.example/a/1",
        "headline": "H",
        "body_html": "<p>x</p>",
        "versioncreated": "2024-01-01T00:00:00Z",
        "language": "en",
        "type": "text",
    }
    out = decode_raw(orjson.dumps(ninjs), LIMIT)
    assert isinstance(out, RawArticle)
    assert (out.id, out.source, out.url, out.title, out.html, out.published_at) == (
        "https://wire.example/a/1",
        "wire.example",
        "https://wire.example/a/1",
        "H",
        "<p>x</p>",
        "2024-01-01T00:00:00Z",
    )
    assert out.input_format == "ninjs" and out.extra == {"type": "text"}


def test_raw_fields_win_over_ninjs_aliases() -> None:
    out = decode_raw(orjson.dumps({"id": "x", "source": "s", "title": "T", "headline": "H", "body": "b"}), LIMIT)
    assert isinstance(out, RawArticle) and out.title == "T"


def test_output_records_are_checked_against_their_schema() -> None:
    with pytest.raises(OutputContractError, match="unknown record schema"):
        encode_record({"schema": "something.v9"})
    with pytest.raises(OutputContractError, match=r"dead_letter\.v1"):
        encode_record({"schema": "dead_letter.v1", "id": "x"})
