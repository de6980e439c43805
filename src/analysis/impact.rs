//! What a change would do to access, before it is kept: every decision it
//! flips, over the actions and resources named in the documents it touches,
//! for every principal those documents reach. The engine answers both sides.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::eval::{Decision, PrincipalSpec, Request};
use crate::model::change::{Change, OrgKind, Refusal, apply};
use crate::model::{Holder, Model, PolicyUse};
use crate::policy::PolicyDocument;

/// One decision the change flips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flip {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub before: Decision,
    pub after: Decision,
}

impl Flip {
    /// `user/alice  s3:DeleteObject  arn:aws:s3:::photos/*  ImplicitDeny → Allow`.
    pub fn line(&self) -> String {
        format!(
            "{}  {}  {}  {} → {}",
            self.principal,
            self.action,
            self.resource,
            self.before.as_str(),
            self.after.as_str()
        )
    }
}

#[derive(Debug, Clone)]
pub struct Impact {
    /// The account as it would be after the change.
    pub after: Model,
    pub flips: Vec<Flip>,
    /// How many requests were compared.
    pub checked: usize,
}

const MAX_ACTIONS: usize = 400;
const MAX_RESOURCES: usize = 40;

/// The change's effect on access; refused changes are refused here too.
pub fn impact(before: &Model, change: &Change, now: jiff::Timestamp) -> Result<Impact, Refusal> {
    let mut after = before.clone();
    apply(&mut after, change, now)?;
    let scope = scope(before, &after, change);
    let mut flips = Vec::new();
    let mut checked = 0;
    let catalog = crate::catalog::catalog();
    for principal in &scope.principals {
        // only actions the catalogue has: AWS receives no others
        for action in scope.actions.iter().filter(|a| catalog.action(a).is_some()) {
            // only requests AWS could make: s3:DeleteObject on objects, not buckets
            for resource in scope.resources.iter().filter(|r| catalog.accepts(action, r)) {
                let request = Request::new(principal.clone(), action, resource, now);
                let (Ok(b), Ok(a)) = (
                    crate::eval::decide(before, &request),
                    crate::eval::decide(&after, &request),
                ) else {
                    continue;
                };
                checked += 1;
                if b.decision != a.decision {
                    flips.push(Flip {
                        principal: principal.to_string(),
                        action: action.clone(),
                        resource: resource.clone(),
                        before: b.decision,
                        after: a.decision,
                    });
                }
            }
        }
    }
    Ok(Impact { after, flips, checked })
}

struct Scope {
    principals: Vec<PrincipalSpec>,
    actions: Vec<String>,
    resources: Vec<String>,
}

/// Principals a holder's policies reach: a user, a group's members, a role.
fn holder_principals(model: &Model, holder: &Holder) -> Vec<PrincipalSpec> {
    match holder {
        Holder::User(n) => vec![PrincipalSpec::User(n.clone())],
        Holder::Group(n) => model
            .members_of(n)
            .iter()
            .map(|u| PrincipalSpec::User(u.name.clone()))
            .collect(),
        Holder::Role(n) => vec![PrincipalSpec::Role {
            name: n.clone(),
            session: None,
        }],
    }
}

fn policy_principals(model: &Model, arn: &str) -> Vec<PrincipalSpec> {
    let Some(index) = model.index().policy(arn) else {
        return Vec::new();
    };
    let a = model.account();
    let mut out = Vec::new();
    for u in model.index().uses_of(index) {
        match *u {
            PolicyUse::User { user, .. } => out.push(PrincipalSpec::User(a.users[user].name.clone())),
            PolicyUse::Group { group } => {
                out.extend(holder_principals(model, &Holder::Group(a.groups[group].name.clone())))
            }
            PolicyUse::Role { role, .. } => out.push(PrincipalSpec::Role {
                name: a.roles[role].name.clone(),
                session: None,
            }),
        }
    }
    out
}

fn all_principals(model: &Model) -> Vec<PrincipalSpec> {
    super::who_can::principals(model)
}

