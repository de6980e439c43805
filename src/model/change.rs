//! Changes to an account: the editor's vocabulary. A [`Change`] says what a
//! person asked for; applying it checks AWS's rules and quotas (refusing with
//! a message that says why and what to do), and records exactly what it
//! replaced, so undo restores the account bit for bit.
//!
//! Changes are serialisable: the crash journal stores them, and the script
//! export turns them into the `aws iam …` commands that would make the same
//! change to the real account.

use serde::{Deserialize, Serialize};

use super::entities::*;
use super::index::Holder;
use super::{Arn, Model};
use crate::policy::PolicyDocument;

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

/// Why a change was refused: what AWS's rule is and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// AWS's quotas and name rules, kept in [`super::quotas`].
pub use super::quotas as quota;

/// IAM names: letters, digits and `+=,.@_-`, up to `max` characters.
fn check_name(kind: &str, name: &str, max: usize) -> Result<(), Refusal> {
    if name.is_empty() {
        return refuse(format!("a {kind} needs a name"));
    }
    if name.chars().count() > max {
        return refuse(format!(
            "a {kind} name has at most {max} characters; `{name}` has {}",
            name.chars().count()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        return refuse(format!(
            "`{bad}` is not allowed in a {kind} name: use letters, digits and + = , . @ _ -"
        ));
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), Refusal> {
    if !path.starts_with('/') || !path.ends_with('/') || path.len() > quota::PATH {
        return refuse(format!(
            "`{path}` is not an IAM path: a path begins and ends with `/` (just `/` is fine)"
        ));
    }
    if path.chars().any(|c| !(c.is_ascii_graphic() && c != '\\' || c == '/')) {
        return refuse(format!("`{path}` has characters IAM paths do not allow"));
    }
    Ok(())
}

/// A policy text must be a policy: JSON the parser reads without errors.
fn check_document(what: &str, text: &str, limit: usize) -> Result<PolicyDocument, Refusal> {
    let document = PolicyDocument::from_authored_text(text);
    let parsed = document.parsed();
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::policy::Severity::Error)
    {
        return refuse(format!(
            "{what} has an error at line {}:{}: {} — fix it before saving",
            d.line, d.column, d.message
        ));
    }
    let size = document.size_without_whitespace();
    if size > limit {
        return refuse(format!(
            "{what} is {size} characters without whitespace; AWS allows {limit}: split it or shorten it"
        ));
    }
    Ok(document)
}

/// Which collection an undo record concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    User,
    Group,
    Role,
    Policy,
    Resource,
    Scp,
    Rcp,
    /// The root user (always index 0).
    Root,
}

#[derive(Debug, Clone)]
enum Entity {
    Root(Box<RootUser>),
    User(Box<User>),
    Group(Box<Group>),
    Role(Box<Role>),
    Policy(Box<ManagedPolicy>),
    Resource(Box<ResourcePolicy>),
    Org(Box<OrgPolicy>),
}

/// What undo does, one step.
#[derive(Debug, Clone)]
enum Restore {
    /// Put back the entity that was at `index`.
    Replace(Kind, usize, Entity),
    /// Re-insert an entity that was deleted from `index`.
    Insert(Kind, usize, Entity),
    /// Remove the entity a change added at `index`.
    Remove(Kind, usize),
}

fn snapshot(account: &Account, kind: Kind, index: usize) -> Entity {
    match kind {
        Kind::User => Entity::User(Box::new(account.users[index].clone())),
        Kind::Group => Entity::Group(Box::new(account.groups[index].clone())),
        Kind::Role => Entity::Role(Box::new(account.roles[index].clone())),
        Kind::Policy => Entity::Policy(Box::new(account.policies[index].clone())),
        Kind::Resource => Entity::Resource(Box::new(account.resource_policies[index].clone())),
        Kind::Scp => Entity::Org(Box::new(account.service_control_policies[index].clone())),
        Kind::Rcp => Entity::Org(Box::new(account.resource_control_policies[index].clone())),
        Kind::Root => Entity::Root(Box::new(account.root.clone())),
    }
}

fn put(account: &mut Account, kind: Kind, index: usize, entity: Entity, insert: bool) {
    macro_rules! place {
        ($list:expr, $value:expr) => {
            if insert {
                $list.insert(index, *$value)
            } else {
                $list[index] = *$value
            }
        };
    }
    match (kind, entity) {
        (Kind::User, Entity::User(v)) => place!(account.users, v),
        (Kind::Group, Entity::Group(v)) => place!(account.groups, v),
        (Kind::Role, Entity::Role(v)) => place!(account.roles, v),
        (Kind::Policy, Entity::Policy(v)) => place!(account.policies, v),
        (Kind::Resource, Entity::Resource(v)) => place!(account.resource_policies, v),
        (Kind::Scp, Entity::Org(v)) => place!(account.service_control_policies, v),
        (Kind::Rcp, Entity::Org(v)) => place!(account.resource_control_policies, v),
        (Kind::Root, Entity::Root(v)) => account.root = *v,
        _ => unreachable!("undo records pair a kind with its entity"),
    }
}

fn remove(account: &mut Account, kind: Kind, index: usize) {
    match kind {
        Kind::User => drop(account.users.remove(index)),
        Kind::Group => drop(account.groups.remove(index)),
        Kind::Role => drop(account.roles.remove(index)),
        Kind::Policy => drop(account.policies.remove(index)),
        Kind::Resource => drop(account.resource_policies.remove(index)),
        Kind::Scp => drop(account.service_control_policies.remove(index)),
        Kind::Rcp => drop(account.resource_control_policies.remove(index)),
        // the root user is never added, so never removed
        Kind::Root => {}
    }
}

/// A change applied: how to undo it, and what it did in the AWS CLI's words.
#[derive(Debug, Clone)]
pub struct Applied {
    pub change: Change,
    undo: Vec<Restore>,
    /// `aws …` commands that make the same change to the real account.
    pub commands: Vec<String>,
    /// Things the change did besides what was asked (a pruned policy version).
    pub notes: Vec<String>,
}

/// Recording of what a change touches, in order.
struct Recorder<'a> {
    account: &'a mut Account,
    undo: Vec<Restore>,
    commands: Vec<String>,
    notes: Vec<String>,
}

