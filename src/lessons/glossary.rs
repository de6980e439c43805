//! The glossary: every term the lessons and the inspector use, defined in
//! a sentence or two of our own (`assets/glossary.toml`).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub name: String,
    /// Other spellings that mean the same term ("implicitly denied").
    #[serde(default)]
    pub also: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    #[serde(rename = "term")]
    pub terms: Vec<Term>,
}

const EMBEDDED: &str = include_str!("../../assets/glossary.toml");

impl Glossary {
    pub fn embedded() -> &'static Glossary {
        static GLOSSARY: std::sync::OnceLock<Glossary> = std::sync::OnceLock::new();
        GLOSSARY.get_or_init(|| {
            let mut g: Glossary = toml::from_str(EMBEDDED).expect("the glossary parses (a test checks it)");
            g.terms.sort_by_key(|t| t.name.to_lowercase());
            g
        })
    }

    /// The term a word names (its name or another spelling), ignoring case.
    pub fn find(&self, word: &str) -> Option<&Term> {
        let word = word.trim().to_lowercase();
        self.terms
            .iter()
            .find(|t| t.name.to_lowercase() == word || t.also.iter().any(|a| a.to_lowercase() == word))
            .or_else(|| self.terms.iter().find(|t| t.name.to_lowercase().starts_with(&word)))
    }

    /// The terms a text uses, in the order they first appear; a longer
    /// spelling wins over a shorter one inside it ("explicit deny" over "deny").
    pub fn terms_in(&self, text: &str) -> Vec<&Term> {
        let lower = text.to_lowercase();
        let mut found: Vec<(usize, usize, &Term)> = Vec::new();
        for term in &self.terms {
            for spelling in std::iter::once(&term.name).chain(&term.also) {
                let s = spelling.to_lowercase();
                let mut from = 0;
                while let Some(at) = lower[from..].find(&s) {
                    let start = from + at;
                    let end = start + s.len();
                    // `arn:aws:…` and `user/alice` are names, not the words ARN and user
                    let word = |c: char| c.is_alphanumeric() || "/-_".contains(c);
                    let before = lower[..start].chars().next_back().is_none_or(|c| !word(c) && c != ':');
                    let mut rest = lower[end..].chars();
                    let after = match rest.next() {
                        None => true,
                        // "Allowed: …" ends a word; "arn:aws" does not
                        Some(':') => rest.next().is_none_or(char::is_whitespace),
                        Some(c) => !word(c),
                    };
                    if before && after {
                        found.push((start, end, term));
                    }
                    from = end;
                }
            }
        }
        // longest first at each place, then drop what lies inside another
        found.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut kept: Vec<(usize, usize, &Term)> = Vec::new();
        for f in found {
            if kept.iter().any(|k| f.0 >= k.0 && f.1 <= k.1) {
                continue;
            }
            kept.push(f);
        }
        let mut terms: Vec<&Term> = Vec::new();
        for (_, _, t) in kept {
            if !terms.iter().any(|x| x.name == t.name) {
                terms.push(t);
            }
        }
        terms
    }
}
