//! Who can do an action on a resource: every principal of the account (the
//! root user, each user, each role, each identity pool's two kinds of
//! identity) evaluated by the engine, with the statement that allowed each.
//! Also who can do any action of a set — a wildcard such as `iam:*`, or a
//! service's actions of one access level — expanded with the catalogue.

use serde::Serialize;

use super::probe::ResourceHints;
use super::{AnalysisOptions, Progress};
use crate::catalog::{AccessLevel, Action, catalog};
use crate::eval::context::{self, Requester};
use crate::eval::explain::{StatementInfo, statement_info};
use crate::eval::{Decision, PrincipalSpec, Request};
use crate::model::Model;

#[derive(Debug, Clone, Serialize)]
pub struct Allowed {
    /// `user/alice`, `role/WebServerRole`, `root`, `identity-pool/ID:unauthenticated`.
    pub principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The rule that allowed it (`identity-policy-allows`, `root-user`, …).
    pub rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deciding: Option<StatementInfo>,
    /// Condition keys the principal put in its own request for it to be
    /// allowed (`KEY=VALUE`), when the plain request is refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    /// What it does for that ("needs temporary credentials from
    /// sts:GetSessionToken"): see [`super::self_context`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// What that takes that the export does not show.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhoCan {
    pub action: String,
    pub resource: String,
    pub evaluated: usize,
    pub allowed: Vec<Allowed>,
}

/// Every principal a request can name in this account, in a stable order.
pub fn principals(model: &Model) -> Vec<PrincipalSpec> {
    let a = model.account();
    let mut out = Vec::with_capacity(1 + a.users.len() + a.roles.len() + 2 * a.identity_pools.len());
    out.push(PrincipalSpec::Root);
    out.extend(a.users.iter().map(|u| PrincipalSpec::User(u.name.clone())));
    out.extend(a.roles.iter().map(|r| PrincipalSpec::Role {
        name: r.name.clone(),
        session: None,
    }));
    for pool in &a.identity_pools {
        for authenticated in [true, false] {
            out.push(PrincipalSpec::IdentityPool {
                id: pool.id.clone(),
                authenticated,
            });
        }
    }
    out
}

/// Every principal of the account, resolved, with the name a person would
/// type for it.
fn requesters(model: &Model) -> Vec<(Requester<'_>, PrincipalSpec)> {
    principals(model)
        .into_iter()
        .filter_map(|spec| Some((context::resolve(model, &spec).ok()?, spec)))
        .collect()
}

/// Evaluate `action` on `resource` for every principal; keep those allowed.
/// A principal refused the plain request is asked again in each variant of
/// its own request context it can give itself ([`super::self_context`]),
/// and listed with what that needs. `progress` counts the principals done
/// and is polled between them, so a front-end can show how far it got and
/// stop it early. The principals are shared out over the machine's cores;
/// the result keeps their order.
pub fn who_can(model: &Model, action: &str, resource: &str, options: &AnalysisOptions, progress: &Progress) -> WhoCan {
    let request = base_request(action, resource, options);
    let varying = super::self_context::Varying::of(model, &options.context);
    let (evaluated, allowed) = over_principals(model, &request, progress, &|request, requester, spec| {
        let allowed = |outcome: crate::eval::Outcome, variant: Option<&super::self_context::Variant>| Allowed {
            principal: spec.to_string(),
            arn: arn_of(model, requester),
            rule: outcome.basis.code(),
            deciding: outcome.deciding.and_then(|at| statement_info(model, at)),
            context: variant.map(|v| v.context_lines()).unwrap_or_default(),
            needs: variant.map(|v| v.needs.clone()).unwrap_or_default(),
            assumptions: variant.map(|v| v.assumptions.clone()).unwrap_or_default(),
        };
        let outcome = crate::eval::decide_for(model, request, requester);
        if outcome.decision == Decision::Allow {
            return Some(allowed(outcome, None));
        }
        if !varying.could_vary(model, requester, &request.context) {
            return None;
        }
        let variants = super::self_context::variants(model, requester, &request.context, action, request.time);
        for variant in &variants {
            let saved = request.context.clone();
            variant.apply(&mut request.context);
            let outcome = crate::eval::decide_for(model, request, requester);
            request.context = saved;
            if outcome.decision == Decision::Allow {
                return Some(allowed(outcome, Some(variant)));
            }
        }
        None
    });
    let (mut evaluated, mut allowed) = (evaluated, allowed);
    if !progress.is_cancelled() {
        // Principals of other accounts the resource-based policies name: the
        // resource's side is in the export, their own side is not. A
        // cross-account request needs both sides to allow ("Cross-account
        // policy evaluation logic"), so they are listed as allowed if their
        // own account's policies allow too.
        let mut request = request.clone();
        for arn in external_principals(model, action, resource) {
            let spec = PrincipalSpec::Arn(arn.clone());
            let Ok(requester) = context::resolve(model, &spec) else {
                continue;
            };
            request.principal = spec;
            evaluated += 1;
            let outcome = crate::eval::decide_for(model, &request, &requester);
            if outcome.decision == Decision::Allow {
                allowed.push(Allowed {
                    principal: external_label(&arn),
                    arn: Some(arn),
                    rule: outcome.basis.code(),
                    deciding: outcome.deciding.and_then(|at| statement_info(model, at)),
                    context: Vec::new(),
                    needs: Vec::new(),
                    assumptions: Vec::new(),
                });
            }
        }
    }
    WhoCan {
        action: action.to_owned(),
        resource: resource.to_owned(),
        evaluated,
        allowed,
    }
}

