//! Evaluation: AWS's decision for a request, and the reasons for it.
//!
//! [`decide`] gives the decision fast (no explanation kept); [`evaluate`]
//! gives the same decision with its full [`Explanation`]. Both run the one
//! pipeline in [`engine`], so they cannot disagree.

pub(crate) mod context;
pub(crate) mod engine;
pub mod explain;
pub(crate) mod federation;
pub(crate) mod matching;
pub mod outline;
pub(crate) mod request;
pub mod warnings;

pub use context::AssumedWhy;
pub use engine::{Basis, Decision, Outcome, PolicyRef, SessionPolicy, StatementRef};
pub use explain::{
    Assumption, Explanation, MissInfo, PolicySource, PolicyTrace, Stage, StageKind, StatementInfo, StatementTrace,
};
pub use request::{
    Assume, Context, ContextSpec, ContextValues, FederatedSpec, PrincipalSpec, ProviderKind, Request, RequestError,
    RequestSpec,
};
pub use warnings::{RequestWarning, request_warnings};

use context::{COGNITO_SESSION, Requester, WebIdentity};
use engine::{Run, Trace};

use crate::model::Model;

/// A request that cannot be evaluated: it names a principal the account lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

/// The decision, fast: nothing but the answer, its rule and one deciding statement.
pub fn decide(model: &Model, request: &Request) -> Result<Outcome, EvalError> {
    let requester = context::resolve(model, &request.principal).map_err(EvalError)?;
    Ok(match &requester {
        Requester::WebIdentity(identity) => pool_outcome(model, request, identity),
        Requester::Federated(identity) => federation::outcome(model, request, identity)?,
        _ => {
            let sessions = session_policies(request, &requester);
            let run = Run::new(model, request, &requester, &sessions);
            let facts = run.facts(&mut ());
            run.decide(&facts)
        }
    })
}

/// The fast answer with what it rests on: the assumptions the decision
/// consulted (for batch answers, which always list them).
#[derive(Debug, Clone)]
pub struct Noted {
    pub outcome: Outcome,
    pub assumptions: Vec<Assumption>,
}

/// The decision, fast, and the assumptions it consulted.
pub fn decide_noting(model: &Model, request: &Request) -> Result<Noted, EvalError> {
    let requester = context::resolve(model, &request.principal).map_err(EvalError)?;
    Ok(match &requester {
        Requester::WebIdentity(identity) => pool_noted(model, request, identity),
        Requester::Federated(identity) => federation::noted(model, request, identity)?,
        _ => {
            let sessions = session_policies(request, &requester);
            let run = Run::new(model, request, &requester, &sessions);
            let facts = run.facts(&mut ());
            Noted {
                outcome: run.decide(&facts),
                assumptions: explain::consulted_assumptions(&run, &facts),
            }
        }
    })
}

/// The decision of a written request with nothing filled in, when its
/// explanation lists what was: where it differs from the explanation's,
/// what was assumed changed the answer (see
/// [`outline::assumptions_decided`]).
pub fn decision_as_written(
    model: &Model,
    spec: &RequestSpec,
    explanation: &Explanation,
    now: jiff::Timestamp,
) -> Option<Decision> {
    if explanation.assumptions.is_empty() || spec.assume != Assume::Realistic {
        return None;
    }
    let mut as_written = spec.clone();
    as_written.assume = Assume::None;
    let request = as_written.to_request(now).ok()?;
    decide(model, &request).ok().map(|o| o.decision)
}

/// The decision with its explanation.
pub fn evaluate(model: &Model, request: &Request) -> Result<Explanation, EvalError> {
    let requester = context::resolve(model, &request.principal).map_err(EvalError)?;
    let mut explanation = match &requester {
        Requester::WebIdentity(identity) => pool_explanation(model, request, identity),
        Requester::Federated(identity) => federation::explanation(model, request, identity)?,
        _ => {
            let sessions = session_policies(request, &requester);
            explain_run(model, request, &requester, &sessions)
        }
    };
    explanation.warnings = warnings::request_warnings(request);
    Ok(explanation)
}

