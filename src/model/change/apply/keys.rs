//! Access keys of users and of the root user: create (never for the root user), activate or deactivate, delete.

use jiff::Timestamp;

use super::*;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::change::vocabulary::*;
use crate::model::entities::*;

pub(super) fn create_access_key(rec: &mut Recorder<'_>, user: &str, now: Timestamp) -> Result<(), Refusal> {
    let account_id = rec.account.id.clone();
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
    rec.call("iam", "CreateAccessKey", &[("UserName", user)]);
    rec.comment(
        "the command prints the new secret access key once: store it safely, never in a file you share".to_owned(),
    );
    Ok(())
}

pub(super) fn set_access_key_status(
    rec: &mut Recorder<'_>,
    user: &str,
    key: &usize,
    active: &bool,
) -> Result<(), Refusal> {
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
            rec.comment("run signed in as the root user: root keys are managed with root credentials".to_owned());
            rec.call(
                "iam",
                "UpdateAccessKey",
                &[("AccessKeyId", &id), ("Status", status.as_str())],
            );
        }
        (Some(id), _) => rec.call(
            "iam",
            "UpdateAccessKey",
            &[("UserName", user), ("AccessKeyId", &id), ("Status", status.as_str())],
        ),
        (None, _) => rec.comment(format!(
            "set access key {key} of {} to {} (its id is not in the export)",
            who(user),
            status.as_str()
        )),
    }
    Ok(())
}

pub(super) fn delete_access_key(rec: &mut Recorder<'_>, user: &str, key: &usize) -> Result<(), Refusal> {
    let (kind, index, id) = key_slot(rec, user, *key)?;
    if let Some(c) = credentials_mut(rec.account, kind, index) {
        c.access_keys.remove(key - 1);
    }
    match (id, kind) {
        (Some(id), Kind::Root) => {
            rec.comment("run signed in as the root user: root keys are managed with root credentials".to_owned());
            rec.call("iam", "DeleteAccessKey", &[("AccessKeyId", &id)]);
        }
        (Some(id), _) => rec.call("iam", "DeleteAccessKey", &[("UserName", user), ("AccessKeyId", &id)]),
        (None, _) => rec.comment(format!(
            "delete access key {key} of {} (its id is not in the export)",
            who(user)
        )),
    }
    Ok(())
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
