//! The editor's vocabulary: what a person can ask to change, the role
//! templates it offers, and each change in a few words.

use serde::{Deserialize, Serialize};

use crate::model::index::Holder;

/// The kinds of SCP-like organisation policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Scp,
    Rcp,
}

/// Role templates the editor offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RoleTemplate {
    /// An application on EC2, through an instance profile.
    Ec2,
    /// A Lambda function's execution role.
    Lambda,
    /// Assumable by principals of another account (which must allow it too).
    OtherAccount { account: String },
    /// A Cognito identity pool's role for signed-in or guest identities.
    IdentityPool { pool: String, authenticated: bool },
    /// Users of a SAML identity provider.
    Saml { provider_arn: String },
}

impl RoleTemplate {
    /// The trust policy the template stands for.
    pub fn trust_policy(&self) -> serde_json::Value {
        use serde_json::json;
        let statement = match self {
            RoleTemplate::Ec2 => {
                json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
            }
            RoleTemplate::Lambda => {
                json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
            }
            RoleTemplate::OtherAccount { account } => {
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "sts:AssumeRole"})
            }
            RoleTemplate::IdentityPool { pool, authenticated } => json!({
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": pool},
                    "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": if *authenticated { "authenticated" } else { "unauthenticated" }}
                }
            }),
            RoleTemplate::Saml { provider_arn } => json!({
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
            }),
        };
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }
}

/// One change a person asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Change {
    CreateUser {
        name: String,
        path: String,
    },
    DeleteUser {
        name: String,
    },
    RenameUser {
        name: String,
        new_name: String,
    },
    /// A new user in the same groups with the same attached managed policies,
    /// as the IAM console's "clone" does.
    CloneUser {
        source: String,
        name: String,
    },
    CreateGroup {
        name: String,
        path: String,
    },
    /// Deleting a group that still has members removes them from it first
    /// only when `remove_members` is set.
    DeleteGroup {
        name: String,
        remove_members: bool,
    },
    RenameGroup {
        name: String,
        new_name: String,
    },
    AddUserToGroup {
        user: String,
        group: String,
    },
    RemoveUserFromGroup {
        user: String,
        group: String,
    },
    CreateRole {
        name: String,
        path: String,
        template: RoleTemplate,
    },
    DeleteRole {
        name: String,
    },
    AttachPolicy {
        holder: Holder,
        arn: String,
    },
    DetachPolicy {
        holder: Holder,
        arn: String,
    },
    SetPermissionsBoundary {
        holder: Holder,
        arn: String,
    },
    ClearPermissionsBoundary {
        holder: Holder,
    },
    PutInlinePolicy {
        holder: Holder,
        name: String,
        document: String,
    },
    DeleteInlinePolicy {
        holder: Holder,
        name: String,
    },
    /// A new customer managed policy (also "copy an AWS managed policy").
    CreatePolicy {
        name: String,
        path: String,
        document: String,
    },
    /// A new default version of a customer managed policy.
    CreatePolicyVersion {
        arn: String,
        document: String,
    },
    SetDefaultPolicyVersion {
        arn: String,
        version: String,
    },
    DeletePolicy {
        arn: String,
    },
    UpdateTrustPolicy {
        role: String,
        document: String,
    },
    PutResourcePolicy {
        resource_arn: String,
        document: String,
    },
    UpdateOrgPolicy {
        kind: OrgKind,
        name: String,
        document: String,
    },
    /// A new access key for an IAM user (never the root user: AWS advises
    /// against root access keys). The secret is never part of the model.
    CreateAccessKey {
        user: String,
    },
    /// `key` is the slot, 1 or 2. `user` may be [`ROOT`] for the root user's keys.
    SetAccessKeyStatus {
        user: String,
        key: usize,
        active: bool,
    },
    DeleteAccessKey {
        user: String,
        key: usize,
    },
}

/// The name that stands for the root user where a user name is expected,
/// as the credential report writes it (no IAM user can have it: `<` and `>`
/// are not allowed in names).
pub const ROOT: &str = "<root_account>";

pub(super) fn who(user: &str) -> String {
    if user == ROOT {
        "the root user".to_owned()
    } else {
        format!("user {user}")
    }
}

/// A change in a few words, for the change log.
pub fn describe(change: &Change) -> String {
    let holder = |h: &Holder| h.describe();
    match change {
        Change::CreateUser { name, .. } => format!("create user {name}"),
        Change::DeleteUser { name } => format!("delete user {name}"),
        Change::RenameUser { name, new_name } => format!("rename user {name} to {new_name}"),
        Change::CloneUser { source, name } => format!("clone user {source} as {name}"),
        Change::CreateGroup { name, .. } => format!("create group {name}"),
        Change::DeleteGroup { name, .. } => format!("delete group {name}"),
        Change::RenameGroup { name, new_name } => format!("rename group {name} to {new_name}"),
        Change::AddUserToGroup { user, group } => format!("add user {user} to group {group}"),
        Change::RemoveUserFromGroup { user, group } => format!("remove user {user} from group {group}"),
        Change::CreateRole { name, .. } => format!("create role {name}"),
        Change::DeleteRole { name } => format!("delete role {name}"),
        Change::AttachPolicy { holder: h, arn } => format!("attach {} to {}", short_arn(arn), holder(h)),
        Change::DetachPolicy { holder: h, arn } => format!("detach {} from {}", short_arn(arn), holder(h)),
        Change::SetPermissionsBoundary { holder: h, arn } => {
            format!("set {}'s permissions boundary to {}", holder(h), short_arn(arn))
        }
        Change::ClearPermissionsBoundary { holder: h } => format!("remove {}'s permissions boundary", holder(h)),
        Change::PutInlinePolicy { holder: h, name, .. } => format!("write inline policy {name} of {}", holder(h)),
        Change::DeleteInlinePolicy { holder: h, name } => format!("delete inline policy {name} of {}", holder(h)),
        Change::CreatePolicy { name, .. } => format!("create managed policy {name}"),
        Change::CreatePolicyVersion { arn, .. } => format!("save a new version of {}", short_arn(arn)),
        Change::SetDefaultPolicyVersion { arn, version } => format!("make {version} the default of {}", short_arn(arn)),
        Change::DeletePolicy { arn } => format!("delete managed policy {}", short_arn(arn)),
        Change::UpdateTrustPolicy { role, .. } => format!("change the trust policy of role {role}"),
        Change::PutResourcePolicy { resource_arn, .. } => format!("change the policy of {resource_arn}"),
        Change::UpdateOrgPolicy { name, .. } => format!("change {name}"),
        Change::CreateAccessKey { user } => format!("create an access key for user {user}"),
        Change::SetAccessKeyStatus { user, key, active } => {
            format!(
                "{} access key {key} of {}",
                if *active { "activate" } else { "deactivate" },
                who(user)
            )
        }
        Change::DeleteAccessKey { user, key } => format!("delete access key {key} of {}", who(user)),
    }
}

fn short_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
