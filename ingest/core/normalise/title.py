"""Clean titles (no site name around them) and wire datelines.

A title segment around a separator (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", ": ") is
removed when it names the site: its letters, folded to ASCII, equal or contain the source name or
the URL's host name (or the page's og:site_name), or the other way round. A short (<= 4 words)
segment after " | " or " :: " is removed even when the site is unknown. An em dash that is not
the site's stays: "Kemeraltı gets a facelift — and keeps its character".
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_SUFFIX_SEPS = (" | ", " :: ", " - ", " – ", " — ", " · ", " » ", " / ")
_PREFIX_SEPS = (" | ", " :: ", ": ", " - ", " – ", " — ")
_LOOSE_SEPS = (" | ", " :: ")
_SECOND_LEVEL = {"com", "co", "org", "net", "gov", "edu", "ac", "gen", "web", "bel", "info", "biz", "news"}
_WORD = re.compile(r"\w+")

DATELINE = re.compile(
    r"^(?:(?P<place>[A-ZÇĞİÖŞÜÂÎÉÈ][A-ZÇĞİÖŞÜÂÎÉÈ'’.\- ]{1,40}?)(?:,\s*[^-–—(\n]{1,40}?)?\s*(?:\([^)\n]{1,40}\))?"
    r"|(?P<place2>[A-ZÇĞİÖŞÜ][\w'’.\- ]{1,30}?)\s*\([^)\n]{1,40}\))\s*[-–—]{1,2}\s"
    r"|^(?P<place3>[\u0600-\u06ff][\u0600-\u06ff ]{1,30}?)\s*(?:\([^)\n]{1,40}\))?\s*[-–—]\s"
)


def fold(text: str) -> str:
    """Letters and digits only, casefolded, without diacritics (ı -> i)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    return "".join(c for c in decomposed if c.isalnum())


def site_names(source: str | None, url: str | None, extra: str | None = None) -> list[str]:
    names = []
    for value in (source, extra):
        if value:
            names.append(fold(_host_label(value) if "." in value and " " not in value else value))
    if url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if host:
            names.append(fold(_host_label(host)))
    return [n for n in names if len(n) >= 4]


def _host_label(host: str) -> str:
    labels = [p for p in host.lower().split(".") if p and p != "www"]
    while len(labels) > 1 and (len(labels[-1]) <= 3 or labels[-1] in _SECOND_LEVEL):
        labels.pop()
    return labels[-1] if labels else host


def _is_site(segment: str, sites: list[str]) -> bool:
    key = fold(segment)
    if len(key) < 4:
        return False
    return any(key == s or (len(s) >= 5 and s in key) or (len(key) >= 5 and key in s) for s in sites)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def clean_title(title: str, sites: list[str]) -> str:
    t = title.strip()
    for _ in range(3):
        before = t
        for sep in _SUFFIX_SEPS:
            head, found, tail = t.rpartition(sep)
            if found and _words(head) >= 2 and (_is_site(tail, sites) or (sep in _LOOSE_SEPS and _words(tail) <= 4)):
                t = head.strip()
                break
        else:
            for sep in _PREFIX_SEPS:
                head, found, tail = t.partition(sep)
                loose = sep in _LOOSE_SEPS and _words(head) <= 3 and _words(tail) >= 5
                if found and _words(tail) >= 3 and (_is_site(head, sites) or loose):
                    t = tail.strip()
                    break
        if t == before:
            break
    return t


def dateline(first_paragraph: str) -> str | None:
    """The dateline at the start of a wire lead ("ANKARA, March 4 (Reuters) -"), if any."""
    m = DATELINE.match(first_paragraph)
    if m is None:
        return None
    place = m.group("place") or m.group("place2") or m.group("place3") or ""
    if m.group("place") and not any(c.isupper() for c in place):
        return None
    return m.group(0).strip(" -–—").strip() or None


def _key_for_compare(text: str) -> str:
    """Comparison key for "is this paragraph the headline again?" (empty never matches)."""
    return fold(text) or "\x00"
