//! Occurrence checks for region hits: ambiguous aliases, street names, background phrases.
//!
//! An ambiguous alias (lexicons/ambiguity.json) is accepted when it passes its rule: written
//! capitalised where required, no local negative cue around it ("turkey sandwich"), no global
//! negative cue in an article without support ("Thanksgiving" and no other Turkish evidence), not
//! shaped like a person's name (a capitalised name word next to it: "Michael Jordan"), and, where
//! support is required, the article names the country otherwise or lists it among other countries
//! ("Egypt, Iraq, Jordan and Lebanon").

use std::collections::HashMap;

use crate::matcher::Span;
use crate::plan::{Country, Data, Kind, PhraseHits, Ref};
use crate::text::{ends_with, lower_changes, py_isspace, slice, split_words, starts_with, upper_is_self};

const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "of",
    "and",
    "or",
    "to",
    "from",
    "for",
    "with",
    "by",
    "on",
    "at",
    "as",
    "king",
    "queen",
    "president",
    "prime",
    "minister",
    "kingdom",
    "republic",
    "state",
    "northern",
    "southern",
    "eastern",
    "western",
    "north",
    "south",
    "east",
    "west",
    "central",
    "new",
    "old",
    "upper",
    "lower",
    "greater",
];
const LIST_GLUE: &[&str] = &[",", "and", "or", "&", "ve", "et", "und", "y", "و", "،"];

/// The article-level verdicts of ambiguous aliases, by (lower-cased form, countries):
/// Some(support) or None (a global negative cue and no support).
pub type Verdicts = HashMap<(String, Vec<Country>), Option<bool>>;

fn is_all_caps_line(text: &[char], start: usize, end: usize) -> bool {
    let line_start = text[..start].iter().rposition(|&c| c == '\n').map_or(0, |p| p + 1);
    let line_end = text[end..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(text.len(), |p| end + p);
    let line = &text[line_start..line_end];
    line.iter().all(|&c| upper_is_self(c)) && line.iter().any(|&c| lower_changes(c))
}

fn neighbour_word(text: &[char], start: usize, end: usize, before: bool) -> Option<&[char]> {
    if before {
        let head = &text[start.saturating_sub(40)..start];
        if head.last() != Some(&' ') {
            return None;
        }
        let trimmed_end = head.iter().rposition(|&c| !py_isspace(c)).map_or(0, |p| p + 1);
        if let Some(&last) = head[..trimmed_end].last() {
            if matches!(last, '.' | '!' | '?' | ':' | '\n' | '"' | '“' | '—' | '-') {
                return None;
            }
        }
        return split_words(head).last().copied();
    }
    let tail = &text[end.min(text.len())..(end + 40).min(text.len())];
    if tail.first() != Some(&' ') {
        return None;
    }
    split_words(tail).first().copied()
}

/// `[A-ZÇĞİÖŞÜ][a-zçğıöşü'’.-]+$`
fn name_word(word: &[char]) -> bool {
    let upper = |c: char| c.is_ascii_uppercase() || "ÇĞİÖŞÜ".contains(c);
    let rest = |c: char| c.is_ascii_lowercase() || "çğıöşü'’.-".contains(c);
    word.len() >= 2 && upper(word[0]) && word[1..].iter().all(|&c| rest(c))
}

fn looks_like_person(text: &[char], hit: &Span) -> bool {
    for before in [true, false] {
        if let Some(word) = neighbour_word(text, hit.start, hit.end, before) {
            if name_word(word) {
                let lower: String = word.iter().collect::<String>().to_lowercase();
                let stripped = lower.trim_matches(|c| matches!(c, '.' | '\'' | '’'));
                if !NOT_NAMES.contains(&stripped) {
                    return true;
                }
            }
        }
    }
    false
}

/// Next to another country name in a list ("Egypt, Iraq, Jordan and Lebanon").
fn in_list(data: &Data, hits: &[Span], i: usize, text: &[char]) -> bool {
    for j in [i.wrapping_sub(1), i + 1] {
        if j >= hits.len() {
            continue;
        }
        let named = data.refs_of(hits[j].pattern).iter().any(|&r| {
            let r = &data.refs[r as usize];
            matches!(r.kind, Kind::Name | Kind::Demonym) && !r.ambiguous
        });
        if !named {
            continue;
        }
        let (lo, hi) = if j < i {
            (hits[j].end, hits[i].start)
        } else {
            (hits[i].end, hits[j].start)
        };
        if lo <= hi && hi - lo <= 6 {
            let between: String = text[lo..hi].iter().collect();
            let glue = between.trim_matches(py_isspace).to_lowercase();
            if glue.is_empty() || LIST_GLUE.contains(&glue.as_str()) {
                return true;
            }
        }
    }
    false
}

/// Part of a street or square name: "Syria Street", "İstanbul Caddesi", "شارع سوريا".
pub fn in_street_name(data: &Data, folded: &[char], hit: &Span) -> bool {
    if data.street_after.iter().any(|p| starts_with(folded, hit.end, p)) {
        let from = hit.end + 1;
        let end = if from <= folded.len() {
            folded[from..]
                .iter()
                .position(|&c| c == ' ')
                .map_or(folded.len(), |p| from + p)
        } else {
            folded.len()
        };
        let word = slice(folded, from, end);
        let word = word.trim_matches(|c| matches!(c, '.' | ',' | ';' | ':'));
        return data.street_words.iter().any(|w| w == word);
    }
    data.street_before.iter().any(|s| ends_with(folded, hit.start, s))
}

/// Where background phrases ("Iraq war veteran") occur: hits inside them are mentions only.
pub fn background_spans(data: &Data, found: &PhraseHits) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    if !data.background_words.iter().any(|&w| found.has(w)) {
        return spans;
    }
    for &(phrase, len) in &data.background {
        spans.extend(found.starts(phrase).into_iter().map(|pos| (pos, pos + len)));
    }
    spans
}

