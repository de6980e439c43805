//! Applying a change: the checks AWS makes, then the edit, recorded for
//! undo and as AWS API calls. One file per kind of entity.

mod attachments;
mod groups;
mod keys;
mod managed;
mod resources;
mod roles;
mod users;

use jiff::Timestamp;

use super::record::{Kind, Recorder};
use super::rules::{Refusal, refuse};
use super::vocabulary::Change;
use crate::model::entities::*;
use crate::model::index::Holder;

pub(super) fn apply_to(rec: &mut Recorder<'_>, change: &Change, now: Timestamp) -> Result<(), Refusal> {
    match change {
        Change::CreateUser { name, path } => users::create_user(rec, name, path, now),
        Change::DeleteUser { name } => users::delete_user(rec, name),
        Change::RenameUser { name, new_name } => users::rename_user(rec, name, new_name),
        Change::CloneUser { source, name } => users::clone_user(rec, source, name, now),
        Change::CreateGroup { name, path } => groups::create_group(rec, name, path, now),
        Change::DeleteGroup { name, remove_members } => groups::delete_group(rec, name, remove_members),
        Change::RenameGroup { name, new_name } => groups::rename_group(rec, name, new_name),
        Change::AddUserToGroup { user, group } => groups::add_user_to_group(rec, user, group),
        Change::RemoveUserFromGroup { user, group } => groups::remove_user_from_group(rec, user, group),
        Change::CreateRole { name, path, template } => roles::create_role(rec, name, path, template, now),
        Change::DeleteRole { name } => roles::delete_role(rec, name),
        Change::AttachPolicy { holder, arn } => attachments::attach_policy(rec, holder, arn),
        Change::DetachPolicy { holder, arn } => attachments::detach_policy(rec, holder, arn),
        Change::SetPermissionsBoundary { holder, arn } => attachments::set_permissions_boundary(rec, holder, arn),
        Change::ClearPermissionsBoundary { holder } => attachments::clear_permissions_boundary(rec, holder),
        Change::PutInlinePolicy { holder, name, document } => {
            attachments::put_inline_policy(rec, holder, name, document)
        }
        Change::DeleteInlinePolicy { holder, name } => attachments::delete_inline_policy(rec, holder, name),
        Change::CreatePolicy { name, path, document } => managed::create_policy(rec, name, path, document, now),
        Change::CreatePolicyVersion { arn, document } => managed::create_policy_version(rec, arn, document, now),
        Change::SetDefaultPolicyVersion { arn, version } => managed::set_default_policy_version(rec, arn, version),
        Change::DeletePolicy { arn } => managed::delete_policy(rec, arn, now),
        Change::UpdateTrustPolicy { role, document } => roles::update_trust_policy(rec, role, document),
        Change::PutResourcePolicy { resource_arn, document } => {
            resources::put_resource_policy(rec, resource_arn, document)
        }
        Change::UpdateOrgPolicy { kind, name, document } => resources::update_org_policy(rec, kind, name, document),
        Change::CreateAccessKey { user } => keys::create_access_key(rec, user, now),
        Change::SetAccessKeyStatus { user, key, active } => keys::set_access_key_status(rec, user, key, active),
        Change::DeleteAccessKey { user, key } => keys::delete_access_key(rec, user, key),
    }
}

fn compact_json(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| document.to_owned())
}

fn user_index(account: &Account, name: &str) -> Result<usize, Refusal> {
    account
        .users
        .iter()
        .position(|u| u.name == name)
        .map_or_else(|| refuse(format!("there is no user {name}")), Ok)
}
fn group_index(account: &Account, name: &str) -> Result<usize, Refusal> {
    account
        .groups
        .iter()
        .position(|g| g.name == name)
        .map_or_else(|| refuse(format!("there is no group {name}")), Ok)
}
fn role_index(account: &Account, name: &str) -> Result<usize, Refusal> {
    account
        .roles
        .iter()
        .position(|r| r.name == name)
        .map_or_else(|| refuse(format!("there is no role {name}")), Ok)
}
/// The policy's position, bringing an AWS managed policy the export lacks in
/// from the built-in library (the console offers every AWS managed policy).
fn policy_index_or_library(rec: &mut Recorder<'_>, arn: &str) -> Result<usize, Refusal> {
    if let Ok(index) = policy_index(rec.account, arn) {
        return Ok(index);
    }
    let Some(policy) = crate::catalog::managed::aws_managed_policies()
        .get_by_arn(arn)
        .and_then(ManagedPolicy::from_library)
    else {
        return refuse(format!(
            "there is no managed policy {arn} in the account or among AWS's managed policies"
        ));
    };
    rec.account.policies.push(policy);
    let index = rec.account.policies.len() - 1;
    rec.added(Kind::Policy, index);
    Ok(index)
}

fn policy_index(account: &Account, arn: &str) -> Result<usize, Refusal> {
    account.policies.iter().position(|p| p.arn.as_str() == arn).map_or_else(
        || refuse(format!("there is no managed policy {arn} in the account")),
        Ok,
    )
}

fn holder_kind(holder: &Holder) -> (&'static str, &str) {
    match holder {
        Holder::User(n) => ("user", n),
        Holder::Group(n) => ("group", n),
        Holder::Role(n) => ("role", n),
    }
}

fn holder_index(account: &Account, holder: &Holder) -> Result<(Kind, usize), Refusal> {
    Ok(match holder {
        Holder::User(n) => (Kind::User, user_index(account, n)?),
        Holder::Group(n) => (Kind::Group, group_index(account, n)?),
        Holder::Role(n) => (Kind::Role, role_index(account, n)?),
    })
}

fn attachments_mut(account: &mut Account, kind: Kind, index: usize) -> &mut Vec<AttachedPolicy> {
    match kind {
        Kind::User => &mut account.users[index].attached_policies,
        Kind::Group => &mut account.groups[index].attached_policies,
        _ => &mut account.roles[index].attached_policies,
    }
}

fn inline_mut(account: &mut Account, kind: Kind, index: usize) -> &mut Vec<InlinePolicy> {
    match kind {
        Kind::User => &mut account.users[index].inline_policies,
        Kind::Group => &mut account.groups[index].inline_policies,
        _ => &mut account.roles[index].inline_policies,
    }
}

/// `User`, `Group` or `Role`, as AWS's operation and parameter names spell it.
fn holder_noun(holder: &Holder) -> &'static str {
    match holder {
        Holder::User(_) => "User",
        Holder::Group(_) => "Group",
        Holder::Role(_) => "Role",
    }
}