/// The principals of other accounts that an Allow statement of the
/// resource-based policies governing `action` on `resource` (the ones the
/// engine reads) names, as ARNs (an account named by its ID or root ARN
/// stands for every principal of it), each once, in the order first named.
pub fn external_principals(model: &Model, action: &str, resource: &str) -> Vec<String> {
    let a = model.account();
    let documents = crate::eval::engine::governing_resource_policies(model, action, resource)
        .into_iter()
        .filter_map(|r| crate::eval::engine::document(model, &[], r));
    let mut out: Vec<String> = Vec::new();
    for document in documents {
        let statements = document.parsed().statements();
        let named = statements
            .iter()
            .filter(|s| s.valid && s.effect == crate::policy::Effect::Allow)
            .filter_map(|s| s.principal.as_ref())
            .filter(|p| !p.negated)
            .flat_map(|p| &p.entries)
            .filter(|e| e.kind == crate::policy::PrincipalKind::Aws);
        for entry in named {
            let value = entry.value.as_str();
            let arn = if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
                format!("arn:{}:iam::{value}:root", a.partition)
            } else if value.starts_with("arn:") && !value.contains(['*', '?']) {
                value.to_owned()
            } else {
                continue;
            };
            let account = arn.split(':').nth(4).unwrap_or_default();
            if account != a.id && !account.is_empty() && !out.contains(&arn) {
                out.push(arn);
            }
        }
    }
    out
}

/// How an allowed principal of another account is listed.
fn external_label(arn: &str) -> String {
    match arn.strip_suffix(":root").and_then(|rest| rest.rsplit(':').next()) {
        Some(account) => format!("principals of account {account} whose own policies allow"),
        None => format!("{arn} (of another account), if its own policies allow"),
    }
}

fn base_request(action: &str, resource: &str, options: &AnalysisOptions) -> Request {
    let mut request = Request::new(PrincipalSpec::Root, action, resource, options.now);
    request.context = options.context.clone();
    request
}

fn arn_of(model: &Model, requester: &Requester<'_>) -> Option<String> {
    match requester {
        Requester::WebIdentity(_) => None,
        other => other.principal_arn(model),
    }
}

/// What one worker does for one principal, with its own copy of the request.
type PerPrincipal<'a, T> = dyn Fn(&mut Request, &Requester<'_>, &PrincipalSpec) -> Option<T> + Sync + 'a;

/// Run `each` for every principal, over the machine's cores, keeping the
/// principals' order; returns how many were evaluated (fewer if cancelled).
fn over_principals<T: Send>(
    model: &Model,
    request: &Request,
    progress: &Progress,
    each: &PerPrincipal<'_, T>,
) -> (usize, Vec<T>) {
    let requesters = requesters(model);
    progress.begin(requesters.len());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = requesters.len().div_ceil(threads).max(256);
    let results: Vec<(usize, Vec<T>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = requesters
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut request = request.clone();
                    let mut found = Vec::new();
                    let mut evaluated = 0;
                    for (requester, spec) in part {
                        if progress.is_cancelled() {
                            break;
                        }
                        evaluated += 1;
                        found.extend(each(&mut request, requester, spec));
                        progress.advance();
                    }
                    (evaluated, found)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a who-can worker panicked"))
            .collect()
    });
    let mut all = Vec::new();
    let mut evaluated = 0;
    for (n, part) in results {
        evaluated += n;
        all.extend(part);
    }
    (evaluated, all)
}

