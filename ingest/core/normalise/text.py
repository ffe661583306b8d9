"""Unicode and whitespace canonicalisation, and splitting text into paragraphs.

`clean_text` contract: NFC; C0/C1 control characters (but newlines and tabs), zero-width and
bidi control characters, soft hyphens and other format characters removed (ZWJ/ZWNJ are kept
inside words of scripts that need them); non-breaking and other Unicode spaces become plain
spaces; CRLF and lone CR become LF. Linear time: `str.translate` and simple non-backtracking
regular expressions only.
"""

from __future__ import annotations

import re
import unicodedata

# Characters deleted outright: C0/C1 controls except \t \n \r, zero-width and bidi controls,
# BOM, soft hyphen, word joiner, invisible operators, interlinear annotation, object replacement.
_DELETE = (
    [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)]
    + list(range(0x7F, 0xA0))
    + [0xAD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF, 0xFFFC, 0xFFFD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
    + list(range(0xFFF9, 0xFFFC))
    + list(range(0xD800, 0xE000))  # lone surrogates, should any reach us
)
_SPACES = [0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
_TABLE: dict[int, int | None] = {c: None for c in _DELETE}
_TABLE.update({c: 0x20 for c in _SPACES})
_TABLE[0x0D] = 0x0A
_TABLE[0x09] = 0x20
_ZW_JOINERS = re.compile(r"(?<!\w)[\u200c\u200d]|[\u200c\u200d](?!\w)")
_H_SPACE = re.compile(r" {2,}")
_LINE_EDGE = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{2,}")


def clean_text(text: str) -> str:
    """Canonical Unicode and whitespace; keeps line structure (single and blank lines)."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    text = text.translate(_TABLE)
    if "\u200c" in text or "\u200d" in text:
        text = _ZW_JOINERS.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = _H_SPACE.sub(" ", text)
    return _LINE_EDGE.sub("\n", text).strip()


def clean_inline(text: str) -> str:
    """`clean_text` for a one-line field (title, byline): all whitespace becomes one space."""
    return " ".join(clean_text(text).split())


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks; lines inside a block are joined with one space."""
    out = []
    for block in _BLANK_LINES.split(text):
        joined = " ".join(block.split())
        if joined:
            out.append(joined)
    return out


_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))
