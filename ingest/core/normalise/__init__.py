"""normalise: a raw article to clean text and canonical metadata.

Input shapes: plain text (`body`, possibly with site chrome), a whole HTML page or fragment
(`html`, used when there is no non-blank `body`), and ninjs wire items (mapped by the codec).
Output (`Normalised`): title without site name (the producer's, else the page's, else the
headline line above the text); body = the article's paragraphs joined by blank
lines, dateline and quotes kept; lead = first paragraph; Unicode repaired and canonical (see
`text`); language with confidence; canonical URL; published_at in UTC (never invented: from the
producer, else from the page's own metadata, else null) with the original kept; attribution and
byline where found; word count and content hash of the body. No text left: `empty_body`.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

from ingest.core.ids import content_hash
from ingest.core.model import Normalised, RawArticle, Reason, Rejection
from ingest.core.normalise.chrome import Cleaned, Lexicon, clean_plain
from ingest.core.normalise.dates import parse_published, raw_text
from ingest.core.normalise.html import Page, extract_html
from ingest.core.normalise.language import detect
from ingest.core.normalise.text import clean_inline, clean_text, repair
from ingest.core.normalise.title import _key_for_compare, clean_title, dateline, site_names
from ingest.core.normalise.urls import canonical_url

#: extracted HTML text below this many characters is "weak": trafilatura gets a second look,
#: on pages small enough for it (its cost grows faster than linearly with the element count)
WEAK_HTML_CHARS = 250
FALLBACK_MAX_BYTES = 1_000_000
FALLBACK_MAX_TAGS = 20_000


@functools.cache
def _lexicon() -> Lexicon:
    return Lexicon.load()


def _fallback_html(html: str) -> list[str]:
    """trafilatura's extraction, for pages our extractor finds (almost) nothing in."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    return [p for p in (text or "").split("\n") if p.strip()]


def warm_up() -> None:
    """Load now what is otherwise loaded on first use: the chrome lexicon, the stopword tables,
    py3langid's model (~1 s of lzma) and trafilatura. A worker calls this before it consumes, so
    the first article that needs one of them does not stall its batch (bench: a 1.3 s latency
    spike some seconds into a stream, when the first article fell back to py3langid)."""
    from ingest.core.normalise.language import warm_up as language_warm_up

    _lexicon()
    language_warm_up()
    _fallback_html("<html><body><p>warm up</p></body></html>")


def _from_html(html: str, title: str | None) -> tuple[Cleaned, Page]:
    page = extract_html(html)
    paragraphs = [repair(p) for p in page.paragraphs]
    weak = sum(map(len, paragraphs)) < WEAK_HTML_CHARS and len(html) > 2 * WEAK_HTML_CHARS
    if weak and len(html) <= FALLBACK_MAX_BYTES and html.count("<") <= FALLBACK_MAX_TAGS:
        fallback = [repair(p) for p in _fallback_html(html)]
        if sum(map(len, fallback)) > max(WEAK_HTML_CHARS, 2 * sum(map(len, paragraphs))):
            paragraphs = fallback
    text = clean_text("\n\n".join(paragraphs))
    return clean_plain(text, title, _lexicon()), page


_HEADLINE_END = re.compile(r"[.!?…؟:;,。][\"'”’»)\]]*$")


def _headline_like(paragraphs: list[str]) -> bool:
    """The first paragraph reads as a headline: 4-20 words, one sentence with no final stop, and
    at least two paragraphs of text follow it."""
    if len(paragraphs) < 3:
        return False
    first = paragraphs[0]
    words = first.count(" ") + 1
    return 4 <= words <= 20 and not _HEADLINE_END.search(first) and ". " not in first and not first[:1].islower()


def normalise(raw: RawArticle, now: datetime) -> Normalised | Rejection:
    """Clean one article; an article with no text left after cleaning is rejected (empty_body)."""
    raw_title = clean_inline(raw.title) if raw.title else None
    page: Page | None = None
    if raw.body is not None and raw.body.strip():
        cleaned = clean_plain(clean_text(raw.body), raw_title, _lexicon())
    elif raw.html:
        cleaned, page = _from_html(raw.html, raw_title)
    else:
        cleaned = Cleaned()
    title_text = raw_title or (clean_inline(page.title) if page and page.title else None) or cleaned.headline or ""
    if not title_text and _headline_like(cleaned.paragraphs):
        # no title anywhere, and the text opens with a line that reads as one (scraped pages
        # without a title field: the headline sits above the text, like the seed article's)
        title_text, cleaned.paragraphs = cleaned.paragraphs[0], cleaned.paragraphs[1:]
    url = raw.url or (page.canonical if page else None)
    sites = site_names(raw.source, url)
    title = clean_title(title_text, sites)
    title_key = _key_for_compare(title)
    paras = [
        p
        for i, p in enumerate(cleaned.paragraphs)
        if not (i < 3 and title and len(p) < 2 * len(title) + 20 and _key_for_compare(p) == title_key)
    ]
    if not paras:
        return Rejection(Reason.EMPTY_BODY, "no article text left after cleaning")
    body = "\n\n".join(paras)
    language, confidence = detect(title, body)
    published_value = raw.published_at if raw.published_at is not None else (page.published if page else None)
    byline = raw.byline or cleaned.byline or (page.byline if page else None)
    if byline:
        byline = clean_inline(byline)
        if byline.casefold().startswith("by "):
            byline = byline[3:].strip()
    return Normalised(
        title=title,
        body=body,
        lead=paras[0],
        paragraphs=tuple(paras),
        dateline=dateline(paras[0]),
        language=language,
        language_confidence=confidence,
        url=raw.url or url,
        canonical_url=canonical_url(url),
        published_at=parse_published(published_value, now),
        published_at_raw=raw_text(raw.published_at),
        byline=byline or None,
        attribution=cleaned.attribution,
        word_count=body.count(" ") + len(paras),  # = word_count(body): single spaces, paragraphs joined by blank lines
        content_hash=content_hash(body),
    )
