//! iamscope's core: an AWS account's identity and access setup held in memory,
//! the IAM policy language, AWS's evaluation logic with explanations, the
//! action catalogue, analyses, and import/export of the files people have.
//!
//! The core (`model`, `policy`, `eval`, `evidence`, `catalog`, `analysis`, `io`,
//! `lessons`, `session`) never
//! depends on a terminal library; `cli` and `tui` are thin front-ends over it,
//! so both always give the same answer to the same question.
//!
//! # The front door
//!
//! What a caller needs is re-exported here: load an account ([`load`],
//! [`load_bytes`]), write a request ([`RequestSpec`]), and ask the engine —
//! [`decide`] for the decision alone, [`evaluate`] for the decision with its
//! explanation (the deciding statements, why every other statement did not
//! apply, and the assumptions made). The modules hold the rest.
//!
//! ```
//! use iamscope::{Decision, RequestSpec, evaluate, load};
//!
//! // No file: the embedded demo account.
//! let account = load(&[], None).expect("the demo account loads");
//! let now = "2026-12-04T10:00:00Z".parse().expect("a time");
//! let request = RequestSpec::new("user/alice", "s3:GetObject", "arn:aws:s3:::photos/cat.jpg")
//!     .to_request(now)
//!     .expect("a well-formed request");
//! let answer = evaluate(&account.model, &request).expect("alice is in the demo account");
//! assert_eq!(answer.decision, Decision::Allow);
//! assert!(!answer.deciding.is_empty(), "an Allow names the statements that allowed it");
//! ```

pub mod analysis;
pub mod catalog;
#[cfg(feature = "cli")]
pub mod cli;
pub mod eval;
pub mod evidence;
pub mod io;
pub(crate) mod json;
pub mod lessons;
pub mod model;
pub mod policy;
pub mod session;
#[cfg(feature = "tui")]
pub mod tui;

pub use analysis::escalation::escalation;
pub use analysis::lint::{lint_account, lint_text};
pub use analysis::reach::reach;
pub use analysis::what_can::what_can;
pub use analysis::who_can::who_can;
pub use analysis::{AnalysisOptions, Progress};
pub use catalog::{Catalog, catalog};
pub use eval::{
    Assume, Basis, Decision, EvalError, Explanation, Outcome, PrincipalSpec, Request, RequestSpec, RequestWarning,
    decide, decide_noting, evaluate,
};
pub use io::{LoadError, Loaded, load, load_bytes};
pub use model::{Account, EntityRef, Model};
pub use policy::{PolicyDocument, PolicyKind};
