//! Text as Python sees it: code-point positions, Python's lower(), isspace() and round().
//!
//! Every position the tagger reports is an index into the Python `str` (a code point), so the
//! text is held as a `Vec<char>` next to its UTF-8 form, with a byte -> code point map for the
//! substring searches done on the bytes.

/// Python's `str.isspace()` for one character (Unicode 14: bidi classes WS, B, S, or Zs).
pub fn py_isspace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0b}'
            | '\u{0c}'
            | '\r'
            | '\u{1c}'..='\u{1f}'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `str.upper() == s` for one character: upper case maps it to itself.
pub fn upper_is_self(c: char) -> bool {
    let mut up = c.to_uppercase();
    up.next() == Some(c) && up.next().is_none()
}

/// `str.lower() != s` for one character: lower case changes it.
pub fn lower_changes(c: char) -> bool {
    let mut low = c.to_lowercase();
    !(low.next() == Some(c) && low.next().is_none())
}

/// Python's `round(x, 3)`: correctly rounded to the nearest 3-decimal value, ties to even, as
/// Rust's exact float formatting does.
pub fn round3(x: f64) -> f64 {
    format!("{x:.3}").parse().unwrap_or(x)
}

const AR_FOLD: [(char, char); 9] = [
    ('أ', 'ا'),
    ('إ', 'ا'),
    ('آ', 'ا'),
    ('ٱ', 'ا'),
    ('ى', 'ي'),
    ('ی', 'ي'),
    ('ک', 'ك'),
    ('ة', 'ه'),
    ('ۀ', 'ه'),
];

pub fn is_arabic(c: char) -> bool {
    ('\u{600}'..'\u{700}').contains(&c)
}

/// Harakat, superscript alef and tatweel: dropped before matching.
pub fn is_ar_drop(c: char) -> bool {
    ('\u{64b}'..='\u{652}').contains(&c) || c == '\u{670}' || c == '\u{640}'
}

fn fold_arabic_char(c: char) -> char {
    for (from, to) in AR_FOLD {
        if c == from {
            return to;
        }
    }
    c
}

/// Python's `text.replace("\u0130", "I").lower()` as code points (the same count as `text`:
/// every other character lower-cases to exactly one), then the Arabic letter folds when the
/// text has Arabic script. Returns the folded text and whether it has Arabic script.
pub fn fold(text: &[char]) -> (Vec<char>, bool) {
    let mut arabic = false;
    let mut low: Vec<char> = Vec::with_capacity(text.len());
    let mut sigma = false;
    for &c in text {
        if c.is_ascii() {
            low.push(c.to_ascii_lowercase());
            continue;
        }
        sigma |= c == 'Σ';
        arabic |= is_arabic(c);
        // every character but İ lower-cases to exactly one (Unicode 16); İ was made I first
        low.push(if c == '\u{130}' {
            'i'
        } else {
            c.to_lowercase().next().unwrap_or(c)
        });
    }
    if sigma {
        // Σ lower-cases by context (final ς), as str.lower() and Rust's str::to_lowercase do
        let source: String = text.iter().map(|&c| if c == '\u{130}' { 'I' } else { c }).collect();
        let full: Vec<char> = source.to_lowercase().chars().collect();
        if full.len() == low.len() {
            low = full;
        }
    }
    if arabic {
        for c in low.iter_mut() {
            *c = fold_arabic_char(*c);
        }
    }
    (low, arabic)
}

/// `fold` of a string, as a string (rule lookups by surface form).
pub fn fold_str(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    fold(&chars).0.into_iter().collect()
}

/// A text both as code points and as UTF-8, for searches that report code-point positions.
pub struct Indexed {
    pub chars: Vec<char>,
    pub utf8: String,
    byte_to_char: Option<Vec<u32>>, // None: ASCII, bytes are code points
}

impl Indexed {
    pub fn new(chars: Vec<char>) -> Self {
        let utf8: String = chars.iter().collect();
        let byte_to_char = if utf8.len() == chars.len() {
            None
        } else {
            let mut map = vec![0u32; utf8.len() + 1];
            for (n, (b, _)) in utf8.char_indices().enumerate() {
                map[b] = n as u32;
            }
            map[utf8.len()] = chars.len() as u32;
            Some(map)
        };
        Indexed {
            chars,
            utf8,
            byte_to_char,
        }
    }

    pub fn char_at_byte(&self, byte: usize) -> usize {
        match &self.byte_to_char {
            None => byte,
            Some(map) => map[byte] as usize,
        }
    }
}

/// `chars[..end]` ends with `suffix` (as code points).
pub fn ends_with(chars: &[char], end: usize, suffix: &[char]) -> bool {
    end >= suffix.len() && &chars[end - suffix.len()..end] == suffix
}

/// `chars[start..]` starts with `prefix`.
pub fn starts_with(chars: &[char], start: usize, prefix: &[char]) -> bool {
    start + prefix.len() <= chars.len() && &chars[start..start + prefix.len()] == prefix
}

pub fn to_chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

pub fn slice(chars: &[char], start: usize, end: usize) -> String {
    chars[start.min(chars.len())..end.min(chars.len())].iter().collect()
}

/// Python's `str.split()` words of `chars`.
pub fn split_words(chars: &[char]) -> Vec<&[char]> {
    chars.split(|&c| py_isspace(c)).filter(|w| !w.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_like_python() {
        assert_eq!(round3(0.0625), 0.062);
        assert_eq!(round3(0.9375), 0.938);
        assert_eq!(round3(0.12345), 0.123);
        assert_eq!(round3(1.0), 1.0);
    }

    #[test]
    fn fold_keeps_length() {
        for s in ["İSTANBUL", "أإآ ى ة", "Straße", "ﬁnal", "ΟΔΟΣ"] {
            let chars = to_chars(s);
            assert_eq!(fold(&chars).0.len(), chars.len());
        }
    }
}
