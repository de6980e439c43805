//! Resource-based policies and the organisation's SCPs and RCPs.

use super::*;
use crate::model::Arn;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::change::vocabulary::*;
use crate::model::entities::*;

pub(super) fn put_resource_policy(rec: &mut Recorder<'_>, resource_arn: &str, document: &str) -> Result<(), Refusal> {
    let doc = check_document(&format!("the policy of {resource_arn}"), document, 20_480)?;
    let existing = rec
        .account
        .resource_policies
        .iter()
        .position(|p| p.resource_arn == resource_arn);
    match existing {
        Some(i) => {
            rec.touch(Kind::Resource, i);
            rec.account.resource_policies[i].policy = doc;
        }
        None => {
            rec.account.resource_policies.push(ResourcePolicy {
                resource_arn: resource_arn.to_owned(),
                policy: doc,
                extra: Extra::new(),
            });
            let index = rec.account.resource_policies.len() - 1;
            rec.added(Kind::Resource, index);
        }
    }
    let json = compact_json(document);
    resource_policy_command(rec, resource_arn, &json);
    Ok(())
}

pub(super) fn update_org_policy(
    rec: &mut Recorder<'_>,
    kind: &OrgKind,
    name: &str,
    document: &str,
) -> Result<(), Refusal> {
    let doc = check_document(name, document, quota::ORG_POLICY_SIZE)?;
    let (list_kind, list) = match kind {
        OrgKind::Scp => (Kind::Scp, &rec.account.service_control_policies),
        OrgKind::Rcp => (Kind::Rcp, &rec.account.resource_control_policies),
    };
    let Some(i) = list.iter().position(|p| p.name == name) else {
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
    rec.comment(format!(
        "{name}: the organisation's policy id is not in the workspace; find it with `aws organizations list-policies`"
    ));
    rec.call(
        "organizations",
        "UpdatePolicy",
        &[("PolicyId", "POLICY_ID"), ("Content", &json)],
    );
    Ok(())
}
/// The command that sets a resource's whole policy, where one exists.
fn resource_policy_command(rec: &mut Recorder<'_>, resource_arn: &str, json: &str) {
    let Ok(arn) = Arn::parse(resource_arn) else {
        rec.comment(format!("set the policy of {resource_arn} by hand"));
        return;
    };
    match arn.service() {
        "s3" if !arn.resource().contains('/') => {
            rec.call("s3", "PutBucketPolicy", &[("Bucket", arn.resource()), ("Policy", json)]);
        }
        "sqs" => {
            let url = format!(
                "https://sqs.{}.amazonaws.com/{}/{}",
                arn.region(),
                arn.account(),
                arn.resource()
            );
            let attributes = serde_json::json!({ "Policy": json }).to_string();
            rec.call(
                "sqs",
                "SetQueueAttributes",
                &[("QueueUrl", &url), ("Attributes", &attributes)],
            );
        }
        "sns" => rec.call(
            "sns",
            "SetTopicAttributes",
            &[
                ("TopicArn", resource_arn),
                ("AttributeName", "Policy"),
                ("AttributeValue", json),
            ],
        ),
        "kms" => rec.call(
            "kms",
            "PutKeyPolicy",
            &[("KeyId", resource_arn), ("PolicyName", "default"), ("Policy", json)],
        ),
        "iam" if arn.resource_type() == "role" => {
            rec.call(
                "iam",
                "UpdateAssumeRolePolicy",
                &[("RoleName", arn.resource_name()), ("PolicyDocument", json)],
            );
        }
        other => rec.comment(format!(
            "no single AWS CLI command sets a whole {other} resource policy: apply the policy of {resource_arn} by hand"
        )),
    }
}
