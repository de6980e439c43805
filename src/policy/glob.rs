//! IAM's wildcard matching: `*` matches any run of characters (also none),
//! `?` matches exactly one character, everything else matches itself.
//!
//! Written here rather than taken from a crate because IAM also needs
//! *literal* `*` and `?` (the policy-variable escapes `${*}` and `${?}`), which
//! the wildcard crates cannot express, and because the engine matches millions
//! of actions a second, so matching must not allocate.

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pieces: Vec<Piece>,
    /// The text before the first wildcard: a cheap first test.
    prefix_len: usize,
    case: Case,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    /// ASCII case-insensitive (action names, `…IgnoreCase` operators).
    Insensitive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(Box<str>),
    Star,
    Question,
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
        let mut pieces: Vec<Piece> = Vec::with_capacity(parts.len());
        let mut literal = String::new();
        let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(literal).into_boxed_str()));
            }
        };
        for part in parts {
            match part {
                GlobPart::Text(t) => literal.push_str(t),
                GlobPart::LiteralChar(c) => literal.push(*c),
                GlobPart::Star => {
                    flush(&mut literal, &mut pieces);
                    // `**` is the same as `*`
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                    }
                }
                GlobPart::Question => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Question);
                }
            }
        }
        flush(&mut literal, &mut pieces);
        let prefix_len = match pieces.first() {
            Some(Piece::Literal(l)) => l.len(),
            _ => 0,
        };
        Glob {
            pieces,
            prefix_len,
            case,
        }
    }

    /// True when the pattern is exactly `*`.
    pub fn matches_everything(&self) -> bool {
        self.pieces == [Piece::Star]
    }

    /// True when the pattern has no wildcard.
    pub fn is_literal(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Literal(_)))
    }

    pub fn is_match(&self, text: &str) -> bool {
        if self.prefix_len > 0 {
            let Some(Piece::Literal(prefix)) = self.pieces.first() else {
                unreachable!("prefix_len is only set for a leading literal")
            };
            if text.len() < prefix.len() || !eq(&text.as_bytes()[..prefix.len()], prefix.as_bytes(), self.case) {
                return false;
            }
            return match_from(&self.pieces[1..], &text[prefix.len()..], self.case);
        }
        match_from(&self.pieces, text, self.case)
    }
}

fn eq(a: &[u8], b: &[u8], case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(b),
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize, case: Case) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    (from..=haystack.len().checked_sub(needle.len())?).find(|&i| eq(&haystack[i..i + needle.len()], needle, case))
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

/// Match with backtracking to the last star only: linear for typical
/// patterns, never exponential.
fn match_from(pieces: &[Piece], text: &str, case: Case) -> bool {
    let bytes = text.as_bytes();
    let mut p = 0; // piece index
    let mut t = 0; // byte index in text
    // Where to resume after the most recent star: (piece after star, text position).
    let mut resume: Option<(usize, usize)> = None;
    loop {
        if p == pieces.len() {
            if t == bytes.len() {
                return true;
            }
        } else {
            match &pieces[p] {
                Piece::Star => {
                    if p + 1 == pieces.len() {
                        return true; // a trailing star takes the rest
                    }
                    resume = Some((p + 1, t));
                    p += 1;
                    continue;
                }
                Piece::Question => {
                    if t < bytes.len() {
                        t += char_len(bytes[t]);
                        p += 1;
                        continue;
                    }
                }
                Piece::Literal(lit) => {
                    let lit = lit.as_bytes();
                    if resume.is_some_and(|(after, _)| after == p) {
                        // Right after a star: jump to the next occurrence.
                        if let Some(at) = find(bytes, lit, t, case) {
                            resume = Some((p, at + 1));
                            t = at + lit.len();
                            p += 1;
                            continue;
                        }
                        return false; // no later occurrence can exist either
                    }
                    if bytes.len() - t >= lit.len() && eq(&bytes[t..t + lit.len()], lit, case) {
                        t += lit.len();
                        p += 1;
                        continue;
                    }
                }
            }
        }
        // Mismatch: let the last star take one more character.
        match resume {
            Some((after, at)) if at <= bytes.len() => {
                p = after;
                t = at;
                if let Some(Piece::Literal(_)) = pieces.get(after) {
                    // `find` advances by itself from `t`.
                    resume = Some((after, at));
                } else {
                    if at >= bytes.len() {
                        return false;
                    }
                    resume = Some((after, at + char_len(bytes[at])));
                }
            }
            _ => return false,
        }
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

    proptest::proptest! {
        #[test]
        fn a_text_always_matches_itself_and_star(text in "[a-z/:*?]{0,20}") {
            let literal = Glob::from_parts(&[GlobPart::Text(&text)], Case::Sensitive);
            proptest::prop_assert!(literal.is_match(&text));
            proptest::prop_assert!(m("*", &text));
        }

        #[test]
        fn agrees_with_a_simple_recursive_matcher(pattern in "[ab*?]{0,8}", text in "[ab]{0,10}") {
            fn reference(p: &[u8], t: &[u8]) -> bool {
                match (p.first(), t.first()) {
                    (None, None) => true,
                    (None, Some(_)) => false,
                    (Some(b'*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
                    (Some(b'?'), Some(_)) => reference(&p[1..], &t[1..]),
                    (Some(c), Some(d)) => c == d && reference(&p[1..], &t[1..]),
                    (Some(_), None) => false,
                }
            }
            proptest::prop_assert_eq!(m(&pattern, &text), reference(pattern.as_bytes(), text.as_bytes()));
        }
    }
}
