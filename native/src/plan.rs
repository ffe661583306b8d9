//! The tagging data, handed over once by `ingest/core/tagging/gazetteer.py` as JSON and compiled
//! here into indexed tables (country and topic codes become small integers).

use std::collections::HashMap;

use memchr::memmem::Finder;
use serde::Deserialize;

use crate::text::{to_chars, Indexed};

#[derive(Deserialize)]
struct RefIn {
    kind: String,
    key: String,
    countries: Vec<String>,
    subdivision: Option<String>,
    ambiguous: bool,
    exact: Option<String>,
    weight: f64,
}

#[derive(Deserialize)]
struct RuleIn {
    capitalized: bool,
    person: bool,
    require_support: bool,
    negative_local: Vec<String>,
    negative_global: Vec<String>,
    positive: Vec<String>,
}

#[derive(Deserialize)]
struct CueIn(String, f64, Option<Vec<String>>, Option<String>, bool);

#[derive(Deserialize)]
struct TopicIn {
    code: String,
    label: String,
    level: i64,
    parent: Option<String>,
    lineage: Vec<String>,
    editorial_top: String,
}

/// The scoring constants of `regions` and `topics` (named as in those modules' docstrings).
#[derive(Deserialize)]
pub struct Params {
    pub early: f64,
    pub late_body: f64,
    pub region_scale: f64,
    pub background_cap: f64,
    pub region_max_evidence: usize,
    pub zone_weights: [f64; 4], // title, dateline, lead, body
    pub topic_scale: f64,
    pub list_raw: f64,
    pub alone_at: f64,
    pub repeat: f64,
    pub topic_max_evidence: usize,
}

#[derive(Deserialize)]
struct PlanIn {
    refs: Vec<RefIn>,
    ref_sets: Vec<Vec<u32>>,
    cue_sets: Vec<Vec<CueIn>>,
    direct_sets: Vec<Vec<String>>,
    exact_sets: Vec<Vec<u32>>,
    pattern_refs: Vec<u32>,
    pattern_base: Vec<u32>,
    pattern_cues: Vec<u32>,
    pattern_direct: Vec<u32>,
    pattern_exact: Vec<u32>,
    rules: HashMap<String, RuleIn>,
    default_rule: RuleIn,
    street_after: Vec<String>,
    street_prefixes: Vec<String>,
    street_words: Vec<String>,
    street_before: Vec<String>,
    background: Vec<String>,
    background_words: Vec<String>,
    background_weight: f64,
    suppress: Vec<(String, String)>,
    countries: Vec<(String, String)>, // code, display name
    core: Vec<String>,                // countries whose subdivisions and places are listed
    subdivision_names: HashMap<String, String>,
    topics: Vec<TopicIn>,
    lexicon_languages: Vec<String>,
    params: Params,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Name,
    Demonym,
    Capital,
    Sub,
    Place,
    City,
    Inst,
    Term,
}

impl Kind {
    fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "name" => Kind::Name,
            "demonym" => Kind::Demonym,
            "capital" => Kind::Capital,
            "sub" => Kind::Sub,
            "place" => Kind::Place,
            "city" => Kind::City,
            "inst" => Kind::Inst,
            "term" => Kind::Term,
            other => return Err(format!("unknown ref kind {other:?}")),
        })
    }

    /// A proper name, written capitalised when it is one ("reading", "south georgia" are words).
    pub fn proper(self) -> bool {
        matches!(self, Kind::Name | Kind::Capital | Kind::Sub | Kind::Place | Kind::City)
    }
}

pub type Country = u16;
pub type Topic = u16;

pub struct Ref {
    pub kind: Kind,
    pub key: String,
    pub countries: Vec<Country>,
    pub subdivision: Option<String>,
    pub ambiguous: bool,
    pub exact: Option<String>,
    pub weight: f64,
}

pub struct Rule {
    pub capitalized: bool,
    pub person: bool,
    pub require_support: bool,
    pub negative_local: Vec<Vec<char>>, // alternatives, in order (a regex alternation)
    pub negative_global: Vec<Phrase>,
    pub positive: Vec<Phrase>,
}

/// A fixed phrase searched in the folded text: its index in `Phrases`.
pub type Phrase = u32;

/// Every fixed phrase the rules look for (background phrases and their pre-check words, street
/// words before a name, suppressing phrases, global cues of ambiguous aliases), each with a
/// prebuilt substring searcher (SIMD memmem: a 4 KB text costs ~0.1 us per phrase).
pub struct Phrases {
    finders: Vec<Finder<'static>>,
}

/// The phrase searches of one article's folded text.
pub struct PhraseHits<'a> {
    phrases: &'a Phrases,
    folded: &'a Indexed,
}

