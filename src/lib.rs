//! iamscope's core: an AWS account's identity and access setup held in memory,
//! the IAM policy language, AWS's evaluation logic with explanations, the
//! action catalogue, analyses, and import/export of the files people have.
//!
//! The core (`model`, `policy`, `eval`, `evidence`, `catalog`, `analysis`, `io`,
//! `lessons`, `session`) never
//! depends on a terminal library; `cli` and `tui` are thin front-ends over it,
//! so both always give the same answer to the same question.

pub mod analysis;
pub mod catalog;
#[cfg(feature = "cli")]
pub mod cli;
pub mod eval;
pub mod evidence;
pub mod io;
pub mod json;
pub mod lessons;
pub mod model;
pub mod policy;
pub mod session;
#[cfg(feature = "tui")]
pub mod tui;
