//! Questions asked of a whole account: counts and health, who can, what can,
//! which roles each principal can reach, who a federated trust lets in, and
//! privilege-escalation paths.
//! Every permission question goes to the engine.
//!
//! The whole-account analyses take their request time and context from the
//! caller ([`AnalysisOptions`]; there is no clock in here), report how far
//! they have got and stop when asked ([`Progress`]), and hand results over
//! as they are found, so memory stays bounded on the largest accounts.

mod classes;
pub mod diff;
pub mod escalation;
pub mod exclusions;
pub mod federation;
pub mod impact;
pub mod lint;
#[doc(hidden)]
pub mod naive;
pub mod patterns;
pub(crate) mod probe;
pub mod question;
pub mod reach;
pub mod self_context;
pub mod summary;
pub mod what_can;
pub mod who_can;

/// What runs as which role, to settle escalation paths (the model keeps it).
pub use crate::model::inventory;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use jiff::Timestamp;

use crate::eval::Context;

/// What every question of an analysis carries.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// Condition keys every request carries (`--context KEY=VALUE`).
    pub context: Context,
    /// The request time (`aws:CurrentTime`) of every request.
    pub now: Timestamp,
    /// The longest chain of roles followed (reach and escalation).
    pub max_depth: usize,
    /// What runs as which role, to settle escalation paths that assume an
    /// existing resource ([`inventory`]); none: the account's own, if it has one.
    pub inventory: Option<std::sync::Arc<inventory::Inventory>>,
    /// Escalation: keep only paths that rest on no assumption.
    pub certain_only: bool,
}

impl AnalysisOptions {
    /// No extra context, the default depth, requests made at `now`.
    pub fn at(now: Timestamp) -> AnalysisOptions {
        AnalysisOptions {
            context: Context::new(),
            now,
            max_depth: reach::DEFAULT_MAX_DEPTH,
            inventory: None,
            certain_only: false,
        }
    }
}

/// How far a whole-account analysis has got, and a way to stop it. Share it
/// (by reference, or in an `Arc`) with whatever shows progress or catches
/// ctrl-c: the analysis counts the principals it has finished and, once
/// [`Progress::cancel`] is called, stops at the next principal and returns
/// what it found until then.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

/// For work nobody will cancel.
pub(crate) static UNCANCELLED: Progress = Progress::new();

impl Progress {
    pub const fn new() -> Progress {
        Progress {
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            cancelled: AtomicBool::new(false),
        }
    }

    /// Ask the analysis to stop.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Principals finished so far.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Principals to do (0 until the analysis has counted them).
    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    pub(crate) fn begin(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    pub(crate) fn advance(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}
