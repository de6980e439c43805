//! What can a principal do: its effective permissions per service and access
//! level, as the IAM console's policy summary shows them (Full, Limited or
//! None access to List, Read, Write, Permissions management and Tagging) —
//! but computed by the engine, so denies, boundaries, SCPs, session
//! policies, conditions and resource-based grants all count.
//!
//! # The rules
//!
//! * Each action of the catalogue belongs to one access level: the one the
//!   console shows ([`crate::catalog::Action::access_level`]).
//! * An action is **allowed** when the engine allows it on at least one of
//!   the resources worth asking about ([`ResourceHints`]): `*`; every
//!   resource of each type the action acts on (its ARN format with every
//!   name a wildcard, in the loaded account); and each ARN that the
//!   principal's own policies or the account's resource-based policies name
//!   for the action's service. The request carries the default context
//!   (plus any keys the caller gives); a condition that needs a key the
//!   request lacks does not hold.
//! * For one service and one level: **Full** when every action of that level
//!   is allowed, **Limited** when some are, **None** when none is. A level
//!   the service has no action for is left out.
//! * Only actions some Allow statement could match are asked about: the
//!   Allow statements of the principal's identity-based policies, of every
//!   resource-based policy and of every role trust policy. An action none of
//!   their `Action` patterns matches cannot be allowed (the engine needs an
//!   Allow), so it is counted as not allowed without a question. A `NotAction`
//!   Allow, and the root user, make every action a candidate.
//! * Services are listed when at least one of their actions is allowed (or
//!   when asked for by name).

use jiff::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::probe::{Probe, ResourceHints, allow_statements, identity_documents};
use crate::catalog::{AccessLevel, Action, Service, catalog};
use crate::eval::context::Requester;
use crate::eval::{Context, Decision, EvalError, PrincipalSpec};
use crate::model::Model;
use crate::policy::{ActionPattern, PolicyDocument};

/// How much of one access level of one service a principal has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Access {
    Full,
    Limited,
    None,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Full => "Full",
            Access::Limited => "Limited",
            Access::None => "None",
        }
    }

    fn of(allowed: usize, total: usize) -> Access {
        match allowed {
            0 => Access::None,
            n if n == total => Access::Full,
            _ => Access::Limited,
        }
    }
}

/// The key a level goes by in JSON and on the command line.
pub fn level_key(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::List => "list",
        AccessLevel::Read => "read",
        AccessLevel::Write => "write",
        AccessLevel::PermissionsManagement => "permissions-management",
        AccessLevel::Tagging => "tagging",
    }
}

/// Read `permissions-management`, `Permissions management`, `permissions_management`.
pub fn parse_level(text: &str) -> Option<AccessLevel> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let wanted = norm(text);
    AccessLevel::ALL.into_iter().find(|l| norm(l.as_str()) == wanted)
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelAccess {
    /// `permissions-management`.
    pub level: &'static str,
    /// `Permissions management`.
    pub label: &'static str,
    pub access: Access,
    pub allowed: usize,
    pub total: usize,
    /// Some allowed actions (at most [`EXAMPLES`]).
    pub examples: Vec<String>,
    /// For Limited access: some actions of the level that are not allowed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_allowed_examples: Vec<String>,
    /// The resources the allowed actions were allowed on.
    pub resources: Vec<String>,
    /// With [`WhatCanOptions::every_allowed`]: every allowed action, with
    /// the first resource it was allowed on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_actions: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceAccess {
    /// The service prefix, `s3`.
    pub service: &'static str,
    /// `Amazon S3`.
    pub name: &'static str,
    pub allowed: usize,
    pub total: usize,
    pub levels: Vec<LevelAccess>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhatCan {
    pub principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub services: Vec<ServiceAccess>,
    /// Actions in the services looked at, and how many were candidates.
    pub actions_in_scope: usize,
    pub actions_asked: usize,
    /// Engine decisions made.
    pub decisions: usize,
}

/// At most this many example actions per level.
pub const EXAMPLES: usize = 5;

#[derive(Debug, Clone)]
pub struct WhatCanOptions {
    /// Only this service (prefix).
    pub service: Option<String>,
    /// Condition keys every request carries.
    pub context: Context,
    /// The request time (`aws:CurrentTime`) of every request.
    pub now: Timestamp,
    /// Keep every allowed action, not only examples (what a diff compares).
    pub every_allowed: bool,
    /// Only these services (prefixes; unknown ones are skipped), each listed
    /// only when something of it is allowed. Empty: every service.
    pub services: Vec<String>,
}

impl WhatCanOptions {
    /// Every service, no extra context, requests made at `now`.
    pub fn at(now: Timestamp) -> WhatCanOptions {
        WhatCanOptions {
            service: None,
            context: Context::new(),
            now,
            every_allowed: false,
            services: Vec::new(),
        }
    }
}

/// Which actions some Allow statement could match: the statements'
/// `Action` patterns, without repeats, by service prefix.
enum Candidates<'d> {
    All,
    Patterns {
        by_service: FxHashMap<String, Vec<&'d ActionPattern>>,
        /// Patterns whose service part has a wildcard.
        wild: Vec<&'d ActionPattern>,
    },
}

