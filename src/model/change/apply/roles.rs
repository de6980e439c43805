//! Roles: create from a template (with an instance profile for EC2), delete, and their trust policies.

use jiff::Timestamp;

use super::*;
use crate::model::Arn;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::change::vocabulary::*;
use crate::model::entities::*;
use crate::policy::PolicyDocument;

pub(super) fn create_role(
    rec: &mut Recorder<'_>,
    name: &str,
    path: &str,
    template: &RoleTemplate,
    now: Timestamp,
) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    check_name("role", name, quota::ROLE_NAME)?;
    check_path(path)?;
    if taken(rec.account.roles.iter().map(|r| r.name.clone()), name) {
        return refuse(format!("a role named {name} exists already"));
    }
    let trust = template.trust_policy();
    let document = PolicyDocument::from_value(&trust);
    rec.account.roles.push(Role {
        name: name.to_owned(),
        id: next_id("AROA", &format!("{account_id}/{name}")),
        arn: Arn::iam(&partition, &account_id, "role", path, name),
        path: path.to_owned(),
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
    rec.call(
        "iam",
        "CreateRole",
        &[
            ("RoleName", name),
            ("Path", path),
            ("AssumeRolePolicyDocument", &trust_text),
        ],
    );
    if *template == RoleTemplate::Ec2 {
        let mut role = rec.account.roles[index].clone();
        role.instance_profiles.push(InstanceProfile {
            name: name.to_owned(),
            id: next_id("AIPA", &format!("{account_id}/{name}")),
            arn: format!("arn:{partition}:iam::{account_id}:instance-profile{path}{name}"),
            path: path.to_owned(),
            created: Some(now),
        });
        rec.account.roles[index] = role;
        rec.call(
            "iam",
            "CreateInstanceProfile",
            &[("InstanceProfileName", name), ("Path", path)],
        );
        rec.call(
            "iam",
            "AddRoleToInstanceProfile",
            &[("InstanceProfileName", name), ("RoleName", name)],
        );
    }
    Ok(())
}

pub(super) fn delete_role(rec: &mut Recorder<'_>, name: &str) -> Result<(), Refusal> {
    let r = role_index(rec.account, name)?;
    let role = rec.account.roles[r].clone();
    if role.is_service_linked() {
        return refuse(format!(
            "role {name} is service-linked: its service deletes it (aws iam delete-service-linked-role)"
        ));
    }
    for p in &role.instance_profiles {
        rec.call(
            "iam",
            "RemoveRoleFromInstanceProfile",
            &[("InstanceProfileName", &p.name), ("RoleName", name)],
        );
    }
    for p in &role.attached_policies {
        rec.call("iam", "DetachRolePolicy", &[("RoleName", name), ("PolicyArn", &p.arn)]);
    }
    for p in &role.inline_policies {
        rec.call(
            "iam",
            "DeleteRolePolicy",
            &[("RoleName", name), ("PolicyName", &p.name)],
        );
    }
    rec.deleted(Kind::Role, r);
    rec.call("iam", "DeleteRole", &[("RoleName", name)]);
    Ok(())
}

pub(super) fn update_trust_policy(rec: &mut Recorder<'_>, role: &str, document: &str) -> Result<(), Refusal> {
    let r = role_index(rec.account, role)?;
    let doc = check_document(
        &format!("the trust policy of {role}"),
        document,
        quota::TRUST_POLICY_SIZE,
    )?;
    rec.touch(Kind::Role, r);
    rec.account.roles[r].trust_policy = Some(doc);
    let json = compact_json(document);
    rec.call(
        "iam",
        "UpdateAssumeRolePolicy",
        &[("RoleName", role), ("PolicyDocument", &json)],
    );
    Ok(())
}
