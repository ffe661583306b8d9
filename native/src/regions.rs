//! Regions: which countries an article involves, how much, and where in Turkey, Syria and Iraq.
//!
//! The contract (evidence, weights, rejections, score, primary) is stated in
//! `ingest/core/tagging/__init__.py`; this is its implementation.

use std::collections::HashMap;

use crate::ambiguity::{accept_ambiguous, background_spans, in_street_name, Verdicts};
use crate::matcher::Span;
use crate::plan::{Country, Data, Folded, Kind, Ref};
use crate::text::{ends_with, round3, slice};

#[derive(Clone, Copy)]
pub struct Zones {
    pub title_end: usize,
    pub dateline_end: usize,
    pub lead_end: usize,
    pub total: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Where {
    Title,
    Dateline,
    Lead,
    Body,
}

impl Where {
    pub fn name(self) -> &'static str {
        match self {
            Where::Title => "title",
            Where::Dateline => "dateline",
            Where::Lead => "lead",
            Where::Body => "body",
        }
    }
}

/// One occurrence: the hit's index, where it is, its weight.
type Occurrence = (usize, Where, f64);

#[derive(Default)]
struct Acc {
    score: f64,
    mentions: usize,
    direct: bool,
    background_only: bool,
    first: usize,
    evidence: Vec<(String, Where)>, // in order, distinct
    subdivisions: Vec<(String, usize)>,
    places: Vec<((String, Option<String>), usize)>,
}

pub struct RegionOut {
    pub code: String,
    pub name: String,
    pub score: f64,
    pub mentions: usize,
    pub primary: bool,
    pub evidence: Vec<(String, &'static str)>,
    pub subdivisions: Vec<(String, String, usize)>,
    pub places: Vec<(String, Option<String>, usize)>,
}

fn bump<K: PartialEq>(list: &mut Vec<(K, usize)>, key: K, n: usize) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, count)) => *count += n,
        None => list.push((key, n)),
    }
}

struct Countries<'d> {
    data: &'d Data,
    order: Vec<(Country, Acc)>,
}

impl Countries<'_> {
    fn get(&self, code: Country) -> Option<&Acc> {
        self.order.iter().find(|(c, _)| *c == code).map(|(_, acc)| acc)
    }

    fn add(&mut self, code: Country, hits: &[Span], form: &str, kept: &[Occurrence], reference: &Ref, direct: bool) {
        let max_evidence = self.data.params.region_max_evidence;
        let is_core = self.data.core.contains(&code);
        let pos = match self.order.iter().position(|(c, _)| *c == code) {
            Some(pos) => pos,
            None => {
                let acc = Acc {
                    background_only: true,
                    first: 1 << 30,
                    ..Acc::default()
                };
                self.order.push((code, acc));
                self.order.len() - 1
            }
        };
        let c = &mut self.order[pos].1;
        let mut total = 0.0;
        for &(_, place, weight) in kept {
            total += weight;
            if c.evidence.len() < max_evidence && !c.evidence.iter().any(|(f, w)| f == form && *w == place) {
                c.evidence.push((form.to_string(), place));
            }
        }
        c.score += total;
        c.mentions += kept.len();
        c.first = c.first.min(hits[kept[0].0].start);
        if direct && total > 0.2 * kept.len() as f64 + 1e-9 {
            c.direct = true;
        }
        if kept.iter().any(|&(_, _, w)| w > 0.2) {
            c.background_only = false;
        }
        if is_core {
            let n = kept.len();
            if reference.kind == Kind::Sub {
                if let Some(sub) = &reference.subdivision {
                    bump(&mut c.subdivisions, sub.clone(), n);
                }
            } else if reference.kind == Kind::Place {
                bump(&mut c.places, (reference.key.clone(), reference.subdivision.clone()), n);
                if let Some(sub) = &reference.subdivision {
                    bump(&mut c.subdivisions, sub.clone(), n);
                }
            }
        }
    }
}

