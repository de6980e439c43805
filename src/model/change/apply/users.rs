//! Users: create, delete (everything AWS requires gone first), rename, clone.

use jiff::Timestamp;

use super::*;
use crate::model::Arn;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::change::vocabulary::*;
use crate::model::entities::*;
use crate::model::index::Holder;

pub(super) fn create_user(rec: &mut Recorder<'_>, name: &str, path: &str, now: Timestamp) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    check_name("user", name, quota::USER_NAME)?;
    check_path(path)?;
    if taken(rec.account.users.iter().map(|u| u.name.clone()), name) {
        return refuse(format!("a user named {name} exists already (IAM names ignore case)"));
    }
    rec.account.users.push(User {
        name: name.to_owned(),
        id: next_id("AIDA", &format!("{account_id}/{name}")),
        arn: Arn::iam(&partition, &account_id, "user", path, name),
        path: path.to_owned(),
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
    rec.call("iam", "CreateUser", &[("UserName", name), ("Path", path)]);
    Ok(())
}

pub(super) fn delete_user(rec: &mut Recorder<'_>, name: &str) -> Result<(), Refusal> {
    let u = user_index(rec.account, name)?;
    let user = rec.account.users[u].clone();
    // AWS requires a user's attachments, keys and memberships gone first.
    for g in &user.groups {
        rec.call("iam", "RemoveUserFromGroup", &[("UserName", name), ("GroupName", g)]);
    }
    for p in &user.attached_policies {
        rec.call("iam", "DetachUserPolicy", &[("UserName", name), ("PolicyArn", &p.arn)]);
    }
    for p in &user.inline_policies {
        rec.call(
            "iam",
            "DeleteUserPolicy",
            &[("UserName", name), ("PolicyName", &p.name)],
        );
    }
    if user.permissions_boundary.is_some() {
        rec.call("iam", "DeleteUserPermissionsBoundary", &[("UserName", name)]);
    }
    if let Some(c) = &user.credentials {
        if c.password.is_some() {
            rec.call("iam", "DeleteLoginProfile", &[("UserName", name)]);
        }
        for (i, key) in c.access_keys.iter().enumerate() {
            match &key.id {
                Some(id) => rec.call("iam", "DeleteAccessKey", &[("UserName", name), ("AccessKeyId", id)]),
                None => rec.comment(format!(
                    "delete access key {} of {name} (its id is not in the export)",
                    i + 1
                )),
            }
        }
        for d in &c.mfa_devices {
            rec.call(
                "iam",
                "DeactivateMFADevice",
                &[("UserName", name), ("SerialNumber", &d.serial)],
            );
        }
    }
    rec.deleted(Kind::User, u);
    rec.call("iam", "DeleteUser", &[("UserName", name)]);
    Ok(())
}

pub(super) fn rename_user(rec: &mut Recorder<'_>, name: &str, new_name: &str) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    check_name("user", new_name, quota::USER_NAME)?;
    let u = user_index(rec.account, name)?;
    if !name.eq_ignore_ascii_case(new_name) && taken(rec.account.users.iter().map(|u| u.name.clone()), new_name) {
        return refuse(format!("a user named {new_name} exists already"));
    }
    rec.touch(Kind::User, u);
    let user = &mut rec.account.users[u];
    user.arn = Arn::iam(&partition, &account_id, "user", &user.path, new_name);
    user.name = new_name.to_owned();
    rec.call("iam", "UpdateUser", &[("UserName", name), ("NewUserName", new_name)]);
    Ok(())
}

pub(super) fn clone_user(rec: &mut Recorder<'_>, source: &str, name: &str, now: Timestamp) -> Result<(), Refusal> {
    let s = user_index(rec.account, source)?;
    let source_user = rec.account.users[s].clone();
    super::apply_to(
        rec,
        &Change::CreateUser {
            name: name.to_owned(),
            path: source_user.path.clone(),
        },
        now,
    )?;
    for g in &source_user.groups {
        super::apply_to(
            rec,
            &Change::AddUserToGroup {
                user: name.to_owned(),
                group: g.clone(),
            },
            now,
        )?;
    }
    for p in &source_user.attached_policies {
        super::apply_to(
            rec,
            &Change::AttachPolicy {
                holder: Holder::User(name.to_owned()),
                arn: p.arn.clone(),
            },
            now,
        )?;
    }
    Ok(())
}