/// The documents a holder's permissions come from (for structural edits).
fn holder_documents(model: &Model, holder: &Holder) -> Vec<PolicyDocument> {
    let mut docs = Vec::new();
    let mut managed = |arn: &str| {
        if let Some(d) = model.policy(arn).and_then(|p| p.default_document()) {
            docs.push(d.clone());
        }
    };
    match holder {
        Holder::User(n) => {
            if let Some(u) = model.user(n) {
                u.attached_policies.iter().for_each(|p| managed(&p.arn));
                if let Some(b) = &u.permissions_boundary {
                    managed(&b.arn);
                }
                for g in &u.groups {
                    if let Some(group) = model.group(g) {
                        group.attached_policies.iter().for_each(|p| managed(&p.arn));
                    }
                }
            }
        }
        Holder::Group(n) => {
            if let Some(g) = model.group(n) {
                g.attached_policies.iter().for_each(|p| managed(&p.arn));
            }
        }
        Holder::Role(n) => {
            if let Some(r) = model.role(n) {
                r.attached_policies.iter().for_each(|p| managed(&p.arn));
                if let Some(b) = &r.permissions_boundary {
                    managed(&b.arn);
                }
            }
        }
    }
    let inline = match holder {
        Holder::User(n) => model.user(n).map(|u| u.inline_policies.clone()),
        Holder::Group(n) => model.group(n).map(|g| g.inline_policies.clone()),
        Holder::Role(n) => model.role(n).map(|r| r.inline_policies.clone()),
    };
    docs.extend(inline.into_iter().flatten().map(|p| p.document));
    docs
}

fn scope(before: &Model, after: &Model, change: &Change) -> Scope {
    let mut principals: Vec<PrincipalSpec> = Vec::new();
    let mut documents: Vec<PolicyDocument> = Vec::new();
    let mut resources: BTreeSet<String> = BTreeSet::new();
    let both = |docs: &mut Vec<PolicyDocument>, f: &dyn Fn(&Model) -> Vec<PolicyDocument>| {
        docs.extend(f(before));
        docs.extend(f(after));
    };
    match change {
        Change::PutInlinePolicy { holder, name, .. } | Change::DeleteInlinePolicy { holder, name } => {
            principals = holder_principals(after, holder);
            principals.extend(holder_principals(before, holder));
            both(&mut documents, &|m: &Model| {
                let list = match holder {
                    Holder::User(n) => m.user(n).map(|u| u.inline_policies.clone()),
                    Holder::Group(n) => m.group(n).map(|g| g.inline_policies.clone()),
                    Holder::Role(n) => m.role(n).map(|r| r.inline_policies.clone()),
                };
                list.into_iter()
                    .flatten()
                    .filter(|p| &p.name == name)
                    .map(|p| p.document)
                    .collect()
            });
        }
        Change::CreatePolicyVersion { arn, .. }
        | Change::SetDefaultPolicyVersion { arn, .. }
        | Change::DeletePolicy { arn } => {
            principals = policy_principals(before, arn);
            both(&mut documents, &|m: &Model| {
                m.policy(arn)
                    .and_then(|p| p.default_document())
                    .into_iter()
                    .cloned()
                    .collect()
            });
        }
        Change::AttachPolicy { holder, arn } | Change::DetachPolicy { holder, arn } => {
            principals = holder_principals(before, holder);
            // An AWS managed policy may enter the account with the attachment.
            both(&mut documents, &|m: &Model| {
                m.policy(arn)
                    .and_then(|p| p.default_document())
                    .cloned()
                    .into_iter()
                    .collect()
            });
            documents.extend(holder_documents(before, holder));
        }
        Change::SetPermissionsBoundary { holder, .. } | Change::ClearPermissionsBoundary { holder } => {
            principals = holder_principals(before, holder);
            documents.extend(holder_documents(before, holder));
            documents.extend(holder_documents(after, holder));
        }
        Change::AddUserToGroup { user, group } | Change::RemoveUserFromGroup { user, group } => {
            principals = vec![PrincipalSpec::User(user.clone())];
            documents.extend(holder_documents(before, &Holder::Group(group.clone())));
            documents.extend(holder_documents(after, &Holder::Group(group.clone())));
        }
        Change::DeleteGroup { name, .. } => {
            principals = holder_principals(before, &Holder::Group(name.clone()));
            documents.extend(holder_documents(before, &Holder::Group(name.clone())));
        }
        Change::UpdateTrustPolicy { role, .. } => {
            principals = all_principals(before);
            both(&mut documents, &|m: &Model| {
                m.role(role).and_then(|r| r.trust_policy.clone()).into_iter().collect()
            });
            if let Some(r) = before.role(role) {
                resources.insert(r.arn.to_string());
            }
        }
        Change::PutResourcePolicy { resource_arn, .. } => {
            principals = all_principals(before);
            both(&mut documents, &|m: &Model| {
                m.account()
                    .resource_policies
                    .iter()
                    .filter(|p| &p.resource_arn == resource_arn)
                    .map(|p| p.policy.clone())
                    .collect()
            });
            resources.insert(resource_arn.clone());
        }
        Change::UpdateOrgPolicy { kind, name, .. } => {
            principals = all_principals(before);
            both(&mut documents, &|m: &Model| {
                let list = match kind {
                    OrgKind::Scp => &m.account().service_control_policies,
                    OrgKind::Rcp => &m.account().resource_control_policies,
                };
                list.iter()
                    .filter(|p| &p.name == name)
                    .map(|p| p.policy.clone())
                    .collect()
            });
        }
        // Creating, renaming and deleting entities, keys: who they are changes,
        // not what a remaining principal may do.
        _ => {}
    }
    let mut seen = BTreeSet::new();
    principals.retain(|p| seen.insert(p.to_string()));
    let (actions, named) = actions_and_resources(&documents);
    resources.extend(named);
    let mut resources: Vec<String> = resources.into_iter().collect();
    resources.truncate(MAX_RESOURCES);
    Scope {
        principals,
        actions,
        resources,
    }
}