impl Recorder<'_> {
    /// Note an entity's state before modifying it.
    fn touch(&mut self, kind: Kind, index: usize) {
        let entity = snapshot(self.account, kind, index);
        self.undo.push(Restore::Replace(kind, index, entity));
    }
    fn deleted(&mut self, kind: Kind, index: usize) {
        let entity = snapshot(self.account, kind, index);
        remove(self.account, kind, index);
        self.undo.push(Restore::Insert(kind, index, entity));
    }
    fn added(&mut self, kind: Kind, index: usize) {
        self.undo.push(Restore::Remove(kind, index));
    }
    fn cmd(&mut self, parts: &[&str]) {
        self.commands
            .push(parts.iter().map(|p| shell_word(p)).collect::<Vec<_>>().join(" "));
    }
    fn comment(&mut self, text: String) {
        self.commands.push(format!("# {text}"));
    }
}

/// Quote a word for a POSIX shell when it needs it.
pub fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn compact_json(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| document.to_owned())
}

/// The name that stands for the root user where a user name is expected,
/// as the credential report writes it (no IAM user can have it: `<` and `>`
/// are not allowed in names).
pub const ROOT: &str = "<root_account>";

fn who(user: &str) -> String {
    if user == ROOT {
        "the root user".to_owned()
    } else {
        format!("user {user}")
    }
}

fn credentials_mut(account: &mut Account, kind: Kind, index: usize) -> Option<&mut Credentials> {
    match kind {
        Kind::Root => account.root.credentials.as_mut(),
        _ => account.users[index].credentials.as_mut(),
    }
}

