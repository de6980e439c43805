//! A policy document as the account holds it: its JSON text, shared cheaply
//! between model versions (undo keeps old versions alive), with its display
//! form and parsed form computed once, on first use.
//!
//! Loading an account does not parse its policies: most are never looked at
//! in a session, and a 10,000-role export loads faster without that work.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::parse::{ParsedPolicy, parse_policy};

#[derive(Clone)]
pub struct PolicyDocument {
    inner: Arc<Inner>,
}

struct Inner {
    /// The text as it came in (from a file, possibly deeply indented, or from
    /// the editor).
    source: Box<str>,
    /// Whether `source` is what a person wrote and must be shown verbatim.
    authored: bool,
    display: OnceLock<Box<str>>,
    parsed: OnceLock<ParsedPolicy>,
}

impl PolicyDocument {
    /// A document imported from an export; it is shown pretty-printed.
    pub fn from_json_text(text: impl Into<Box<str>>) -> PolicyDocument {
        PolicyDocument::new(text.into(), false)
    }

    /// A document a person wrote; it is shown exactly as written, so line and
    /// column numbers in diagnostics match what they typed.
    pub fn from_authored_text(text: impl Into<Box<str>>) -> PolicyDocument {
        PolicyDocument::new(text.into(), true)
    }

    pub fn from_value(value: &serde_json::Value) -> PolicyDocument {
        PolicyDocument::from_authored_text(pretty_json(value))
    }

    fn new(source: Box<str>, authored: bool) -> PolicyDocument {
        PolicyDocument {
            inner: Arc::new(Inner {
                source,
                authored,
                display: OnceLock::new(),
                parsed: OnceLock::new(),
            }),
        }
    }

    /// The text people see and edit; every location in [`Self::parsed`] refers to it.
    pub fn text(&self) -> &str {
        if self.inner.authored {
            return &self.inner.source;
        }
        self.inner.display.get_or_init(|| {
            // A repeated key would be lost in the pretty form: show the text
            // as it is, so the parse reports both.
            if crate::json::check(self.inner.source.as_bytes(), super::parse::POLICY_DEPTH).is_err() {
                return self.inner.source.clone();
            }
            match serde_json::from_str::<serde_json::Value>(&self.inner.source) {
                Ok(value) => pretty_json(&value).into(),
                // Not JSON: show it as it is; the parse reports where it breaks.
                Err(_) => self.inner.source.clone(),
            }
        })
    }

    /// The parsed policy with its diagnostics, computed once.
    pub fn parsed(&self) -> &ParsedPolicy {
        self.inner.parsed.get_or_init(|| parse_policy(self.text()))
    }

    /// The document as a JSON value, for export. `None` when the text is not JSON.
    pub fn to_value(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.inner.source).ok()
    }

    /// Size as AWS counts it for quotas: characters of the document with
    /// whitespace removed (IAM ignores white space when counting).
    pub fn size_without_whitespace(&self) -> usize {
        size_without_whitespace(&self.inner.source)
    }

    /// Two handles on the very same document (cheap identity check).
    pub fn same_as(&self, other: &PolicyDocument) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Policies are shown with four-space indentation, as the IAM console does.
pub fn pretty_json(value: &serde_json::Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut serializer)
        .expect("serialising a JSON value into memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Size of a policy text as AWS counts it against quotas: every character
/// except white space outside strings.
pub fn size_without_whitespace(text: &str) -> usize {
    let mut in_string = false;
    let mut escaped = false;
    let mut count = 0;
    for c in text.chars() {
        if in_string {
            count += 1;
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !c.is_whitespace() {
            count += 1;
            if c == '"' {
                in_string = true;
            }
        }
    }
    count
}

/// Documents are equal when they say the same JSON (key order and layout do
/// not matter); text that is not JSON compares as text.
impl PartialEq for PolicyDocument {
    fn eq(&self, other: &PolicyDocument) -> bool {
        if self.same_as(other) {
            return true;
        }
        match (self.to_value(), other.to_value()) {
            (Some(a), Some(b)) => a == b,
            _ => self.inner.source == other.inner.source,
        }
    }
}

impl fmt::Debug for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyDocument({})", self.inner.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_documents_are_shown_pretty_printed() {
        let doc = PolicyDocument::from_json_text(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        );
        assert!(doc.text().starts_with("{\n    \"Version\": \"2012-10-17\",\n"));
        // key order is the author's, not alphabetical
        assert!(doc.text().find("Effect").unwrap() < doc.text().find("Action").unwrap());
    }

    #[test]
    fn authored_documents_are_shown_verbatim() {
        let text = "{ \"Version\": \"2012-10-17\",\n  \"Statement\": [] }";
        assert_eq!(PolicyDocument::from_authored_text(text).text(), text);
    }

    #[test]
    fn equality_ignores_layout_and_key_order() {
        let a = PolicyDocument::from_json_text(r#"{"Version":"2012-10-17","Statement":[]}"#);
        let b = PolicyDocument::from_authored_text("{\n \"Statement\": [],\n \"Version\": \"2012-10-17\"\n}");
        let c = PolicyDocument::from_json_text(r#"{"Version":"2008-10-17","Statement":[]}"#);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn size_counts_characters_outside_whitespace_but_keeps_spaces_in_strings() {
        let doc = PolicyDocument::from_authored_text("{ \"Sid\" : \"a b\" }");
        assert_eq!(doc.size_without_whitespace(), "{\"Sid\":\"a b\"}".len());
    }
}