/// Decide for an already-resolved requester (who-can walks every principal).
pub fn decide_for(model: &Model, request: &Request, requester: &Requester<'_>) -> Outcome {
    match requester {
        Requester::WebIdentity(identity) => pool_outcome(model, request, identity),
        // A request that names no role among several trusting ones has no
        // answer of its own; a walk over principals names the role.
        Requester::Federated(identity) => federation::outcome(model, request, identity).unwrap_or(Outcome {
            decision: Decision::ImplicitDeny,
            basis: Basis::NoAllow,
            deciding: None,
        }),
        _ => {
            let sessions = session_policies(request, requester);
            let run = Run::new(model, request, requester, &sessions);
            let facts = run.facts(&mut ());
            run.decide(&facts)
        }
    }
}

fn explain_run(model: &Model, request: &Request, requester: &Requester<'_>, sessions: &[SessionPolicy]) -> Explanation {
    let run = Run::new(model, request, requester, sessions);
    let mut trace = Trace {
        policies: Vec::with_capacity(16),
        statements: Vec::with_capacity(64),
    };
    let facts = run.facts(&mut trace);
    let outcome = run.decide(&facts);
    explain::explain(&run, &facts, &outcome, &trace)
}

fn session_policies(request: &Request, requester: &Requester<'_>) -> Vec<SessionPolicy> {
    if !matches!(requester, Requester::RoleSession { .. }) {
        return Vec::new();
    }
    request
        .session_policies
        .iter()
        .enumerate()
        .map(|(i, document)| SessionPolicy {
            name: format!("session policy {}", i + 1),
            document: document.clone(),
        })
        .collect()
}

/// What an identity pool gives an identity: its role, or why there is none.
enum PoolRole<'m> {
    Role(usize, &'m crate::model::Role),
    Refused(Basis, String),
}

fn pool_role<'m>(model: &'m Model, identity: &WebIdentity<'m>) -> PoolRole<'m> {
    let pool = identity.pool;
    let kind = if identity.authenticated {
        "authenticated"
    } else {
        "unauthenticated"
    };
    if !identity.authenticated && !pool.allow_unauthenticated {
        return PoolRole::Refused(
            Basis::GuestsNotAllowed,
            format!(
                "Denied: identity pool {} does not allow unauthenticated identities, so a guest gets no AWS credentials.",
                pool.name
            ),
        );
    }
    let arn = if identity.authenticated {
        &pool.authenticated_role
    } else {
        &pool.unauthenticated_role
    };
    let Some(arn) = arn else {
        return PoolRole::Refused(
            Basis::PoolHasNoRole,
            format!(
                "Denied: identity pool {} has no {kind} role, so its {kind} identities get no AWS credentials.",
                pool.name
            ),
        );
    };
    match model.index().principal_by_arn(arn) {
        Some(crate::model::PrincipalEntity::Role(index)) => PoolRole::Role(index, &model.account().roles[index]),
        _ => PoolRole::Refused(
            Basis::PoolHasNoRole,
            format!(
                "Denied: identity pool {} uses role {arn}, which is not in this export.",
                pool.name
            ),
        ),
    }
}

/// The first hop: the identity presents its token to STS for the pool's role.
fn assume_request(request: &Request, role_arn: &str) -> Request {
    Request {
        principal: request.principal.clone(),
        action: "sts:AssumeRoleWithWebIdentity".to_owned(),
        resource: role_arn.to_owned(),
        context: request.context.clone(),
        session_policies: Vec::new(),
        claims: Context::new(),
        role: None,
        time: request.time,
        time_given: request.time_given,
        assume: request.assume,
    }
}

fn is_the_assume_call(request: &Request, role_arn: &str) -> bool {
    request.action.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity") && request.resource == role_arn
}

