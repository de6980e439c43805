//! Changes to an account: the editor's vocabulary. A [`Change`] says what a
//! person asked for; applying it checks AWS's rules and quotas (refusing with
//! a message that says why and what to do), and records exactly what it
//! replaced, so undo restores the account bit for bit.
//!
//! Changes are serialisable: the crash journal stores them. Each applied
//! change also says which AWS API calls would make it in the real account
//! ([`AwsStep`]); `crate::io::script` writes those as `aws …` commands and
//! `crate::io::change_log` keeps them in workspace files.
//!
//! One file per concern: [`vocabulary`] (what can be asked), [`rules`]
//! (AWS's quotas and name rules), `record` (what undo needs), [`aws`] (the
//! calls), `apply` (one file per kind of entity).

mod apply;
pub(crate) mod aws;
mod record;
pub(crate) mod rules;
pub(crate) mod vocabulary;

pub use aws::{AwsCall, AwsStep};
pub use rules::{Refusal, quota, version_number};
pub use vocabulary::{Change, OrgKind, ROOT, RoleTemplate, describe};

use record::{Recorder, Restore};

use super::Model;

/// A change applied: how to undo it, and what it did in AWS's words.
#[derive(Debug, Clone)]
pub struct Applied {
    pub change: Change,
    undo: Vec<Restore>,
    /// The AWS API calls that make the same change to the real account.
    pub steps: Vec<AwsStep>,
    /// Things the change did besides what was asked (a pruned policy version).
    pub notes: Vec<String>,
}

/// Apply `change` to the model (its index follows), or refuse it and leave
/// the model as it was.
pub fn apply(model: &mut Model, change: &Change, now: jiff::Timestamp) -> Result<Applied, Refusal> {
    let mut rec = Recorder::new(&mut model.account, &mut model.index);
    if let Err(refusal) = apply::apply_to(&mut rec, change, now) {
        rec.roll_back();
        return Err(refusal);
    }
    rec.finish();
    Ok(Applied {
        change: change.clone(),
        undo: std::mem::take(&mut rec.undo),
        steps: std::mem::take(&mut rec.steps),
        notes: std::mem::take(&mut rec.notes),
    })
}

/// Undo an applied change (the model must be as the change left it).
pub fn undo(model: &mut Model, applied: &Applied) {
    let mut rec = Recorder::new(&mut model.account, &mut model.index);
    for restore in applied.undo.iter().rev() {
        rec.restore(restore.clone());
    }
    rec.finish();
}

/// The session's edits: what was done (for undo), what was undone (for redo).
#[derive(Debug, Clone, Default)]
pub struct History {
    done: Vec<Applied>,
    undone: Vec<Change>,
}

impl History {
    /// Apply a new change; the redo list is forgotten.
    pub fn apply(&mut self, model: &mut Model, change: Change, now: jiff::Timestamp) -> Result<&Applied, Refusal> {
        let applied = apply(model, &change, now)?;
        self.undone.clear();
        self.done.push(applied);
        Ok(self.done.last().expect("just pushed"))
    }

    pub fn undo(&mut self, model: &mut Model) -> Option<Change> {
        let applied = self.done.pop()?;
        undo(model, &applied);
        self.undone.push(applied.change.clone());
        Some(applied.change)
    }

    pub fn redo(&mut self, model: &mut Model, now: jiff::Timestamp) -> Option<Result<Change, Refusal>> {
        let change = self.undone.pop()?;
        Some(match apply(model, &change, now) {
            Ok(applied) => {
                self.done.push(applied);
                Ok(change)
            }
            Err(refusal) => {
                self.undone.push(change);
                Err(refusal)
            }
        })
    }

    pub fn done(&self) -> &[Applied] {
        &self.done
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }
}
