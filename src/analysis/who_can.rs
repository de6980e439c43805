//! Who can do an action on a resource: every principal of the account (the
//! root user, each user, each role, each identity pool's two kinds of
//! identity) evaluated by the engine, with the statement that allowed each.

use serde::Serialize;

use crate::eval::context::{self, Requester};
use crate::eval::explain::{StatementInfo, statement_info};
use crate::eval::{Context, Decision, PrincipalSpec, Request};
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
/// `cancelled` is polled between principals so a front-end can stop early.
/// The principals are shared out over the machine's cores; the result keeps
/// their order.
pub fn who_can(
    model: &Model,
    action: &str,
    resource: &str,
    context: &Context,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> WhoCan {
    let mut request = Request::new(PrincipalSpec::Root, action, resource);
    request.context = context.clone();
    request.time = Some(jiff::Timestamp::now());
    let requesters = requesters(model);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = requesters.len().div_ceil(threads).max(256);
    let request = &request;
    let results: Vec<(usize, Vec<Allowed>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = requesters
            .chunks(chunk)
            .map(|part| scope.spawn(move || allowed_among(model, request, part, cancelled)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a who-can worker panicked"))
            .collect()
    });
    let mut allowed = Vec::new();
    let mut evaluated = 0;
    for (n, part) in results {
        evaluated += n;
        allowed.extend(part);
    }
    WhoCan {
        action: action.to_owned(),
        resource: resource.to_owned(),
        evaluated,
        allowed,
    }
}

fn allowed_among(
    model: &Model,
    request: &Request,
    requesters: &[(Requester<'_>, PrincipalSpec)],
    cancelled: &(dyn Fn() -> bool + Sync),
) -> (usize, Vec<Allowed>) {
    let mut allowed = Vec::new();
    let mut evaluated = 0;
    for (requester, spec) in requesters {
        if cancelled() {
            break;
        }
        evaluated += 1;
        let outcome = crate::eval::decide_for(model, request, requester);
        if outcome.decision == Decision::Allow {
            allowed.push(Allowed {
                principal: spec.to_string(),
                arn: match requester {
                    Requester::WebIdentity(_) => None,
                    other => other.principal_arn(model),
                },
                rule: outcome.basis.code(),
                deciding: outcome.deciding.and_then(|at| statement_info(model, at)),
            });
        }
    }
    (evaluated, allowed)
}