/// A principal allowed at least one action of a set.
#[derive(Debug, Clone, Serialize)]
pub struct AllowedSome {
    pub principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// How many of the set's actions are allowed.
    pub allowed: usize,
    /// Some of them, in catalogue order (at most [`EXAMPLES`]).
    pub examples: Vec<String>,
    /// Every one of them, when asked for ([`SetQuery::every_action`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<AllowedAction>,
    /// The rule and statement that allowed the first of them.
    pub rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deciding: Option<StatementInfo>,
    /// What it does to its own requests for some of them to be allowed
    /// (each once): see [`super::self_context`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
}

/// One action of a set a principal may do, and on what.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AllowedAction {
    pub action: String,
    /// The resource it was allowed on: `*`, or (when any resource was asked
    /// about) the first ARN the account's policies name that it is allowed on.
    pub resource: String,
    /// What the principal does to its own request for it to be allowed,
    /// when the plain request is refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
}

/// Who can do any action of a set (`iam:*`, or a service's actions of one
/// access level).
#[derive(Debug, Clone, Serialize)]
pub struct WhoCanAny {
    /// What was asked, as a person wrote it: `iam:*`, `iam (Permissions management)`.
    pub query: String,
    /// How many actions the query stands for.
    pub actions: usize,
    /// The resource asked about; `*` also when any resource was.
    pub resource: String,
    /// True when each action was asked about every resource the account's
    /// policies name for it (and `*`, and every resource of each type it
    /// takes), so that an action allowed only on `…:policy/app-*` counts.
    pub any_resource: bool,
    pub evaluated: usize,
    pub allowed: Vec<AllowedSome>,
}

/// At most this many example actions per principal.
pub const EXAMPLES: usize = 5;

/// The catalogue actions a query names: an action pattern (`iam:*`,
/// `s3:Get*`), a service, an access level, or several of these together
/// (all must hold). Returns a description of the query and the actions.
pub fn expand_query(
    pattern: Option<&str>,
    service: Option<&str>,
    level: Option<AccessLevel>,
) -> Result<(String, Vec<String>), String> {
    let catalogue = catalog();
    let mut actions: Vec<&Action> = match (pattern, service) {
        (Some(pattern), _) => catalogue.expand(pattern),
        (None, Some(prefix)) => match catalogue.service(prefix) {
            Some(s) => s.actions().iter().collect(),
            None => {
                let hint = catalogue.suggest(prefix, 3);
                return Err(if hint.is_empty() {
                    format!("the catalogue has no service `{prefix}`")
                } else {
                    format!(
                        "the catalogue has no service `{prefix}` (did you mean {}?)",
                        hint.join(", ")
                    )
                });
            }
        },
        (None, None) => return Err("name an action pattern or a service".to_owned()),
    };
    if let Some(prefix) = service {
        actions.retain(|a| a.service().eq_ignore_ascii_case(prefix));
    }
    if let Some(level) = level {
        actions.retain(|a| a.access_level() == level);
    }
    let mut query = match (pattern, service) {
        (Some(p), Some(s)) => format!("{p} in {s}"),
        (Some(p), None) => p.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => String::new(),
    };
    if let Some(level) = level {
        query.push_str(&format!(" ({})", level.as_str()));
    }
    if actions.is_empty() {
        let hint = pattern.map(|p| catalogue.suggest(p, 3)).unwrap_or_default();
        return Err(if hint.is_empty() {
            format!("no action of the catalogue matches {query}")
        } else {
            format!(
                "no action of the catalogue matches {query} (did you mean {}?)",
                hint.join(", ")
            )
        });
    }
    Ok((query, actions.into_iter().map(Action::full_name).collect()))
}

/// Evaluate every action of `actions` on `resource` for every principal;
/// keep those allowed at least one, with how many and which.
/// How an action set is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetQuery<'a> {
    /// One resource; `None`: any resource — `*`, every resource of each type
    /// the action takes, and the ARNs the principal's policies and the
    /// account's resource policies name ([`ResourceHints`]); the first that
    /// allows it counts.
    pub resource: Option<&'a str>,
    /// List every allowed action with its resource, not only examples.
    pub every_action: bool,
}

