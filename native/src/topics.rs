//! Topics: IPTC Media Topics from cue terms, with scores and a primary.
//!
//! The contract (cues, weights, scores, listing, primary, evidence) is stated in
//! `ingest/core/tagging/__init__.py`; this is its implementation. Maps keep Python's insertion
//! order wherever it decides a sum's order or a tie.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::matcher::Span;
use crate::plan::{Data, Topic};
use crate::regions::Zones;
use crate::text::{round3, slice};

pub struct TopicOut {
    pub code: String,
    pub label: String,
    pub level: i64,
    pub parent: Option<String>,
    pub score: f64,
    pub primary: bool,
    pub evidence: Vec<String>,
}

/// A map with Python dict's iteration order (insertion), for the few keys one article has.
struct Ordered<V> {
    items: Vec<(Topic, V)>,
}

impl<V> Ordered<V> {
    fn new() -> Self {
        Ordered { items: Vec::new() }
    }

    fn get(&self, key: Topic) -> Option<&V> {
        self.items.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    fn entry(&mut self, key: Topic, make: impl FnOnce() -> V) -> &mut V {
        let pos = match self.items.iter().position(|(k, _)| *k == key) {
            Some(pos) => pos,
            None => {
                self.items.push((key, make()));
                self.items.len() - 1
            }
        };
        &mut self.items[pos].1
    }
}

/// Raw score of each topic from its own cues, and the cue forms found (first ones first).
fn cues(
    data: &Data,
    spans: &[Span],
    text: &[char],
    zones: Zones,
    language: &str,
) -> (Ordered<f64>, Ordered<Vec<String>>) {
    let p = &data.params;
    let mut own: Ordered<f64> = Ordered::new();
    let mut evidence: Ordered<Vec<String>> = Ordered::new();
    let mut seen: FxHashSet<(Topic, u32)> = FxHashSet::default();
    // the article's language as a bit of the lexicon's languages: None when the lexicon has no
    // list in it (then every cue counts)
    let language_bit = data
        .lexicon_languages
        .iter()
        .position(|l| l == language)
        .map(|i| 1u64 << i);
    let cut = |z: usize| spans.partition_point(|s| s.start < z);
    let cuts = [
        0,
        cut(zones.title_end),
        cut(zones.dateline_end),
        cut(zones.lead_end),
        spans.len(),
    ];
    for (k, &zone) in p.zone_weights.iter().enumerate() {
        let (lo, hi) = (cuts[k], cuts[k + 1]);
        if lo >= hi {
            continue;
        }
        let segment = &spans[lo..hi];
        // count per pattern, in first-occurrence order, with the first span of each
        let mut counts: Vec<(usize, usize, Span)> = Vec::new();
        let mut slot: FxHashMap<usize, usize> = FxHashMap::default();
        for s in segment {
            match slot.get(&s.pattern) {
                Some(&k) => counts[k].1 += 1,
                None => {
                    slot.insert(s.pattern, counts.len());
                    counts.push((s.pattern, 1, *s));
                }
            }
        }
        for (index, count, first) in counts {
            let set = &data.cue_sets[data.pattern_cues[index] as usize];
            for cue in set {
                let n = if let Some(exact) = &cue.exact {
                    segment
                        .iter()
                        .filter(|s| s.pattern == index && &text[s.start..s.end] == exact.as_slice())
                        .count()
                } else if cue.capitalised {
                    segment
                        .iter()
                        .filter(|s| s.pattern == index && text[s.start].is_uppercase())
                        .count()
                } else {
                    count
                };
                if n == 0 {
                    continue;
                }
                if let (Some(bit), Some(languages)) = (language_bit, cue.languages) {
                    if languages & bit == 0 {
                        continue;
                    }
                }
                let key = (cue.topic, data.pattern_base[index]);
                if seen.contains(&key) {
                    *own.entry(cue.topic, || 0.0) += cue.weight * zone * p.repeat * n as f64;
                    continue;
                }
                seen.insert(key);
                *own.entry(cue.topic, || 0.0) += cue.weight * zone * (1.0 + p.repeat * (n as f64 - 1.0));
                let found = evidence.entry(cue.topic, Vec::new);
                if found.len() < p.topic_max_evidence {
                    found.push(match &cue.exact {
                        Some(exact) => exact.iter().collect(),
                        None => slice(text, first.start, first.end),
                    });
                }
            }
        }
    }
    (own, evidence)
}

/// The top-level topic with the most cues once primary_rollup is applied, its raw score, and
/// the topics whose cues made it.
fn primary(data: &Data, own: &Ordered<f64>) -> Option<(Topic, f64, Vec<Topic>)> {
    let mut editorial: Ordered<(f64, Vec<Topic>)> = Ordered::new();
    for &(code, value) in &own.items {
        let top = data.topics[code as usize].editorial_top;
        let entry = editorial.entry(top, || (0.0, Vec::new()));
        entry.0 += value;
        entry.1.push(code);
    }
    let mut best: Option<&(Topic, (f64, Vec<Topic>))> = None;
    for item in &editorial.items {
        let better = match best {
            None => true,
            Some((top, (value, _))) => {
                item.1 .0 > *value
                    || (item.1 .0 == *value && data.topics[item.0 as usize].code > data.topics[*top as usize].code)
            }
        };
        if better {
            best = Some(item);
        }
    }
    best.map(|(top, (value, members))| (*top, *value, members.clone()))
}

pub fn tag_topics(data: &Data, spans: &[Span], text: &[char], zones: Zones, language: &str) -> Vec<TopicOut> {
    let p = &data.params;
    let (own, mut evidence) = cues(data, spans, text, zones, language);
    if own.items.is_empty() {
        return Vec::new();
    }
    let mut total: Ordered<f64> = Ordered::new();
    for &(code, value) in &own.items {
        for &node in &data.topics[code as usize].lineage {
            *total.entry(node, || 0.0) += value;
        }
    }
    let mut listed: Vec<Topic> = Vec::new();
    for &(code, value) in &total.items {
        if value >= p.list_raw {
            for &node in &data.topics[code as usize].lineage {
                if !listed.contains(&node) {
                    listed.push(node);
                }
            }
        }
    }
    let Some((top, value, members)) = primary(data, &own) else {
        return Vec::new();
    };
    if value < p.alone_at {
        return Vec::new();
    }
    if !listed.contains(&top) {
        listed.push(top);
    }
    {
        let t = total.entry(top, || 0.0);
        if value > *t {
            *t = value;
        }
    }
    let mut merged: Vec<String> = Vec::new();
    for code in std::iter::once(top).chain(members.iter().copied()) {
        if let Some(forms) = evidence.get(code) {
            for form in forms {
                if !merged.contains(form) {
                    merged.push(form.clone());
                }
            }
        }
    }
    *evidence.entry(top, Vec::new) = merged;
    // for each topic, its descendants that have cues, in the order the cues were found
    let mut below: Ordered<Vec<Topic>> = Ordered::new();
    for &(child, _) in &evidence.items {
        for &node in &data.topics[child as usize].lineage[1..] {
            below.entry(node, Vec::new).push(child);
        }
    }
    let score_of = |c: Topic| *total.get(c).unwrap_or(&0.0);
    listed.sort_by(|&a, &b| {
        (a != top)
            .cmp(&(b != top))
            .then(score_of(b).total_cmp(&score_of(a)))
            .then(data.topics[a as usize].code.cmp(&data.topics[b as usize].code))
    });
    listed
        .into_iter()
        .map(|code| {
            let info = &data.topics[code as usize];
            let mut gathered: Vec<String> = evidence.get(code).cloned().unwrap_or_default();
            if let Some(children) = below.get(code) {
                for &child in children {
                    if gathered.len() >= p.topic_max_evidence {
                        break;
                    }
                    for t in evidence.get(child).into_iter().flatten() {
                        if !gathered.contains(t) {
                            gathered.push(t.clone());
                        }
                    }
                }
            }
            gathered.truncate(p.topic_max_evidence);
            TopicOut {
                code: info.code.clone(),
                label: info.label.clone(),
                level: info.level,
                parent: info.parent.clone(),
                score: round3(1.0 - (-score_of(code) / p.topic_scale).exp()),
                primary: code == top,
                evidence: gathered,
            }
        })
        .collect()
}
