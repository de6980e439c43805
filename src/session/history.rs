//! The session's changes, each with an id, and the save point as an id.
//!
//! The undo engine is `model::change::History`; this wraps it and keeps,
//! beside it, the ids of the entries done and undone. An id names one state
//! of the account: a new change gets a new id, undo and redo move an entry's
//! id between the two stacks, so the same id always means the same account.
//! "Unsaved" is then one comparison — the id of the current state against
//! the id saved — and never a comparison of lengths (save, undo, make a
//! new change: the length is back where it was, the account is not).

use crate::model::Model;
use crate::model::change::{Applied, Change, History, Refusal};

/// One state of the session's account: the state after the entry of this
/// id was applied. [`EntryId::LOADED`] is the account as it was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(u64);

impl EntryId {
    pub const LOADED: EntryId = EntryId(0);
}

/// The changes of a session, for undo and redo, the change log and the journal.
#[derive(Debug, Clone)]
pub struct Changes {
    history: History,
    /// Ids of `history.done()`, in the same order.
    done: Vec<EntryId>,
    /// Ids of the undone entries, the next to redo last.
    undone: Vec<EntryId>,
    /// The ids that were done when the account was last written (the file
    /// on disk holds exactly these changes).
    saved: Vec<EntryId>,
    next: u64,
}

impl Default for Changes {
    fn default() -> Changes {
        Changes {
            history: History::default(),
            done: Vec::new(),
            undone: Vec::new(),
            saved: Vec::new(),
            next: 1,
        }
    }
}

impl Changes {
    fn fresh(&mut self) -> EntryId {
        let id = EntryId(self.next);
        self.next += 1;
        id
    }

    /// Apply a new change; what was undone can no longer be redone.
    pub fn apply(&mut self, model: &mut Model, change: Change, now: jiff::Timestamp) -> Result<&Applied, Refusal> {
        self.history.apply(model, change, now)?;
        let id = self.fresh();
        self.undone.clear();
        self.done.push(id);
        Ok(self.history.done().last().expect("just applied"))
    }

    pub fn undo(&mut self, model: &mut Model) -> Option<Change> {
        let change = self.history.undo(model)?;
        if let Some(id) = self.done.pop() {
            self.undone.push(id);
        }
        Some(change)
    }

    pub fn redo(&mut self, model: &mut Model, now: jiff::Timestamp) -> Option<Result<Change, Refusal>> {
        let result = self.history.redo(model, now)?;
        if result.is_ok()
            && let Some(id) = self.undone.pop()
        {
            self.done.push(id);
        }
        Some(result)
    }

    /// The id of the account as it is now.
    pub fn current(&self) -> EntryId {
        self.done.last().copied().unwrap_or(EntryId::LOADED)
    }

    /// The id of the account as it was last written.
    pub fn saved_at(&self) -> EntryId {
        self.saved.last().copied().unwrap_or(EntryId::LOADED)
    }

    /// Whether the account differs from what was last written.
    pub fn unsaved(&self) -> bool {
        self.current() != self.saved_at()
    }

    /// How far the account is from what was last written: the changes made
    /// since, plus the saved changes undone since.
    pub fn unsaved_count(&self) -> usize {
        let common = self.common();
        self.done.len() - common + self.saved.len() - common
    }

    /// The account is now what was written.
    pub fn mark_saved(&mut self) {
        self.saved = self.done.clone();
    }

    /// What was written is not any state this history has (a recovered
    /// account): unsaved until it is written.
    pub fn mark_never_saved(&mut self) {
        let id = self.fresh();
        self.saved = vec![id];
    }

    /// How many entries the saved state and the current one share.
    fn common(&self) -> usize {
        self.done.iter().zip(&self.saved).take_while(|(a, b)| a == b).count()
    }

    /// The changes made on top of what was written, when the account is
    /// what was written plus these; `None` when saved changes were undone
    /// since (the account is then no longer a continuation of the file).
    pub fn since_saved(&self) -> Option<Vec<Change>> {
        let common = self.common();
        (common == self.saved.len()).then(|| {
            self.history.done()[common..]
                .iter()
                .map(|applied| applied.change.clone())
                .collect()
        })
    }

