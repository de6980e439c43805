//! Customer managed policies: create, new default versions (five kept), the default version, delete (detached everywhere first).

use jiff::Timestamp;

use super::*;
use crate::model::Arn;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::change::vocabulary::*;
use crate::model::entities::*;
use crate::model::index::Holder;

pub(super) fn create_policy(
    rec: &mut Recorder<'_>,
    name: &str,
    path: &str,
    document: &str,
    now: Timestamp,
) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    check_policy_name(name)?;
    check_path(path)?;
    let arn = Arn::iam(&partition, &account_id, "policy", path, name);
    if rec.account.policies.iter().any(|p| p.arn == arn) {
        return refuse(format!("a managed policy {arn} exists already"));
    }
    let doc = check_document(&format!("policy {name}"), document, quota::MANAGED_POLICY_SIZE)?;
    rec.account.policies.push(ManagedPolicy {
        name: name.to_owned(),
        id: next_id("ANPA", arn.as_str()),
        arn,
        path: path.to_owned(),
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
    rec.call(
        "iam",
        "CreatePolicy",
        &[("PolicyName", name), ("Path", path), ("PolicyDocument", &json)],
    );
    Ok(())
}

pub(super) fn create_policy_version(
    rec: &mut Recorder<'_>,
    arn: &str,
    document: &str,
    now: Timestamp,
) -> Result<(), Refusal> {
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
        rec.call("iam", "DeletePolicyVersion", &[("PolicyArn", arn), ("VersionId", &old)]);
    }
    let json = compact_json(document);
    rec.call_with_flags(
        "iam",
        "CreatePolicyVersion",
        &[("PolicyArn", arn), ("PolicyDocument", &json)],
        &["SetAsDefault"],
    );
    Ok(())
}

pub(super) fn set_default_policy_version(rec: &mut Recorder<'_>, arn: &str, version: &str) -> Result<(), Refusal> {
    let p = policy_index(rec.account, arn)?;
    if rec.account.policies[p].is_aws_managed() {
        return refuse(format!("{arn} is AWS managed and cannot be changed"));
    }
    if !rec.account.policies[p].versions.iter().any(|v| v.id == version) {
        return refuse(format!("{arn} has no version {version}"));
    }
    rec.touch(Kind::Policy, p);
    let policy = &mut rec.account.policies[p];
    for v in &mut policy.versions {
        v.is_default = v.id == version;
    }
    policy.default_version_id = version.to_owned();
    rec.call(
        "iam",
        "SetDefaultPolicyVersion",
        &[("PolicyArn", arn), ("VersionId", version)],
    );
    Ok(())
}

pub(super) fn delete_policy(rec: &mut Recorder<'_>, arn: &str, now: Timestamp) -> Result<(), Refusal> {
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
                arn: arn.to_owned(),
            });
        }
        if boundary {
            uses.push(Change::ClearPermissionsBoundary { holder });
        }
    };
    let is_it = |b: &Option<PermissionsBoundary>| b.as_ref().is_some_and(|b| b.arn == arn);
    for u in &rec.account.users {
        let attached = u.attached_policies.iter().any(|a| a.arn == arn);
        note(Holder::User(u.name.clone()), attached, is_it(&u.permissions_boundary));
    }
    for g in &rec.account.groups {
        let attached = g.attached_policies.iter().any(|a| a.arn == arn);
        note(Holder::Group(g.name.clone()), attached, false);
    }
    for r in &rec.account.roles {
        let attached = r.attached_policies.iter().any(|a| a.arn == arn);
        note(Holder::Role(r.name.clone()), attached, is_it(&r.permissions_boundary));
    }
    for change in &uses {
        super::apply_to(rec, change, now)?;
    }
    let p = policy_index(rec.account, arn)?;
    let versions: Vec<String> = rec.account.policies[p]
        .versions
        .iter()
        .filter(|v| !v.is_default)
        .map(|v| v.id.clone())
        .collect();
    for v in versions {
        rec.call("iam", "DeletePolicyVersion", &[("PolicyArn", arn), ("VersionId", &v)]);
    }
    rec.deleted(Kind::Policy, p);
    rec.call("iam", "DeletePolicy", &[("PolicyArn", arn)]);
    Ok(())
}
