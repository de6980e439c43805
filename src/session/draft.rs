//! What a policy editor is editing, and the text typed there but not yet
//! kept: a draft, which the journal keeps too so a crash loses no typing.

use serde::{Deserialize, Serialize};

use crate::model::Holder;
use crate::model::change::{Change, OrgKind};
use crate::policy::PolicyKind;

/// What is being edited, and so which change keeping it makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "kebab-case")]
pub enum EditTarget {
    Inline {
        holder: Holder,
        name: String,
    },
    /// A customer managed policy: keeping makes a new default version.
    Managed {
        arn: String,
        name: String,
    },
    /// A new customer managed policy.
    NewManaged {
        name: String,
    },
    Trust {
        role: String,
    },
    Resource {
        arn: String,
    },
    Org {
        kind: OrgKind,
        name: String,
    },
}

impl EditTarget {
    pub fn title(&self) -> String {
        match self {
            EditTarget::Inline { holder, name } => format!("inline policy {name} of {}", holder.describe()),
            EditTarget::Managed { name, .. } => format!("{name} (saving makes a new default version)"),
            EditTarget::NewManaged { name } => format!("new managed policy {name}"),
            EditTarget::Trust { role } => format!("trust policy of role {role}"),
            EditTarget::Resource { arn } => format!("policy of {arn}"),
            EditTarget::Org {
                kind: OrgKind::Scp,
                name,
            } => format!("SCP {name}"),
            EditTarget::Org {
                kind: OrgKind::Rcp,
                name,
            } => format!("RCP {name}"),
        }
    }

    /// The policy in a few words, without what saving does.
    pub fn name(&self) -> String {
        match self {
            EditTarget::Managed { name, .. } => name.clone(),
            other => other.title(),
        }
    }

    /// The change that keeps `document` as this policy.
    pub fn change(&self, document: String) -> Change {
        match self {
            EditTarget::Inline { holder, name } => Change::PutInlinePolicy {
                holder: holder.clone(),
                name: name.clone(),
                document,
            },
            EditTarget::Managed { arn, .. } => Change::CreatePolicyVersion {
                arn: arn.clone(),
                document,
            },
            EditTarget::NewManaged { name } => Change::CreatePolicy {
                name: name.clone(),
                path: "/".to_owned(),
                document,
            },
            EditTarget::Trust { role } => Change::UpdateTrustPolicy {
                role: role.clone(),
                document,
            },
            EditTarget::Resource { arn } => Change::PutResourcePolicy {
                resource_arn: arn.clone(),
                document,
            },
            EditTarget::Org { kind, name } => Change::UpdateOrgPolicy {
                kind: *kind,
                name: name.clone(),
                document,
            },
        }
    }

    /// The kind of policy, which decides the rules it is checked against.
    pub fn kind(&self) -> PolicyKind {
        match self {
            EditTarget::Inline { .. } | EditTarget::Managed { .. } | EditTarget::NewManaged { .. } => {
                PolicyKind::Identity
            }
            EditTarget::Trust { .. } => PolicyKind::Trust,
            // a role's ARN as the resource: its trust policy
            EditTarget::Resource { arn } if arn.contains(":iam::") && arn.contains(":role/") => PolicyKind::Trust,
            EditTarget::Resource { .. } => PolicyKind::Resource,
            EditTarget::Org { kind: OrgKind::Scp, .. } => PolicyKind::Scp,
            EditTarget::Org { kind: OrgKind::Rcp, .. } => PolicyKind::Rcp,
        }
    }
}

/// Text typed in the editor and not yet kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub target: EditTarget,
    /// The text as the editor has it.
    pub text: String,
    /// The text the editor opened with, to tell what was typed.
    pub original: String,
}
