//! One way to point at anything in an account — a user, a group, a role, a
//! managed policy (at a version), an inline policy, a trust policy, a
//! resource policy, an SCP or RCP, an identity or user pool — by its name
//! or ARN, never by its position in a list, so a reference stays right
//! after edits and can be written to a file and read back.

use serde::{Deserialize, Serialize};

use super::index::Holder;
use super::{Model, OrgPolicy};
use crate::policy::PolicyDocument;

/// A reference to one thing in an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EntityRef {
    Root,
    User {
        name: String,
    },
    Group {
        name: String,
    },
    Role {
        name: String,
    },
    /// A managed policy; with a version, that version's document.
    ManagedPolicy {
        arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
    },
    /// An inline policy of a user, group or role.
    InlinePolicy {
        holder: Holder,
        name: String,
    },
    TrustPolicy {
        role: String,
    },
    /// A resource-based policy (bucket, key, queue, …), by its resource's ARN.
    ResourcePolicy {
        resource_arn: String,
    },
    /// A service control policy, by name and where it is attached.
    Scp {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    /// A resource control policy, by name and where it is attached.
    Rcp {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    IdentityPool {
        id: String,
    },
    UserPool {
        id: String,
    },
}

impl From<Holder> for EntityRef {
    fn from(holder: Holder) -> EntityRef {
        match holder {
            Holder::User(name) => EntityRef::User { name },
            Holder::Group(name) => EntityRef::Group { name },
            Holder::Role(name) => EntityRef::Role { name },
        }
    }
}

impl EntityRef {
    pub fn user(name: impl Into<String>) -> EntityRef {
        EntityRef::User { name: name.into() }
    }

    pub fn group(name: impl Into<String>) -> EntityRef {
        EntityRef::Group { name: name.into() }
    }

    pub fn role(name: impl Into<String>) -> EntityRef {
        EntityRef::Role { name: name.into() }
    }

    pub fn managed_policy(arn: impl Into<String>) -> EntityRef {
        EntityRef::ManagedPolicy {
            arn: arn.into(),
            version: None,
        }
    }

    /// Whether this is a policy (as opposed to an identity or a pool).
    pub fn is_policy(&self) -> bool {
        matches!(
            self,
            EntityRef::ManagedPolicy { .. }
                | EntityRef::InlinePolicy { .. }
                | EntityRef::TrustPolicy { .. }
                | EntityRef::ResourcePolicy { .. }
                | EntityRef::Scp { .. }
                | EntityRef::Rcp { .. }
        )
    }

    /// The principal form requests use (`user/alice`, `role/app`, `root`),
    /// for the things that can make requests.
    pub fn principal(&self) -> Option<String> {
        match self {
            EntityRef::Root => Some("root".to_owned()),
            EntityRef::User { name } => Some(format!("user/{name}")),
            EntityRef::Role { name } => Some(format!("role/{name}")),
            _ => None,
        }
    }

    /// Words for people: `user alice`, `inline policy s3 of group dev`.
    pub fn describe(&self) -> String {
        match self {
            EntityRef::Root => "the root user".to_owned(),
            EntityRef::User { name } => format!("user {name}"),
            EntityRef::Group { name } => format!("group {name}"),
            EntityRef::Role { name } => format!("role {name}"),
            EntityRef::ManagedPolicy { arn, version: None } => format!("managed policy {}", short_arn(arn)),
            EntityRef::ManagedPolicy { arn, version: Some(v) } => format!("managed policy {} {v}", short_arn(arn)),
            EntityRef::InlinePolicy { holder, name } => format!("inline policy {name} of {}", holder.describe()),
            EntityRef::TrustPolicy { role } => format!("trust policy of role {role}"),
            EntityRef::ResourcePolicy { resource_arn } => format!("resource policy of {resource_arn}"),
            EntityRef::Scp { name, target } => with_target("SCP", name, target.as_deref()),
            EntityRef::Rcp { name, target } => with_target("RCP", name, target.as_deref()),
            EntityRef::IdentityPool { id } => format!("identity pool {id}"),
            EntityRef::UserPool { id } => format!("user pool {id}"),
        }
    }

    /// Whether the account has it.
    pub fn exists(&self, model: &Model) -> bool {
        let a = model.account();
        match self {
            EntityRef::Root => true,
            EntityRef::User { name } => model.user(name).is_some(),
            EntityRef::Group { name } => model.group(name).is_some(),
            EntityRef::Role { name } => model.role(name).is_some(),
            EntityRef::ManagedPolicy { arn, version } => model.policy(arn).is_some_and(|p| match version {
                Some(v) => p.versions.iter().any(|pv| &pv.id == v),
                None => true,
            }),
            EntityRef::InlinePolicy { .. } | EntityRef::TrustPolicy { .. } => self.document(model).is_some(),
            EntityRef::ResourcePolicy { resource_arn } => {
                a.resource_policies.iter().any(|p| &p.resource_arn == resource_arn)
            }
            EntityRef::Scp { name, target } => find_org(&a.service_control_policies, name, target.as_deref()).is_some(),
            EntityRef::Rcp { name, target } => {
                find_org(&a.resource_control_policies, name, target.as_deref()).is_some()
            }
            EntityRef::IdentityPool { id } => model.identity_pool(id).is_some(),
            EntityRef::UserPool { id } => a.user_pools.iter().any(|p| &p.id == id),
        }
    }

    /// The policy document it names, if it names one (a managed policy
    /// without a version: its default version).
    pub fn document<'m>(&self, model: &'m Model) -> Option<&'m PolicyDocument> {
        let a = model.account();
        match self {
            EntityRef::ManagedPolicy { arn, version: None } => model.policy(arn)?.default_document(),
            EntityRef::ManagedPolicy { arn, version: Some(v) } => model
                .policy(arn)?
                .versions
                .iter()
                .find(|pv| &pv.id == v)
                .map(|pv| &pv.document),
            EntityRef::InlinePolicy { holder, name } => {
                let list = match holder {
                    Holder::User(n) => &model.user(n)?.inline_policies,
                    Holder::Group(n) => &model.group(n)?.inline_policies,
                    Holder::Role(n) => &model.role(n)?.inline_policies,
                };
                list.iter().find(|p| &p.name == name).map(|p| &p.document)
            }
            EntityRef::TrustPolicy { role } => model.role(role)?.trust_policy.as_ref(),
            EntityRef::ResourcePolicy { resource_arn } => a
                .resource_policies
                .iter()
                .find(|p| &p.resource_arn == resource_arn)
                .map(|p| &p.policy),
            EntityRef::Scp { name, target } => {
                find_org(&a.service_control_policies, name, target.as_deref()).map(|p| &p.policy)
            }
            EntityRef::Rcp { name, target } => {
                find_org(&a.resource_control_policies, name, target.as_deref()).map(|p| &p.policy)
            }
            _ => None,
        }
    }
}