/// The matches of a regular-expression alternation of literal phrases in `folded[lo..hi]`, as
/// `re.finditer` gives them: leftmost, the first alternative that matches there, not overlapping.
fn covered_by_phrase(phrases: &[Vec<char>], folded: &[char], lo: usize, hi: usize, hit: &Span) -> bool {
    let hi = hi.min(folded.len());
    let mut pos = lo;
    while pos < hi {
        let found = phrases
            .iter()
            .find(|p| pos + p.len() <= hi && &folded[pos..pos + p.len()] == p.as_slice());
        match found {
            Some(p) => {
                if pos <= hit.start && pos + p.len() >= hit.end {
                    return true;
                }
                pos += p.len().max(1);
            }
            None => pos += 1,
        }
    }
    false
}

#[allow(clippy::too_many_arguments)]
pub fn accept_ambiguous(
    data: &Data,
    text: &[char],
    folded: &[char],
    phrases: &PhraseHits,
    hits: &[Span],
    i: usize,
    form: &str,
    reference: &Ref,
    supported: &[Country],
    verdicts: &mut Verdicts,
) -> bool {
    let hit = &hits[i];
    let rule = data.rule(form);
    let first = form.chars().next().unwrap_or(' ');
    let latin = first.is_ascii();
    if rule.capitalized && latin && !first.is_uppercase() {
        return false;
    }
    if !rule.negative_local.is_empty()
        && covered_by_phrase(
            &rule.negative_local,
            folded,
            hit.start.saturating_sub(30),
            hit.end + 30,
            hit,
        )
    {
        return false;
    }
    let key = (form.to_lowercase(), reference.countries.clone());
    let verdict = *verdicts.entry(key).or_insert_with(|| {
        let support =
            reference.countries.iter().any(|c| supported.contains(c)) || rule.positive.iter().any(|&p| phrases.has(p));
        let negative =
            !rule.negative_global.is_empty() && !support && rule.negative_global.iter().any(|&p| phrases.has(p));
        if negative {
            None
        } else {
            Some(support)
        }
    });
    let Some(support) = verdict else {
        return false;
    };
    if rule.person && latin && looks_like_person(text, hit) && !is_all_caps_line(text, hit.start, hit.end) {
        return false;
    }
    if rule.require_support && !support {
        // a country name listed among others ("Egypt, Iraq, Jordan and Lebanon"); not a city
        // followed by its country ("TRIPOLI, Lebanon")
        return matches!(reference.kind, Kind::Name | Kind::Demonym) && in_list(data, hits, i, text);
    }
    true
}
