"""Small frozen types shared by the core steps and the edges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, NamedTuple

RAW_SCHEMA = "raw_article.v1"
ENRICHED_SCHEMA = "enriched_article.v1"
DEAD_LETTER_SCHEMA = "dead_letter.v1"


class Reason(StrEnum):
    """Why a raw message went to dead-letter. Stable codes: indexers and alerts key on them."""

    INVALID_UTF8 = "invalid_utf8"  # the payload is not UTF-8
    INVALID_JSON = "invalid_json"  # not JSON (or nested deeper than the parser allows)
    NOT_AN_OBJECT = "not_an_object"  # JSON, but not an object (or a null/tombstone message)
    SCHEMA_VIOLATION = "schema_violation"  # an object that breaks schemas/raw_article.v1.json
    TOO_LARGE = "too_large"  # larger than INGEST_MAX_MESSAGE_BYTES; not parsed at all
    EMPTY_BODY = "empty_body"  # nothing of the article is left after cleaning
    PROCESSING_ERROR = "processing_error"  # a bug: the core raised on this input


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a raw message came from: Kafka coordinates, or a line of an offline file."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    timestamp_ms: int | None = None
    key: str | None = None
    line: int | None = None

    def as_record(self) -> dict[str, Any] | None:
        if self.topic is None:
            return None
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "timestamp": self.timestamp_ms,
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class RawArticle:
    """A raw event that passed the input contract (schemas/raw_article.v1.json).

    `fields` is the whole object as received after ninjs aliases were mapped, so unknown
    producer fields travel on to the enriched record's `extra`.
    """

    id: str
    source: str
    body: str | None
    html: str | None
    title: str | None
    url: str | None
    published_at: str | int | float | None
    language: str | None
    byline: str | None
    input_format: Literal["raw", "ninjs"]
    extra: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that cannot become an enriched record, with a stable reason code."""

    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Normalised:
    """An article after cleaning: what tagging and dedup work on, and what indexers get."""

    title: str
    body: str
    lead: str
    paragraphs: tuple[str, ...]
    dateline: str | None
    language: str
    language_confidence: float
    url: str | None
    canonical_url: str | None
    published_at: datetime | None
    published_at_raw: str | None
    byline: str | None
    attribution: str | None
    word_count: int
    content_hash: str


# Tags are NamedTuples: immutable like the rest, and several times cheaper to build than frozen
# dataclasses, which matters at ~50 of them per article.


class Evidence(NamedTuple):
    text: str
    where: Literal["title", "dateline", "lead", "body"]


class Subdivision(NamedTuple):
    code: str
    name: str
    mentions: int


class Place(NamedTuple):
    name: str
    subdivision: str | None
    mentions: int


class RegionTag(NamedTuple):
    code: str
    name: str
    score: float
    mentions: int
    primary: bool
    evidence: tuple[Evidence, ...]
    subdivisions: tuple[Subdivision, ...] = ()
    places: tuple[Place, ...] = ()


class TopicTag(NamedTuple):
    code: str
    label: str
    level: int
    parent: str | None
    score: float
    primary: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tags:
    regions: tuple[RegionTag, ...]
    topics: tuple[TopicTag, ...]
    taxonomy_version: str


Status = Literal["original", "duplicate", "revision"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The dedup decision for one article (see ingest/core/dedup for what counts as a copy)."""

    status: Status
    cluster_id: str
    duplicate_of: str | None
    similarity: float | None
    revision: int
