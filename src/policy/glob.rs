//! IAM's wildcard matching: `*` matches any run of characters (also none),
//! `?` matches exactly one character, everything else matches itself.
//!
//! Written here rather than taken from a crate because IAM also needs
//! *literal* `*` and `?` (the policy-variable escapes `${*}` and `${?}`), which
//! the wildcard crates cannot express, and because the engine matches millions
//! of actions a second, so matching must not allocate.

/// A compiled wildcard pattern.
///
/// Matching takes time linear in the text (and never more than one pass over
/// it): the pattern is cut at its stars into segments; the first segment must
/// match at the start, the last at the end, and each one in between is taken
/// at its leftmost place after the previous one — the leftmost place leaves
/// the most text for what follows, so there is never a reason to go back.
/// A segment of plain text is looked for with Knuth–Morris–Pratt; one with a
/// `?` between its letters with a bit-parallel (Shift-And) scan, one machine
/// word per 64 characters of the segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    /// The pattern cut at its stars. Without a star there is one segment that
    /// must match the whole text.
    segments: Vec<Segment>,
    star: bool,
    /// The fewest bytes a matching text has: a cheap first test that also
    /// keeps a huge pattern from costing anything against a short text.
    min_len: usize,
    case: Case,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    /// ASCII case-insensitive (action names, `…IgnoreCase` operators).
    Insensitive,
}