/// Another country this alias can name has unambiguous evidence, and this one has none.
fn other_supported(data: &Data, refs: &[u32], this: u32, supported: &[Country]) -> bool {
    let reference = &data.refs[this as usize];
    if reference.countries.iter().any(|c| supported.contains(c)) {
        return false;
    }
    refs.iter().any(|&other| {
        let o = &data.refs[other as usize];
        other != this && o.kind != Kind::Term && o.countries.iter().any(|c| supported.contains(c))
    })
}

fn extend_unique(set: &mut Vec<Country>, more: &[Country]) {
    for c in more {
        if !set.contains(c) {
            set.push(*c);
        }
    }
}

pub fn tag_regions(data: &Data, text: &[char], folded: &Folded, hits: &[Span], zones: Zones) -> Vec<RegionOut> {
    let p = &data.params;
    let chars = &folded.chars;
    let mut supported: Vec<Country> = Vec::new(); // countries with unambiguous evidence
                                                  // occurrences grouped by surface form and the pattern's (shared) refs, in first-seen order
    let mut groups: Vec<(String, u32, Vec<Occurrence>)> = Vec::new();
    let mut group_of: HashMap<(String, u32), usize> = HashMap::new();
    let phrases = data.phrases.scan(folded);
    let spans = background_spans(data, &phrases);
    let mut suppressed: Vec<(usize, usize, Country)> = Vec::new();
    for &(phrase, len, code) in &data.suppress {
        suppressed.extend(phrases.starts(phrase).into_iter().map(|lo| (lo, lo + len, code)));
    }
    let half = zones.lead_end as f64 + (zones.total as f64 - zones.lead_end as f64) / 2.0;
    let street_before = data.street_before_phrases.iter().any(|&w| phrases.has(w));
    for (i, hit) in hits.iter().enumerate() {
        let start = hit.start;
        let (place, mut weight) = if start < zones.title_end {
            (Where::Title, p.early)
        } else if start < zones.dateline_end {
            (Where::Dateline, p.early)
        } else if start < zones.lead_end {
            (Where::Lead, p.early)
        } else {
            (Where::Body, if (start as f64) < half { 1.0 } else { p.late_body })
        };
        let next = &chars[hit.end.min(chars.len())..(hit.end + 3).min(chars.len())];
        if data.street_prefixes.iter().any(|p| p.as_slice() == next) && in_street_name(data, chars, hit) {
            continue;
        }
        if street_before && data.street_before.iter().any(|s| ends_with(chars, start, s)) {
            continue;
        }
        if spans.iter().any(|&(lo, hi)| lo <= start && hit.end <= hi) {
            weight = data.background_weight;
        }
        let form = slice(text, hit.start, hit.end);
        let set = data.pattern_refs[hit.pattern];
        let key = (form, set);
        let g = match group_of.get(&key) {
            Some(&g) => g,
            None => {
                groups.push((key.0.clone(), set, Vec::new()));
                group_of.insert(key.clone(), groups.len() - 1);
                groups.len() - 1
            }
        };
        let form = &key.0;
        groups[g].2.push((i, place, weight));
        if weight > data.background_weight {
            extend_unique(
                &mut supported,
                &data.direct_sets[data.pattern_direct[hit.pattern] as usize],
            );
            for &r in &data.exact_sets[data.pattern_exact[hit.pattern] as usize] {
                let r = &data.refs[r as usize];
                if r.exact.as_deref() == Some(form.as_str()) {
                    extend_unique(&mut supported, &r.countries);
                }
            }
        }
    }
    let mut countries = Countries {
        data,
        order: Vec::new(),
    };
    let mut institutions: Vec<(u32, &str, Vec<Occurrence>)> = Vec::new();
    let mut verdicts = Verdicts::new();
    for (form, set, occurrences) in &groups {
        let refs = &data.ref_sets[*set as usize];
        let first = form.chars().next().unwrap_or(' ');
        for &r in refs {
            let reference = &data.refs[r as usize];
            if reference.kind == Kind::Term || reference.exact.as_ref().is_some_and(|e| e != form) {
                continue;
            }
            if reference.kind.proper() && first.is_ascii() && !first.is_uppercase() {
                continue; // a proper name written in lower case is a word ("reading", "south georgia")
            }
            if reference.ambiguous && refs.len() > 1 && other_supported(data, refs, r, &supported) {
                continue; // an alias of two countries (عمان: Amman, Oman) goes to the one with support
            }
            let mut kept: Vec<Occurrence> = occurrences.clone();
            if reference.ambiguous {
                kept.retain(|o| {
                    accept_ambiguous(
                        data,
                        text,
                        chars,
                        &phrases,
                        hits,
                        o.0,
                        form,
                        reference,
                        &supported,
                        &mut verdicts,
                    )
                });
                if kept.is_empty() {
                    continue;
                }
            }
            if reference.kind == Kind::Inst {
                let weighted = kept
                    .iter()
                    .map(|&(i, w, weight)| (i, w, weight * reference.weight))
                    .collect();
                institutions.push((r, form.as_str(), weighted));
                continue;
            }
            if reference.weight != 1.0 {
                for o in kept.iter_mut() {
                    o.2 *= reference.weight;
                }
            }
            for &code in &reference.countries {
                let mine: Vec<Occurrence> = kept
                    .iter()
                    .copied()
                    .filter(|o| {
                        !suppressed
                            .iter()
                            .any(|&(lo, hi, c)| c == code && lo <= hits[o.0].start && hits[o.0].start < hi)
                    })
                    .collect();
                if !mine.is_empty() {
                    countries.add(code, hits, form, &mine, reference, true);
                }
            }
        }
    }
    for (r, form, kept) in &institutions {
        let reference = &data.refs[*r as usize];
        let named: Vec<Country> = reference
            .countries
            .iter()
            .copied()
            .filter(|&c| countries.get(c).is_some_and(|acc| acc.direct))
            .collect();
        let codes = if named.is_empty() {
            reference.countries.clone()
        } else {
            named
        };
        for code in codes {
            let alone = !countries.get(code).is_some_and(|acc| acc.direct);
            let mine: Vec<Occurrence> = if reference.weight == 0.7 && alone {
                kept.iter().map(|&(i, w, weight)| (i, w, weight / 0.7)).collect()
            // the country's only sign: full weight
            } else {
                kept.clone()
            };
            countries.add(code, hits, form, &mine, reference, false);
        }
    }
    finish(data, countries.order)
}