/// Services most accounts use, asked about first when a wildcard covers
/// more actions than a preview can ask about.
const WELL_KNOWN: [&str; 16] = [
    "iam",
    "s3",
    "ec2",
    "lambda",
    "dynamodb",
    "sts",
    "kms",
    "sqs",
    "sns",
    "logs",
    "cloudwatch",
    "rds",
    "secretsmanager",
    "ssm",
    "cloudformation",
    "organizations",
];

/// At most `limit` actions of a wildcard's expansion, spread over services
/// (well-known ones first, a few each) rather than the first in A–Z order.
fn sample(expanded: Vec<&crate::catalog::Action>, limit: usize) -> Vec<String> {
    if expanded.len() <= limit {
        return expanded.iter().map(|a| a.full_name()).collect();
    }
    let mut by_service: std::collections::BTreeMap<&str, Vec<&crate::catalog::Action>> = Default::default();
    for action in expanded {
        by_service.entry(action.service()).or_default().push(action);
    }
    let mut order: Vec<&str> = WELL_KNOWN
        .iter()
        .copied()
        .filter(|s| by_service.contains_key(s))
        .collect();
    order.extend(by_service.keys().copied().filter(|s| !WELL_KNOWN.contains(s)));
    let mut out: Vec<String> = Vec::new();
    // a few of each well-known service first, then round after round over all
    let first_round = if order.len() > 1 { 3 } else { limit };
    let mut taken: std::collections::BTreeMap<&str, usize> = Default::default();
    for service in order.iter().filter(|s| WELL_KNOWN.contains(s)) {
        for action in by_service[service].iter().take(first_round) {
            if out.len() == limit {
                return out;
            }
            out.push(action.full_name());
            *taken.entry(service).or_default() += 1;
        }
    }
    for round in 0.. {
        let mut any = false;
        for service in &order {
            let i = taken.get(service).copied().unwrap_or(0) + round;
            if let Some(action) = by_service[service].get(i) {
                if out.len() == limit {
                    return out;
                }
                any = true;
                out.push(action.full_name());
            }
        }
        if !any {
            break;
        }
    }
    out
}

/// Actions (wildcards expanded with the catalogue) and resources named in
/// the documents.
pub(crate) fn actions_and_resources(documents: &[PolicyDocument]) -> (Vec<String>, BTreeSet<String>) {
    let catalog = crate::catalog::catalog();
    let mut actions = BTreeSet::new();
    let mut resources = BTreeSet::new();
    for document in documents {
        for statement in document.parsed().statements() {
            for pattern in statement.action.iter().flat_map(|a| &a.patterns) {
                if pattern.text.contains(['*', '?']) {
                    actions.extend(sample(catalog.expand(&pattern.text), 60));
                } else {
                    actions.insert(pattern.text.to_string());
                }
            }
            match &statement.resource {
                Some(r) => resources.extend(r.patterns.iter().map(|p| p.text.to_string())),
                None => {
                    resources.insert("*".to_owned());
                }
            }
        }
    }
    (spread(actions, MAX_ACTIONS), resources)
}

