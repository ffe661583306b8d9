"""The edge: raw bytes to typed values, records to bytes, both checked against `schemas/`.

Input contract (schemas/raw_article.v1.json): a JSON object with `id`, `source` and `body`
and/or `html`. IPTC ninjs-style objects are mapped onto it first (see `NINJS_FIELDS`).
Anything else becomes a `Rejection` with a stable reason code; this module never raises on
input. Output records are validated before they are encoded: a record that breaks its schema
is a bug and raises `OutputContractError`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import orjson

from ingest.core.model import DEAD_LETTER_SCHEMA, ENRICHED_SCHEMA, RAW_SCHEMA, RawArticle, Reason, Rejection

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

#: ninjs field -> raw-contract field, applied only when the raw field is absent.
NINJS_FIELDS: Mapping[str, str] = {
    "headline": "title",
    "body_text": "body",
    "body_html": "html",
    "versioncreated": "published_at",
    "firstcreated": "published_at",
}
_CONTRACT_FIELDS = frozenset({"id", "source", "body", "html", "title", "url", "published_at", "language", "byline"})
_NINJS_ONLY = frozenset({"uri", *NINJS_FIELDS})
_DETAIL_MAX = 500


class OutputContractError(RuntimeError):
    """A record the service built does not validate against its own schema."""


@functools.cache
def schema(stem: str) -> dict[str, Any]:
    """The parsed JSON Schema `schemas/<stem>.json`."""
    loaded: dict[str, Any] = orjson.loads((SCHEMA_DIR / f"{stem}.json").read_bytes())
    return loaded


@functools.cache
def _validator(stem: str) -> Any:
    return jsonschema_rs.validator_for(schema(stem))


def _map_ninjs(obj: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Map ninjs fields onto the raw contract; returns (object, was_ninjs)."""
    if not _NINJS_ONLY.intersection(obj):
        return obj, False
    out = dict(obj)
    for ninjs_name, raw_name in NINJS_FIELDS.items():
        if raw_name not in out and ninjs_name in out:
            out[raw_name] = out[ninjs_name]
    uri = out.get("uri")
    if isinstance(uri, str) and uri:
        if "id" not in out:
            out["id"] = uri
        if "url" not in out and uri.lower().startswith(("http://", "https://")):
            out["url"] = uri
        if "source" not in out and out.get("url"):
            host = urlsplit(str(out["url"])).hostname
            if host:
                out["source"] = host
    return out, True


def _text(obj: Mapping[str, Any], name: str) -> str | None:
    value = obj.get(name)
    return value if isinstance(value, str) else None


def decode_raw(value: bytes | None, max_bytes: int) -> RawArticle | Rejection:
    """Decode one raw message. Never raises: bad input becomes a `Rejection`."""
    if value is None:
        return Rejection(Reason.NOT_AN_OBJECT, "the message has no value (a tombstone)")
    if len(value) > max_bytes:
        return Rejection(Reason.TOO_LARGE, f"{len(value)} bytes, limit {max_bytes}")
    try:
        obj = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError as uexc:
            return Rejection(Reason.INVALID_UTF8, f"not UTF-8 at byte {uexc.start}: {uexc.reason}")
        return Rejection(Reason.INVALID_JSON, str(exc)[:_DETAIL_MAX])
    if not isinstance(obj, dict):
        return Rejection(Reason.NOT_AN_OBJECT, f"JSON {type(obj).__name__}, expected an object")
    obj, was_ninjs = _map_ninjs(obj)
    validator = _validator(RAW_SCHEMA)
    if not validator.is_valid(obj):
        first = next(iter(validator.iter_errors(obj)))
        where = "/".join(str(p) for p in first.instance_path) or "(root)"
        return Rejection(Reason.SCHEMA_VIOLATION, f"{where}: {first.message}"[:_DETAIL_MAX])
    published = obj.get("published_at")
    return RawArticle(
        id=obj["id"],
        source=obj["source"],
        body=_text(obj, "body"),
        html=_text(obj, "html"),
        title=_text(obj, "title"),
        url=_text(obj, "url"),
        published_at=published if isinstance(published, str | int | float) else None,
        language=_text(obj, "language"),
        byline=_text(obj, "byline"),
        input_format="ninjs" if was_ninjs else "raw",
        extra={k: v for k, v in obj.items() if k not in _CONTRACT_FIELDS and k not in _NINJS_ONLY},
    )


def encode_record(record: Mapping[str, Any]) -> bytes:
    """Validate a record against the schema named in its `schema` field, then encode it."""
    stem = record.get("schema")
    if stem not in (ENRICHED_SCHEMA, DEAD_LETTER_SCHEMA):
        raise OutputContractError(f"unknown record schema {stem!r}")
    validator = _validator(str(stem))
    if not validator.is_valid(record):
        first = next(iter(validator.iter_errors(record)))
        where = "/".join(str(p) for p in first.instance_path) or "(root)"
        raise OutputContractError(f"{stem} {where}: {first.message}"[:_DETAIL_MAX])
    return orjson.dumps(record)


def decode_record(value: bytes) -> dict[str, Any]:
    """Parse an output record (consumers, tests, the replay command)."""
    record: dict[str, Any] = orjson.loads(value)
    return record