fn finish(data: &Data, countries: Vec<(Country, Acc)>) -> Vec<RegionOut> {
    let p = &data.params;
    let mut scored: Vec<(f64, usize, &str, Country, Acc)> = countries
        .into_iter()
        .map(|(code, c)| {
            let mut score = 1.0 - (-c.score / p.region_scale).exp();
            if c.background_only {
                score = score.min(p.background_cap);
            }
            (
                round3(score),
                c.first,
                data.country_codes[code as usize].as_str(),
                code,
                c,
            )
        })
        .collect();
    // highest score, then the earliest first mention, then the code (descending, as Python's reverse sort)
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(a.2)));
    let mut out = Vec::with_capacity(scored.len());
    for (rank, (score, _, code, id, mut c)) in scored.into_iter().enumerate() {
        c.subdivisions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        c.places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0 .0.cmp(&b.0 .0)));
        out.push(RegionOut {
            code: code.to_string(),
            name: data.country_names[id as usize].clone(),
            score,
            mentions: c.mentions,
            primary: rank == 0 && score >= 0.5,
            evidence: c.evidence.into_iter().map(|(f, w)| (f, w.name())).collect(),
            subdivisions: c
                .subdivisions
                .into_iter()
                .map(|(sub, n)| {
                    let name = data.subdivision_names.get(&sub).cloned().unwrap_or_else(|| sub.clone());
                    (sub, name, n)
                })
                .collect(),
            places: c.places.into_iter().map(|((name, sub), n)| (name, sub, n)).collect(),
        });
    }
    out
}
