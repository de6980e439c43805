//! The IAM policy language: documents, their parse into a located syntax
//! tree with diagnostics, wildcard matching and policy variables.

pub(crate) mod ast;
pub(crate) mod diagnostics;
pub(crate) mod document;
pub mod glob;
pub(crate) mod kind;
pub mod parse;
pub(crate) mod variables;

pub use ast::*;
pub use diagnostics::{Diagnostic, LineIndex, Severity};
pub use document::{PolicyDocument, pretty_json, size_without_whitespace};
pub use kind::PolicyKind;
pub use parse::{ParsedPolicy, parse_date, parse_policy};
