"""Publication times to UTC, from the formats feeds use; never invented.

Accepted: ISO 8601 / RFC 3339 (with or without offset, "Z", fractions, date only), RFC 2822
("Tue, 05 Mar 2024 14:30:00 +0300", also obsolete zone names), "12 Sep 2014 10:00",
"Sep 12, 2014 10:00", "12.09.2014 10:00", and epoch seconds or milliseconds (numbers or digit
strings). A time without zone is taken as UTC. Anything else, or a time before 1990 or more
than two days after `now`, gives None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january", "ocak"),
            ("feb", "february", "şubat", "subat"),
            ("mar", "march", "mart"),
            ("apr", "april", "nisan"),
            ("may", "mayıs", "mayis"),
            ("jun", "june", "haziran"),
            ("jul", "july", "temmuz"),
            ("aug", "august", "ağustos", "agustos"),
            ("sep", "sept", "september", "eylül", "eylul"),
            ("oct", "october", "ekim"),
            ("nov", "november", "kasım", "kasim"),
            ("dec", "december", "aralık", "aralik"),
        ]
    )
    for m in names
}
_DMY = re.compile(
    r"^(\d{1,2})[ .-]([A-Za-zışğüçöİŞĞÜÇÖ]+)\.?[ .,-]*(\d{4})"
    r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?\s*(?:UTC|GMT|Z)?$",
    re.IGNORECASE,
)
_MDY = re.compile(
    r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})"
    r"(?:[ ,]+(?:at )?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*(?:UTC|GMT)?$"
)
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?$")
_DIGITS = re.compile(r"^\d{9,13}(\.\d+)?$")


def _from_epoch(value: float) -> datetime | None:
    seconds = value / 1000.0 if value > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _build(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=UTC)
    except ValueError:
        return None


def _parse_text(text: str) -> datetime | None:
    if _DIGITS.match(text):
        return _from_epoch(float(text))
    iso = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        moment = None
    if moment is not None:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if m := _DMY.match(text):
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            return None
        return _build(
            int(m.group(3)), month, int(m.group(1)), int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
        )
    if m := _MDY.match(text):
        month = _MONTHS.get(m.group(1).lower())
        if month is None:
            return None
        hour = int(m.group(4) or 0)
        if m.group(7):
            hour = hour % 12 + (12 if m.group(7).lower() == "pm" else 0)
        return _build(int(m.group(3)), month, int(m.group(2)), hour, int(m.group(5) or 0), int(m.group(6) or 0))
    if m := _NUMERIC_DMY.match(text):
        return _build(
            int(m.group(3)),
            int(m.group(2)),
            int(m.group(1)),
            int(m.group(4) or 0),
            int(m.group(5) or 0),
            int(m.group(6) or 0),
        )
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_published(value: str | int | float | None, now: datetime) -> datetime | None:
    """The UTC time of `value`, or None when it is absent, unparseable or implausible."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        moment = _from_epoch(float(value))
    else:
        text = value.strip()
        if not text or len(text) > 64:
            return None
        moment = _parse_text(text)
    if moment is None or moment < _EARLIEST or moment > now + timedelta(days=2):
        return None
    return moment.replace(microsecond=0)


def raw_text(value: str | int | float | None) -> str | None:
    """The producer's original value, as text, for `published_at_raw`."""
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
