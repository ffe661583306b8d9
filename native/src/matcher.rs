//! One pass of an Aho-Corasick automaton over an article, whole words only.
//!
//! The patterns come folded and padded from Python (`ingest/core/tagging/matcher.py` says how):
//! " word ", with the count of proclitic letters before the hit itself. The text is folded the
//! same way here (lower case, Arabic letter folds, harakat dropped with a position map), every
//! character that is not a letter or digit made a space, one space added at each end; so every
//! match is a whole word. Where matches overlap, the one that starts first, then the longest, is
//! kept. Positions are code points of the original text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::text::{fold, is_ar_drop};

pub struct Matcher {
    automaton: AhoCorasick,
    leads: Vec<u8>,
    pub rich: Vec<bool>,
    alnum: Vec<u64>, // bit per code point: Python's str.isalnum()
}

/// A kept match: [start, end) in the original text, and the pattern's index.
#[derive(Clone, Copy)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

pub struct Found {
    pub spans: Vec<Span>,
    pub hits: Vec<Span>,   // the spans of rich patterns (a region ref)
    pub folded: Vec<char>, // folded text, position for position (harakat kept)
}

impl Matcher {
    /// `alnum_runs`: [start, end) code-point ranges of the letters and digits (`[^\W_]`).
    pub fn new(
        patterns: &[String],
        leads: Vec<u8>,
        rich: Vec<bool>,
        alnum_runs: &[(u32, u32)],
    ) -> Result<Self, String> {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .map_err(|e| e.to_string())?;
        let mut alnum = vec![0u64; 0x110000 / 64];
        for &(lo, hi) in alnum_runs {
            for c in lo..hi.min(0x110000) {
                alnum[(c / 64) as usize] |= 1 << (c % 64);
            }
        }
        Ok(Matcher {
            automaton,
            leads,
            rich,
            alnum,
        })
    }

    pub fn size(&self) -> usize {
        self.leads.len()
    }

    fn is_alnum(&self, c: char) -> bool {
        let c = c as u32;
        self.alnum[(c / 64) as usize] & (1 << (c % 64)) != 0
    }

    pub fn find(&self, text: &[char]) -> Found {
        let (folded, arabic) = fold(text);
        // harakat, tanween, tatweel: dropped; `shifts[k]` is where the k-th drop was in the stripped text
        let mut shifts: Vec<usize> = Vec::new();
        let stripped: Vec<char> = if arabic && folded.iter().any(|&c| is_ar_drop(c)) {
            let mut out = Vec::with_capacity(folded.len());
            for &c in &folded {
                if is_ar_drop(c) {
                    shifts.push(out.len());
                } else {
                    out.push(c);
                }
            }
            out
        } else {
            folded.clone()
        };
        // the words view, as UTF-8 bytes, and (only when some character is not ASCII) the code
        // point at each byte offset
        let mut view: Vec<u8> = Vec::with_capacity(stripped.len() + 2);
        let mut byte_to_char: Vec<u32> = Vec::new();
        view.push(b' ');
        for (n, &c) in stripped.iter().enumerate() {
            if c.is_ascii() {
                view.push(if c.is_ascii_alphanumeric() { c as u8 } else { b' ' });
            } else if self.is_alnum(c) {
                if byte_to_char.is_empty() {
                    byte_to_char = (0..view.len() as u32).collect();
                }
                let mut buf = [0u8; 4];
                let bytes = c.encode_utf8(&mut buf).as_bytes();
                view.extend_from_slice(bytes);
                byte_to_char.resize(view.len(), n as u32 + 1); // view position = stripped + 1
                continue;
            } else {
                view.push(b' ');
            }
            if !byte_to_char.is_empty() {
                byte_to_char.push(n as u32 + 1);
            }
        }
        view.push(b' ');
        let ascii = byte_to_char.is_empty();
        if !ascii {
            byte_to_char.push(stripped.len() as u32 + 1);
            byte_to_char.push(stripped.len() as u32 + 2);
        }
        let at = |b: usize| if ascii { b } else { byte_to_char[b] as usize };
        // padded [s, e) is the space before the word, the word, the space after: [s + lead, e - 2) in `stripped`
        let mut found: Vec<(usize, usize, usize)> = self
            .automaton
            .find_overlapping_iter(&view)
            .map(|m| {
                let index = m.pattern().as_usize();
                (at(m.start()) + self.leads[index] as usize, at(m.end()) - 2, index)
            })
            .collect();
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut spans = Vec::new();
        let mut hits = Vec::new();
        let mut last_end = 0usize;
        let mut any = false;
        for (start, end, pattern) in found {
            if any && start < last_end {
                continue; // overlaps a longer or earlier hit ("Republic of Turkey" over "Turkey")
            }
            any = true;
            last_end = end;
            let (start, end) = if shifts.is_empty() {
                (start, end)
            } else {
                // bisect_right(shifts, x): the drops at or before x
                let before = |x: usize| shifts.partition_point(|&d| d <= x);
                (start + before(start), end - 1 + before(end - 1) + 1)
            };
            let span = Span { start, end, pattern };
            spans.push(span);
            if self.rich[pattern] {
                hits.push(span);
            }
        }
        Found { spans, hits, folded }
    }
}
