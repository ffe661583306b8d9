"""Builders of the records the service emits (see schemas/): enriched and dead-letter.

Dead-letter contract: every raw message that cannot become an enriched record yields exactly
one dead-letter record carrying the reason code, a human-readable detail, the payload (verbatim
when it is UTF-8, base64 otherwise; cut to `PAYLOAD_KEEP_BYTES` with `payload_truncated`), and
where it came from (Kafka coordinates or the offline line number).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from ingest import __version__
from ingest.core.ids import article_id, payload_id
from ingest.core.model import (
    DEAD_LETTER_SCHEMA,
    ENRICHED_SCHEMA,
    Normalised,
    Origin,
    RawArticle,
    Rejection,
    Tags,
    Verdict,
)

PAYLOAD_KEEP_BYTES = 1024 * 1024


def utc_text(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coordinates(origin: Origin) -> str | None:
    if origin.topic is not None:
        return f"{origin.topic}/{origin.partition}/{origin.offset}"
    if origin.line is not None:
        return f"line/{origin.line}"
    return None


def dead_letter(
    rejection: Rejection,
    payload: bytes | None,
    origin: Origin,
    now: datetime,
    raw: RawArticle | None = None,
) -> dict[str, Any]:
    data = payload or b""
    kept = data[:PAYLOAD_KEEP_BYTES]
    try:
        text, encoding = kept.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(kept) - 3 and len(data) > PAYLOAD_KEEP_BYTES:
            # the cut fell inside a multi-byte character: drop the partial character
            text, encoding = kept[: exc.start].decode("utf-8"), "utf-8"
        else:
            text, encoding = base64.b64encode(kept).decode("ascii"), "base64"
    ident = article_id(raw.source, raw.id) if raw is not None else payload_id(data, _coordinates(origin))
    return {
        "schema": DEAD_LETTER_SCHEMA,
        "id": ident,
        "reason": rejection.reason.value,
        "detail": rejection.detail[:2000],
        "payload": text,
        "payload_encoding": encoding,
        "payload_truncated": len(data) > PAYLOAD_KEEP_BYTES,
        "payload_bytes": len(data),
        "payload_sha256": hashlib.sha256(data).hexdigest(),
        "raw_id": raw.id if raw is not None else None,
        "source": raw.source if raw is not None else None,
        "kafka": origin.as_record(),
        "line": origin.line,
        "failed_at": utc_text(now),
        "pipeline_version": __version__,
    }


def enriched(
    raw: RawArticle,
    norm: Normalised,
    tags: Tags,
    verdict: Verdict,
    origin: Origin,
    now: datetime,
) -> dict[str, Any]:
    return {
        "schema": ENRICHED_SCHEMA,
        "id": article_id(raw.source, raw.id),
        "source": raw.source,
        "source_id": raw.id,
        "url": norm.url,
        "canonical_url": norm.canonical_url,
        "title": norm.title,
        "lead": norm.lead,
        "body": norm.body,
        "byline": norm.byline,
        "attribution": norm.attribution,
        "language": norm.language,
        "language_confidence": round(norm.language_confidence, 3),
        "published_at": utc_text(norm.published_at) if norm.published_at else None,
        "published_at_raw": norm.published_at_raw,
        "ingested_at": utc_text(now),
        "word_count": norm.word_count,
        "content_hash": norm.content_hash,
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "score": round(r.score, 3),
                "mentions": r.mentions,
                "primary": r.primary,
                "evidence": [{"text": e.text, "where": e.where} for e in r.evidence],
                "subdivisions": [{"code": s.code, "name": s.name, "mentions": s.mentions} for s in r.subdivisions],
                "places": [{"name": p.name, "subdivision": p.subdivision, "mentions": p.mentions} for p in r.places],
            }
            for r in tags.regions
        ],
        "topics": [
            {
                "code": t.code,
                "label": t.label,
                "level": t.level,
                "parent": t.parent,
                "score": round(t.score, 3),
                "primary": t.primary,
                "evidence": list(t.evidence),
            }
            for t in tags.topics
        ],
        "taxonomy_version": tags.taxonomy_version,
        "dedup": {
            "status": verdict.status,
            "duplicate_of": verdict.duplicate_of,
            "cluster_id": verdict.cluster_id,
            "similarity": None if verdict.similarity is None else round(verdict.similarity, 4),
        },
        "revision": verdict.revision,
        "kafka": origin.as_record(),
        "extra": dict(raw.extra),
        "pipeline_version": __version__,
    }
