//! AWS's rules for changes: quotas, name and path rules, and what a policy
//! text must be; and why a change was refused.

use crate::policy::PolicyDocument;

/// Why a change was refused: what AWS's rule is and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

pub(super) fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// AWS's quotas and name rules, kept in [`crate::model::quotas`].
pub use crate::model::quotas as quota;

/// IAM names: letters, digits and `+=,.@_-`, up to `max` characters.
pub(super) fn check_name(kind: &str, name: &str, max: usize) -> Result<(), Refusal> {
    if name.is_empty() {
        return refuse(format!("a {kind} needs a name"));
    }
    if name.chars().count() > max {
        return refuse(format!(
            "a {kind} name has at most {max} characters; `{name}` has {}",
            name.chars().count()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        return refuse(format!(
            "`{bad}` is not allowed in a {kind} name: use letters, digits and + = , . @ _ -"
        ));
    }
    Ok(())
}

/// A managed policy's name, as IAM allows it (before its text is written).
pub fn check_policy_name(name: &str) -> Result<(), Refusal> {
    check_name("policy", name, quota::POLICY_NAME)
}

/// An inline policy's name: up to 128 characters, no white space and none
/// of `\ / * ?` (IAM's PutUserPolicy, PutGroupPolicy, PutRolePolicy).
pub fn check_inline_policy_name(name: &str) -> Result<(), Refusal> {
    if name.is_empty()
        || name.len() > quota::POLICY_NAME
        || name.chars().any(|c| c.is_whitespace() || "\\/*?".contains(c))
    {
        return refuse(format!(
            "`{name}` is not an inline policy name: up to 128 characters, no spaces and none of \\ / * ?"
        ));
    }
    Ok(())
}

pub(super) fn check_path(path: &str) -> Result<(), Refusal> {
    if !path.starts_with('/') || !path.ends_with('/') || path.len() > quota::PATH {
        return refuse(format!(
            "`{path}` is not an IAM path: a path begins and ends with `/` (just `/` is fine)"
        ));
    }
    if path.chars().any(|c| !(c.is_ascii_graphic() && c != '\\' || c == '/')) {
        return refuse(format!("`{path}` has characters IAM paths do not allow"));
    }
    Ok(())
}

/// A policy text must be a policy: JSON the parser reads without errors.
pub(super) fn check_document(what: &str, text: &str, limit: usize) -> Result<PolicyDocument, Refusal> {
    let document = PolicyDocument::from_authored_text(text);
    let parsed = document.parsed();
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::policy::Severity::Error)
    {
        return refuse(format!(
            "{what} has an error at line {}:{}: {} — fix it before saving",
            d.line, d.column, d.message
        ));
    }
    let size = document.size_without_whitespace();
    if size > limit {
        return refuse(format!(
            "{what} is {size} characters without whitespace; AWS allows {limit}: split it or shorten it"
        ));
    }
    Ok(document)
}

/// IAM names of users, groups and roles are unique ignoring case.
pub(super) fn taken(names: impl Iterator<Item = String>, name: &str) -> bool {
    names.into_iter().any(|n| n.eq_ignore_ascii_case(name))
}

pub fn version_number(id: &str) -> u32 {
    id.trim_start_matches('v').parse().unwrap_or(0)
}

pub(super) fn next_id(prefix: &str, seed: &str) -> String {
    // Unique-looking ids for new entities; AWS would assign them.
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    seed.hash(&mut h);
    let mut n = h.finish();
    let mut id = prefix.to_owned();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    while id.len() < 21 {
        id.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
        if n == 0 {
            n = 0x9E37_79B9_7F4A_7C15;
        }
    }
    id
}