/// In the classic (basic) flow the identity gets an OpenID token from
/// Cognito (GetOpenIdToken) and presents it to STS itself, for any role:
/// only that role's trust policy decides (AssumeRoleWithWebIdentity needs
/// no permissions of the caller). Cognito developer guide, "Identity pools
/// (federated identities) authentication flow", basic flow.
fn classic_assume(request: &Request, identity: &WebIdentity<'_>) -> bool {
    identity.pool.allow_classic_flow == Some(true)
        && request.action.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity")
}

/// In Cognito's enhanced flow, guest credentials are scoped down by the
/// AWS managed session policy AmazonCognitoUnAuthedIdentitiesSessionPolicy;
/// with the classic (basic) flow enabled, a guest can get the role unscoped.
fn pool_session_policies(identity: &WebIdentity<'_>) -> Vec<SessionPolicy> {
    if identity.authenticated || identity.pool.allow_classic_flow == Some(true) {
        return Vec::new();
    }
    crate::catalog::managed::aws_managed_policies()
        .get_by_name("AmazonCognitoUnAuthedIdentitiesSessionPolicy")
        .map(|p| {
            vec![SessionPolicy {
                name: p.name.to_owned(),
                document: crate::policy::PolicyDocument::from_json_text(p.document),
            }]
        })
        .unwrap_or_default()
}

fn pool_outcome(model: &Model, request: &Request, identity: &WebIdentity<'_>) -> Outcome {
    let (index, role) = match pool_role(model, identity) {
        PoolRole::Role(index, role) => (index, role),
        PoolRole::Refused(basis, _) => {
            return Outcome {
                decision: Decision::ImplicitDeny,
                basis,
                deciding: None,
            };
        }
    };
    let web = Requester::WebIdentity(identity.clone());
    if classic_assume(request, identity) {
        let run = Run::new(model, request, &web, &[]);
        return run.decide(&run.facts(&mut ()));
    }
    let assume = assume_request(request, role.arn.as_str());
    let run = Run::new(model, &assume, &web, &[]);
    let hop = run.decide(&run.facts(&mut ()));
    if is_the_assume_call(request, role.arn.as_str()) {
        return hop;
    }
    if hop.decision != Decision::Allow {
        return Outcome {
            decision: hop.decision,
            basis: if hop.decision == Decision::ExplicitDeny {
                hop.basis
            } else {
                Basis::CannotAssumePoolRole
            },
            deciding: hop.deciding,
        };
    }
    let session = Requester::RoleSession {
        index,
        role,
        session: std::borrow::Cow::Borrowed(COGNITO_SESSION),
        web_identity: Some(identity.clone()),
        federated: None,
    };
    let sessions = pool_session_policies(identity);
    let run = Run::new(model, request, &session, &sessions);
    run.decide(&run.facts(&mut ()))
}

