//! Policy variables: `${aws:username}` and friends in `Resource` and in
//! condition values, the escapes `${*}`, `${?}` and `${$}`, and default values
//! `${aws:PrincipalTag/team, 'company-wide'}` ("Policy variables" page).

use std::borrow::Cow;

use super::glob::{Case, Glob, GlobPart};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Text(String),
    /// A character that must be taken literally, even `*` or `?`.
    Literal(char),
    Variable {
        /// As written.
        key: String,
        /// Lower-cased: key names are case-insensitive.
        key_lower: String,
        default: Option<String>,
    },
}

/// Text that may contain policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

/// Why a template could not be filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub key: String,
}

impl Template {
    /// Read `${…}` as variables and escapes. With `variables_enabled` false
    /// (Version 2008-10-17 or none) the text is taken literally.
    pub fn parse(text: &str, variables_enabled: bool) -> Template {
        if !variables_enabled || !text.contains("${") {
            return Template {
                parts: vec![TemplatePart::Text(text.to_owned())],
            };
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start + 2..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(TemplatePart::Text(rest[..start].to_owned()));
            }
            let inner = &rest[start + 2..start + 2 + len];
            parts.push(match inner {
                "*" => TemplatePart::Literal('*'),
                "?" => TemplatePart::Literal('?'),
                "$" => TemplatePart::Literal('$'),
                _ => {
                    let (key, default) = split_default(inner);
                    TemplatePart::Variable {
                        key: key.to_owned(),
                        key_lower: key.to_ascii_lowercase(),
                        default,
                    }
                }
            });
            rest = &rest[start + 2 + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest.to_owned()));
        }
        Template { parts }
    }

    /// The plain text every match starts with: the template's leading text
    /// up to its first wildcard or variable. A cheap test before filling in
    /// variables and compiling the pattern.
    pub fn literal_prefix(&self) -> &str {
        match self.parts.first() {
            Some(TemplatePart::Text(t)) => t.find(['*', '?']).map_or(t.as_str(), |end| &t[..end]),
            _ => "",
        }
    }

    pub fn has_variables(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, TemplatePart::Variable { .. }))
    }

    /// True when the template is more than plain text (variables or escapes).
    pub fn is_plain(&self) -> bool {
        matches!(self.parts.as_slice(), [TemplatePart::Text(_)])
    }

    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Variable { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// The text with variables filled in and escapes taken literally.
    pub fn fill<'v>(&self, lookup: &dyn Fn(&str) -> Option<Cow<'v, str>>) -> Result<String, Unresolved> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(t) => out.push_str(t),
                TemplatePart::Literal(c) => out.push(*c),
                TemplatePart::Variable {
                    key,
                    key_lower,
                    default,
                } => match (lookup(key_lower), default) {
                    (Some(value), _) => out.push_str(&value),
                    (None, Some(default)) => out.push_str(default),
                    (None, None) => return Err(Unresolved { key: key.clone() }),
                },
            }
        }
        Ok(out)
    }

    /// A wildcard pattern with variables filled in. Substituted values and
    /// escapes are literal: a `*` that came from `${*}` is not a wildcard.
    pub fn glob<'v>(&self, case: Case, lookup: &dyn Fn(&str) -> Option<Cow<'v, str>>) -> Result<Glob, Unresolved> {
        let mut values: Vec<Cow<'v, str>> = Vec::new();
        for part in &self.parts {
            if let TemplatePart::Variable {
                key,
                key_lower,
                default,
            } = part
            {
                match (lookup(key_lower), default) {
                    (Some(v), _) => values.push(v),
                    (None, Some(d)) => values.push(Cow::Owned(d.clone())),
                    (None, None) => return Err(Unresolved { key: key.clone() }),
                }
            }
        }
        let mut glob_parts = Vec::with_capacity(self.parts.len() * 2);
        let mut next_value = values.iter();
        for part in &self.parts {
            match part {
                TemplatePart::Text(t) => push_wildcards(t, &mut glob_parts),
                TemplatePart::Literal(c) => glob_parts.push(GlobPart::LiteralChar(*c)),
                TemplatePart::Variable { .. } => {
                    let value = next_value.next().expect("one value per variable");
                    for c in value.chars() {
                        glob_parts.push(GlobPart::LiteralChar(c));
                    }
                }
            }
        }
        Ok(Glob::from_parts(&glob_parts, case))
    }

    /// The pattern when there is nothing to fill in.
    pub fn static_glob(&self, case: Case) -> Option<Glob> {
        if self.has_variables() {
            return None;
        }
        self.glob(case, &|_| None).ok()
    }
}