/// The access key in slot `key` (1 or 2) of a user or the root user: the
/// undo record is taken; what is returned says whose it is and its id.
fn key_slot(rec: &mut Recorder<'_>, user: &str, key: usize) -> Result<(Kind, usize, Option<String>), Refusal> {
    let (kind, index) = if user == ROOT {
        (Kind::Root, 0)
    } else {
        (Kind::User, user_index(rec.account, user)?)
    };
    let slot = key.checked_sub(1);
    let id = match (slot, credentials_mut(rec.account, kind, index)) {
        (Some(k), Some(c)) if k < c.access_keys.len() => c.access_keys[k].id.clone(),
        _ => return refuse(format!("{} has no access key {key}", who(user))),
    };
    rec.touch(kind, index);
    Ok((kind, index, id))
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

/// IAM names of users, groups and roles are unique ignoring case.
fn taken(names: impl Iterator<Item = String>, name: &str) -> bool {
    names.into_iter().any(|n| n.eq_ignore_ascii_case(name))
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

fn next_id(prefix: &str, seed: &str) -> String {
    // Unique-looking ids for new entities; AWS would assign them.
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    seed.hash(&mut h);
    let mut n = h.finish();
    let mut id = prefix.to_owned();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    while id.len() < 21 {
        id.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
        if n == 0 {
            n = 0x9E37_79B9_7F4A_7C15;
        }
    }
    id
}

/// Apply `change` to the model (the index is rebuilt), or refuse it.
pub fn apply(model: &mut Model, change: &Change, now: jiff::Timestamp) -> Result<Applied, Refusal> {
    let mut account = model.account().clone();
    let (undo, commands, notes) = {
        let mut rec = Recorder {
            account: &mut account,
            undo: Vec::new(),
            commands: Vec::new(),
            notes: Vec::new(),
        };
        apply_to(&mut rec, change, now)?;
        (rec.undo, rec.commands, rec.notes)
    };
    *model = Model::new(account);
    Ok(Applied {
        change: change.clone(),
        undo,
        commands,
        notes,
    })
}

/// Undo an applied change (the model must be as the change left it).
pub fn undo(model: &mut Model, applied: &Applied) {
    let mut account = model.account().clone();
    for restore in applied.undo.iter().rev() {
        match restore.clone() {
            Restore::Replace(kind, index, entity) => put(&mut account, kind, index, entity, false),
            Restore::Insert(kind, index, entity) => put(&mut account, kind, index, entity, true),
            Restore::Remove(kind, index) => remove(&mut account, kind, index),
        }
    }
    *model = Model::new(account);
}

fn apply_to(rec: &mut Recorder<'_>, change: &Change, now: jiff::Timestamp) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    match change {
        Change::CreateUser { name, path } => {
            check_name("user", name, quota::USER_NAME)?;
            check_path(path)?;
            if taken(rec.account.users.iter().map(|u| u.name.clone()), name) {
                return refuse(format!("a user named {name} exists already (IAM names ignore case)"));
            }
            rec.account.users.push(User {
                name: name.clone(),
                id: next_id("AIDA", &format!("{account_id}/{name}")),
                arn: Arn::iam(&partition, &account_id, "user", path, name),
                path: path.clone(),
                created: Some(now),
                tags: Vec::new(),
                groups: Vec::new(),
                attached_policies: Vec::new(),
                inline_policies: Vec::new(),
                permissions_boundary: None,
                credentials: Some(Credentials::default()),
                extra: Extra::new(),
            });
            let index = rec.account.users.len() - 1;
            rec.added(Kind::User, index);
            rec.cmd(&["aws", "iam", "create-user", "--user-name", name, "--path", path]);
        }
        Change::DeleteUser { name } => {
            let u = user_index(rec.account, name)?;
            let user = rec.account.users[u].clone();
            // AWS requires a user's attachments, keys and memberships gone first.
            for g in &user.groups {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "remove-user-from-group",
                    "--user-name",
                    name,
                    "--group-name",
                    g,
                ]);
            }
            for p in &user.attached_policies {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "detach-user-policy",
                    "--user-name",
                    name,
                    "--policy-arn",
                    &p.arn,
                ]);
            }
            for p in &user.inline_policies {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "delete-user-policy",
                    "--user-name",
                    name,
                    "--policy-name",
                    &p.name,
                ]);
            }
            if user.permissions_boundary.is_some() {
                rec.cmd(&["aws", "iam", "delete-user-permissions-boundary", "--user-name", name]);
            }
            if let Some(c) = &user.credentials {
                if c.password.is_some() {
                    rec.cmd(&["aws", "iam", "delete-login-profile", "--user-name", name]);
                }
                for (i, key) in c.access_keys.iter().enumerate() {
                    match &key.id {
                        Some(id) => rec.cmd(&[
                            "aws",
                            "iam",
                            "delete-access-key",
                            "--user-name",
                            name,
                            "--access-key-id",
                            id,
                        ]),
                        None => rec.comment(format!(
                            "delete access key {} of {name} (its id is not in the export)",
                            i + 1
                        )),
                    }
                }
                for d in &c.mfa_devices {
                    rec.cmd(&[
                        "aws",
                        "iam",
                        "deactivate-mfa-device",
                        "--user-name",
                        name,
                        "--serial-number",
                        &d.serial,
                    ]);
                }
            }
            rec.deleted(Kind::User, u);
            rec.cmd(&["aws", "iam", "delete-user", "--user-name", name]);
        }
        Change::RenameUser { name, new_name } => {
            check_name("user", new_name, quota::USER_NAME)?;
            let u = user_index(rec.account, name)?;
            if !name.eq_ignore_ascii_case(new_name) && taken(rec.account.users.iter().map(|u| u.name.clone()), new_name)
            {
                return refuse(format!("a user named {new_name} exists already"));
            }
            rec.touch(Kind::User, u);
            let user = &mut rec.account.users[u];
            user.arn = Arn::iam(&partition, &account_id, "user", &user.path, new_name);
            user.name = new_name.clone();
            rec.cmd(&[
                "aws",
                "iam",
                "update-user",
                "--user-name",
                name,
                "--new-user-name",
                new_name,
            ]);
        }
        Change::CloneUser { source, name } => {
            let s = user_index(rec.account, source)?;
            let source_user = rec.account.users[s].clone();
            apply_to(
                rec,
                &Change::CreateUser {
                    name: name.clone(),
                    path: source_user.path.clone(),
                },
                now,
            )?;
            for g in &source_user.groups {
                apply_to(
                    rec,
                    &Change::AddUserToGroup {
                        user: name.clone(),
                        group: g.clone(),
                    },
                    now,
                )?;
            }
            for p in &source_user.attached_policies {
                apply_to(
                    rec,
                    &Change::AttachPolicy {
                        holder: Holder::User(name.clone()),
                        arn: p.arn.clone(),
                    },
                    now,
                )?;
            }
        }
        Change::CreateGroup { name, path } => {
            check_name("group", name, quota::GROUP_NAME)?;
            check_path(path)?;
            if taken(rec.account.groups.iter().map(|g| g.name.clone()), name) {
                return refuse(format!("a group named {name} exists already"));
            }
            rec.account.groups.push(Group {
                name: name.clone(),
                id: next_id("AGPA", &format!("{account_id}/{name}")),
                arn: Arn::iam(&partition, &account_id, "group", path, name),
                path: path.clone(),
                created: Some(now),
                attached_policies: Vec::new(),
                inline_policies: Vec::new(),
                extra: Extra::new(),
            });
            let index = rec.account.groups.len() - 1;
            rec.added(Kind::Group, index);
            rec.cmd(&["aws", "iam", "create-group", "--group-name", name, "--path", path]);
        }
        Change::DeleteGroup { name, remove_members } => {
            let g = group_index(rec.account, name)?;
            let members: Vec<usize> = (0..rec.account.users.len())
                .filter(|&u| rec.account.users[u].groups.iter().any(|x| x == name))
                .collect();
            if !members.is_empty() && !remove_members {
                let names: Vec<&str> = members.iter().map(|&u| rec.account.users[u].name.as_str()).collect();
                return refuse(format!(
                    "group {name} still has members ({}); AWS deletes only empty groups — remove them first, or delete with their removal",
                    names.join(", ")
                ));
            }
            for u in members {
                rec.touch(Kind::User, u);
                let user = &mut rec.account.users[u];
                user.groups.retain(|x| x != name);
                let user_name = user.name.clone();
                rec.cmd(&[
                    "aws",
                    "iam",
                    "remove-user-from-group",
                    "--user-name",
                    &user_name,
                    "--group-name",
                    name,
                ]);
            }
            let group = rec.account.groups[g].clone();
            for p in &group.attached_policies {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "detach-group-policy",
                    "--group-name",
                    name,
                    "--policy-arn",
                    &p.arn,
                ]);
            }
            for p in &group.inline_policies {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "delete-group-policy",
                    "--group-name",
                    name,
                    "--policy-name",
                    &p.name,
                ]);
            }
            rec.deleted(Kind::Group, g);
            rec.cmd(&["aws", "iam", "delete-group", "--group-name", name]);
        }
        Change::RenameGroup { name, new_name } => {
            check_name("group", new_name, quota::GROUP_NAME)?;
            let g = group_index(rec.account, name)?;
            if !name.eq_ignore_ascii_case(new_name)
                && taken(rec.account.groups.iter().map(|g| g.name.clone()), new_name)
            {
                return refuse(format!("a group named {new_name} exists already"));
            }
            rec.touch(Kind::Group, g);
            let group = &mut rec.account.groups[g];
            group.arn = Arn::iam(&partition, &account_id, "group", &group.path, new_name);
            group.name = new_name.clone();
            for u in 0..rec.account.users.len() {
                if rec.account.users[u].groups.iter().any(|x| x == name) {
                    rec.touch(Kind::User, u);
                    for x in &mut rec.account.users[u].groups {
                        if x == name {
                            *x = new_name.clone();
                        }
                    }
                }
            }
            rec.cmd(&[
                "aws",
                "iam",
                "update-group",
                "--group-name",
                name,
                "--new-group-name",
                new_name,
            ]);
        }
        Change::AddUserToGroup { user, group } => {
            let u = user_index(rec.account, user)?;
            group_index(rec.account, group)?;
            let groups = &rec.account.users[u].groups;
            if groups.iter().any(|g| g == group) {
                return refuse(format!("user {user} is already in group {group}"));
            }
            if groups.len() >= quota::GROUPS_PER_USER {
                return refuse(format!(
                    "user {user} is in {} groups already; IAM allows at most {} per user",
                    groups.len(),
                    quota::GROUPS_PER_USER
                ));
            }
            rec.touch(Kind::User, u);
            rec.account.users[u].groups.push(group.clone());
            rec.cmd(&[
                "aws",
                "iam",
                "add-user-to-group",
                "--user-name",
                user,
                "--group-name",
                group,
            ]);
        }
        Change::RemoveUserFromGroup { user, group } => {
            let u = user_index(rec.account, user)?;
            if !rec.account.users[u].groups.iter().any(|g| g == group) {
                return refuse(format!("user {user} is not in group {group}"));
            }
            rec.touch(Kind::User, u);
            rec.account.users[u].groups.retain(|g| g != group);
            rec.cmd(&[
                "aws",
                "iam",
                "remove-user-from-group",
                "--user-name",
                user,
                "--group-name",
                group,
            ]);
        }
        Change::CreateRole { name, path, template } => {
            check_name("role", name, quota::ROLE_NAME)?;
            check_path(path)?;
            if taken(rec.account.roles.iter().map(|r| r.name.clone()), name) {
                return refuse(format!("a role named {name} exists already"));
            }
            let trust = template.trust_policy();
            let document = PolicyDocument::from_value(&trust);
            rec.account.roles.push(Role {
                name: name.clone(),
                id: next_id("AROA", &format!("{account_id}/{name}")),
                arn: Arn::iam(&partition, &account_id, "role", path, name),
                path: path.clone(),
                created: Some(now),
                description: None,
                trust_policy: Some(document),
                attached_policies: Vec::new(),
                inline_policies: Vec::new(),
                permissions_boundary: None,
                instance_profiles: Vec::new(),
                max_session_duration: Some(3600),
                last_used: None,
                tags: Vec::new(),
                extra: Extra::new(),
            });
            let index = rec.account.roles.len() - 1;
            rec.added(Kind::Role, index);
            let trust_text = trust.to_string();
            rec.cmd(&[
                "aws",
                "iam",
                "create-role",
                "--role-name",
                name,
                "--path",
                path,
                "--assume-role-policy-document",
                &trust_text,
            ]);
            if *template == RoleTemplate::Ec2 {
                let mut role = rec.account.roles[index].clone();
                role.instance_profiles.push(InstanceProfile {
                    name: name.clone(),
                    id: next_id("AIPA", &format!("{account_id}/{name}")),
                    arn: format!("arn:{partition}:iam::{account_id}:instance-profile{path}{name}"),
                    path: path.clone(),
                    created: Some(now),
                });
                rec.account.roles[index] = role;
                rec.cmd(&[
                    "aws",
                    "iam",
                    "create-instance-profile",
                    "--instance-profile-name",
                    name,
                    "--path",
                    path,
                ]);
                rec.cmd(&[
                    "aws",
                    "iam",
                    "add-role-to-instance-profile",
                    "--instance-profile-name",
                    name,
                    "--role-name",
                    name,
                ]);
            }
        }
        Change::DeleteRole { name } => {
            let r = role_index(rec.account, name)?;
            let role = rec.account.roles[r].clone();
            if role.is_service_linked() {
                return refuse(format!(
                    "role {name} is service-linked: its service deletes it (aws iam delete-service-linked-role)"
                ));
            }
            for p in &role.instance_profiles {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "remove-role-from-instance-profile",
                    "--instance-profile-name",
                    &p.name,
                    "--role-name",
                    name,
                ]);
            }
            for p in &role.attached_policies {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "detach-role-policy",
                    "--role-name",
                    name,
                    "--policy-arn",
                    &p.arn,
                ]);
            }
            for p in &role.inline_policies {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "delete-role-policy",
                    "--role-name",
                    name,
                    "--policy-name",
                    &p.name,
                ]);
            }
            rec.deleted(Kind::Role, r);
            rec.cmd(&["aws", "iam", "delete-role", "--role-name", name]);
        }
        Change::AttachPolicy { holder, arn } => {
            let (kind, i) = holder_index(rec.account, holder)?;
            let p = policy_index_or_library(rec, arn)?;
            let (word, holder_name) = holder_kind(holder);
            let list = attachments_mut(rec.account, kind, i);
            if list.iter().any(|a| &a.arn == arn) {
                return refuse(format!("{word} {holder_name} already has {arn} attached"));
            }
            if list.len() >= quota::MANAGED_POLICIES_PER_ENTITY {
                return refuse(format!(
                    "{word} {holder_name} has {} managed policies attached; IAM allows {} by default (a quota increase can raise it for users and roles)",
                    list.len(),
                    quota::MANAGED_POLICIES_PER_ENTITY
                ));
            }
            if !rec.account.policies[p].is_attachable {
                return refuse(format!("{arn} cannot be attached (IsAttachable is false)"));
            }
            rec.touch(kind, i);
            let name = rec.account.policies[p].name.clone();
            attachments_mut(rec.account, kind, i).push(AttachedPolicy { name, arn: arn.clone() });
            rec.cmd(&[
                "aws",
                "iam",
                &format!("attach-{word}-policy"),
                &format!("--{word}-name"),
                holder_name,
                "--policy-arn",
                arn,
            ]);
        }
        Change::DetachPolicy { holder, arn } => {
            let (kind, i) = holder_index(rec.account, holder)?;
            let (word, holder_name) = holder_kind(holder);
            if !attachments_mut(rec.account, kind, i).iter().any(|a| &a.arn == arn) {
                return refuse(format!("{word} {holder_name} does not have {arn} attached"));
            }
            rec.touch(kind, i);
            attachments_mut(rec.account, kind, i).retain(|a| &a.arn != arn);
            rec.cmd(&[
                "aws",
                "iam",
                &format!("detach-{word}-policy"),
                &format!("--{word}-name"),
                holder_name,
                "--policy-arn",
                arn,
            ]);
        }
        Change::SetPermissionsBoundary { holder, arn } => {
            let (kind, i) = holder_index(rec.account, holder)?;
            let (word, holder_name) = holder_kind(holder);
            if kind == Kind::Group {
                return refuse("a group cannot have a permissions boundary: only users and roles can");
            }
            policy_index_or_library(rec, arn)?;
            rec.touch(kind, i);
            let boundary = Some(PermissionsBoundary { arn: arn.clone() });
            match kind {
                Kind::User => rec.account.users[i].permissions_boundary = boundary,
                _ => rec.account.roles[i].permissions_boundary = boundary,
            }
            rec.cmd(&[
                "aws",
                "iam",
                &format!("put-{word}-permissions-boundary"),
                &format!("--{word}-name"),
                holder_name,
                "--permissions-boundary",
                arn,
            ]);
        }
        Change::ClearPermissionsBoundary { holder } => {
            let (kind, i) = holder_index(rec.account, holder)?;
            let (word, holder_name) = holder_kind(holder);
            let has = match kind {
                Kind::User => rec.account.users[i].permissions_boundary.is_some(),
                Kind::Role => rec.account.roles[i].permissions_boundary.is_some(),
                _ => false,
            };
            if !has {
                return refuse(format!("{word} {holder_name} has no permissions boundary"));
            }
            rec.touch(kind, i);
            match kind {
                Kind::User => rec.account.users[i].permissions_boundary = None,
                _ => rec.account.roles[i].permissions_boundary = None,
            }
            rec.cmd(&[
                "aws",
                "iam",
                &format!("delete-{word}-permissions-boundary"),
                &format!("--{word}-name"),
                holder_name,
            ]);
        }
        Change::PutInlinePolicy { holder, name, document } => {
            let (kind, i) = holder_index(rec.account, holder)?;
            let (word, holder_name) = holder_kind(holder);
            if name.is_empty()
                || name.len() > quota::POLICY_NAME
                || name.chars().any(|c| c.is_whitespace() || "\\/*?".contains(c))
            {
                return refuse(format!(
                    "`{name}` is not an inline policy name: up to 128 characters, no spaces and none of \\ / * ?"
                ));
            }
            let limit = match kind {
                Kind::User => quota::INLINE_USER,
                Kind::Group => quota::INLINE_GROUP,
                _ => quota::INLINE_ROLE,
            };
            let doc = check_document(&format!("inline policy {name}"), document, usize::MAX)?;
            // The quota is on all of an entity's inline policies together.
            let others: usize = inline_mut(rec.account, kind, i)
                .iter()
                .filter(|p| &p.name != name)
                .map(|p| p.document.size_without_whitespace())
                .sum();
            let total = others + doc.size_without_whitespace();
            if total > limit {
                return refuse(format!(
                    "{word} {holder_name}'s inline policies would total {total} characters; AWS allows {limit} per {word}: use a managed policy"
                ));
            }
            rec.touch(kind, i);
            let list = inline_mut(rec.account, kind, i);
            match list.iter_mut().find(|p| &p.name == name) {
                Some(existing) => existing.document = doc,
                None => list.push(InlinePolicy {
                    name: name.clone(),
                    document: doc,
                }),
            }
            let json = compact_json(document);
            rec.cmd(&[
                "aws",
                "iam",
                &format!("put-{word}-policy"),
                &format!("--{word}-name"),
                holder_name,
                "--policy-name",
                name,
                "--policy-document",
                &json,
            ]);
        }
        Change::DeleteInlinePolicy { holder, name } => {
            let (kind, i) = holder_index(rec.account, holder)?;
            let (word, holder_name) = holder_kind(holder);
            if !inline_mut(rec.account, kind, i).iter().any(|p| &p.name == name) {
                return refuse(format!("{word} {holder_name} has no inline policy {name}"));
            }
            rec.touch(kind, i);
            inline_mut(rec.account, kind, i).retain(|p| &p.name != name);
            rec.cmd(&[
                "aws",
                "iam",
                &format!("delete-{word}-policy"),
                &format!("--{word}-name"),
                holder_name,
                "--policy-name",
                name,
            ]);
        }
        Change::CreatePolicy { name, path, document } => {
            check_name("policy", name, quota::POLICY_NAME)?;
            check_path(path)?;
            let arn = Arn::iam(&partition, &account_id, "policy", path, name);
            if rec.account.policies.iter().any(|p| p.arn == arn) {
                return refuse(format!("a managed policy {arn} exists already"));
            }
            let doc = check_document(&format!("policy {name}"), document, quota::MANAGED_POLICY_SIZE)?;
            rec.account.policies.push(ManagedPolicy {
                name: name.clone(),
                id: next_id("ANPA", arn.as_str()),
                arn,
                path: path.clone(),
                description: None,
                default_version_id: "v1".to_owned(),
                attachment_count: Some(0),
                boundary_usage_count: Some(0),
                is_attachable: true,
                created: Some(now),
                updated: Some(now),
                versions: vec![PolicyVersion {
                    id: "v1".to_owned(),
                    is_default: true,
                    created: Some(now),
                    document: doc,
                }],
                tags: Vec::new(),
                origin: PolicyOrigin::Export,
                extra: Extra::new(),
            });
            let index = rec.account.policies.len() - 1;
            rec.added(Kind::Policy, index);
            let json = compact_json(document);
            rec.cmd(&[
                "aws",
                "iam",
                "create-policy",
                "--policy-name",
                name,
                "--path",
                path,
                "--policy-document",
                &json,
            ]);
        }
        Change::CreatePolicyVersion { arn, document } => {
            let p = policy_index(rec.account, arn)?;
            if rec.account.policies[p].is_aws_managed() {
                return refuse(format!(
                    "{arn} is AWS managed and cannot be changed: copy it as a new customer managed policy"
                ));
            }
            let doc = check_document(
                &format!("policy {}", rec.account.policies[p].name),
                document,
                quota::MANAGED_POLICY_SIZE,
            )?;
            rec.touch(Kind::Policy, p);
            let policy = &mut rec.account.policies[p];
            // AWS keeps five versions: make room by deleting the oldest one
            // that is not the default.
            let mut pruned = None;
            if policy.versions.len() >= quota::VERSIONS_PER_POLICY {
                let oldest = policy
                    .versions
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| !v.is_default)
                    .min_by_key(|(_, v)| (v.created, version_number(&v.id)))
                    .map(|(i, _)| i);
                if let Some(i) = oldest {
                    pruned = Some(policy.versions.remove(i).id);
                }
            }
            let next = policy.versions.iter().map(|v| version_number(&v.id)).max().unwrap_or(0) + 1;
            let id = format!("v{next}");
            for v in &mut policy.versions {
                v.is_default = false;
            }
            policy.versions.push(PolicyVersion {
                id: id.clone(),
                is_default: true,
                created: Some(now),
                document: doc,
            });
            policy.default_version_id = id.clone();
            policy.updated = Some(now);
            if let Some(old) = pruned {
                rec.notes.push(format!(
                    "deleted version {old} (the oldest that is not the default): AWS keeps five"
                ));
                rec.cmd(&[
                    "aws",
                    "iam",
                    "delete-policy-version",
                    "--policy-arn",
                    arn,
                    "--version-id",
                    &old,
                ]);
            }
            let json = compact_json(document);
            rec.cmd(&[
                "aws",
                "iam",
                "create-policy-version",
                "--policy-arn",
                arn,
                "--policy-document",
                &json,
                "--set-as-default",
            ]);
        }
        Change::SetDefaultPolicyVersion { arn, version } => {
            let p = policy_index(rec.account, arn)?;
            if rec.account.policies[p].is_aws_managed() {
                return refuse(format!("{arn} is AWS managed and cannot be changed"));
            }
            if !rec.account.policies[p].versions.iter().any(|v| &v.id == version) {
                return refuse(format!("{arn} has no version {version}"));
            }
            rec.touch(Kind::Policy, p);
            let policy = &mut rec.account.policies[p];
            for v in &mut policy.versions {
                v.is_default = &v.id == version;
            }
            policy.default_version_id = version.clone();
            rec.cmd(&[
                "aws",
                "iam",
                "set-default-policy-version",
                "--policy-arn",
                arn,
                "--version-id",
                version,
            ]);
        }
        Change::DeletePolicy { arn } => {
            let p = policy_index(rec.account, arn)?;
            if rec.account.policies[p].is_aws_managed() {
                return refuse(format!("{arn} is AWS managed: it cannot be deleted, only detached"));
            }
            // Detach it everywhere and clear it as a boundary, as AWS requires
            // before deletion (DeletePolicy fails with DeleteConflict otherwise).
            let mut uses: Vec<Change> = Vec::new();
            let mut note = |holder: Holder, attached: bool, boundary: bool| {
                if attached {
                    uses.push(Change::DetachPolicy {
                        holder: holder.clone(),
                        arn: arn.clone(),
                    });
                }
                if boundary {
                    uses.push(Change::ClearPermissionsBoundary { holder });
                }
            };
            let is_it = |b: &Option<PermissionsBoundary>| b.as_ref().is_some_and(|b| &b.arn == arn);
            for u in &rec.account.users {
                let attached = u.attached_policies.iter().any(|a| &a.arn == arn);
                note(Holder::User(u.name.clone()), attached, is_it(&u.permissions_boundary));
            }
            for g in &rec.account.groups {
                let attached = g.attached_policies.iter().any(|a| &a.arn == arn);
                note(Holder::Group(g.name.clone()), attached, false);
            }
            for r in &rec.account.roles {
                let attached = r.attached_policies.iter().any(|a| &a.arn == arn);
                note(Holder::Role(r.name.clone()), attached, is_it(&r.permissions_boundary));
            }
            for change in &uses {
                apply_to(rec, change, now)?;
            }
            let p = policy_index(rec.account, arn)?;
            let versions: Vec<String> = rec.account.policies[p]
                .versions
                .iter()
                .filter(|v| !v.is_default)
                .map(|v| v.id.clone())
                .collect();
            for v in versions {
                rec.cmd(&[
                    "aws",
                    "iam",
                    "delete-policy-version",
                    "--policy-arn",
                    arn,
                    "--version-id",
                    &v,
                ]);
            }
            rec.deleted(Kind::Policy, p);
            rec.cmd(&["aws", "iam", "delete-policy", "--policy-arn", arn]);
        }
        Change::UpdateTrustPolicy { role, document } => {
            let r = role_index(rec.account, role)?;
            let doc = check_document(
                &format!("the trust policy of {role}"),
                document,
                quota::TRUST_POLICY_SIZE,
            )?;
            rec.touch(Kind::Role, r);
            rec.account.roles[r].trust_policy = Some(doc);
            let json = compact_json(document);
            rec.cmd(&[
                "aws",
                "iam",
                "update-assume-role-policy",
                "--role-name",
                role,
                "--policy-document",
                &json,
            ]);
        }
        Change::PutResourcePolicy { resource_arn, document } => {
            let doc = check_document(&format!("the policy of {resource_arn}"), document, 20_480)?;
            let existing = rec
                .account
                .resource_policies
                .iter()
                .position(|p| &p.resource_arn == resource_arn);
            match existing {
                Some(i) => {
                    rec.touch(Kind::Resource, i);
                    rec.account.resource_policies[i].policy = doc;
                }
                None => {
                    rec.account.resource_policies.push(ResourcePolicy {
                        resource_arn: resource_arn.clone(),
                        policy: doc,
                        extra: Extra::new(),
                    });
                    let index = rec.account.resource_policies.len() - 1;
                    rec.added(Kind::Resource, index);
                }
            }
            let json = compact_json(document);
            resource_policy_command(rec, resource_arn, &json);
        }
        Change::UpdateOrgPolicy { kind, name, document } => {
            let doc = check_document(name, document, quota::ORG_POLICY_SIZE)?;
            let (list_kind, list) = match kind {
                OrgKind::Scp => (Kind::Scp, &rec.account.service_control_policies),
                OrgKind::Rcp => (Kind::Rcp, &rec.account.resource_control_policies),
            };
            let Some(i) = list.iter().position(|p| &p.name == name) else {
                return refuse(format!(
                    "there is no {} named {name}",
                    if *kind == OrgKind::Scp { "SCP" } else { "RCP" }
                ));
            };
            rec.touch(list_kind, i);
            match kind {
                OrgKind::Scp => rec.account.service_control_policies[i].policy = doc,
                OrgKind::Rcp => rec.account.resource_control_policies[i].policy = doc,
            }
            let json = compact_json(document);
            rec.comment(format!("{name}: the organisation's policy id is not in the workspace; find it with `aws organizations list-policies`"));
            rec.cmd(&[
                "aws",
                "organizations",
                "update-policy",
                "--policy-id",
                "POLICY_ID",
                "--content",
                &json,
            ]);
        }
        Change::CreateAccessKey { user } => {
            if user == ROOT {
                return refuse(
                    "iamscope does not create root access keys: AWS advises never to have them; give an IAM user or role the access instead",
                );
            }
            let u = user_index(rec.account, user)?;
            let keys = rec.account.users[u]
                .credentials
                .as_ref()
                .map_or(0, |c| c.access_keys.len());
            if keys >= quota::ACCESS_KEYS_PER_USER {
                return refuse(format!(
                    "user {user} has {keys} access keys; IAM allows {} per user: deactivate and delete the older one first",
                    quota::ACCESS_KEYS_PER_USER
                ));
            }
            rec.touch(Kind::User, u);
            let id = next_id("AKIA", &format!("{account_id}/{user}/{keys}/{now}"));
            rec.account.users[u]
                .credentials
                .get_or_insert_with(Credentials::default)
                .access_keys
                .push(AccessKey {
                    id: Some(id),
                    status: AccessKeyStatus::Active,
                    created: Some(now),
                    last_used: None,
                    last_used_service: None,
                    last_used_region: None,
                });
            rec.cmd(&["aws", "iam", "create-access-key", "--user-name", user]);
            rec.comment(
                "the command prints the new secret access key once: store it safely, never in a file you share"
                    .to_owned(),
            );
        }
        Change::SetAccessKeyStatus { user, key, active } => {
            let (kind, index, id) = key_slot(rec, user, *key)?;
            let status = if *active {
                AccessKeyStatus::Active
            } else {
                AccessKeyStatus::Inactive
            };
            if let Some(c) = credentials_mut(rec.account, kind, index) {
                c.access_keys[key - 1].status = status;
            }
            match (id, kind) {
                (Some(id), Kind::Root) => {
                    rec.comment(
                        "run signed in as the root user: root keys are managed with root credentials".to_owned(),
                    );
                    rec.cmd(&[
                        "aws",
                        "iam",
                        "update-access-key",
                        "--access-key-id",
                        &id,
                        "--status",
                        status.as_str(),
                    ]);
                }
                (Some(id), _) => rec.cmd(&[
                    "aws",
                    "iam",
                    "update-access-key",
                    "--user-name",
                    user,
                    "--access-key-id",
                    &id,
                    "--status",
                    status.as_str(),
                ]),
                (None, _) => rec.comment(format!(
                    "set access key {key} of {} to {} (its id is not in the export)",
                    who(user),
                    status.as_str()
                )),
            }
        }
        Change::DeleteAccessKey { user, key } => {
            let (kind, index, id) = key_slot(rec, user, *key)?;
            if let Some(c) = credentials_mut(rec.account, kind, index) {
                c.access_keys.remove(key - 1);
            }
            match (id, kind) {
                (Some(id), Kind::Root) => {
                    rec.comment(
                        "run signed in as the root user: root keys are managed with root credentials".to_owned(),
                    );
                    rec.cmd(&["aws", "iam", "delete-access-key", "--access-key-id", &id]);
                }
                (Some(id), _) => rec.cmd(&[
                    "aws",
                    "iam",
                    "delete-access-key",
                    "--user-name",
                    user,
                    "--access-key-id",
                    &id,
                ]),
                (None, _) => rec.comment(format!(
                    "delete access key {key} of {} (its id is not in the export)",
                    who(user)
                )),
            }
        }
    }
    Ok(())
}