/// At most `limit` of the actions, spread over their services round by
/// round, well-known services first: a policy that names hundreds of
/// services (ReadOnlyAccess) is previewed on IAM, S3 and EC2 before A4B.
fn spread(actions: BTreeSet<String>, limit: usize) -> Vec<String> {
    if actions.len() <= limit {
        return actions.into_iter().collect();
    }
    let mut by_service: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for action in actions {
        let service = action.split(':').next().unwrap_or_default().to_ascii_lowercase();
        by_service.entry(service).or_default().push(action);
    }
    let rank = |service: &str| {
        WELL_KNOWN
            .iter()
            .position(|w| *w == service)
            .unwrap_or(WELL_KNOWN.len())
    };
    let mut services: Vec<(String, std::vec::IntoIter<String>)> =
        by_service.into_iter().map(|(s, a)| (s, a.into_iter())).collect();
    services.sort_by_key(|(s, _)| rank(s));
    let mut out = Vec::with_capacity(limit);
    loop {
        let mut any = false;
        for (_, actions) in services.iter_mut() {
            if let Some(action) = actions.next() {
                out.push(action);
                any = true;
                if out.len() == limit {
                    return out;
                }
            }
        }
        if !any {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-11-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn widening_a_managed_policy_flips_its_holders_and_nobody_else() {
        let model = crate::io::load(&[], None).unwrap().model;
        let arn = "arn:aws:iam::111122223333:policy/DevelopersS3Read";
        let document = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadPhotos", "Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]}]}"#;
        let result = impact(
            &model,
            &Change::CreatePolicyVersion {
                arn: arn.into(),
                document: document.into(),
            },
            now(),
        )
        .unwrap();
        let lines: Vec<String> = result.flips.iter().map(Flip::line).collect();
        assert!(
            lines.contains(&"user/alice  s3:DeleteObject  arn:aws:s3:::photos/*  ImplicitDeny → Allow".to_owned()),
            "{lines:#?}"
        );
        // The group's members, and the role it is attached to as well.
        assert!(
            lines.contains(
                &"role/CorpDevelopers  s3:DeleteObject  arn:aws:s3:::photos/*  ImplicitDeny → Allow".to_owned()
            ),
            "{lines:#?}"
        );
        assert!(
            lines.iter().all(|l| l.starts_with("user/alice")
                || l.starts_with("user/bob")
                || l.starts_with("role/CorpDevelopers")),
            "{lines:#?}"
        );
        assert!(
            lines.iter().all(|l| l.contains("s3:DeleteObject")),
            "only the new action flips: {lines:#?}"
        );
        assert!(result.checked > 50, "{}", result.checked);
        assert!(
            !lines.iter().any(|l| l.contains("arn:aws:s3:::photos ")),
            "s3:DeleteObject is not asked of a bucket: {lines:#?}"
        );
    }

    #[test]
    fn detaching_administrator_access_takes_ana_s_access_away() {
        let model = crate::io::load(&[], None).unwrap().model;
        let change = Change::DetachPolicy {
            holder: Holder::Group("Admins".into()),
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        };
        let result = impact(&model, &change, now()).unwrap();
        assert!(
            result
                .flips
                .iter()
                .any(|f| f.principal == "user/ana" && f.after == Decision::ImplicitDeny)
        );
    }

    #[test]
    fn a_full_wildcard_is_sampled_across_well_known_services() {
        let picked = sample(crate::catalog::catalog().expand("*"), 60);
        assert_eq!(picked.len(), 60);
        assert!(picked.iter().any(|a| a.starts_with("iam:")), "{picked:?}");
        assert!(picked.iter().any(|a| a.starts_with("s3:")), "{picked:?}");
        assert!(picked[0].starts_with("iam:"), "well-known services first: {picked:?}");
    }

    #[test]
    fn a_refused_change_is_refused_before_any_preview() {
        let model = crate::io::load(&[], None).unwrap().model;
        let change = Change::AddUserToGroup {
            user: "alice".into(),
            group: "Developers".into(),
        };
        assert!(
            impact(&model, &change, now())
                .unwrap_err()
                .to_string()
                .contains("already in group")
        );
    }
}