/// One part of a pattern before compiling: literal text, or a wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobPart<'a> {
    Text(&'a str),
    /// A literal character that would otherwise be a wildcard (`${*}` → `*`).
    LiteralChar(char),
    Star,
    Question,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Literal(Box<str>),
    /// A run of `?`: exactly this many characters.
    Any(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    units: Vec<Unit>,
    /// How the segment is looked for when it floats between two stars.
    search: Search,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Search {
    /// Anchored segments are compared in place, never looked for.
    Anchored,
    /// Literal text, then `trailing` single characters.
    Text {
        text: Box<[u8]>,
        failure: Box<[u32]>,
        trailing: usize,
    },
    /// A `?` between letters.
    ShiftAnd(ShiftAnd),
}

impl Glob {
    /// Compile `pattern`, where every `*` and `?` is a wildcard.
    pub fn new(pattern: &str, case: Case) -> Glob {
        let mut parts = Vec::new();
        let mut start = 0;
        for (i, c) in pattern.char_indices() {
            if c == '*' || c == '?' {
                if start < i {
                    parts.push(GlobPart::Text(&pattern[start..i]));
                }
                parts.push(if c == '*' { GlobPart::Star } else { GlobPart::Question });
                start = i + 1;
            }
        }
        if start < pattern.len() {
            parts.push(GlobPart::Text(&pattern[start..]));
        }
        Glob::from_parts(&parts, case)
    }

    /// Compile a pattern whose literal text may itself contain `*` or `?`.
    pub fn from_parts(parts: &[GlobPart<'_>], case: Case) -> Glob {
        // Segments as runs of units; a run of wildcards is written `?…?*`
        // (`*?` and `?*` match the same texts), so a floating segment never
        // starts with `?`.
        let mut segments: Vec<Vec<Unit>> = vec![Vec::new()];
        let mut literal = String::new();
        let flush = |literal: &mut String, segments: &mut Vec<Vec<Unit>>| {
            if !literal.is_empty() {
                let units = segments.last_mut().expect("there is always a segment");
                units.push(Unit::Literal(std::mem::take(literal).into_boxed_str()));
            }
        };
        let mut star = false;
        let mut after_star = false;
        for part in parts {
            match part {
                GlobPart::Text(t) if !t.is_empty() => {
                    literal.push_str(t);
                    after_star = false;
                }
                GlobPart::Text(_) => {}
                GlobPart::LiteralChar(c) => {
                    literal.push(*c);
                    after_star = false;
                }
                GlobPart::Star => {
                    flush(&mut literal, &mut segments);
                    if !after_star {
                        segments.push(Vec::new());
                    }
                    star = true;
                    after_star = true;
                }
                GlobPart::Question => {
                    flush(&mut literal, &mut segments);
                    let n = segments.len();
                    // `*?` → `?*`: the question mark joins the segment before the star.
                    let target = if after_star { n - 2 } else { n - 1 };
                    match segments[target].last_mut() {
                        Some(Unit::Any(n)) => *n += 1,
                        _ => segments[target].push(Unit::Any(1)),
                    }
                }
            }
        }
        flush(&mut literal, &mut segments);
        let min_len = segments
            .iter()
            .flatten()
            .map(|u| match u {
                Unit::Literal(l) => l.len(),
                Unit::Any(n) => *n,
            })
            .sum();
        let last = segments.len() - 1;
        let segments = segments
            .into_iter()
            .enumerate()
            .map(|(i, units)| {
                let search = if i == 0 || i == last {
                    Search::Anchored
                } else {
                    Search::plan(&units, case)
                };
                Segment { units, search }
            })
            .collect();
        Glob {
            segments,
            star,
            min_len,
            case,
        }
    }

    /// True when the pattern is exactly `*`.
    pub fn matches_everything(&self) -> bool {
        self.star && self.min_len == 0 && self.segments.len() == 2
    }

    /// True when the pattern has no wildcard.
    pub fn is_literal(&self) -> bool {
        !self.star && self.segments[0].units.iter().all(|u| matches!(u, Unit::Literal(_)))
    }

    pub fn is_match(&self, text: &str) -> bool {
        if text.len() < self.min_len {
            return false;
        }
        let case = self.case;
        let first = &self.segments[0].units;
        let Some(mut at) = match_forward(first, text, 0, case) else {
            return false;
        };
        if !self.star {
            return at == text.len();
        }
        let last = &self.segments[self.segments.len() - 1].units;
        let Some(end) = match_backward(last, text, text.len(), case) else {
            return false;
        };
        if end < at {
            return false;
        }
        let middle = &text[..end];
        for segment in &self.segments[1..self.segments.len() - 1] {
            match segment.search.find(middle, at, case) {
                Some(after) => at = after,
                None => return false,
            }
        }
        true
    }
}

fn eq(a: &[u8], b: &[u8], case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(b),
    }
}

fn fold(byte: u8, case: Case) -> u8 {
    match case {
        Case::Sensitive => byte,
        Case::Insensitive => byte.to_ascii_lowercase(),
    }
}

/// Length in bytes of the UTF-8 character starting at `byte`.
fn char_len(byte: u8) -> usize {
    match byte {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The units matched in place from byte `at`; the byte after them.
fn match_forward(units: &[Unit], text: &str, mut at: usize, case: Case) -> Option<usize> {
    let bytes = text.as_bytes();
    for unit in units {
        match unit {
            Unit::Literal(l) => {
                let l = l.as_bytes();
                if bytes.len() - at < l.len() || !eq(&bytes[at..at + l.len()], l, case) {
                    return None;
                }
                at += l.len();
            }
            Unit::Any(n) => {
                for _ in 0..*n {
                    let &b = bytes.get(at)?;
                    at += char_len(b);
                }
            }
        }
    }
    Some(at)
}

/// The units matched in place so that they end at byte `end`; where they start.
fn match_backward(units: &[Unit], text: &str, mut end: usize, case: Case) -> Option<usize> {
    let bytes = text.as_bytes();
    for unit in units.iter().rev() {
        match unit {
            Unit::Literal(l) => {
                let l = l.as_bytes();
                if end < l.len() || !eq(&bytes[end - l.len()..end], l, case) {
                    return None;
                }
                end -= l.len();
            }
            Unit::Any(n) => {
                for _ in 0..*n {
                    end = text[..end].char_indices().next_back()?.0;
                }
            }
        }
    }
    Some(end)
}

impl Search {
    fn plan(units: &[Unit], case: Case) -> Search {
        let literal_then_any = match units {
            [Unit::Literal(l)] => Some((l, 0)),
            [Unit::Literal(l), Unit::Any(n)] => Some((l, *n)),
            _ => None,
        };
        match literal_then_any {
            Some((text, trailing)) => {
                let text: Box<[u8]> = text.bytes().map(|b| fold(b, case)).collect();
                let failure = failure_table(&text);
                Search::Text {
                    text,
                    failure,
                    trailing,
                }
            }
            None => Search::ShiftAnd(ShiftAnd::new(units, case)),
        }
    }

    /// The leftmost occurrence in `text` at or after byte `from`: the byte after it.
    fn find(&self, text: &str, from: usize, case: Case) -> Option<usize> {
        match self {
            Search::Anchored => unreachable!("anchored segments are not looked for"),
            Search::Text {
                text: needle,
                failure,
                trailing,
            } => {
                let bytes = text.as_bytes();
                let mut matched = 0usize;
                for (i, &b) in bytes.iter().enumerate().skip(from) {
                    let b = fold(b, case);
                    while matched > 0 && needle[matched] != b {
                        matched = failure[matched - 1] as usize;
                    }
                    if needle[matched] == b {
                        matched += 1;
                    }
                    if matched == needle.len() {
                        // A later occurrence has fewer characters after it, so
                        // if these are missing here they are missing there.
                        let mut at = i + 1;
                        for _ in 0..*trailing {
                            at += char_len(*bytes.get(at)?);
                        }
                        return Some(at);
                    }
                }
                None
            }
            Search::ShiftAnd(s) => s.find(text, from),
        }
    }
}

/// Knuth–Morris–Pratt: for each prefix of `needle`, the length of its longest
/// proper prefix that is also its suffix.
fn failure_table(needle: &[u8]) -> Box<[u32]> {
    let mut table = vec![0u32; needle.len()];
    let mut k = 0usize;
    for i in 1..needle.len() {
        while k > 0 && needle[i] != needle[k] {
            k = table[k - 1] as usize;
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        table[i] = k as u32;
    }
    table.into_boxed_slice()
}

/// Shift-And over characters: bit `j` of the state says the last characters
/// read match the segment's first `j + 1` units. Masks are kept only for the
/// characters the segment names, so memory grows with the segment times its
/// distinct characters, not with the alphabet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShiftAnd {
    /// Units in the segment.
    len: usize,
    words: usize,
    /// Masks of the characters the segment names (both cases when matching
    /// ignores case), sorted by character; each includes the `?` positions.
    named: Vec<(char, Box<[u64]>)>,
    /// The mask of any other character: the `?` positions.
    any: Box<[u64]>,
}

impl ShiftAnd {
    fn new(units: &[Unit], case: Case) -> ShiftAnd {
        let chars: Vec<Option<char>> = units
            .iter()
            .flat_map(|u| match u {
                Unit::Literal(l) => l.chars().map(Some).collect::<Vec<_>>(),
                Unit::Any(n) => vec![None; *n],
            })
            .collect();
        let len = chars.len();
        let words = len.div_ceil(64).max(1);
        let mut any = vec![0u64; words];
        for (j, c) in chars.iter().enumerate() {
            if c.is_none() {
                any[j / 64] |= 1 << (j % 64);
            }
        }
        let mut named: Vec<(char, Box<[u64]>)> = Vec::new();
        for (j, c) in chars.iter().enumerate() {
            let Some(c) = *c else { continue };
            let forms = match case {
                Case::Insensitive if c.is_ascii_alphabetic() => [c.to_ascii_lowercase(), c.to_ascii_uppercase()],
                _ => [c, c],
            };
            for form in forms {
                let slot = match named.binary_search_by(|(o, _)| o.cmp(&form)) {
                    Ok(i) => i,
                    Err(i) => {
                        named.insert(i, (form, any.clone().into_boxed_slice()));
                        i
                    }
                };
                named[slot].1[j / 64] |= 1 << (j % 64);
            }
        }
        ShiftAnd {
            len,
            words,
            named,
            any: any.into_boxed_slice(),
        }
    }

    fn mask(&self, c: char) -> &[u64] {
        match self.named.binary_search_by(|(o, _)| o.cmp(&c)) {
            Ok(i) => &self.named[i].1,
            Err(_) => &self.any,
        }
    }

    fn find(&self, text: &str, from: usize) -> Option<usize> {
        let last_word = (self.len - 1) / 64;
        let last_bit = 1u64 << ((self.len - 1) % 64);
        if self.words == 1 {
            let mut state = 0u64;
            for (i, c) in text[from..].char_indices() {
                state = ((state << 1) | 1) & self.mask(c)[0];
                if state & last_bit != 0 {
                    return Some(from + i + c.len_utf8());
                }
            }
            return None;
        }
        let mut state = vec![0u64; self.words];
        for (i, c) in text[from..].char_indices() {
            let mask = self.mask(c);
            let mut carry = 1u64;
            for (word, m) in state.iter_mut().zip(mask) {
                let next_carry = *word >> 63;
                *word = ((*word << 1) | carry) & m;
                carry = next_carry;
            }
            if state[last_word] & last_bit != 0 {
                return Some(from + i + c.len_utf8());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        Glob::new(pattern, Case::Sensitive).is_match(text)
    }

    #[test]
    fn star_matches_any_run_including_none_and_slashes() {
        // The S3 example from the IAM Resource element page.
        let p = "bucket/*/test/*";
        assert!(m(p, "bucket/1/2/test/3/object.jpg"));
        assert!(m(p, "bucket//test/object.jpg"));
        assert!(m(p, "bucket/1/test/"));
        assert!(!m(p, "bucket/test/object.jpg"));
    }

    #[test]
    fn question_mark_matches_exactly_one_character() {
        assert!(m("iam:Get?ser", "iam:GetUser"));
        assert!(!m("iam:Get?ser", "iam:GetUUser"));
        assert!(!m("iam:Get?ser", "iam:Getser"));
        assert!(m("a?c", "aéc"), "one character, not one byte");
    }

    #[test]
    fn literal_patterns_and_case() {
        assert!(m("arn:aws:s3:::photos", "arn:aws:s3:::photos"));
        assert!(!m("arn:aws:s3:::photos", "arn:aws:s3:::Photos"));
        let insensitive = Glob::new("s3:get*", Case::Insensitive);
        assert!(insensitive.is_match("S3:GetObject"));
        assert!(Glob::new("*", Case::Sensitive).matches_everything());
        assert!(Glob::new("abc", Case::Sensitive).is_literal());
    }

    #[test]
    fn backtracking_finds_later_occurrences() {
        assert!(m("*a*b*c", "xxaxxbxxaxbxc"));
        assert!(m("*ab", "aab"));
        assert!(m("a*a", "aaa"));
        assert!(!m("a*a", "ab"));
        assert!(m("*?", "x"));
        assert!(!m("*?", ""));
        assert!(m("*.jpg", "cat.jpg.jpg"));
        assert!(!m("*.jpg", "cat.png"));
    }

    #[test]
    fn escaped_wildcards_match_only_themselves() {
        let g = Glob::from_parts(
            &[GlobPart::LiteralChar('*'), GlobPart::Text("literal")],
            Case::Sensitive,
        );
        assert!(g.is_match("*literal"));
        assert!(!g.is_match("xliteral"));
    }

    #[test]
    fn question_marks_next_to_stars_and_inside_segments() {
        assert!(m("*?b*", "ab"));
        assert!(!m("*?b*", "b"));
        assert!(m("a*?", "ab"));
        assert!(!m("a*?", "a"));
        assert!(m("*a?c*", "xxabcxx"));
        assert!(m("*a?c*", "aacac"));
        assert!(!m("*a?c*", "acxc"));
        assert!(m("*é?é*", "xéaé"));
        assert!(m("x*ab??*y", "xabcdy"));
        assert!(!m("x*ab??*y", "xabcy"));
        let insensitive = Glob::new("*GET?BJ*", Case::Insensitive);
        assert!(insensitive.is_match("s3:getObject"));
    }

    #[test]
    fn long_segments_with_question_marks_use_several_words() {
        let segment: String = (0..150).map(|i| if i % 7 == 3 { '?' } else { 'a' }).collect();
        let pattern = format!("*{segment}b*");
        let text = format!("{}b", "a".repeat(400));
        assert!(m(&pattern, &text));
        assert!(!m(&pattern, &"a".repeat(400)));
    }

    /// Dynamic programming over characters: slow, but plainly right.
    fn reference(pattern: &str, text: &str, case: Case) -> bool {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        let same = |a: char, b: char| match case {
            Case::Sensitive => a == b,
            Case::Insensitive => a.eq_ignore_ascii_case(&b),
        };
        // row[j]: the pattern so far matches t[..j]
        let mut row = vec![false; t.len() + 1];
        row[0] = true;
        for &pc in &p {
            let mut next = vec![false; t.len() + 1];
            for j in 0..=t.len() {
                next[j] = match pc {
                    '*' => row[j] || (j > 0 && next[j - 1]),
                    '?' => j > 0 && row[j - 1],
                    c => j > 0 && row[j - 1] && same(c, t[j - 1]),
                };
            }
            row = next;
        }
        row[t.len()]
    }

    proptest::proptest! {
        #[test]
        fn a_text_always_matches_itself_and_star(text in "[a-z/:*?]{0,20}") {
            let literal = Glob::from_parts(&[GlobPart::Text(&text)], Case::Sensitive);
            proptest::prop_assert!(literal.is_match(&text));
            proptest::prop_assert!(m("*", &text));
        }

        #[test]
        fn agrees_with_a_simple_recursive_matcher(pattern in "[ab*?]{0,8}", text in "[ab]{0,10}") {
            fn recursive(p: &[u8], t: &[u8]) -> bool {
                match (p.first(), t.first()) {
                    (None, None) => true,
                    (None, Some(_)) => false,
                    (Some(b'*'), _) => recursive(&p[1..], t) || (!t.is_empty() && recursive(p, &t[1..])),
                    (Some(b'?'), Some(_)) => recursive(&p[1..], &t[1..]),
                    (Some(c), Some(d)) => c == d && recursive(&p[1..], &t[1..]),
                    (Some(_), None) => false,
                }
            }
            proptest::prop_assert_eq!(m(&pattern, &text), recursive(pattern.as_bytes(), text.as_bytes()));
        }

        #[test]
        fn agrees_with_the_reference_on_mixed_case_and_wide_characters(
            pattern in "[aAbé:/*?]{0,14}",
            text in "[aAbBé:/]{0,24}",
        ) {
            for case in [Case::Sensitive, Case::Insensitive] {
                proptest::prop_assert_eq!(
                    Glob::new(&pattern, case).is_match(&text),
                    reference(&pattern, &text, case),
                    "{:?}", case
                );
            }
        }

        #[test]
        fn agrees_with_the_reference_on_long_segments(
            pattern in "[ab]{0,3}(\\*[ab?]{1,140}){0,3}\\*?[ab]{0,3}",
            text in "[ab]{0,400}",
        ) {
            proptest::prop_assert_eq!(
                m(&pattern, &text),
                reference(&pattern, &text, Case::Sensitive)
            );
        }
    }
}
