//! One pass over an article: every whole-word occurrence of every pattern.
//!
//! The patterns come folded and padded from Python (`ingest/core/tagging/matcher.py` says how):
//! " word ", with the count of proclitic letters before the hit itself. The text is folded the
//! same way here (lower case, Arabic letter folds, harakat dropped with a position map) and read
//! as its "words view": every character that is not a letter or digit a space, one space added
//! at each end. A pattern occurs where the view contains it; since it starts and ends with a
//! space, that is at word boundaries. Where occurrences overlap, the one that starts first, then
//! the longest, is kept. Positions are code points of the original text.
//!
//! The search is a trie of words, not of bytes: a pattern is its words, the exact number of
//! spaces between them, and the least number before and after it (it occurs where the view has
//! those words with exactly those gaps, at least as many spaces before the first word as the
//! pattern starts with, and after the last as it ends with), which gives the same occurrences as
//! a byte-level Aho-Corasick automaton over the view. Text words are looked up in a hash table of
//! the ~75k pattern words, and only known words walk the trie: about 1 MB of tables touched per
//! article against the tens of MB of states a byte automaton over ~105k patterns jumps through,
//! which on fresh text (nothing in the CPU caches) was the larger part of tagging.

use rustc_hash::FxHashMap;

use crate::text::{fold, is_ar_drop};

/// A pattern that ends at a trie node: its index, and the spaces it needs before and after.
#[derive(Clone, Copy)]
struct Ending {
    pattern: u32,
    before: u32,
    after: u32,
}

pub struct Matcher {
    // pattern word -> its id, and the trie node of the patterns it starts (u32::MAX: none)
    words: FxHashMap<Box<[char]>, (u32, u32)>,
    next: FxHashMap<(u32, u32, u32), u32>, // (node, spaces, word id) -> trie node
    ends: Vec<(u32, u32)>,                 // per trie node: its slice of `endings`
    endings: Vec<Ending>,
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

/// A word of the text's view: [start, end) in the stripped folded text, its id if a pattern
/// has it, and the spaces before it in the view.
struct Word {
    start: usize,
    end: usize,
    id: Option<(u32, u32)>, // its id and trie root, when a pattern has it
    before: u32,
}

/// A padded pattern taken apart: the spaces before its first word, its words with the spaces
/// before each (0 for the first), the spaces after its last word.
struct Parts {
    before: u32,
    words: Vec<(u32, Vec<char>)>,
    after: u32,
}

fn split_pattern(pattern: &str) -> Result<Parts, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    let mut spaces = 0u32;
    let mut before = 0u32;
    while i < chars.len() {
        if chars[i] == ' ' {
            spaces += 1;
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i] != ' ' {
            i += 1;
        }
        if words.is_empty() {
            before = spaces;
        }
        words.push((if words.is_empty() { 0 } else { spaces }, chars[start..i].to_vec()));
        spaces = 0;
    }
    if words.is_empty() || before == 0 || spaces == 0 {
        return Err(format!("pattern {pattern:?} is not a padded run of words"));
    }
    Ok(Parts {
        before,
        words,
        after: spaces,
    })
}

impl Matcher {
    /// `alnum_runs`: [start, end) code-point ranges of the letters and digits (`[^\W_]`).
    pub fn new(
        patterns: &[String],
        leads: Vec<u8>,
        rich: Vec<bool>,
        alnum_runs: &[(u32, u32)],
    ) -> Result<Self, String> {
        let mut words: FxHashMap<Box<[char]>, (u32, u32)> = FxHashMap::default();
        let mut next: FxHashMap<(u32, u32, u32), u32> = FxHashMap::default();
        let mut node_endings: Vec<Vec<Ending>> = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let Parts {
                before,
                words: parts,
                after,
            } = split_pattern(pattern)?;
            let mut node = u32::MAX;
            for (gap, word) in parts {
                let count = words.len() as u32;
                let fresh = node_endings.len() as u32;
                let entry = words.entry(word.into_boxed_slice()).or_insert((count, u32::MAX));
                let child = if node == u32::MAX {
                    if entry.1 == u32::MAX {
                        entry.1 = fresh;
                    }
                    entry.1
                } else {
                    *next.entry((node, gap, entry.0)).or_insert(fresh)
                };
                if child == fresh {
                    node_endings.push(Vec::new());
                }
                node = child;
            }
            node_endings[node as usize].push(Ending {
                pattern: index as u32,
                before,
                after,
            });
        }
        let mut ends = Vec::with_capacity(node_endings.len());
        let mut endings = Vec::new();
        for list in node_endings {
            ends.push((endings.len() as u32, list.len() as u32));
            endings.extend(list);
        }
        let mut alnum = vec![0u64; 0x110000 / 64];
        for &(lo, hi) in alnum_runs {
            for c in lo..hi.min(0x110000) {
                alnum[(c / 64) as usize] |= 1 << (c % 64);
            }
        }
        Ok(Matcher {
            words,
            next,
            ends,
            endings,
            leads,
            rich,
            alnum,
        })
    }

    pub fn size(&self) -> usize {
        self.leads.len()
    }

    fn is_alnum(&self, c: char) -> bool {
        if c.is_ascii() {
            return c.is_ascii_alphanumeric();
        }
        let c = c as u32;
        self.alnum[(c / 64) as usize] & (1 << (c % 64)) != 0
    }

    /// The words of the view of `stripped`, with their spaces before; and the spaces after the last.
    fn words_of(&self, stripped: &[char]) -> (Vec<Word>, u32) {
        let mut out = Vec::new();
        let mut i = 0;
        let mut spaces = 1u32; // the view's leading space
        while i < stripped.len() {
            if !self.is_alnum(stripped[i]) {
                spaces += 1;
                i += 1;
                continue;
            }
            let start = i;
            while i < stripped.len() && self.is_alnum(stripped[i]) {
                i += 1;
            }
            let id = self.words.get(&stripped[start..i]).copied();
            out.push(Word {
                start,
                end: i,
                id,
                before: spaces,
            });
            spaces = 0;
        }
        (out, spaces + 1) // and the view's trailing space
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
        let (words, last_after) = self.words_of(&stripped);
        let after = |j: usize| {
            if j + 1 < words.len() {
                words[j + 1].before
            } else {
                last_after
            }
        };
        // (start, end, pattern) in the stripped text: the words [i, j] and the spaces the pattern
        // takes around them, less the proclitic letters (`lead`) before the hit itself
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let Some((_, root)) = w.id else { continue };
            if root == u32::MAX {
                continue; // a word only later words of patterns have
            }
            let mut node = root;
            let mut j = i;
            loop {
                let (from, count) = self.ends[node as usize];
                for e in &self.endings[from as usize..(from + count) as usize] {
                    if e.before <= w.before && e.after <= after(j) {
                        let index = e.pattern as usize;
                        let start = w.start + 1 - e.before as usize + self.leads[index] as usize;
                        found.push((start, words[j].end + e.after as usize - 1, index));
                    }
                }
                if j + 1 >= words.len() {
                    break;
                }
                let Some((id, _)) = words[j + 1].id else { break };
                match self.next.get(&(node, words[j + 1].before, id)) {
                    Some(&child) => {
                        node = child;
                        j += 1;
                    }
                    None => break,
                }
            }
        }
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