/// [`who_can_any_of`] on one resource, with examples only.
pub fn who_can_any(
    model: &Model,
    query: &str,
    actions: &[String],
    resource: &str,
    options: &AnalysisOptions,
    progress: &Progress,
) -> WhoCanAny {
    let set = SetQuery {
        resource: Some(resource),
        every_action: false,
    };
    who_can_any_of(model, query, actions, set, options, progress)
}

/// Who can do any action of `actions`, asked as `set` says.
pub fn who_can_any_of(
    model: &Model,
    query: &str,
    actions: &[String],
    set: SetQuery<'_>,
    options: &AnalysisOptions,
    progress: &Progress,
) -> WhoCanAny {
    let request = base_request("", set.resource.unwrap_or("*"), options);
    let varying = super::self_context::Varying::of(model, &options.context);
    // On "any resource", a role a principal may assume is one no identity
    // policy needs to name: its trust policy can name the principal.
    let trust_targets = (set.resource.is_none() && actions.iter().any(|a| crate::eval::engine::is_trust_action(a)))
        .then(|| super::reach::TrustTargets::of(model));
    let (evaluated, allowed) = over_principals(model, &request, progress, &|request, requester, spec| {
        let hints = set.resource.is_none().then(|| ResourceHints::of(model, requester));
        // Variants of its own context are tried only for a principal some of
        // whose statements test a key it controls (few are).
        let may_vary = varying.could_vary(model, requester, &request.context);
        let mut first = None;
        let mut allowed = 0;
        let mut examples = Vec::new();
        let mut every = Vec::new();
        let mut needs: Vec<String> = Vec::new();
        let mut assumptions: Vec<String> = Vec::new();
        // The roles its trust policies could admit it to, read once for all
        // the trust actions asked.
        let mut trust_roles: Option<Vec<String>> = None;
        for action in actions {
            request.action.clone_from(action);
            let mut resources = match (&hints, catalog().action(action)) {
                (Some(hints), Some(found)) => hints.for_action(found),
                _ => vec![request.resource.clone()],
            };
            if let Some(targets) = &trust_targets
                && crate::eval::engine::is_trust_action(action)
            {
                let roles = trust_roles.get_or_insert_with(|| {
                    let all = &model.account().roles;
                    targets
                        .roles_for(model, requester)
                        .into_iter()
                        .map(|r| all[r].arn.to_string())
                        .collect()
                });
                // Role ARNs are distinct: only those the hints hold already are skipped.
                let hinted: rustc_hash::FxHashSet<String> = resources.iter().cloned().collect();
                resources.extend(roles.iter().filter(|arn| !hinted.contains(*arn)).cloned());
            }
            let plain = Vec::new();
            let variants = if may_vary {
                super::self_context::variants(model, requester, &request.context, action, request.time)
            } else {
                Vec::new()
            };
            // The plain request first, on every resource; then each variant.
            let tries = std::iter::once(None).chain(variants.iter().map(Some));
            'tries: for variant in tries {
                for resource in &resources {
                    request.resource.clone_from(resource);
                    let saved = variant.map(|v| {
                        let saved = request.context.clone();
                        v.apply(&mut request.context);
                        saved
                    });
                    let outcome = crate::eval::decide_for(model, request, requester);
                    if let Some(saved) = saved {
                        request.context = saved;
                    }
                    if outcome.decision != Decision::Allow {
                        continue;
                    }
                    allowed += 1;
                    first.get_or_insert(outcome);
                    if examples.len() < EXAMPLES {
                        examples.push(action.clone());
                    }
                    let these = variant.map_or(&plain, |v| &v.needs);
                    for n in these {
                        if !needs.contains(n) {
                            needs.push(n.clone());
                        }
                    }
                    for a in variant.map_or(&plain, |v| &v.assumptions) {
                        if !assumptions.contains(a) {
                            assumptions.push(a.clone());
                        }
                    }
                    if set.every_action {
                        every.push(AllowedAction {
                            action: action.clone(),
                            resource: request.resource.clone(),
                            needs: these.clone(),
                        });
                    }
                    break 'tries;
                }
            }
        }
        let first = first?;
        Some(AllowedSome {
            principal: spec.to_string(),
            arn: arn_of(model, requester),
            allowed,
            examples,
            actions: every,
            rule: first.basis.code(),
            deciding: first.deciding.and_then(|at| statement_info(model, at)),
            needs,
            assumptions,
        })
    });
    WhoCanAny {
        query: query.to_owned(),
        actions: actions.len(),
        resource: set.resource.unwrap_or("*").to_owned(),
        any_resource: set.resource.is_none(),
        evaluated,
        allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> AnalysisOptions {
        AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap())
    }
    use serde_json::json;

    fn model() -> Model {
        let user = |name: &str, statements: serde_json::Value| {
            json!({
                "UserName": name,
                "UserId": format!("AIDA{}", name.to_uppercase()),
                "Arn": format!("arn:aws:iam::111122223333:user/{name}"),
                "Path": "/",
                "UserPolicyList": [{
                    "PolicyName": "p",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}
                }],
            })
        };
        let account = json!({
            "UserDetailList": [
                user("admin", json!([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}])),
                user("keys", json!([{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}])),
                user("tagger", json!([{"Effect": "Allow", "Action": "iam:TagUser", "Resource": "*"}])),
                user("reader", json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])),
                // iam-vulnerable's fn2: a grant on some policies only.
                user("versioner", json!([{"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "arn:aws:iam::*:policy/app-*"}])),
            ],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
        });
        crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    /// A trust policy that names a user lets it assume the role with no
    /// identity-based permission ("IAM roles: same-account access"); on "any
    /// resource", who-can asks about such roles by their ARN. A role that
    /// trusts the account needs the user's own Allow, which `nobody` lacks.
    #[test]
    fn any_resource_asks_about_the_roles_whose_trust_policy_names_the_principal() {
        let user = |name: &str, statements: serde_json::Value| {
            json!({
                "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
                "Arn": format!("arn:aws:iam::111122223333:user/{name}"),
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
            })
        };
        let role = |name: &str, principal: &str| {
            json!({
                "RoleName": name, "RoleId": format!("AROA{}", name.to_uppercase()), "Path": "/",
                "Arn": format!("arn:aws:iam::111122223333:role/{name}"),
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
                ]},
                "RolePolicyList": [], "AttachedManagedPolicies": [],
            })
        };
        let account = json!({
            "UserDetailList": [
                user("named", json!([{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}])),
                user("nobody", json!([{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}])),
                user("wide", json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/team-*"}])),
            ],
            "GroupDetailList": [],
            "RoleDetailList": [
                role("for-named", "arn:aws:iam::111122223333:user/named"),
                role("team-a", "arn:aws:iam::111122223333:root"),
            ],
            "Policies": [],
        });
        let m = crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model;
        let (query, actions) = expand_query(Some("sts:AssumeRol?"), None, None).unwrap();
        let every = SetQuery {
            resource: None,
            every_action: true,
        };
        let result = who_can_any_of(&m, &query, &actions, every, &options(), &Progress::new());
        let named = result.allowed.iter().find(|a| a.principal == "user/named").unwrap();
        assert_eq!(named.actions[0].resource, "arn:aws:iam::111122223333:role/for-named");
        let wide = result.allowed.iter().find(|a| a.principal == "user/wide").unwrap();
        assert_eq!(wide.actions[0].resource, "arn:aws:iam::111122223333:role/team-a");
        assert!(!result.allowed.iter().any(|a| a.principal == "user/nobody"));
    }

    /// fn3 of iam-vulnerable: allowed only with temporary credentials,
    /// which a user gets for itself ("Permissions for GetSessionToken").
    #[test]
    fn a_user_is_listed_with_the_context_it_gives_itself() {
        let account = json!({
            "UserDetailList": [{
                "UserName": "temp", "UserId": "AIDATEMP", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/temp",
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                     "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}}
                ]}}]
            }],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
        });
        let m = crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model;
        let result = who_can(&m, "s3:GetObject", "arn:aws:s3:::b/k", &options(), &Progress::new());
        let temp = result.allowed.iter().find(|a| a.principal == "user/temp").unwrap();
        assert_eq!(temp.needs, ["needs temporary credentials from sts:GetSessionToken"]);
        assert!(
            temp.context
                .contains(&"aws:TokenIssueTime=2026-06-01T12:00:00Z".to_owned())
        );
        assert_eq!(temp.deciding.as_ref().unwrap().policy, "p (inline, user temp)");
        // The root user needs nothing of the kind.
        assert!(result.allowed[0].needs.is_empty());

        // Asked about a set of actions, the same.
        let (query, actions) = expand_query(Some("s3:Get*"), None, None).unwrap();
        let every = SetQuery {
            resource: None,
            every_action: true,
        };
        let set = who_can_any_of(&m, &query, &actions, every, &options(), &Progress::new());
        let temp = set.allowed.iter().find(|a| a.principal == "user/temp").unwrap();
        assert_eq!(temp.needs, ["needs temporary credentials from sts:GetSessionToken"]);
        assert_eq!(
            temp.actions,
            [AllowedAction {
                action: "s3:GetObject".to_owned(),
                resource: "*".to_owned(),
                needs: vec!["needs temporary credentials from sts:GetSessionToken".to_owned()],
            }]
        );
    }

    #[test]
    fn wildcards_and_levels_expand_with_the_catalogue() {
        let (query, all) = expand_query(Some("iam:*"), None, None).unwrap();
        assert_eq!(query, "iam:*");
        assert!(all.len() > 100);
        let (query, pm) = expand_query(None, Some("iam"), Some(AccessLevel::PermissionsManagement)).unwrap();
        assert_eq!(query, "iam (Permissions management)");
        assert!(pm.contains(&"iam:AttachUserPolicy".to_owned()));
        assert!(!pm.contains(&"iam:ListUsers".to_owned()));
        assert!(expand_query(Some("iam:Nope*"), None, None).is_err());
        assert!(expand_query(None, Some("iamm"), None).unwrap_err().contains("iam"));
    }

    #[test]
    fn any_resource_asks_about_the_resources_the_policies_name() {
        let m = model();
        let (query, actions) = expand_query(Some("iam:CreatePolicyVersion*"), None, None).unwrap();
        let on_star = who_can_any(&m, &query, &actions, "*", &options(), &Progress::new());
        assert!(!on_star.allowed.iter().any(|a| a.principal == "user/versioner"));
        assert!(!on_star.any_resource);

        let any = SetQuery {
            resource: None,
            every_action: true,
        };
        let result = who_can_any_of(&m, &query, &actions, any, &options(), &Progress::new());
        assert!(result.any_resource);
        let versioner = result.allowed.iter().find(|a| a.principal == "user/versioner").unwrap();
        assert_eq!(
            versioner.actions,
            [AllowedAction {
                action: "iam:CreatePolicyVersion".to_owned(),
                resource: "arn:aws:iam::*:policy/app-*".to_owned(),
                needs: Vec::new(),
            }]
        );
        // A grant on `*` is found on `*` first.
        let admin = result.allowed.iter().find(|a| a.principal == "user/admin").unwrap();
        assert_eq!(admin.actions[0].resource, "*");
        // Nobody else: reader's s3 grant does not make an IAM action allowed.
        assert!(!result.allowed.iter().any(|a| a.principal == "user/reader"));
    }

    #[test]
    fn every_allowed_action_is_listed_when_asked() {
        let m = model();
        let (query, actions) = expand_query(None, Some("iam"), Some(AccessLevel::PermissionsManagement)).unwrap();
        let every = SetQuery {
            resource: Some("*"),
            every_action: true,
        };
        let result = who_can_any_of(&m, &query, &actions, every, &options(), &Progress::new());
        let admin = result.allowed.iter().find(|a| a.principal == "user/admin").unwrap();
        let listed: Vec<&str> = admin.actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(listed, actions.iter().map(String::as_str).collect::<Vec<_>>());
        // Without asking, only examples.
        let plain = who_can_any(&m, &query, &actions, "*", &options(), &Progress::new());
        assert!(plain.allowed.iter().all(|a| a.actions.is_empty()));
    }

    #[test]
    fn who_can_any_permissions_management_action_on_iam() {
        let m = model();
        let (query, actions) = expand_query(None, Some("iam"), Some(AccessLevel::PermissionsManagement)).unwrap();
        let result = who_can_any(&m, &query, &actions, "*", &options(), &Progress::new());
        let names: Vec<&str> = result.allowed.iter().map(|a| a.principal.as_str()).collect();
        // CreateAccessKey is Write and TagUser is Tagging: neither counts.
        assert_eq!(names, ["root", "user/admin"]);
        let admin = &result.allowed[1];
        assert_eq!(admin.allowed, actions.len());
        assert_eq!(admin.examples.len(), EXAMPLES);
        assert_eq!(admin.deciding.as_ref().unwrap().policy, "p (inline, user admin)");

        let (_, writes) = expand_query(Some("iam:Create*"), None, None).unwrap();
        let result = who_can_any(&m, "iam:Create*", &writes, "*", &options(), &Progress::new());
        let keys = result.allowed.iter().find(|a| a.principal == "user/keys").unwrap();
        assert_eq!(
            (keys.allowed, keys.examples.as_slice()),
            (1, &["iam:CreateAccessKey".to_owned()][..])
        );
    }
}