fn pool_noted(model: &Model, request: &Request, identity: &WebIdentity<'_>) -> Noted {
    let mut assumptions = Vec::new();
    let mut run_noted = |request: &Request, requester: &Requester<'_>, sessions: &[SessionPolicy]| {
        let run = Run::new(model, request, requester, sessions);
        let facts = run.facts(&mut ());
        assumptions.extend(explain::consulted_assumptions(&run, &facts));
        run.decide(&facts)
    };
    let web = Requester::WebIdentity(identity.clone());
    let outcome = match pool_role(model, identity) {
        PoolRole::Refused(basis, _) => Outcome {
            decision: Decision::ImplicitDeny,
            basis,
            deciding: None,
        },
        _ if classic_assume(request, identity) => {
            let outcome = run_noted(request, &web, &[]);
            assumptions.push(Assumption::ClassicFlow {
                pool: identity.pool.name.clone(),
                guest: false,
            });
            outcome
        }
        PoolRole::Role(index, role) => {
            let assume = assume_request(request, role.arn.as_str());
            let hop = run_noted(&assume, &web, &[]);
            if is_the_assume_call(request, role.arn.as_str()) {
                hop
            } else if hop.decision != Decision::Allow {
                Outcome {
                    decision: hop.decision,
                    basis: if hop.decision == Decision::ExplicitDeny {
                        hop.basis
                    } else {
                        Basis::CannotAssumePoolRole
                    },
                    deciding: hop.deciding,
                }
            } else {
                let session = Requester::RoleSession {
                    index,
                    role,
                    session: std::borrow::Cow::Borrowed(COGNITO_SESSION),
                    web_identity: Some(identity.clone()),
                    federated: None,
                };
                let sessions = pool_session_policies(identity);
                let outcome = run_noted(request, &session, &sessions);
                if !identity.authenticated {
                    assumptions.push(if identity.pool.allow_classic_flow == Some(true) {
                        Assumption::ClassicFlow {
                            pool: identity.pool.name.clone(),
                            guest: true,
                        }
                    } else {
                        Assumption::EnhancedFlowOnly {
                            pool: identity.pool.name.clone(),
                        }
                    });
                }
                outcome
            }
        }
    };
    assumptions.dedup();
    Noted { outcome, assumptions }
}

fn pool_explanation(model: &Model, request: &Request, identity: &WebIdentity<'_>) -> Explanation {
    let web = Requester::WebIdentity(identity.clone());
    let (index, role) = match pool_role(model, identity) {
        PoolRole::Role(index, role) => (index, role),
        PoolRole::Refused(basis, summary) => {
            return Explanation {
                decision: Decision::ImplicitDeny,
                summary,
                basis,
                principal: web.describe(),
                principal_arn: None,
                action: request.action.clone(),
                resource: request.resource.clone(),
                deciding: Vec::new(),
                closest: None,
                stages: Vec::new(),
                missing_context: Vec::new(),
                assumptions: Vec::new(),
                warnings: Vec::new(),
                hops: Vec::new(),
            };
        }
    };
    if classic_assume(request, identity) {
        let mut explanation = explain_run(model, request, &web, &[]);
        explanation.assumptions.push(Assumption::ClassicFlow {
            pool: identity.pool.name.clone(),
            guest: false,
        });
        return explanation;
    }
    let assume = assume_request(request, role.arn.as_str());
    let hop = explain_run(model, &assume, &web, &[]);
    if is_the_assume_call(request, role.arn.as_str()) {
        return hop;
    }
    if hop.decision != Decision::Allow {
        let mut refused = hop.clone();
        refused.summary = format!(
            "Denied: {} cannot obtain credentials for role {}: {}",
            web.describe(),
            role.name,
            lowercase_first(
                hop.summary
                    .trim_start_matches("Denied: ")
                    .trim_start_matches("Denied explicitly: ")
            )
        );
        if hop.decision == Decision::ImplicitDeny {
            refused.basis = Basis::CannotAssumePoolRole;
        }
        refused.action = request.action.clone();
        refused.resource = request.resource.clone();
        refused.stages = Vec::new();
        refused.hops = vec![hop];
        return refused;
    }
    let session = Requester::RoleSession {
        index,
        role,
        session: std::borrow::Cow::Borrowed(COGNITO_SESSION),
        web_identity: Some(identity.clone()),
        federated: None,
    };
    let sessions = pool_session_policies(identity);
    let mut explanation = explain_run(model, request, &session, &sessions);
    explanation.summary = format!(
        "{} {} gets these permissions by assuming role {}.",
        explanation.summary,
        capitalise(&web.describe()),
        role.name
    );
    explanation.hops = vec![hop];
    if !identity.authenticated {
        explanation
            .assumptions
            .push(if identity.pool.allow_classic_flow == Some(true) {
                Assumption::ClassicFlow {
                    pool: identity.pool.name.clone(),
                    guest: true,
                }
            } else {
                Assumption::EnhancedFlowOnly {
                    pool: identity.pool.name.clone(),
                }
            });
    }
    explanation
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
