"""Site chrome out of scraped plain text, line by line (the part HTML extractors never see).

Contract, for text whose lines and blank lines still show the page's layout:
* dropped: breadcrumbs, section labels and dates before the article (the *preamble*: short lines
  before the first line that reads like text), share prompts and social-network lines, tag lists,
  copyright footers, newsletter prompts, photo credits, ad labels with the short ad after them,
  banner labels, stray all-caps caption slugs, "related"/"read more" lists, and the headline when
  the body repeats it;
* cut: everything from a comment section on ("Leave a Reply", "Yorumlar", ...), once the article
  has started;
* taken out as fields: "SOURCE: X" lines (attribution X), "By NAME" lines (byline);
* kept: every other line, joined into paragraphs. Blank lines separate paragraphs; inside a
  block, a single newline separates paragraphs when lines are long (> 100 characters) and is
  re-wrapping otherwise, except after a short line ending a sentence.
Phrases come from the data file `ingest/data/lexicons/chrome.json`; every rule is a prefix or
whole-line test on the casefolded line, so the cost is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.core.data import load_json

_SENTENCE_END = re.compile(r"[.!?…؟。»”\"')\]]$")
_ENDS_SENTENCE = re.compile(r"[.!?…؟。][\"'”’»)\]]*$")  # stricter: a full stop, maybe inside quotes
_BREADCRUMB = re.compile(r"\s(?:>|/|»|›|→|\|)\s")
_GLUED = re.compile(r"[a-zçğıöşü][A-ZÇĞİÖŞÜ]")
_DATE_LINE = re.compile(
    r"(?:\b\d{1,2}[./ -]\S{2,10}[./ -](?:19|20)\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b)"
)
_LIST_ITEM = re.compile(r"^(?:[-•·*–—]|\d+[.)])\s+")
_WORD = re.compile(r"\w+")
_EDGE_PUNCT = " \"“”'‘’«»()[]:.*"


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: str
    share_labels: tuple[str, ...]
    share_lines: frozenset[str]
    related_labels: tuple[str, ...]
    tag_labels: tuple[str, ...]
    copyright_markers: tuple[str, ...]
    comment_prefixes: tuple[str, ...]
    comment_lines: frozenset[str]
    newsletter_markers: tuple[str, ...]
    newsletter_words: tuple[str, ...]
    newsletter_verbs: tuple[str, ...]
    ad_lines: frozenset[str]
    banner_words: tuple[str, ...]
    attribution_labels: tuple[str, ...]
    photo_labels: tuple[str, ...]
    live_labels: tuple[str, ...]

    @classmethod
    def load(cls) -> Lexicon:
        d = load_json("lexicons/chrome.json")
        comments = [m.casefold() for m in d["comment_markers"]]
        return cls(
            version=d["version"],
            share_labels=tuple(d["share_labels"]),
            share_lines=frozenset(d["share_lines"]),
            related_labels=tuple(d["related_labels"]),
            tag_labels=tuple(d["tag_labels"]),
            copyright_markers=tuple(d["copyright_markers"]),
            comment_prefixes=tuple(m for m in comments if " " in m or "*" in m),
            comment_lines=frozenset(m for m in comments if " " not in m),
            newsletter_markers=tuple(d["newsletter_markers"]),
            newsletter_words=tuple(d["newsletter_words"]),
            newsletter_verbs=tuple(d["newsletter_verbs"]),
            ad_lines=frozenset(d["ad_labels"]),
            banner_words=tuple(d["banner_words"]),
            attribution_labels=tuple(d["attribution_labels"]),
            photo_labels=tuple(d["photo_labels"]),
            live_labels=tuple(d["live_labels"]),
        )


@dataclass(slots=True)
class Cleaned:
    paragraphs: list[str] = field(default_factory=list)
    attribution: str | None = None
    byline: str | None = None
    headline: str | None = None  # the first headline-like preamble line (for raw events without a title)
    preamble: list[str] = field(default_factory=list)  # short lines before the text, not chrome


def _fold(line: str) -> str:
    """Casefold for matching (Turkish İ folds to i, not i + combining dot)."""
    return line.casefold().replace("\u0307", "")


def _key(line: str) -> str:
    return _fold(line).strip(_EDGE_PUNCT)


def _is_all_caps(line: str) -> bool:
    """No lower-case letter and at least one upper-case one (scripts without case: False)."""
    return len(line) >= 3 and line.upper() == line and line.lower() != line


def _words(line: str) -> int:
    return len(line.split())


def _reads_like_text(line: str) -> bool:
    n = _words(line)
    return n >= 10 or (n >= 5 and bool(_SENTENCE_END.search(line)) and not _is_all_caps(line))


class _State:
    started = False  # the article's first text line was seen
    cut = False  # a comment section began: drop the rest
    in_list = False  # inside a "related" list
    skip_block = False  # the block after an ad label


def _classify(line: str, n: int, lex: Lexicon, title_key: str | None, out: Cleaned, st: _State) -> bool:
    """True when `line` (of `n` words) is chrome; updates the state and the fields found."""
    if n > 25:  # long lines are text unless they are the headline again
        return title_key is not None and abs(len(line) - len(title_key)) < 8 and _key(line) == title_key
    low = _fold(line)
    key = low.strip(_EDGE_PUNCT)
    if n <= 12 and (key in lex.comment_lines or low.startswith(lex.comment_prefixes) or _comment_count(key, lex)):
        st.cut = st.started
        return True
    if n <= 12:
        for label in lex.attribution_labels:
            if low.startswith(label):
                value = line[len(label) :].strip(" :\t")
                if value and n <= 8:
                    out.attribution = out.attribution or value
                    return True
    if title_key is not None and key == title_key:
        return True
    if low.startswith(lex.related_labels) and (n <= 6 or low.rstrip(":") in lex.related_labels):
        st.in_list = True
        return True
    if key in lex.share_lines or low.startswith(lex.share_labels) or _mostly_social(low, lex):
        return True
    if low.startswith(lex.tag_labels) or low.startswith(lex.photo_labels) or low.startswith(lex.newsletter_markers):
        return True
    if any(w in low for w in lex.newsletter_words) and low.startswith(lex.newsletter_verbs):
        return True
    if any(m in low for m in lex.copyright_markers):
        return True
    if key in lex.ad_lines:
        st.skip_block = True  # the ad itself: the rest of this block, or the next block
        return True
    if n <= 8 and (
        low.startswith(lex.live_labels) or (not _SENTENCE_END.search(line) and _DATE_LINE.search(line) and n <= 6)
    ):
        return True
    if _is_all_caps(line) and n <= 6 and not _SENTENCE_END.search(line):
        return True
    if n <= 12 and _BREADCRUMB.search(line) and not _SENTENCE_END.search(line):
        return True
    if n <= 6 and low.startswith("by ") and not _SENTENCE_END.search(line):
        out.byline = out.byline or line[3:].strip()
        return True
    return _is_banner(low, lex) and n <= 8


def _comment_count(key: str, lex: Lexicon) -> bool:
    """'3 Comments', '12 yorum' ..."""
    parts = key.split()
    return len(parts) == 2 and parts[0].isdigit() and parts[1] in lex.comment_lines


def _mostly_social(low: str, lex: Lexicon) -> bool:
    if "|" not in low and "·" not in low and "•" not in low and "," not in low:
        return False
    parts = [p.strip(" :|·•-") for p in re.split(r"[|·•,]", low) if p.strip(" :|·•-")]
    return len(parts) >= 2 and sum(p in lex.share_lines for p in parts) >= len(parts) - 1


def _is_banner(low: str, lex: Lexicon) -> bool:
    return any(w in low for w in lex.banner_words) and _is_all_caps(low.upper()) and not _SENTENCE_END.search(low)


def _join_block(lines: list[str]) -> list[str]:
    if len(lines) == 1:
        return lines
    width = max(len(line) for line in lines)
    if width > 100:
        return lines
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if len(line) < 0.7 * width and _SENTENCE_END.search(line):
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return paras


def clean_plain(text: str, title: str | None, lex: Lexicon) -> Cleaned:
    """Paragraphs of the article in `text` (already Unicode-clean), and the fields found."""
    out = Cleaned()
    st = _State()
    title_key = _key(title) if title else None
    for block in re.split(r"\n\s*\n", text):
        kept: list[str] = []
        lines = [line.strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if st.skip_block:
            st.skip_block = False
            if sum(map(_words, lines)) <= 30:
                continue
        for index, line in enumerate(lines):
            if st.cut:
                break
            if st.skip_block and index > 0:
                st.skip_block = False
                if sum(map(_words, lines[index:])) <= 30:
                    break
            n = line.count(" ") + 1
            if n > 25 and st.started and not st.in_list:  # running text: only the headline test applies
                if title_key is None or abs(len(line) - len(title_key)) >= 8 or _key(line) != title_key:
                    kept.append(line)
                continue
            if st.in_list:
                if _reads_like_text(line) and not _LIST_ITEM.match(line) and _words(line) > 15:
                    st.in_list = False
                else:
                    continue
            if not st.started and n <= 3 and ":" not in line and not _reads_like_text(line):
                if _ENDS_SENTENCE.search(line) and not _GLUED.search(line) and len(out.preamble) < 50:
                    out.preamble.append(line)  # a few words before the article: skip the rules
                continue
            if _classify(line, n, lex, title_key, out, st):
                continue
            if not st.started:
                wrapped = len(lines) > 1 and line is not lines[-1] and len(line) >= 0.6 * max(map(len, lines))
                opens_text = wrapped and _reads_like_text(" ".join(lines[index:]))
                if not (_reads_like_text(line) or opens_text) or (_GLUED.search(line) and _words(line) <= 6):
                    if out.headline is None and _words(line) >= 4 and not _BREADCRUMB.search(line):
                        out.headline = line
                    elif _ENDS_SENTENCE.search(line) and not _GLUED.search(line) and len(out.preamble) < 50:
                        out.preamble.append(line)
                    continue
                st.started = True
            kept.append(line)
        out.paragraphs.extend(_join_block(kept) if kept else [])
        if st.cut:
            break
    if not st.started and out.preamble:  # nothing read like running text: a very short item
        out.paragraphs = out.preamble
    return out
