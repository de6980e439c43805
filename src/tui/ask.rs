//! What a prompt or a picker asks for, and the values a picker offers: the
//! payload its answer carries back to the part that asked.

use serde::{Deserialize, Serialize};

use crate::lessons::Answer;
use crate::model::Holder;
use crate::model::change::RoleTemplate;
use crate::session::ExportKind;

/// What a prompt's text is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ask {
    CreateUser,
    CreateGroup,
    CreatePolicy,
    NewInline(Holder),
    RenameUser(String),
    RenameGroup(String),
    CloneUser(String),
    CopyPolicy {
        arn: String,
    },
    RoleName(RoleTemplate),
    RoleAccount,
    SamlProvider,
    /// A file to save the account as; then quit when `quit`.
    SaveAs {
        quit: bool,
    },
    Export(ExportKind),
}

impl Ask {
    /// The prompt's title: what is being done.
    pub fn title(&self) -> &'static str {
        match self {
            Ask::CreateUser => "New user",
            Ask::CreateGroup => "New group",
            Ask::CreatePolicy => "New managed policy",
            Ask::NewInline(_) => "New inline policy",
            Ask::RenameUser(_) => "Rename user",
            Ask::RenameGroup(_) => "Rename group",
            Ask::CloneUser(_) => "Clone user",
            Ask::CopyPolicy { .. } => "Copy an AWS managed policy",
            Ask::RoleName(_) | Ask::SamlProvider => "New role",
            Ask::RoleAccount => "New role for another account",
            Ask::SaveAs { .. } => "Save as",
            Ask::Export(_) => "Export",
        }
    }
}

/// What a picker's choice is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pick {
    Attach(Holder),
    Detach(Holder),
    Groups(String),
    Boundary(Holder),
    RoleTemplate,
    AccessKeys(String),
    DeleteGroup(String),
    Versions(String),
    Prediction,
    EditRole(String),
    /// A member of a group, for the inspector (a group is not a principal).
    InspectMember,
}

/// One choice of a picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PickValue {
    Arn(String),
    Group {
        name: String,
        member: bool,
    },
    Template(RoleTemplate),
    NeedsAccount,
    NeedsSamlProvider,
    NoBoundary,
    Key {
        slot: usize,
        change: KeyChange,
    },
    NewKey,
    RemoveMembersAndDelete,
    Version(String),
    Prediction(Answer),
    Trust,
    NewInline,
    Cancel,
    /// A principal, as the inspector writes it (`user/alice`).
    Principal(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyChange {
    Activate,
    Deactivate,
    Delete,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PickItem {
    pub label: String,
    pub value: PickValue,
}

impl PickItem {
    pub fn new(label: impl Into<String>, value: PickValue) -> PickItem {
        PickItem {
            label: label.into(),
            value,
        }
    }
}
