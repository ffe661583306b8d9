"""normalise: a raw article to clean text and canonical metadata (see `normalise`)."""

from __future__ import annotations

from datetime import datetime

from ingest.core.ids import content_hash
from ingest.core.model import Normalised, RawArticle, Reason, Rejection
from ingest.core.normalise.dates import parse_published, raw_text
from ingest.core.normalise.html import extract_html
from ingest.core.normalise.text import clean_inline, clean_text, paragraphs, word_count
from ingest.core.normalise.urls import canonical_url


def normalise(raw: RawArticle, now: datetime) -> Normalised | Rejection:
    """Clean one article. An article with no text left after cleaning is rejected as empty_body."""
    title = clean_inline(raw.title) if raw.title else ""
    if raw.body is not None and raw.body.strip():
        paras = paragraphs(clean_text(raw.body))
    elif raw.html:
        page = extract_html(raw.html)
        paras = [clean_inline(p) for p in page.paragraphs]
        title = title or clean_inline(page.title or "")
    else:
        paras = []
    paras = [p for p in paras if p]
    if not paras:
        return Rejection(Reason.EMPTY_BODY, "no article text left after cleaning")
    body = "\n\n".join(paras)
    language = (raw.language or "und").strip().lower()[:2] or "und"
    return Normalised(
        title=title,
        body=body,
        lead=paras[0],
        paragraphs=tuple(paras),
        dateline=None,
        language=language if language.isalpha() else "und",
        language_confidence=0.5 if raw.language else 0.0,
        url=raw.url,
        canonical_url=canonical_url(raw.url),
        published_at=parse_published(raw.published_at, now),
        published_at_raw=raw_text(raw.published_at),
        byline=clean_inline(raw.byline) if raw.byline else None,
        attribution=None,
        word_count=word_count(body),
        content_hash=content_hash(body),
    )
