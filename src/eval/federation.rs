//! Federated principals: users of a SAML provider, of an OpenID Connect
//! provider (GitHub Actions, GitLab, an EKS cluster, an enterprise IdP), or
//! of a provider IAM knows by name (Google, Facebook, Login with Amazon,
//! Cognito), each with the claims of its token or SAML assertion.
//!
//! Such a user has no AWS credentials until STS lets it assume a role with
//! `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity`, which only
//! the role's trust policy decides. Any other request is answered in two
//! steps, as a Cognito identity's is: the assume call on the role, then the
//! request as the role's session. The claims become the provider's
//! condition keys (IAM User Guide, "IAM and AWS STS condition context
//! keys": "Available keys for AWS STS federation" and "Available keys for
//! SAML-based AWS STS federation"); a claim the request lacks is a missing
//! key, never a made-up value.

use super::context::{Requester, Values};
use super::engine::{Basis, Decision, Outcome, Run, SessionPolicy};
use super::explain::{self, Assumption, Explanation};
use super::request::{Context, FederatedSpec, ProviderKind, Request};
use super::{EvalError, Noted};
use crate::model::{Model, OidcProvider, Role, SamlProvider};

/// A web identity provider IAM knows by name: a trust policy names it as
/// `"Federated": "accounts.google.com"`, and the account needs no provider
/// resource for it (IAM User Guide, "OIDC federation").
#[derive(Debug, PartialEq, Eq)]
pub struct WellKnown {
    pub host: &'static str,
    pub name: &'static str,
    /// The claims AWS documents as this provider's condition keys; `None`
    /// when the provider's token gives more than one table can hold.
    claims: Option<&'static [&'static str]>,
}

/// The providers IAM knows by name ("Available keys for AWS web identity
/// federation": Login with Amazon, Amazon Cognito, Google, Facebook).
pub const WELL_KNOWN: [WellKnown; 4] = [
    WellKnown {
        host: "accounts.google.com",
        name: "Google",
        claims: None,
    },
    WellKnown {
        host: "graph.facebook.com",
        name: "Facebook",
        claims: Some(&["app_id", "id"]),
    },
    WellKnown {
        host: "www.amazon.com",
        name: "Login with Amazon",
        claims: Some(&["app_id", "user_id"]),
    },
    WellKnown {
        host: "cognito-identity.amazonaws.com",
        name: "Amazon Cognito",
        claims: Some(&["aud", "sub", "amr"]),
    },
];

/// The well-known provider with this host, in any case.
pub fn well_known(host: &str) -> Option<&'static WellKnown> {
    WELL_KNOWN.iter().find(|p| p.host.eq_ignore_ascii_case(host))
}

/// Google's provider: its `aud` key is the token's `azp` when that is set
/// ("Available keys for AWS web identity federation", aud and oaud).
const GOOGLE: &str = "accounts.google.com";

/// The keys of a SAML trust policy that come from the assertion ("Available
/// keys for SAML-based AWS STS federation"; `saml:doc` is AWS's own).
const SAML_KEYS: [&str; 31] = [
    "aud",
    "commonName",
    "cn",
    "edupersonaffiliation",
    "edupersonassurance",
    "edupersonentitlement",
    "edupersonnickname",
    "edupersonorgdn",
    "edupersonorgunitdn",
    "edupersonprimaryaffiliation",
    "edupersonprimaryorgunitdn",
    "edupersonprincipalname",
    "edupersonscopedaffiliation",
    "edupersontargetedid",
    "eduorghomepageuri",
    "eduorgidentityauthnpolicyuri",
    "eduorglegalname",
    "eduorgsuperioruri",
    "eduorgwhitepagesuri",
    "givenName",
    "iss",
    "mail",
    "name",
    "namequalifier",
    "organizationStatus",
    "primaryGroupSID",
    "sub",
    "sub_type",
    "surname",
    "uid",
    "x500UniqueIdentifier",
];

/// The SAML keys a SAML role's session still carries ("SAML role
/// permissions policies").
const SAML_SESSION_KEYS: [&str; 3] = ["namequalifier", "sub", "sub_type"];

/// The web identity keys a session's requests carry ("additional condition
/// keys are available when the temporary security credentials are used to
/// make a request"). Provider-specific claims are for the trust policy only.
const WEB_SESSION_KEYS: [&str; 7] = ["amr", "aud", "oaud", "sub", "app_id", "id", "user_id"];