pub fn version_number(id: &str) -> u32 {
    id.trim_start_matches('v').parse().unwrap_or(0)
}

/// The command that sets a resource's whole policy, where one exists.
fn resource_policy_command(rec: &mut Recorder<'_>, resource_arn: &str, json: &str) {
    let Ok(arn) = Arn::parse(resource_arn) else {
        rec.comment(format!("set the policy of {resource_arn} by hand"));
        return;
    };
    match arn.service() {
        "s3" if !arn.resource().contains('/') => {
            rec.cmd(&[
                "aws",
                "s3api",
                "put-bucket-policy",
                "--bucket",
                arn.resource(),
                "--policy",
                json,
            ]);
        }
        "sqs" => {
            let url = format!(
                "https://sqs.{}.amazonaws.com/{}/{}",
                arn.region(),
                arn.account(),
                arn.resource()
            );
            let attributes = serde_json::json!({ "Policy": json }).to_string();
            rec.cmd(&[
                "aws",
                "sqs",
                "set-queue-attributes",
                "--queue-url",
                &url,
                "--attributes",
                &attributes,
            ]);
        }
        "sns" => rec.cmd(&[
            "aws",
            "sns",
            "set-topic-attributes",
            "--topic-arn",
            resource_arn,
            "--attribute-name",
            "Policy",
            "--attribute-value",
            json,
        ]),
        "kms" => rec.cmd(&[
            "aws",
            "kms",
            "put-key-policy",
            "--key-id",
            resource_arn,
            "--policy-name",
            "default",
            "--policy",
            json,
        ]),
        "iam" if arn.resource_type() == "role" => {
            rec.cmd(&[
                "aws",
                "iam",
                "update-assume-role-policy",
                "--role-name",
                arn.resource_name(),
                "--policy-document",
                json,
            ]);
        }
        other => rec.comment(format!(
            "no single AWS CLI command sets a whole {other} resource policy: apply the policy of {resource_arn} by hand"
        )),
    }
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

    /// The session's changes as a reviewable shell script of AWS CLI commands.
    pub fn script(&self, account: &Account) -> String {
        script(&self.logged(), account)
    }

    /// The session's changes as they are kept in a workspace file.
    pub fn logged(&self) -> Vec<Logged> {
        self.done
            .iter()
            .map(|a| Logged {
                change: a.change.clone(),
                commands: a.commands.clone(),
                notes: a.notes.clone(),
            })
            .collect()
    }
}

/// A change as a workspace file remembers it (under [`LOG_KEY`]): what was
/// asked, and the AWS CLI commands that make it, so the script can be
/// written later without the account as it was before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    pub change: Change,
    pub commands: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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

/// Changes as a reviewable shell script of AWS CLI commands.
pub fn script(changes: &[Logged], account: &Account) -> String {
    let mut out = String::new();
    out.push_str("#!/bin/sh\n");
    out.push_str(&format!(
        "# The changes made in iamscope to account {}, as AWS CLI commands.\n",
        account.display_name()
    ));
    out.push_str("# iamscope never runs them: read every line, then run it yourself.\n");
    if changes.is_empty() {
        out.push_str("# (no changes)\n");
    }
    out.push_str("set -eu\n");
    for logged in changes {
        out.push('\n');
        out.push_str(&format!("# {}\n", describe(&logged.change)));
        for note in &logged.notes {
            out.push_str(&format!("# note: {note}\n"));
        }
        for command in &logged.commands {
            out.push_str(command);
            out.push('\n');
        }
    }
    out
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
