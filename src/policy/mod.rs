//! The IAM policy language: documents, their parse into a located syntax
//! tree with diagnostics, wildcard matching and policy variables.

pub mod ast;
pub mod diagnostics;
pub mod document;
pub mod glob;
pub mod kind;
pub mod parse;
pub mod variables;

pub use ast::*;
pub use diagnostics::{Diagnostic, LineIndex, Severity};
pub use document::{PolicyDocument, pretty_json, size_without_whitespace};
pub use kind::PolicyKind;
pub use parse::{ParsedPolicy, parse_date, parse_policy};