    /// Every change done, oldest first, with whether the file holds it.
    pub fn entries(&self) -> impl Iterator<Item = (EntryId, &Applied, bool)> {
        let common = self.common();
        self.done
            .iter()
            .zip(self.history.done())
            .enumerate()
            .map(move |(i, (id, applied))| (*id, applied, i < common))
    }

    /// The changes done, oldest first.
    pub fn done(&self) -> &[Applied] {
        self.history.done()
    }

    /// The undo engine, for what reads its records (the change log).
    pub fn history(&self) -> &History {
        &self.history
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-11-01T00:00:00Z".parse().unwrap()
    }

    fn demo() -> Model {
        crate::io::load(&[], None).unwrap().model
    }

    fn create(name: &str) -> Change {
        Change::CreateUser {
            name: name.to_owned(),
            path: "/".to_owned(),
        }
    }

    #[test]
    fn every_change_gets_its_own_id_and_undo_redo_bring_the_same_id_back() {
        let mut model = demo();
        let mut changes = Changes::default();
        assert_eq!(changes.current(), EntryId::LOADED);
        changes.apply(&mut model, create("eve"), now()).unwrap();
        let first = changes.current();
        changes.apply(&mut model, create("mallory"), now()).unwrap();
        let second = changes.current();
        assert_ne!(first, second);
        assert_ne!(first, EntryId::LOADED);
        changes.undo(&mut model).unwrap();
        assert_eq!(changes.current(), first);
        changes.redo(&mut model, now()).unwrap().unwrap();
        assert_eq!(changes.current(), second, "redo brings back the same state");
        changes.undo(&mut model).unwrap();
        changes.apply(&mut model, create("trent"), now()).unwrap();
        assert_ne!(changes.current(), second, "a new change is a new state");
    }

    #[test]
    fn save_then_undo_then_a_new_change_is_unsaved() {
        let mut model = demo();
        let mut changes = Changes::default();
        changes.apply(&mut model, create("eve"), now()).unwrap();
        changes.mark_saved();
        assert!(!changes.unsaved());
        changes.undo(&mut model).unwrap();
        assert!(changes.unsaved(), "the file still has eve");
        assert_eq!(changes.unsaved_count(), 1);
        changes.apply(&mut model, create("mallory"), now()).unwrap();
        // the same number of changes as when saved, but not the same account
        assert_eq!(changes.done().len(), 1);
        assert!(changes.unsaved());
        assert_eq!(changes.unsaved_count(), 2, "eve undone, mallory made");
        assert_eq!(changes.since_saved(), None, "the file is no longer the base");
    }

    #[test]
    fn undo_past_the_save_and_redo_back_to_it_is_saved_again() {
        let mut model = demo();
        let mut changes = Changes::default();
        changes.apply(&mut model, create("eve"), now()).unwrap();
        changes.apply(&mut model, create("mallory"), now()).unwrap();
        changes.mark_saved();
        changes.undo(&mut model).unwrap();
        changes.undo(&mut model).unwrap();
        assert!(changes.unsaved());
        assert_eq!(changes.unsaved_count(), 2);
        changes.redo(&mut model, now()).unwrap().unwrap();
        changes.redo(&mut model, now()).unwrap().unwrap();
        assert!(!changes.unsaved());
        assert_eq!(changes.since_saved(), Some(Vec::new()));
    }

    #[test]
    fn the_changes_since_the_save_and_which_entries_the_file_holds() {
        let mut model = demo();
        let mut changes = Changes::default();
        changes.apply(&mut model, create("eve"), now()).unwrap();
        changes.mark_saved();
        changes.apply(&mut model, create("mallory"), now()).unwrap();
        assert_eq!(changes.since_saved(), Some(vec![create("mallory")]));
        let saved: Vec<bool> = changes.entries().map(|(_, _, saved)| saved).collect();
        assert_eq!(saved, [true, false]);
        changes.mark_never_saved();
        assert!(changes.unsaved());
        assert_eq!(changes.since_saved(), None);
    }
}