/// Which provider record a federated principal found in the account.
#[derive(Debug, Clone, Copy)]
pub enum Listed<'m> {
    Saml(&'m SamlProvider),
    Oidc(&'m OidcProvider),
    /// No loaded file listed the account's providers of this kind: the
    /// provider is taken to exist.
    Presumed,
    /// The files list the account's providers of this kind, and this one is
    /// not among them.
    Missing,
    WellKnown(&'static WellKnown),
}

/// A user of an external identity provider, resolved against the account.
#[derive(Debug, Clone)]
pub struct FederatedIdentity<'m> {
    pub kind: ProviderKind,
    /// A SAML provider's name, an OIDC provider's URL, a well-known host.
    pub provider: String,
    /// The ARN a trust policy names a SAML or OIDC provider by.
    pub arn: Option<String>,
    pub listed: Listed<'m>,
}

impl<'m> FederatedIdentity<'m> {
    pub fn resolve(model: &'m Model, spec: &FederatedSpec) -> FederatedIdentity<'m> {
        let account = model.account();
        let built = |kind: &str| format!("arn:{}:iam::{}:{kind}/{}", account.partition, account.id, spec.provider);
        let (arn, listed) = match spec.kind {
            ProviderKind::Saml => {
                let found = account.saml_providers().iter().find(|p| match &spec.arn {
                    Some(arn) => p.arn.as_str() == arn,
                    None => p.name() == spec.provider,
                });
                match (found, &account.saml_providers) {
                    (Some(p), _) => (Some(p.arn.to_string()), Listed::Saml(p)),
                    (None, listed) => (
                        Some(spec.arn.clone().unwrap_or_else(|| built("saml-provider"))),
                        if listed.is_some() {
                            Listed::Missing
                        } else {
                            Listed::Presumed
                        },
                    ),
                }
            }
            ProviderKind::Oidc => {
                let found = account.oidc_providers().iter().find(|p| match &spec.arn {
                    Some(arn) => p.arn.as_str() == arn,
                    None => p.url.eq_ignore_ascii_case(&spec.provider),
                });
                match (found, &account.oidc_providers) {
                    (Some(p), _) => (Some(p.arn.to_string()), Listed::Oidc(p)),
                    (None, listed) => (
                        Some(spec.arn.clone().unwrap_or_else(|| built("oidc-provider"))),
                        if listed.is_some() {
                            Listed::Missing
                        } else {
                            Listed::Presumed
                        },
                    ),
                }
            }
            ProviderKind::WebIdentity => match well_known(&spec.provider) {
                Some(known) => (None, Listed::WellKnown(known)),
                // The principal's parser admits only the well-known hosts.
                None => (None, Listed::Missing),
            },
        };
        let provider = match listed {
            Listed::Oidc(p) => p.url.clone(),
            Listed::WellKnown(known) => known.host.to_owned(),
            _ => spec.provider.clone(),
        };
        FederatedIdentity {
            kind: spec.kind,
            provider,
            arn,
            listed,
        }
    }

    /// `SAML provider CorpIdP`, `OIDC provider token.actions.githubusercontent.com`.
    pub fn provider_words(&self) -> String {
        match (self.kind, self.listed) {
            (ProviderKind::Saml, _) => format!("SAML provider {}", self.provider),
            (ProviderKind::Oidc, _) => format!("OIDC provider {}", self.provider),
            (ProviderKind::WebIdentity, Listed::WellKnown(known)) => format!("{} ({})", known.name, known.host),
            (ProviderKind::WebIdentity, _) => self.provider.clone(),
        }
    }

    /// Words for the explanation.
    pub fn describe(&self) -> String {
        match self.kind {
            ProviderKind::Saml => format!("a user of {}", self.provider_words()),
            _ => format!("a web identity from {}", self.provider_words()),
        }
    }

    /// Whether a trust policy's `Federated` entry names this provider: a
    /// SAML or OIDC provider by its ARN, a well-known one by its host.
    pub fn named_by(&self, value: &str) -> bool {
        match &self.arn {
            Some(arn) => arn == value,
            None => self.provider.eq_ignore_ascii_case(value),
        }
    }

    /// `saml:doc`: the provider's account and name, `123456789012/CorpIdP`.
    pub fn saml_doc(&self) -> Option<String> {
        if self.kind != ProviderKind::Saml {
            return None;
        }
        let arn = crate::model::Arn::parse(self.arn.as_deref()?).ok()?;
        Some(format!("{}/{}", arn.account(), self.provider))
    }

    /// The principal as written: `saml/CorpIdP`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.prefix(), self.provider)
    }
}

/// Whether `claim` is one a provider of this kind can carry; the error says
/// what to write instead.
pub(crate) fn check_claim(spec: &FederatedSpec, claim: &str) -> Result<(), String> {
    if claim.is_empty() || claim.contains(char::is_whitespace) {
        return Err("a claim is one word, its name in the token or assertion (sub, aud, …)".to_owned());
    }
    if let Some((prefix, name)) = claim.rsplit_once(':') {
        return Err(format!(
            "`{claim}` is a condition key; the claim is `{name}` (iamscope makes the key {prefix}:{name} from it)"
        ));
    }
    match spec.kind {
        ProviderKind::Saml if claim.eq_ignore_ascii_case("doc") => {
            Err("saml:doc is not in the assertion: AWS makes it from the provider's account and name".to_owned())
        }
        ProviderKind::Saml if !SAML_KEYS.iter().any(|k| k.eq_ignore_ascii_case(claim)) => Err(format!(
            "`{claim}` is not one of the SAML keys AWS documents: aud, sub, sub_type, iss, namequalifier, and the attributes {}",
            SAML_KEYS
                .iter()
                .filter(|k| !["aud", "sub", "sub_type", "iss", "namequalifier"].contains(k))
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        )),
        ProviderKind::Saml | ProviderKind::Oidc => Ok(()),
        ProviderKind::WebIdentity => {
            let Some(known) = well_known(&spec.provider) else {
                return Ok(());
            };
            if known.host == GOOGLE && claim.eq_ignore_ascii_case("oaud") {
                return Err(
                    "oaud is not a field of Google's ID token: give the token's aud (and azp when it is set); AWS makes accounts.google.com:aud and :oaud from them"
                        .to_owned(),
                );
            }
            match known.claims {
                Some(claims) if !claims.iter().any(|c| c.eq_ignore_ascii_case(claim)) => Err(format!(
                    "{} gives the keys {}; `{claim}` is not one of them",
                    known.name,
                    claims
                        .iter()
                        .map(|c| format!("{}:{c}", known.host))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                _ => Ok(()),
            }
        }
    }
}

/// The values the request's claims give a condition key of this provider
/// (`key_lower` is lower case), or `None` when they give it none.
pub(crate) fn claim_values<'a>(
    identity: &FederatedIdentity<'_>,
    claims: &'a Context,
    key_lower: &str,
    in_session: bool,
) -> Option<Values<'a>> {
    if claims.is_empty() {
        return None;
    }
    let (prefix, claim) = key_lower.rsplit_once(':')?;
    let many = |values: &'a [String]| Values::Many(std::borrow::Cow::Borrowed(values));
    match identity.kind {
        ProviderKind::Saml => {
            if prefix != "saml" || (in_session && !SAML_SESSION_KEYS.iter().any(|k| k.eq_ignore_ascii_case(claim))) {
                return None;
            }
            claims.get_lower(claim).map(many)
        }
        ProviderKind::Oidc | ProviderKind::WebIdentity => {
            if !prefix.eq_ignore_ascii_case(&identity.provider) || (in_session && !WEB_SESSION_KEYS.contains(&claim)) {
                return None;
            }
            if identity.provider == GOOGLE {
                // accounts.google.com:aud is the token's azp when set, else
                // its aud; :oaud is always the token's aud.
                return match claim {
                    "aud" => claims.get_lower("azp").or_else(|| claims.get_lower("aud")).map(many),
                    "oaud" => claims.get_lower("aud").map(many),
                    "azp" => None,
                    other => claims.get_lower(other).map(many),
                };
            }
            claims.get_lower(claim).map(many)
        }
    }
}

/// Roles of the account whose trust policy has an Allow statement naming
/// this provider as a `Federated` principal.
pub fn trusting_roles(model: &Model, identity: &FederatedIdentity<'_>) -> Vec<usize> {
    model
        .account()
        .roles
        .iter()
        .enumerate()
        .filter(|(_, role)| {
            role.trust_policy.as_ref().is_some_and(|document| {
                document.parsed().statements().iter().any(|statement| {
                    statement.effect == crate::policy::Effect::Allow
                        && statement.principal.as_ref().is_some_and(|clause| {
                            !clause.negated
                                && clause.entries.iter().any(|e| {
                                    e.kind == crate::policy::PrincipalKind::Federated && identity.named_by(&e.value)
                                })
                        })
                })
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// How a federated request is answered.
enum Plan<'m> {
    /// The request is itself the call STS makes on a role's trust policy.
    OneHop,
    /// The user assumes `role`, then makes the request as its session;
    /// `only_trusting` when the request named no role and this is the only
    /// one that trusts the provider.
    TwoHops {
        index: usize,
        role: &'m Role,
        only_trusting: bool,
    },
    /// STS gives no credentials at all.
    Refused(Basis, String),
}

fn plan<'m>(model: &'m Model, request: &Request, identity: &FederatedIdentity<'m>) -> Result<Plan<'m>, EvalError> {
    let account = model.account();
    if let Listed::Missing = identity.listed {
        let (list, what) = match identity.kind {
            ProviderKind::Saml => ("SAMLProviders", "assertions"),
            _ => ("OpenIDConnectProviders", "tokens"),
        };
        // STS checks the provider before any trust policy
        // (AssumeRoleWithSAML / AssumeRoleWithWebIdentity: the provider
        // must be registered in IAM).
        return Ok(Plan::Refused(
            Basis::ProviderNotInAccount,
            format!(
                "Denied: account {} has no {}, so STS refuses its {what} before any trust policy is read (if the export missed it, add it under {list}).",
                account.id,
                identity.provider_words()
            ),
        ));
    }
    if let Some(refused) = unregistered_audience(identity, request) {
        return Ok(refused);
    }
    let find_role = |role: &str| -> Result<(usize, &'m Role), EvalError> {
        let index = if role.starts_with("arn:") {
            match model.index().principal_by_arn(role) {
                Some(crate::model::PrincipalEntity::Role(index)) => Some(index),
                _ => None,
            }
        } else {
            model.index().role(role)
        };
        index.map(|i| (i, &account.roles[i])).ok_or_else(|| {
            EvalError(format!(
                "role: account {} has no role {role} for {} to assume",
                account.id,
                identity.label()
            ))
        })
    };
    if super::engine::is_trust_action(&request.action) {
        if let Some(role) = &request.role {
            let (_, found) = find_role(role)?;
            if found.arn.as_str() != request.resource {
                return Err(EvalError(format!(
                    "role: {} calls {} on {}, so that is the role; role names {} instead",
                    identity.label(),
                    request.action,
                    request.resource,
                    found.name
                )));
            }
        }
        return Ok(Plan::OneHop);
    }
    if let Some(role) = &request.role {
        let (index, role) = find_role(role)?;
        return Ok(Plan::TwoHops {
            index,
            role,
            only_trusting: false,
        });
    }
    match trusting_roles(model, identity).as_slice() {
        [] => Ok(Plan::Refused(
            Basis::NoRoleTrustsProvider,
            format!(
                "Denied: no role of account {} trusts {}, so its users get no AWS credentials.",
                account.id,
                identity.provider_words()
            ),
        )),
        [index] => Ok(Plan::TwoHops {
            index: *index,
            role: &account.roles[*index],
            only_trusting: true,
        }),
        several => Err(EvalError(format!(
            "role: several roles trust {} ({}); name the one it assumes (--role NAME on the command line, role=NAME in the inspector's Context field, or \"role\" in a written request)",
            identity.provider_words(),
            several
                .iter()
                .map(|&i| account.roles[i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// STS accepts a token for an IAM OIDC provider only when the token's
/// `aud` is one of the provider's client ids (IAM API Reference,
/// "CreateOpenIDConnectProvider", ClientIDList: the client ids identify
/// the applications allowed to authenticate with the provider; STS answers
/// any other audience with InvalidIdentityToken, "Incorrect token
/// audience", before any trust policy is read). An empty list or a request
/// without `aud` decides nothing here.
fn unregistered_audience<'m>(identity: &FederatedIdentity<'m>, request: &Request) -> Option<Plan<'m>> {
    let Listed::Oidc(provider) = identity.listed else {
        return None;
    };
    if provider.client_ids.is_empty() {
        return None;
    }
    let audiences = request.claims.get_lower("aud")?;
    if audiences.iter().any(|aud| provider.client_ids.contains(aud)) {
        return None;
    }
    Some(Plan::Refused(
        Basis::AudienceNotRegistered,
        format!(
            "Denied: the token's audience {} is not a client id of {} ({}), so STS refuses the token (Incorrect token audience) before any trust policy is read.",
            audiences.join(", "),
            identity.provider_words(),
            provider.client_ids.join(", ")
        ),
    ))
}

/// The first step: the user presents its token or assertion to STS for the role.
fn assume_request(request: &Request, identity: &FederatedIdentity<'_>, role_arn: &str) -> Request {
    Request {
        principal: request.principal.clone(),
        action: identity.kind.assume_action().to_owned(),
        resource: role_arn.to_owned(),
        context: request.context.clone(),
        session_policies: Vec::new(),
        claims: request.claims.clone(),
        role: None,
        time: request.time,
        time_given: request.time_given,
        assume: request.assume,
    }
}

/// The role's session the user holds once STS lets it in. Its session
/// name is the caller's (RoleSessionName, or the assertion's
/// RoleSessionName attribute), which the request does not give.
fn session<'m>(index: usize, role: &'m Role, identity: &FederatedIdentity<'m>) -> Requester<'m> {
    Requester::RoleSession {
        index,
        role,
        session: std::borrow::Cow::Borrowed(super::context::DEFAULT_SESSION),
        web_identity: None,
        federated: Some(identity.clone()),
    }
}

/// What the answer rests on beyond the engine's own assumptions.
fn federation_assumptions(identity: &FederatedIdentity<'_>, plan: &Plan<'_>) -> Vec<Assumption> {
    let mut assumptions = Vec::new();
    if let Listed::Presumed = identity.listed {
        assumptions.push(Assumption::ProviderNotListed {
            kind: identity.kind,
            provider: identity.provider.clone(),
        });
    }
    if let Plan::TwoHops {
        role,
        only_trusting: true,
        ..
    } = plan
    {
        assumptions.push(Assumption::OnlyTrustingRole {
            role: role.name.clone(),
            provider: identity.provider_words(),
        });
    }
    assumptions
}

fn refused(basis: Basis) -> Outcome {
    Outcome {
        decision: Decision::ImplicitDeny,
        basis,
        deciding: None,
    }
}

/// A first step that did not allow, as the answer to the whole request.
fn failed_hop(hop: Outcome) -> Outcome {
    Outcome {
        decision: hop.decision,
        basis: if hop.decision == Decision::ExplicitDeny {
            hop.basis
        } else {
            Basis::CannotAssumeRole
        },
        deciding: hop.deciding,
    }
}

pub(crate) fn outcome(
    model: &Model,
    request: &Request,
    identity: &FederatedIdentity<'_>,
) -> Result<Outcome, EvalError> {
    let federated = Requester::Federated(identity.clone());
    let decide = |request: &Request, requester: &Requester<'_>, sessions: &[SessionPolicy]| {
        let run = Run::new(model, request, requester, sessions);
        run.decide(&run.facts(&mut ()))
    };
    Ok(match plan(model, request, identity)? {
        Plan::Refused(basis, _) => refused(basis),
        Plan::OneHop => decide(request, &federated, &[]),
        Plan::TwoHops { index, role, .. } => {
            let hop = decide(&assume_request(request, identity, role.arn.as_str()), &federated, &[]);
            if hop.decision != Decision::Allow {
                return Ok(failed_hop(hop));
            }
            let session = session(index, role, identity);
            let sessions = super::session_policies(request, &session);
            decide(request, &session, &sessions)
        }
    })
}

pub(crate) fn noted(model: &Model, request: &Request, identity: &FederatedIdentity<'_>) -> Result<Noted, EvalError> {
    let federated = Requester::Federated(identity.clone());
    let mut assumptions = Vec::new();
    let mut decide = |request: &Request, requester: &Requester<'_>, sessions: &[SessionPolicy]| {
        let run = Run::new(model, request, requester, sessions);
        let facts = run.facts(&mut ());
        assumptions.extend(explain::consulted_assumptions(&run, &facts));
        run.decide(&facts)
    };
    let plan = plan(model, request, identity)?;
    let outcome = match &plan {
        Plan::Refused(basis, _) => refused(*basis),
        Plan::OneHop => decide(request, &federated, &[]),
        Plan::TwoHops { index, role, .. } => {
            let hop = decide(&assume_request(request, identity, role.arn.as_str()), &federated, &[]);
            if hop.decision != Decision::Allow {
                failed_hop(hop)
            } else {
                let session = session(*index, role, identity);
                let sessions = super::session_policies(request, &session);
                decide(request, &session, &sessions)
            }
        }
    };
    assumptions.extend(federation_assumptions(identity, &plan));
    assumptions.dedup();
    Ok(Noted { outcome, assumptions })
}

pub(crate) fn explanation(
    model: &Model,
    request: &Request,
    identity: &FederatedIdentity<'_>,
) -> Result<Explanation, EvalError> {
    let federated = Requester::Federated(identity.clone());
    let plan = plan(model, request, identity)?;
    let mut explanation = match &plan {
        Plan::Refused(basis, summary) => Explanation {
            decision: Decision::ImplicitDeny,
            summary: summary.clone(),
            basis: *basis,
            principal: federated.describe(),
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
        },
        Plan::OneHop => super::explain_run(model, request, &federated, &[]),
        Plan::TwoHops { index, role, .. } => {
            let hop = super::explain_run(
                model,
                &assume_request(request, identity, role.arn.as_str()),
                &federated,
                &[],
            );
            if hop.decision != Decision::Allow {
                let mut denied = hop.clone();
                denied.summary = format!(
                    "Denied: {} cannot obtain credentials for role {}: {}",
                    federated.describe(),
                    role.name,
                    super::lowercase_first(
                        hop.summary
                            .trim_start_matches("Denied: ")
                            .trim_start_matches("Denied explicitly: ")
                    )
                );
                if hop.decision == Decision::ImplicitDeny {
                    denied.basis = Basis::CannotAssumeRole;
                }
                denied.action = request.action.clone();
                denied.resource = request.resource.clone();
                denied.stages = Vec::new();
                denied.missing_context = Vec::new();
                denied.assumptions = Vec::new();
                denied.hops = vec![hop];
                denied
            } else {
                let session = session(*index, role, identity);
                let sessions = super::session_policies(request, &session);
                let mut last = super::explain_run(model, request, &session, &sessions);
                last.summary = format!(
                    "{} {} gets these permissions by assuming role {}.",
                    last.summary,
                    super::capitalise(&federated.describe()),
                    role.name
                );
                last.hops = vec![hop];
                last
            }
        }
    };
    explanation.assumptions.extend(federation_assumptions(identity, &plan));
    Ok(explanation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::RequestSpec;

    const GITHUB: &str = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";

    fn trusting_role(name: &str) -> serde_json::Value {
        serde_json::json!({
            "RoleName": name,
            "Arn": format!("arn:aws:iam::111111111111:role/{name}"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": GITHUB},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}}
            }]},
            "RolePolicyList": [{"PolicyName": "Work", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
            ]}}]
        })
    }

    fn model(roles: &[&str]) -> Model {
        let account = serde_json::json!({
            "AccountId": "111111111111",
            "RoleDetailList": roles.iter().map(|r| trusting_role(r)).collect::<Vec<_>>(),
        });
        crate::io::load_bytes("federation.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    fn request(role: Option<&str>, action: &str, resource: &str) -> Request {
        let mut spec = RequestSpec::new("oidc/token.actions.githubusercontent.com", action, resource);
        spec.claims =
            crate::eval::ContextSpec::from_assignments(&["sub=repo:example-org/app:ref:refs/heads/main"]).unwrap();
        spec.role = role.map(str::to_owned);
        spec.to_request("2026-06-01T12:00:00Z".parse().unwrap()).unwrap()
    }

    #[test]
    fn a_request_naming_no_role_among_several_trusting_ones_asks_for_the_role() {
        let model = model(&["Deploy", "Release"]);
        let err = crate::eval::evaluate(&model, &request(None, "s3:GetObject", "*")).unwrap_err();
        assert!(
            err.0.contains("several roles trust") && err.0.contains("Deploy, Release"),
            "{err}"
        );
        let named = crate::eval::evaluate(&model, &request(Some("Release"), "s3:GetObject", "*")).unwrap();
        assert_eq!(named.decision, Decision::Allow);
        assert!(named.summary.contains("assuming role Release"), "{}", named.summary);
        assert!(
            named
                .assumptions
                .iter()
                .all(|a| !matches!(a, Assumption::OnlyTrustingRole { .. }))
        );
    }

    #[test]
    fn a_role_the_account_lacks_or_that_contradicts_the_assume_call_is_an_error() {
        let model = model(&["Deploy"]);
        let err = crate::eval::evaluate(&model, &request(Some("Nope"), "s3:GetObject", "*")).unwrap_err();
        assert!(err.0.contains("has no role Nope"), "{err}");
        let err = crate::eval::evaluate(
            &model,
            &request(
                Some("Deploy"),
                "sts:AssumeRoleWithWebIdentity",
                "arn:aws:iam::111111111111:role/Other",
            ),
        )
        .unwrap_err();
        assert!(err.0.contains("so that is the role"), "{err}");
    }

    #[test]
    fn the_fast_answers_agree_with_the_explained_one_and_list_the_same_assumptions() {
        let model = model(&["Deploy"]);
        for request in [
            request(None, "s3:GetObject", "*"),
            request(None, "s3:PutObject", "*"),
            request(
                None,
                "sts:AssumeRoleWithWebIdentity",
                "arn:aws:iam::111111111111:role/Deploy",
            ),
        ] {
            let explained = crate::eval::evaluate(&model, &request).unwrap();
            let fast = crate::eval::decide(&model, &request).unwrap();
            let noted = crate::eval::decide_noting(&model, &request).unwrap();
            assert_eq!((fast.decision, fast.basis), (explained.decision, explained.basis));
            assert_eq!(noted.outcome.basis, explained.basis);
            for assumption in &noted.assumptions {
                assert!(
                    explained.assumptions.contains(assumption)
                        || explained.hops.iter().any(|h| h.assumptions.contains(assumption)),
                    "{assumption:?}"
                );
            }
        }
    }

    #[test]
    fn google_keys_follow_the_tokens_azp_and_aud() {
        // "Available keys for AWS web identity federation", aud and oaud.
        let spec = FederatedSpec {
            kind: ProviderKind::WebIdentity,
            provider: GOOGLE.to_owned(),
            arn: None,
        };
        let model = model(&[]);
        let identity = FederatedIdentity::resolve(&model, &spec);
        let mut claims = Context::new();
        claims.add("aud", "web-client");
        let get = |claims: &Context, key: &str| claim_values(&identity, claims, key, false).map(|v| v.to_vec());
        assert_eq!(
            get(&claims, "accounts.google.com:aud"),
            Some(vec!["web-client".to_owned()])
        );
        assert_eq!(
            get(&claims, "accounts.google.com:oaud"),
            Some(vec!["web-client".to_owned()])
        );
        claims.add("azp", "android-client");
        assert_eq!(
            get(&claims, "accounts.google.com:aud"),
            Some(vec!["android-client".to_owned()])
        );
        assert_eq!(
            get(&claims, "accounts.google.com:oaud"),
            Some(vec!["web-client".to_owned()])
        );
        assert_eq!(
            get(&claims, "accounts.google.com:azp"),
            None,
            "azp is no key of its own"
        );
        assert_eq!(get(&claims, "graph.facebook.com:aud"), None, "another provider's key");
    }

    #[test]
    fn only_the_documented_keys_reach_a_session() {
        let model = model(&[]);
        let saml = FederatedIdentity::resolve(
            &model,
            &FederatedSpec {
                kind: ProviderKind::Saml,
                provider: "CorpIdP".into(),
                arn: None,
            },
        );
        let mut claims = Context::new();
        claims.add("sub", "jdoe");
        claims.add("aud", "https://signin.aws.amazon.com/saml");
        // "SAML role permissions policies": namequalifier, sub, sub_type.
        assert!(claim_values(&saml, &claims, "saml:sub", true).is_some());
        assert!(claim_values(&saml, &claims, "saml:aud", true).is_none());
        assert!(claim_values(&saml, &claims, "saml:aud", false).is_some());
        assert_eq!(saml.saml_doc().as_deref(), Some("111111111111/CorpIdP"));
        let github = FederatedIdentity::resolve(
            &model,
            &FederatedSpec {
                kind: ProviderKind::Oidc,
                provider: "token.actions.githubusercontent.com".into(),
                arn: None,
            },
        );
        assert_eq!(github.arn.as_deref(), Some(GITHUB));
        let mut claims = Context::new();
        claims.add("sub", "repo:o/a:ref:refs/heads/main");
        claims.add("repository", "o/a");
        let key = |k: &str, session| claim_values(&github, &claims, k, session).is_some();
        assert!(key("token.actions.githubusercontent.com:sub", true));
        assert!(key("token.actions.githubusercontent.com:repository", false));
        assert!(!key("token.actions.githubusercontent.com:repository", true));
    }
}
