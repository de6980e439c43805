//! Parsing policy text (placeholder until the located parser lands).

#[derive(Debug, Clone)]
pub struct ParsedPolicy;

pub fn parse_policy(_text: &str) -> ParsedPolicy {
    ParsedPolicy
}
