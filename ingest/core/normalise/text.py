"""Unicode and whitespace canonicalisation, and splitting text into paragraphs.

`clean_text` contract: mojibake (UTF-8 read as Latin-1/cp1252, "ErdoÄŸan") repaired by ftfy
when a cheap test finds its tell-tale byte pairs (clean text skips ftfy); then NFC; C0/C1 control
characters (but newlines and tabs), zero-width spaces, bidi controls, soft hyphens and other
format characters removed (ZWJ/ZWNJ are kept between two visible characters, where Persian
spelling and emoji sequences need them); non-breaking and other Unicode spaces become plain
spaces; CRLF and lone CR become LF. Linear time: `str.translate` and simple non-backtracking
regular expressions only.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

# Characters deleted outright: C0/C1 controls except \t \n \r, zero-width and bidi controls,
# BOM, soft hyphen, word joiner, invisible operators, interlinear annotation, object replacement.
# (Spaces of every kind, tabs and the Unicode line separators become plain spaces via str.split.)
_DELETE = (
    [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)]
    + list(range(0x7F, 0xA0))
    + [0xAD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0xFEFF, 0xFFFC, 0xFFFD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
    + list(range(0xFFF9, 0xFFFC))
    + list(range(0xD800, 0xE000))  # lone surrogates, should any reach us
)
# ZWJ survives only inside emoji sequences, ZWNJ only between Arabic-script or Indic letters
_EMOJI = "\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff\ufe0f"
_ZWJ_JUNK = re.compile(f"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")
_ZWNJ_JUNK = re.compile("(?<![\u0600-\u06ff\u0900-\u0dff])\u200c|\u200c(?![\u0600-\u06ff\u0900-\u0dff])")
_DELETE_RX = re.compile("[" + "".join(re.escape(chr(c)) for c in _DELETE) + "]+")
# a UTF-8 lead byte read as Latin-1/cp1252 followed by a continuation byte read the same way
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_terminal_escapes=True,
    normalization=None,
    explain=False,
)


_MOJIBAKE_LEADS = "ÃÄÅÂØÙÐÑÚÛâ"  # how UTF-8 lead bytes of common scripts and quotes read in cp1252


def repair(text: str) -> str:
    """Mojibake repaired when detected; clean text comes back unchanged without calling ftfy."""
    if text.isascii() or not any(ch in text for ch in _MOJIBAKE_LEADS) or not _MOJIBAKE.search(text):
        return text
    return str(ftfy.fix_text(text, _FTFY))


_BLANK_LINES = re.compile(r"\n{2,}")


def clean_text(text: str) -> str:
    """Canonical Unicode and whitespace; keeps line structure (single and blank lines)."""
    text = repair(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u200d" in text:
        text = _ZWJ_JUNK.sub("", text)
    if "\u200c" in text:
        text = _ZWNJ_JUNK.sub("", text)
    lines = []
    for raw_line in text.split("\n"):
        line = raw_line
        if line.isprintable():  # no controls, format characters or odd spaces (the common case)
            if "  " in line or line[:1] == " " or line[-1:] == " ":
                line = " ".join(line.split())
        else:
            line = " ".join(_DELETE_RX.sub("", line).split())  # every Unicode space run becomes one space
        lines.append(line)
    text = "\n".join(lines).strip()
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


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


def word_count(text: str) -> int:
    """Whitespace-separated tokens (what editors call words; CJK text counts low)."""
    return len(text.split())
