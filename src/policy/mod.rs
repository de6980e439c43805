//! The IAM policy language: documents, their parse into a located syntax
//! tree with diagnostics, and the matchers the evaluation engine uses.

pub mod document;
pub mod parse;

pub use document::{PolicyDocument, pretty_json};
