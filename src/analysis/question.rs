//! A first question to ask about a principal, one AWS could receive: an
//! action the principal's own policies name, on a resource of a type that
//! action takes (Service Authorization Reference), taken from the account
//! where one exists.

use crate::catalog::{ResourceFit, catalog};
use crate::eval::PrincipalSpec;
use crate::eval::context;
use crate::model::Model;
use crate::policy::Effect;

/// An action and a resource to ask about first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub action: String,
    pub resource: String,
}

/// The first action an Allow statement of the principal's own policies
/// names (a wildcard gives its first action in the catalogue, well-known
/// services first), with a resource it takes: an ARN the statement names,
/// else one of the account's, else `*` for an action that takes none.
/// `None` when the principal has no Allow statement the catalogue can read.
pub fn first_question(model: &Model, principal: &PrincipalSpec) -> Option<Question> {
    let requester = context::resolve(model, principal).ok()?;
    let documents = super::probe::identity_documents(model, &requester);
    let catalog = catalog();
    for document in documents {
        for statement in document.parsed().statements() {
            if statement.effect != Effect::Allow {
                continue;
            }
            let Some(actions) = &statement.action else {
                continue;
            };
            // The ARNs the statement names; one whose only wildcard ends
            // its path (`photos/*`) stands for any object in it, and is
            // asked about as `photos/example`.
            let named: Vec<String> = statement
                .resource
                .iter()
                .flat_map(|r| &r.patterns)
                .filter_map(|p| concrete(&p.text))
                .collect();
            let named: Vec<&str> = named.iter().map(String::as_str).collect();
            for pattern in &actions.patterns {
                let action = if pattern.text.contains(['*', '?']) {
                    match pick(catalog.expand(&pattern.text), &named) {
                        Some(a) => a,
                        None => continue,
                    }
                } else if catalog.action(&pattern.text).is_some() {
                    pattern.text.to_string()
                } else {
                    continue;
                };
                let fits = |r: &str| catalog.resource_fit(&action, r) == ResourceFit::Fits;
                let resource = named
                    .iter()
                    .find(|r| fits(r))
                    .map(|r| r.to_string())
                    .or_else(|| account_resources(model).find(|r| fits(r)));
                match resource {
                    Some(resource) => return Some(Question { action, resource }),
                    None if catalog
                        .action(&action)
                        .is_some_and(|a| a.resource_types().next().is_none()) =>
                    {
                        return Some(Question {
                            action,
                            resource: "*".to_owned(),
                        });
                    }
                    None => {}
                }
            }
        }
    }
    None
}

/// An ARN to ask about for a resource pattern: the pattern itself when it
/// has no wildcard, `…/example` for one whose only wildcard ends its path.
fn concrete(pattern: &str) -> Option<String> {
    match pattern.strip_suffix("/*") {
        None if !pattern.contains(['*', '?']) => Some(pattern.to_owned()),
        Some(head) if !head.contains(['*', '?']) && head.starts_with("arn:") => Some(format!("{head}/example")),
        _ => None,
    }
}

/// One action of a wildcard's expansion: in the service a preview would
/// ask first (well-known services first), one that takes a resource the
/// statement names, the shortest name (the service's plainest action:
/// `s3:GetObject` for `s3:Get*`).
fn pick(expanded: Vec<&crate::catalog::Action>, named: &[&str]) -> Option<String> {
    let first = super::impact::sample_one(expanded.clone())?;
    let service = first.split(':').next().unwrap_or_default();
    let catalog = catalog();
    expanded
        .into_iter()
        .filter(|a| a.service().eq_ignore_ascii_case(service))
        .map(|a| a.full_name())
        .min_by_key(|name| {
            let fits = named.iter().any(|r| catalog.resource_fit(name, r) == ResourceFit::Fits);
            (!fits, name.len(), name.clone())
        })
}

/// ARNs of what the account holds: resources with policies, roles, users,
/// groups, customer managed policies. Made one at a time, only when the
/// statement names no resource the action takes: the inspector asks on
/// every move of the selection.
fn account_resources(model: &Model) -> impl Iterator<Item = String> + '_ {
    let a = model.account();
    a.resource_policies
        .iter()
        .map(|p| p.resource_arn.clone())
        // Every role's ARN is of the one resource type `role` (and so on for
        // users, groups and policies): when the first does not fit, none
        // does, so only the first of each is tried (10,000 roles took 65 ms).
        .chain(a.roles.first().map(|r| r.arn.to_string()))
        .chain(a.users.first().map(|u| u.arn.to_string()))
        .chain(a.groups.first().map(|g| g.arn.to_string()))
        .chain(a.policies.first().map(|p| p.arn.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Request, RequestWarning};

    fn demo() -> Model {
        crate::io::load_bytes("demo.json", crate::io::DEMO_ACCOUNT)
            .unwrap()
            .model
    }

    /// Issue 11: the inspector's first question is one AWS could receive —
    /// never an action paired with a resource of a type it does not take.
    #[test]
    fn every_demo_principal_s_first_question_is_a_request_aws_could_receive() {
        let model = demo();
        let now = "2026-11-01T00:00:00Z".parse().unwrap();
        let mut asked = 0;
        let a = model.account();
        let principals = a.users.iter().map(|u| PrincipalSpec::User(u.name.clone())).chain(
            a.roles
                .iter()
                .filter_map(|r| PrincipalSpec::parse(&format!("role/{}", r.name)).ok()),
        );
        for spec in principals {
            let Some(q) = first_question(&model, &spec) else {
                continue;
            };
            asked += 1;
            assert_eq!(
                catalog().resource_fit(&q.action, &q.resource),
                ResourceFit::Fits,
                "{spec}: {q:?}"
            );
            let request = Request::new(spec.clone(), q.action.as_str(), q.resource.as_str(), now);
            let warnings: Vec<RequestWarning> = crate::eval::request_warnings(&request);
            assert!(warnings.is_empty(), "{spec}: {q:?}: {warnings:?}");
        }
        assert!(asked >= 5, "most demo principals have policies: {asked}");
    }

    #[test]
    fn a_wildcard_of_a_principal_s_policy_gives_a_catalogue_action_on_the_account_s_resource() {
        let model = demo();
        // Developers' DevelopersS3Read: s3:Get* on the photos bucket and its objects
        let q = first_question(&model, &PrincipalSpec::User("alice".into())).expect("has policies");
        assert_eq!(q.action, "s3:GetObject", "{q:?}");
        assert_eq!(q.resource, "arn:aws:s3:::photos/example", "{q:?}");
    }
}