impl Candidates<'_> {
    fn of<'d>(model: &'d Model, requester: &Requester<'d>) -> Candidates<'d> {
        if matches!(requester, Requester::Root) {
            return Candidates::All;
        }
        let a = model.account();
        let mut documents: Vec<&PolicyDocument> = identity_documents(model, requester);
        documents.extend(a.resource_policies.iter().map(|p| &p.policy));
        documents.extend(a.roles.iter().filter_map(|r| r.trust_policy.as_ref()));
        let mut seen: FxHashSet<String> = FxHashSet::default();
        let mut by_service: FxHashMap<String, Vec<&ActionPattern>> = FxHashMap::default();
        let mut wild = Vec::new();
        for statement in allow_statements(&documents) {
            let Some(clause) = &statement.action else {
                continue;
            };
            if clause.negated {
                return Candidates::All;
            }
            for pattern in &clause.patterns {
                if !seen.insert(pattern.text.to_ascii_lowercase()) {
                    continue;
                }
                match &pattern.service {
                    Some(service) => by_service
                        .entry(service.to_ascii_lowercase())
                        .or_default()
                        .push(pattern),
                    None => wild.push(pattern),
                }
            }
        }
        Candidates::Patterns { by_service, wild }
    }

    fn service_may_match(&self, service: &Service) -> bool {
        match self {
            Candidates::All => true,
            Candidates::Patterns { by_service, wild } => !wild.is_empty() || by_service.contains_key(service.prefix()),
        }
    }

    fn may_match(&self, action: &str, service: &str) -> bool {
        match self {
            Candidates::All => true,
            Candidates::Patterns { by_service, wild } => by_service
                .get(service)
                .into_iter()
                .flatten()
                .chain(wild.iter())
                .any(|p| p.matches(action, service)),
        }
    }
}

struct LevelTally {
    allowed_actions: Vec<(String, String)>,
    allowed: usize,
    total: usize,
    examples: Vec<String>,
    not_allowed: Vec<String>,
    resources: Vec<String>,
}

