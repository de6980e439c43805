//! A learner's progress through the lessons, kept in the data directory
//! (`iamscope info` names the file) so it survives a restart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Answer;
use crate::model::change::Change;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// The step the learner is on (0-based).
    #[serde(default)]
    pub step: usize,
    /// Steps done: read, predicted, or their checks passed.
    #[serde(default)]
    pub completed: BTreeSet<usize>,
    /// What the learner predicted, by step.
    #[serde(default)]
    pub predictions: BTreeMap<usize, Answer>,
    /// How many hints were shown, by step.
    #[serde(default)]
    pub hints: BTreeMap<usize, usize>,
    /// The learner's changes to the lesson's account, replayed on return.
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(default)]
    pub finished: bool,
}

impl LessonProgress {
    /// Whether the learner has begun the lesson.
    pub fn started(&self) -> bool {
        self.step > 0 || !self.completed.is_empty() || !self.changes.is_empty()
    }
}

impl Progress {
    /// Read the progress file; a missing file is no progress yet.
    pub fn load(path: &Path) -> Result<Progress, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                format!(
                    "{}:{}:{}: {e} (delete the file to start the lessons afresh)",
                    path.display(),
                    e.line(),
                    e.column()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Write it atomically (a crash leaves the old file or the new one).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self).expect("progress serializes");
        crate::io::save::save_atomically(path, text.as_bytes(), None)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub fn of(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    pub fn reset(&mut self, id: Option<&str>) {
        match id {
            Some(id) => drop(self.lessons.remove(id)),
            None => self.lessons.clear(),
        }
    }
}