impl PhraseHits<'_> {
    pub fn has(&self, phrase: Phrase) -> bool {
        self.phrases.finders[phrase as usize]
            .find(self.folded.utf8.as_bytes())
            .is_some()
    }

    /// Code-point starts of every occurrence, overlapping ones too (Python's find loop, pos + 1).
    pub fn starts(&self, phrase: Phrase) -> Vec<usize> {
        self.phrases.finders[phrase as usize]
            .find_iter(self.folded.utf8.as_bytes())
            .map(|b| self.folded.char_at_byte(b))
            .collect()
    }
}

impl Phrases {
    pub fn scan<'a>(&'a self, folded: &'a Indexed) -> PhraseHits<'a> {
        PhraseHits { phrases: self, folded }
    }
}

#[derive(Default)]
struct PhraseTable {
    strings: Vec<String>,
    ids: HashMap<String, Phrase>,
}

impl PhraseTable {
    fn id(&mut self, phrase: &str) -> Phrase {
        if let Some(&id) = self.ids.get(phrase) {
            return id;
        }
        let id = self.strings.len() as Phrase;
        self.ids.insert(phrase.to_string(), id);
        self.strings.push(phrase.to_string());
        id
    }

    fn ids(&mut self, phrases: &[String]) -> Vec<Phrase> {
        phrases.iter().map(|p| self.id(p)).collect()
    }

    fn build(self) -> Result<Phrases, String> {
        Ok(Phrases {
            finders: self
                .strings
                .iter()
                .map(|s| Finder::new(s.as_bytes()).into_owned())
                .collect(),
        })
    }
}

pub struct Cue {
    pub topic: Topic,
    pub weight: f64,
    pub languages: Option<u64>, // bit i: lexicon_languages[i] lists the term
    pub exact: Option<Vec<char>>,
    pub capitalised: bool,
}

pub struct TopicInfo {
    pub code: String,
    pub label: String,
    pub level: i64,
    pub parent: Option<String>,
    pub lineage: Vec<Topic>, // itself, then its ancestors
    pub editorial_top: Topic,
}

pub struct Data {
    pub refs: Vec<Ref>,
    pub ref_sets: Vec<Vec<u32>>,
    pub cue_sets: Vec<Vec<Cue>>,
    pub direct_sets: Vec<Vec<Country>>,
    pub exact_sets: Vec<Vec<u32>>,
    pub pattern_refs: Vec<u32>,
    pub pattern_base: Vec<u32>,
    pub pattern_cues: Vec<u32>,
    pub pattern_direct: Vec<u32>,
    pub pattern_exact: Vec<u32>,
    pub rules: HashMap<String, Rule>,
    pub default_rule: Rule,
    pub street_after: Vec<Vec<char>>,
    pub street_prefixes: Vec<Vec<char>>,
    pub street_words: Vec<String>,
    pub street_before: Vec<Vec<char>>,
    pub street_before_phrases: Vec<Phrase>,
    pub background: Vec<(Phrase, usize)>, // with its length in code points
    pub background_words: Vec<Phrase>,
    pub background_weight: f64,
    pub suppress: Vec<(Phrase, usize, Country)>,
    pub phrases: Phrases,
    pub country_codes: Vec<String>,
    pub core: Vec<Country>,
    pub country_names: Vec<String>,
    pub subdivision_names: HashMap<String, String>,
    pub topics: Vec<TopicInfo>,
    pub lexicon_languages: Vec<String>,
    pub params: Params,
}

fn rule(r: RuleIn, phrases: &mut PhraseTable) -> Rule {
    Rule {
        capitalized: r.capitalized,
        person: r.person,
        require_support: r.require_support,
        negative_local: r.negative_local.iter().map(|p| to_chars(p)).collect(),
        negative_global: phrases.ids(&r.negative_global),
        positive: phrases.ids(&r.positive),
    }
}

fn length(phrase: &str) -> usize {
    phrase.chars().count()
}