fn push_wildcards<'a>(text: &'a str, out: &mut Vec<GlobPart<'a>>) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '*' || c == '?' {
            if start < i {
                out.push(GlobPart::Text(&text[start..i]));
            }
            out.push(if c == '*' { GlobPart::Star } else { GlobPart::Question });
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(GlobPart::Text(&text[start..]));
    }
}

/// `aws:PrincipalTag/team, 'company-wide'` → key and default.
fn split_default(inner: &str) -> (&str, Option<String>) {
    if let Some((key, rest)) = inner.split_once(',') {
        let rest = rest.trim();
        if rest.len() >= 2 && rest.starts_with('\'') && rest.ends_with('\'') {
            return (key.trim(), Some(rest[1..rest.len() - 1].to_owned()));
        }
    }
    (inner.trim(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(key: &str) -> Option<Cow<'static, str>> {
        match key {
            "aws:username" => Some(Cow::Borrowed("alice")),
            _ => None,
        }
    }

    #[test]
    fn variables_are_filled_in() {
        let t = Template::parse("arn:aws:s3:::b/${aws:username}/*", true);
        assert!(t.has_variables());
        assert_eq!(t.fill(&lookup).unwrap(), "arn:aws:s3:::b/alice/*");
        let g = t.glob(Case::Sensitive, &lookup).unwrap();
        assert!(g.is_match("arn:aws:s3:::b/alice/x"));
        assert!(!g.is_match("arn:aws:s3:::b/bob/x"));
    }

    #[test]
    fn variable_key_names_are_case_insensitive() {
        let t = Template::parse("${AWS:UserName}", true);
        assert_eq!(t.fill(&lookup).unwrap(), "alice");
    }

    #[test]
    fn under_version_2008_variables_are_literal_text() {
        let t = Template::parse("b/${aws:username}/*", false);
        assert!(!t.has_variables());
        let g = t.static_glob(Case::Sensitive).unwrap();
        assert!(g.is_match("b/${aws:username}/x"));
        assert!(!g.is_match("b/alice/x"));
    }

    #[test]
    fn escapes_give_literal_wildcard_characters() {
        let t = Template::parse("${*}literal${?}${$}", true);
        assert_eq!(t.fill(&lookup).unwrap(), "*literal?$");
        let g = t.static_glob(Case::Sensitive).unwrap();
        assert!(g.is_match("*literal?$"));
        assert!(!g.is_match("xliteralx$"));
    }

    #[test]
    fn a_missing_key_uses_the_default_or_is_unresolved() {
        let t = Template::parse("b-${aws:PrincipalTag/team, 'company-wide'}", true);
        assert_eq!(t.fill(&lookup).unwrap(), "b-company-wide");
        let t = Template::parse("b-${aws:PrincipalTag/team}", true);
        assert_eq!(t.fill(&lookup).unwrap_err().key, "aws:PrincipalTag/team");
    }

    #[test]
    fn substituted_values_are_literal_even_with_wildcard_characters() {
        let star = |_: &str| Some(Cow::Borrowed("*"));
        let g = Template::parse("a/${aws:username}", true)
            .glob(Case::Sensitive, &star)
            .unwrap();
        assert!(g.is_match("a/*"));
        assert!(!g.is_match("a/anything"));
    }

    #[test]
    fn an_unclosed_variable_is_text() {
        let t = Template::parse("a/${aws:username", true);
        assert_eq!(t.fill(&lookup).unwrap(), "a/${aws:username");
    }

    #[test]
    fn the_literal_prefix_stops_at_the_first_wildcard_or_variable() {
        let prefix = |t: &str| Template::parse(t, true).literal_prefix().to_owned();
        assert_eq!(prefix("arn:aws:iam::*:user/${aws:username}"), "arn:aws:iam::");
        assert_eq!(prefix("arn:aws:s3:::home/${aws:username}/*"), "arn:aws:s3:::home/");
        assert_eq!(prefix("arn:aws:s3:::b?/x"), "arn:aws:s3:::b");
        assert_eq!(prefix("${aws:username}"), "");
        assert_eq!(prefix("${*}abc"), "");
    }
}
