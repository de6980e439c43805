//! The change log a workspace file keeps (under [`LOG_KEY`]): every change
//! made in iamscope since the account left AWS, with the AWS CLI commands
//! that make it, so the script can be written later without the account as
//! it was before.

use serde::{Deserialize, Serialize};

use crate::model::Account;
use crate::model::change::{Applied, Change, History};

/// A change as a workspace file remembers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    pub change: Change,
    pub commands: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Logged {
    pub fn of(applied: &Applied) -> Logged {
        Logged {
            change: applied.change.clone(),
            commands: super::script::command_lines(&applied.steps),
            notes: applied.notes.clone(),
        }
    }
}

/// The key of a workspace file that holds the changes made in iamscope
/// since the account was exported from AWS.
pub const LOG_KEY: &str = "IamscopeChanges";

/// The changes a workspace file records, oldest first; none in a plain export.
pub fn read_log(account: &Account) -> Result<Vec<Logged>, String> {
    match account.extra.get(LOG_KEY) {
        None => Ok(Vec::new()),
        Some(value) => serde_path_to_error::deserialize(value.clone())
            .map_err(|e| format!("{LOG_KEY}.{}: {}", e.path(), e.inner())),
    }
}

/// A session's changes as they are kept in a workspace file.
pub fn logged(history: &History) -> Vec<Logged> {
    history.done().iter().map(Logged::of).collect()
}