impl Data {
    pub fn from_json(json: &str) -> Result<Self, String> {
        let plan: PlanIn = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut country_ids: HashMap<String, Country> = HashMap::new();
        let mut country_codes = Vec::new();
        let mut country_names = Vec::new();
        for (code, name) in plan.countries {
            country_ids.insert(code.clone(), country_codes.len() as Country);
            country_codes.push(code);
            country_names.push(name);
        }
        let mut country = |code: &str| -> Country {
            if let Some(&id) = country_ids.get(code) {
                return id;
            }
            let id = country_codes.len() as Country;
            country_ids.insert(code.to_string(), id);
            country_codes.push(code.to_string());
            country_names.push(code.to_string()); // no display name: its code, as Python did
            id
        };
        let core = plan.core.iter().map(|c| country(c)).collect();
        let mut refs = Vec::with_capacity(plan.refs.len());
        for r in plan.refs {
            refs.push(Ref {
                kind: Kind::parse(&r.kind)?,
                key: r.key,
                countries: r.countries.iter().map(|c| country(c)).collect(),
                subdivision: r.subdivision,
                ambiguous: r.ambiguous,
                exact: r.exact,
                weight: r.weight,
            });
        }
        let direct_sets = plan
            .direct_sets
            .iter()
            .map(|set| set.iter().map(|c| country(c)).collect())
            .collect();
        let mut phrases = PhraseTable::default();
        let suppress = plan
            .suppress
            .iter()
            .map(|(p, c)| (phrases.id(p), length(p), country(c)))
            .collect();
        let background = plan.background.iter().map(|p| (phrases.id(p), length(p))).collect();
        let background_words = phrases.ids(&plan.background_words);
        let street_before_phrases = phrases.ids(&plan.street_before);
        let rules = plan
            .rules
            .into_iter()
            .map(|(k, v)| (k, rule(v, &mut phrases)))
            .collect();
        let default_rule = rule(plan.default_rule, &mut phrases);
        let topic_ids: HashMap<String, Topic> = plan
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code.clone(), i as Topic))
            .collect();
        let topic = |code: &str| -> Result<Topic, String> {
            topic_ids
                .get(code)
                .copied()
                .ok_or_else(|| format!("unknown topic {code}"))
        };
        let mut topics = Vec::with_capacity(plan.topics.len());
        for t in &plan.topics {
            topics.push(TopicInfo {
                code: t.code.clone(),
                label: t.label.clone(),
                level: t.level,
                parent: t.parent.clone(),
                lineage: t.lineage.iter().map(|c| topic(c)).collect::<Result<_, _>>()?,
                editorial_top: topic(&t.editorial_top)?,
            });
        }
        let mut cue_sets = Vec::with_capacity(plan.cue_sets.len());
        for set in plan.cue_sets {
            let mut cues = Vec::with_capacity(set.len());
            for CueIn(code, weight, languages, exact, capitalised) in set {
                // a language outside lexicon_languages is never checked (see topics::cues)
                let languages = languages.map(|ls| {
                    ls.iter()
                        .filter_map(|l| plan.lexicon_languages.iter().position(|x| x == l))
                        .fold(0u64, |mask, i| mask | 1 << i)
                });
                cues.push(Cue {
                    topic: topic(&code)?,
                    weight,
                    languages,
                    exact: exact.map(|e| to_chars(&e)),
                    capitalised,
                });
            }
            cue_sets.push(cues);
        }
        let n = plan.pattern_refs.len();
        for (name, column) in [
            ("pattern_base", &plan.pattern_base),
            ("pattern_cues", &plan.pattern_cues),
            ("pattern_direct", &plan.pattern_direct),
            ("pattern_exact", &plan.pattern_exact),
        ] {
            if column.len() != n {
                return Err(format!("{name} has {} entries for {n} patterns", column.len()));
            }
        }
        Ok(Data {
            refs,
            ref_sets: plan.ref_sets,
            cue_sets,
            direct_sets,
            exact_sets: plan.exact_sets,
            pattern_refs: plan.pattern_refs,
            pattern_base: plan.pattern_base,
            pattern_cues: plan.pattern_cues,
            pattern_direct: plan.pattern_direct,
            pattern_exact: plan.pattern_exact,
            rules,
            default_rule,
            street_after: plan.street_after.iter().map(|s| to_chars(s)).collect(),
            street_prefixes: plan.street_prefixes.iter().map(|s| to_chars(s)).collect(),
            street_words: plan.street_words,
            street_before: plan.street_before.iter().map(|s| to_chars(s)).collect(),
            street_before_phrases,
            background,
            background_words,
            background_weight: plan.background_weight,
            suppress,
            phrases: phrases.build()?,
            country_codes,
            core,
            country_names,
            subdivision_names: plan.subdivision_names,
            topics,
            lexicon_languages: plan.lexicon_languages,
            params: plan.params,
        })
    }

    pub fn rule(&self, form: &str) -> &Rule {
        self.rules
            .get(&crate::text::fold_str(form))
            .unwrap_or(&self.default_rule)
    }

    /// The refs of a pattern.
    pub fn refs_of(&self, pattern: usize) -> &[u32] {
        &self.ref_sets[self.pattern_refs[pattern] as usize]
    }
}

/// The folded text of an article, as code points and UTF-8 (for the phrase searches).
pub type Folded = Indexed;
