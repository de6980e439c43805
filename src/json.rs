//! What JSON parsers let through but iamscope must not: a key given twice in
//! one object (the parsers keep one of the two and drop the other without a
//! word) and nesting deeper than any real file (which would exhaust the stack
//! of a recursive parser). One pass over the text, no recursion, nothing
//! built; the errors say where, as line:column and JSON path.
//!
//! The scan does not check the rest of the syntax: a malformed file is left
//! to the parser that follows, which says where it breaks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// A place in a text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    /// Byte offset.
    pub offset: usize,
}

impl Location {
    pub fn of(text: &[u8], offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        Location { line, column, offset }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrictError {
    #[error(
        "key `{key}` appears twice in one object (at {first} and at {second}; JSON path {path}): a JSON reader keeps only one of them, so the other would be lost without a word — merge the two or delete one"
    )]
    DuplicateKey {
        key: String,
        first: Location,
        second: Location,
        /// The object holding the key, e.g. `UserDetailList[3]`; `$` for the top.
        path: String,
    },
    #[error("the JSON nests deeper than {limit} levels at {at} (JSON path {path}); {why}")]
    TooDeep {
        limit: usize,
        at: Location,
        path: String,
        /// Why the limit is what it is, for the message.
        why: &'static str,
    },
}

impl StrictError {
    pub fn location(&self) -> Location {
        match self {
            StrictError::DuplicateKey { second, .. } => *second,
            StrictError::TooDeep { at, .. } => *at,
        }
    }
}

/// How deep a file may nest, and why (for the message).
#[derive(Debug, Clone, Copy)]
pub struct DepthLimit {
    pub levels: usize,
    pub why: &'static str,
}

enum Frame<'t> {
    Object {
        expect_key: bool,
        /// The key whose value is being read.
        current: Option<Cow<'t, str>>,
        keys: Keys<'t>,
    },
    Array {
        index: usize,
    },
}

/// An object's keys so far: a list while short, a map when long.
#[derive(Default)]
struct Keys<'t> {
    list: Vec<(Cow<'t, str>, usize)>,
    map: Option<HashMap<Cow<'t, str>, usize>>,
}

impl<'t> Keys<'t> {
    /// Records `key` at `offset`; the offset of its first appearance if it is a repeat.
    fn insert(&mut self, key: Cow<'t, str>, offset: usize) -> Option<usize> {
        if let Some(map) = &mut self.map {
            if let Some(&first) = map.get(&key) {
                return Some(first);
            }
            map.insert(key, offset);
            return None;
        }
        if let Some((_, first)) = self.list.iter().find(|(k, _)| *k == key) {
            return Some(*first);
        }
        self.list.push((key, offset));
        if self.list.len() > 16 {
            self.map = Some(self.list.drain(..).collect());
        }
        None
    }
}

/// Check `text` for repeated keys and for nesting beyond `depth`.
pub fn check(text: &[u8], depth: DepthLimit) -> Result<(), StrictError> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        match b {
            b'{' | b'[' => {
                if stack.len() >= depth.levels {
                    return Err(StrictError::TooDeep {
                        limit: depth.levels,
                        at: Location::of(text, i),
                        path: path_of(&stack),
                        why: depth.why,
                    });
                }
                stack.push(if b == b'{' {
                    Frame::Object {
                        expect_key: true,
                        current: None,
                        keys: Keys::default(),
                    }
                } else {
                    Frame::Array { index: 0 }
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                    Some(Frame::Array { index }) => *index += 1,
                    None => {}
                }
                i += 1;
            }
            b'"' => {
                let Some(end) = string_end(text, i) else {
                    return Ok(()); // an unterminated string: the parser says where
                };
                if let Some(Frame::Object {
                    expect_key,
                    current,
                    keys,
                }) = stack.last_mut()
                    && *expect_key
                {
                    *expect_key = false;
                    let key = unescape(&text[i + 1..end - 1]);
                    if let Some(first) = keys.insert(key.clone(), i) {
                        let key = key.into_owned();
                        let first = Location::of(text, first);
                        let second = Location::of(text, i);
                        // The path names the object holding the key.
                        stack.pop();
                        return Err(StrictError::DuplicateKey {
                            key,
                            first,
                            second,
                            path: path_of(&stack),
                        });
                    }
                    *current = Some(key);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// The byte after the string that starts with the quote at `start`.
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

fn unescape(raw: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(raw);
    if !raw.contains(&b'\\') {
        return text;
    }
    match serde_json::from_str::<String>(&format!("\"{text}\"")) {
        Ok(s) => Cow::Owned(s),
        Err(_) => text,
    }
}

fn path_of(stack: &[Frame<'_>]) -> String {
    let mut path = String::from("$");
    for frame in stack {
        match frame {
            Frame::Object { current: Some(key), .. } => {
                path.push('.');
                path.push_str(key);
            }
            Frame::Object { current: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.len() > 1 {
        path.remove(0);
        if path.starts_with('.') {
            path.remove(0);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEEP: DepthLimit = DepthLimit { levels: 4, why: "test" };

    #[test]
    fn a_repeated_key_is_found_with_both_places_and_the_object() {
        let text = b"{\n  \"UserDetailList\": [],\n  \"Policies\": [],\n  \"UserDetailList\": [{\"a\": 1}]\n}";
        let err = check(text, DEEP).unwrap_err();
        let StrictError::DuplicateKey {
            key,
            first,
            second,
            path,
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!(key, "UserDetailList");
        assert_eq!((first.line, first.column), (2, 3));
        assert_eq!((second.line, second.column), (4, 3));
        assert_eq!(path, "$");
        assert!(err.to_string().contains("at 2:3 and at 4:3"), "{err}");
    }

    #[test]
    fn repeats_deep_inside_and_escaped_spellings_count() {
        let text = br#"{"L": [{"x": 1}, {"Effect": "Allow", "Eff\u0065ct": "Deny"}]}"#;
        let err = check(text, DEEP).unwrap_err();
        assert!(
            matches!(&err, StrictError::DuplicateKey { key, path, .. } if key == "Effect" && path == "L[1]"),
            "{err}"
        );
        // the same key in sibling objects, and a value equal to a key, are fine
        check(br#"{"a": {"k": "k"}, "b": {"k": 1}, "k": ["k", "k"]}"#, DEEP).unwrap();
    }

    #[test]
    fn many_keys_use_a_map_and_still_find_repeats() {
        let keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        let mut text = format!("{{{}}}", keys.join(","));
        check(text.as_bytes(), DEEP).unwrap();
        text.insert_str(1, "\"k57\": 0, ");
        assert!(check(text.as_bytes(), DEEP).is_err());
    }

    #[test]
    fn nesting_beyond_the_limit_is_refused_where_it_happens() {
        check(b"[[[[]]]]", DEEP).unwrap();
        let err = check(b"{\"a\": [[[[1]]]]}", DEEP).unwrap_err();
        assert!(
            matches!(err, StrictError::TooDeep { at, .. } if at.column == 10),
            "{err}"
        );
        assert!(err.to_string().contains("a[0][0]"), "{err}");
        // a million brackets: no recursion, no stack to run out of
        assert!(check(&vec![b'['; 1_000_000], DEEP).is_err());
    }

    #[test]
    fn brackets_inside_strings_are_text() {
        check(br#"{"a": "[[[[[[{{{{", "b": "\"}]"}"#, DEEP).unwrap();
    }
}