/// Effective permissions of `principal` over the whole catalogue (or one service).
pub fn what_can(model: &Model, principal: &PrincipalSpec, options: &WhatCanOptions) -> Result<WhatCan, EvalError> {
    let mut probe = Probe::new(model, principal, &options.context, options.now)?;
    let candidates = Candidates::of(model, probe.requester());
    let hints = ResourceHints::of(model, probe.requester());
    let services: Vec<&Service> = match &options.service {
        Some(prefix) => match catalog().service(prefix) {
            Some(service) => vec![service],
            None => {
                let suggestions = catalog().suggest(prefix, 3);
                return Err(EvalError(if suggestions.is_empty() {
                    format!("the catalogue has no service `{prefix}`")
                } else {
                    format!(
                        "the catalogue has no service `{prefix}` (did you mean {}?)",
                        suggestions.join(", ")
                    )
                }));
            }
        },
        // several services: each listed only when something of it is allowed
        None if !options.services.is_empty() => options
            .services
            .iter()
            .filter_map(|prefix| catalog().service(prefix))
            .collect(),
        None => catalog().services().collect(),
    };
    let mut result = WhatCan {
        principal: principal.to_string(),
        arn: probe.arn(),
        services: Vec::new(),
        actions_in_scope: 0,
        actions_asked: 0,
        decisions: 0,
    };
    let mut full_name = String::with_capacity(96);
    for service in services {
        result.actions_in_scope += service.actions().len();
        let asked = options.service.is_some() || candidates.service_may_match(service);
        let mut tallies: Vec<(AccessLevel, LevelTally)> = Vec::new();
        for action in service.actions() {
            let level = action.access_level();
            let at = match tallies.iter().position(|(l, _)| *l == level) {
                Some(at) => at,
                None => {
                    tallies.push((
                        level,
                        LevelTally {
                            allowed_actions: Vec::new(),
                            allowed: 0,
                            total: 0,
                            examples: Vec::new(),
                            not_allowed: Vec::new(),
                            resources: Vec::new(),
                        },
                    ));
                    tallies.len() - 1
                }
            };
            let tally = &mut tallies[at].1;
            tally.total += 1;
            full_name.clear();
            full_name.push_str(service.prefix());
            full_name.push(':');
            full_name.push_str(action.name());
            let allowed_on = if asked && candidates.may_match(&full_name, service.prefix()) {
                result.actions_asked += 1;
                allowed_on(&mut probe, &hints, action, &full_name, &mut result.decisions)
            } else {
                None
            };
            match allowed_on {
                Some(resource) => {
                    tally.allowed += 1;
                    if tally.examples.len() < EXAMPLES {
                        tally.examples.push(full_name.clone());
                    }
                    if options.every_allowed {
                        tally.allowed_actions.push((full_name.clone(), resource.clone()));
                    }
                    if !tally.resources.contains(&resource) {
                        tally.resources.push(resource);
                    }
                }
                None => {
                    if tally.not_allowed.len() < EXAMPLES {
                        tally.not_allowed.push(full_name.clone());
                    }
                }
            }
        }
        let allowed: usize = tallies.iter().map(|(_, t)| t.allowed).sum();
        if allowed == 0 && options.service.is_none() {
            continue;
        }
        tallies.sort_by_key(|(level, _)| *level);
        result.services.push(ServiceAccess {
            service: service.prefix(),
            name: service.name(),
            allowed,
            total: service.actions().len(),
            levels: tallies
                .into_iter()
                .map(|(level, t)| {
                    let access = Access::of(t.allowed, t.total);
                    LevelAccess {
                        level: level_key(level),
                        label: level.as_str(),
                        access,
                        allowed: t.allowed,
                        total: t.total,
                        examples: t.examples,
                        not_allowed_examples: if access == Access::Limited {
                            t.not_allowed
                        } else {
                            Vec::new()
                        },
                        resources: t.resources,
                        allowed_actions: t.allowed_actions,
                    }
                })
                .collect(),
        });
    }
    Ok(result)
}