/// An SCP or RCP by name and target (the first of that name when the
/// reference names no target).
pub fn find_org<'a>(list: &'a [OrgPolicy], name: &str, target: Option<&str>) -> Option<&'a OrgPolicy> {
    list.iter()
        .find(|p| p.name == name && (target.is_none() || p.target.as_str() == target))
}

fn with_target(kind: &str, name: &str, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("{kind} {name} (at {t})"),
        None => format!("{kind} {name}"),
    }
}

/// `arn:aws:iam::aws:policy/ReadOnlyAccess` → `ReadOnlyAccess`.
fn short_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_find_what_they_name_in_the_demo_account_by_name_not_position() {
        let model = crate::io::load(&[], None).expect("the demo account loads").model;
        let alice = EntityRef::user("alice");
        assert!(alice.exists(&model));
        assert_eq!(alice.principal().as_deref(), Some("user/alice"));
        assert!(!EntityRef::user("nobody").exists(&model));
        let trust = EntityRef::TrustPolicy {
            role: model.account().roles[0].name.clone(),
        };
        assert!(trust.document(&model).is_some());
        let json = serde_json::to_string(&alice).unwrap();
        assert_eq!(json, r#"{"type":"user","name":"alice"}"#);
        assert_eq!(serde_json::from_str::<EntityRef>(&json).unwrap(), alice);
    }
}
