//! Policies a user, group or role holds: managed policies attached, the permissions boundary, and inline policies.

use super::*;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::entities::*;
use crate::model::index::Holder;

pub(super) fn attach_policy(rec: &mut Recorder<'_>, holder: &Holder, arn: &str) -> Result<(), Refusal> {
    let (kind, i) = holder_index(rec.account, holder)?;
    let p = policy_index_or_library(rec, arn)?;
    let (word, holder_name) = holder_kind(holder);
    let noun = holder_noun(holder);
    let list = attachments_mut(rec.account, kind, i);
    if list.iter().any(|a| a.arn == arn) {
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
    attachments_mut(rec.account, kind, i).push(AttachedPolicy {
        name,
        arn: arn.to_owned(),
    });
    rec.call(
        "iam",
        &format!("Attach{noun}Policy"),
        &[(&format!("{noun}Name"), holder_name), ("PolicyArn", arn)],
    );
    Ok(())
}

pub(super) fn detach_policy(rec: &mut Recorder<'_>, holder: &Holder, arn: &str) -> Result<(), Refusal> {
    let (kind, i) = holder_index(rec.account, holder)?;
    let (word, holder_name) = holder_kind(holder);
    let noun = holder_noun(holder);
    if !attachments_mut(rec.account, kind, i).iter().any(|a| a.arn == arn) {
        return refuse(format!("{word} {holder_name} does not have {arn} attached"));
    }
    rec.touch(kind, i);
    attachments_mut(rec.account, kind, i).retain(|a| a.arn != arn);
    rec.call(
        "iam",
        &format!("Detach{noun}Policy"),
        &[(&format!("{noun}Name"), holder_name), ("PolicyArn", arn)],
    );
    Ok(())
}

pub(super) fn set_permissions_boundary(rec: &mut Recorder<'_>, holder: &Holder, arn: &str) -> Result<(), Refusal> {
    let (kind, i) = holder_index(rec.account, holder)?;
    let (_, holder_name) = holder_kind(holder);
    let noun = holder_noun(holder);
    if kind == Kind::Group {
        return refuse("a group cannot have a permissions boundary: only users and roles can");
    }
    policy_index_or_library(rec, arn)?;
    rec.touch(kind, i);
    let boundary = Some(PermissionsBoundary { arn: arn.to_owned() });
    match kind {
        Kind::User => rec.account.users[i].permissions_boundary = boundary,
        _ => rec.account.roles[i].permissions_boundary = boundary,
    }
    rec.call(
        "iam",
        &format!("Put{noun}PermissionsBoundary"),
        &[(&format!("{noun}Name"), holder_name), ("PermissionsBoundary", arn)],
    );
    Ok(())
}

pub(super) fn clear_permissions_boundary(rec: &mut Recorder<'_>, holder: &Holder) -> Result<(), Refusal> {
    let (kind, i) = holder_index(rec.account, holder)?;
    let (word, holder_name) = holder_kind(holder);
    let noun = holder_noun(holder);
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
    rec.call(
        "iam",
        &format!("Delete{noun}PermissionsBoundary"),
        &[(&format!("{noun}Name"), holder_name)],
    );
    Ok(())
}

pub(super) fn put_inline_policy(
    rec: &mut Recorder<'_>,
    holder: &Holder,
    name: &str,
    document: &str,
) -> Result<(), Refusal> {
    let (kind, i) = holder_index(rec.account, holder)?;
    let (word, holder_name) = holder_kind(holder);
    let noun = holder_noun(holder);
    check_inline_policy_name(name)?;
    let limit = match kind {
        Kind::User => quota::INLINE_USER,
        Kind::Group => quota::INLINE_GROUP,
        _ => quota::INLINE_ROLE,
    };
    let doc = check_document(&format!("inline policy {name}"), document, usize::MAX)?;
    // The quota is on all of an entity's inline policies together.
    let others: usize = inline_mut(rec.account, kind, i)
        .iter()
        .filter(|p| p.name != name)
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
    match list.iter_mut().find(|p| p.name == name) {
        Some(existing) => existing.document = doc,
        None => list.push(InlinePolicy {
            name: name.to_owned(),
            document: doc,
        }),
    }
    let json = compact_json(document);
    rec.call(
        "iam",
        &format!("Put{noun}Policy"),
        &[
            (&format!("{noun}Name"), holder_name),
            ("PolicyName", name),
            ("PolicyDocument", &json),
        ],
    );
    Ok(())
}

pub(super) fn delete_inline_policy(rec: &mut Recorder<'_>, holder: &Holder, name: &str) -> Result<(), Refusal> {
    let (kind, i) = holder_index(rec.account, holder)?;
    let (word, holder_name) = holder_kind(holder);
    let noun = holder_noun(holder);
    if !inline_mut(rec.account, kind, i).iter().any(|p| p.name == name) {
        return refuse(format!("{word} {holder_name} has no inline policy {name}"));
    }
    rec.touch(kind, i);
    inline_mut(rec.account, kind, i).retain(|p| p.name != name);
    rec.call(
        "iam",
        &format!("Delete{noun}Policy"),
        &[(&format!("{noun}Name"), holder_name), ("PolicyName", name)],
    );
    Ok(())
}