/// The first resource the engine allows `action` on, if any.
fn allowed_on(
    probe: &mut Probe<'_>,
    hints: &ResourceHints,
    action: &Action,
    full_name: &str,
    decisions: &mut usize,
) -> Option<String> {
    // `*` first: most grants are on `*`, and it spares building the list.
    *decisions += 1;
    if probe.decide(full_name, "*").decision == Decision::Allow {
        return Some("*".to_owned());
    }
    for resource in hints.for_action(action).into_iter().skip(1) {
        *decisions += 1;
        if probe.decide(full_name, &resource).decision == Decision::Allow {
            return Some(resource);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_now() -> Timestamp {
        "2026-06-01T12:00:00Z".parse().unwrap()
    }
    use serde_json::json;

    fn model(users: serde_json::Value) -> Model {
        let account = json!({
            "UserDetailList": users,
            "GroupDetailList": [],
            "RoleDetailList": [],
            "Policies": [],
        });
        crate::io::load_bytes("test.json", account.to_string().as_bytes())
            .expect("test account loads")
            .model
    }

    fn user(name: &str, statements: serde_json::Value) -> serde_json::Value {
        json!({
            "UserName": name,
            "UserId": format!("AIDA{}", name.to_uppercase()),
            "Arn": format!("arn:aws:iam::111122223333:user/{name}"),
            "Path": "/",
            "GroupList": [],
            "AttachedManagedPolicies": [],
            "UserPolicyList": [{
                "PolicyName": "p",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}
            }],
        })
    }

    fn level<'a>(w: &'a WhatCan, service: &str, key: &str) -> Option<&'a LevelAccess> {
        w.services
            .iter()
            .find(|s| s.service == service)?
            .levels
            .iter()
            .find(|l| l.level == key)
    }

    #[test]
    fn full_limited_and_none_per_level() {
        let m = model(json!([
            user(
                "reader",
                json!([{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}])
            ),
            user("nobody", json!([])),
        ]));
        let w = what_can(
            &m,
            &PrincipalSpec::User("reader".into()),
            &WhatCanOptions::at(test_now()),
        )
        .unwrap();
        assert_eq!(
            w.services.len(),
            1,
            "{:?}",
            w.services.iter().map(|s| s.service).collect::<Vec<_>>()
        );
        let list = level(&w, "s3", "list").unwrap();
        assert_eq!(list.access, Access::Full, "{list:?}");
        let read = level(&w, "s3", "read").unwrap();
        // s3 Read has actions outside Get*/List* (HeadObject-like ones are Get*, but e.g. s3:DescribeJob is Read).
        assert!(matches!(read.access, Access::Full | Access::Limited));
        assert_eq!(level(&w, "s3", "write").unwrap().access, Access::None);
        let none = what_can(
            &m,
            &PrincipalSpec::User("nobody".into()),
            &WhatCanOptions::at(test_now()),
        )
        .unwrap();
        assert!(none.services.is_empty());
        assert_eq!(none.actions_asked, 0);
    }

    #[test]
    fn a_deny_makes_a_level_limited_and_a_named_resource_counts() {
        let m = model(json!([user(
            "dev",
            json!([
                {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::photos/*"}
            ])
        )]));
        let w = what_can(&m, &PrincipalSpec::User("dev".into()), &WhatCanOptions::at(test_now())).unwrap();
        let write = level(&w, "dynamodb", "write").unwrap();
        assert_eq!(write.access, Access::Limited);
        assert_eq!(write.allowed + 1, write.total);
        assert!(write.not_allowed_examples.contains(&"dynamodb:DeleteTable".to_owned()));
        let s3 = level(&w, "s3", "write").unwrap();
        assert_eq!(s3.access, Access::Limited);
        assert_eq!(s3.allowed, 1);
        assert_eq!(s3.resources, ["arn:aws:s3:::photos/*"]);
    }

    #[test]
    fn one_service_is_listed_even_without_access() {
        let m = model(json!([user("nobody", json!([]))]));
        let options = WhatCanOptions {
            service: Some("iam".into()),
            ..WhatCanOptions::at(test_now())
        };
        let w = what_can(&m, &PrincipalSpec::User("nobody".into()), &options).unwrap();
        assert_eq!(w.services.len(), 1);
        assert!(w.services[0].levels.iter().all(|l| l.access == Access::None));
        let bad = WhatCanOptions {
            service: Some("s4".into()),
            ..WhatCanOptions::at(test_now())
        };
        let err = what_can(&m, &PrincipalSpec::User("nobody".into()), &bad).unwrap_err();
        assert!(err.0.contains("s3"), "{err}");
    }

    #[test]
    fn levels_parse_in_several_spellings() {
        assert_eq!(
            parse_level("permissions-management"),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(
            parse_level("Permissions management"),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(parse_level("TAGGING"), Some(AccessLevel::Tagging));
        assert_eq!(parse_level("admin"), None);
    }
}
