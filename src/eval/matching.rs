//! Does a statement apply to a request? Action, resource, principal and every
//! condition, each by the rule AWS documents. Nothing here allocates on the
//! common path: evaluation runs millions of times a second.

use std::borrow::Cow;

use jiff::Timestamp;

use super::context::{Env, ExternalKind, Requester};
use crate::policy::glob::Case;
use crate::policy::{
    ActionClause, BaseOperator, Condition, ConditionValue, Effect, ParsedValue, PrincipalClause, PrincipalKind,
    ResourceClause, SetQualifier, Statement,
};

/// How a resource-based policy's `Principal` named the requester. The kind
/// matters: in one account a grant to a user or session ARN is enough on its
/// own, a grant to a role ARN is still capped by boundaries and session
/// policies, and a grant to the account only delegates to identity policies
/// ("Policy evaluation logic", resource-based policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalMatch {
    /// No Principal element (identity policies, SCPs, session policies).
    NotApplicable,
    /// The IAM user ARN or the role-session ARN.
    Direct,
    /// The role ARN: every session of the role.
    Role,
    /// The account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account,
    /// `"*"`.
    Anyone,
    Service,
    Federated,
    /// `NotPrincipal` that does not exclude the requester.
    NotPrincipal,
}

/// Why a statement did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    Action,
    Resource,
    Principal,
    /// Condition number `index` (in statement order) is false.
    Condition {
        index: usize,
    },
    /// The statement breaks the grammar; AWS would refuse the policy.
    Invalid,
}

pub type StatementOutcome = Result<PrincipalMatch, Miss>;

/// Whether `statement` applies to the request in `env`.
pub fn check_statement(statement: &Statement, env: &Env<'_>, with_principal: bool) -> StatementOutcome {
    if !statement.valid {
        return Err(Miss::Invalid);
    }
    if !statement.services.may_match(env.service_hash) {
        return Err(Miss::Action);
    }
    match &statement.action {
        Some(clause) if action_matches(clause, &env.request.action, env.service) => {}
        _ => return Err(Miss::Action),
    }
    if !resource_matches(statement.resource.as_ref(), &env.request.resource, env) {
        return Err(Miss::Resource);
    }
    let principal = match (with_principal, &statement.principal) {
        (true, Some(clause)) => principal_matches(clause, statement.effect, env).ok_or(Miss::Principal)?,
        // A resource-based statement without a Principal names nobody.
        (true, None) => return Err(Miss::Principal),
        (false, _) => PrincipalMatch::NotApplicable,
    };
    for (index, condition) in statement.conditions.iter().enumerate() {
        if !condition_holds(condition, env) {
            return Err(Miss::Condition { index });
        }
    }
    Ok(principal)
}

/// Does the clause match `action`, whose service prefix is `service`?
pub fn action_matches(clause: &ActionClause, action: &str, service: &str) -> bool {
    let any = match &clause.by_service {
        Some(index) => index
            .candidates(service)
            .any(|i| clause.patterns[i].glob.is_match(action)),
        None => clause.patterns.iter().any(|p| p.matches(action, service)),
    };
    any != clause.negated
}

/// Resource ARNs match case-sensitively with `*` and `?`; a `*` may span the
/// colons of the ARN ("Resource" element). A pattern whose variable has no
/// value matches nothing ("Policy variables with no value").
pub fn resource_matches(clause: Option<&ResourceClause>, resource: &str, env: &Env<'_>) -> bool {
    // Trust policies have no Resource: they apply to the role they belong to.
    let Some(clause) = clause else {
        return true;
    };
    let any = clause.patterns.iter().any(|p| match &p.glob {
        Some(glob) => glob.is_match(resource),
        // Resource ARNs match case-sensitively, so a text that does not
        // start with the pattern's plain beginning cannot match, whatever its
        // variables hold.
        None => {
            resource.starts_with(p.template.literal_prefix())
                && p.template
                    .glob(Case::Sensitive, &|key| env.single(key))
                    .is_ok_and(|glob| glob.is_match(resource))
        }
    });
    any != clause.negated
}

/// The identities a requester presents, most general first: the account, then
/// (for a session) the role, then the user or session itself. A Deny with
/// `NotPrincipal` spares the requester only when every one of them is listed
/// ("NotPrincipal" element).
fn identity_chain(env: &Env<'_>) -> Vec<String> {
    let model = env.model;
    let mut chain = Vec::with_capacity(3);
    if let Some(account) = env.requester.account(model) {
        chain.push(format!("arn:{}:iam::{account}:root", model.account().partition));
    }
    match env.requester {
        Requester::User { user, .. } => chain.push(user.arn.to_string()),
        Requester::RoleSession { role, .. } => {
            chain.push(role.arn.to_string());
            chain.extend(env.requester.session_arn(model));
        }
        Requester::External { arn, kind } if *kind != ExternalKind::Root => {
            chain.extend(env.requester.external_role_arn());
            chain.push(arn.to_string())
        }
        Requester::Service { name } => chain.push(name.clone()),
        _ => {}
    }
    chain
}

fn has_boundary(env: &Env<'_>) -> bool {
    match env.requester {
        Requester::User { user, .. } => user.permissions_boundary.is_some(),
        Requester::RoleSession { role, .. } => role.permissions_boundary.is_some(),
        _ => false,
    }
}

/// Whether a statement's `Principal` (or `NotPrincipal`) names the requester.
/// The statement's effect matters for one documented rule only: a Deny with
/// NotPrincipal always applies to a requester with a permissions boundary.
pub fn principal_matches(clause: &PrincipalClause, effect: Effect, env: &Env<'_>) -> Option<PrincipalMatch> {
    if clause.negated {
        // A Deny with NotPrincipal always applies to a requester that has a
        // permissions boundary, whatever it lists ("Permissions boundaries").
        // AWS documents this for Deny alone: an Allow with NotPrincipal does
        // not reach a listed principal because it has a boundary.
        if effect == Effect::Deny && has_boundary(env) {
            return Some(PrincipalMatch::NotPrincipal);
        }
        let chain = identity_chain(env);
        let listed = |id: &str| clause.entries.iter().any(|e| entry_names(e.kind, &e.value, id, env));
        let spared = !chain.is_empty() && chain.iter().all(|id| listed(id));
        return (!spared && !clause.any).then_some(PrincipalMatch::NotPrincipal);
    }
    if clause.any {
        return Some(PrincipalMatch::Anyone);
    }
    let mut best: Option<PrincipalMatch> = None;
    for entry in &clause.entries {
        if let Some(m) = entry_matches(entry.kind, &entry.value, env) {
            // Prefer the most specific way the requester is named.
            let rank = |m: PrincipalMatch| match m {
                PrincipalMatch::Direct | PrincipalMatch::Service | PrincipalMatch::Federated => 3,
                PrincipalMatch::Role => 2,
                PrincipalMatch::Anyone => 1,
                _ => 0,
            };
            if best.is_none_or(|b| rank(m) > rank(b)) {
                best = Some(m);
            }
        }
    }
    best
}

/// Whether a principal entry names `id` (one link of the identity chain).
fn entry_names(kind: PrincipalKind, value: &str, id: &str, env: &Env<'_>) -> bool {
    match kind {
        PrincipalKind::Aws => {
            value == id
                || (value.len() == 12
                    && value.bytes().all(|b| b.is_ascii_digit())
                    && id == format!("arn:{}:iam::{value}:root", env.model.account().partition))
        }
        PrincipalKind::Service => value == id,
        _ => false,
    }
}

fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

fn entry_matches(kind: PrincipalKind, value: &str, env: &Env<'_>) -> Option<PrincipalMatch> {
    let requester = env.requester;
    let model = env.model;
    match kind {
        PrincipalKind::Aws => {
            if value == "*" {
                return Some(PrincipalMatch::Anyone);
            }
            let account = requester.account(model)?;
            // A bare account id and the account's root ARN both mean the whole account.
            if is_account_id(value) {
                return (value == account).then_some(PrincipalMatch::Account);
            }
            if let Some(rest) = value.strip_prefix("arn:") {
                let mut parts = rest.splitn(5, ':');
                let (_partition, service, _region, arn_account, resource) = (
                    parts.next()?,
                    parts.next()?,
                    parts.next()?,
                    parts.next()?,
                    parts.next()?,
                );
                if service == "iam" && resource == "root" {
                    return (arn_account == account).then_some(PrincipalMatch::Account);
                }
                // Group ARNs never match: a group is not a principal.
                return match requester {
                    Requester::User { user, .. } if user.arn.as_str() == value => Some(PrincipalMatch::Direct),
                    Requester::RoleSession { role, .. } if role.arn.as_str() == value => Some(PrincipalMatch::Role),
                    Requester::RoleSession { .. } if service == "sts" => {
                        (requester.session_arn(model).as_deref() == Some(value)).then_some(PrincipalMatch::Direct)
                    }
                    Requester::External { arn, kind } if arn.as_str() == value => Some(match kind {
                        ExternalKind::Role => PrincipalMatch::Role,
                        _ => PrincipalMatch::Direct,
                    }),
                    // A role ARN names every session of the role, in any
                    // account; role names are unique in an account, so the
                    // role's path (which a session ARN lacks) does not matter.
                    Requester::External {
                        arn,
                        kind: ExternalKind::Session,
                    } if service == "iam"
                        && arn_account == arn.account()
                        && resource.starts_with("role/")
                        && resource.rsplit('/').next() == requester.external_role_name() =>
                    {
                        Some(PrincipalMatch::Role)
                    }
                    _ => None,
                };
            }
            // Trust policies show a deleted-and-recreated principal by its unique id.
            match requester {
                Requester::User { user, .. } if user.id == value => Some(PrincipalMatch::Direct),
                Requester::RoleSession { role, .. } if role.id == value => Some(PrincipalMatch::Role),
                _ => None,
            }
        }
        PrincipalKind::Service => match requester {
            Requester::Service { name } if name.eq_ignore_ascii_case(value) => Some(PrincipalMatch::Service),
            _ => None,
        },
        PrincipalKind::Federated => match requester {
            Requester::WebIdentity(_) if value == super::context::COGNITO_PROVIDER => Some(PrincipalMatch::Federated),
            // A SAML or OIDC provider by its ARN, a well-known provider by
            // its name ("AWS JSON policy elements: Principal", federated
            // user principals).
            Requester::Federated(identity) if identity.named_by(value) => Some(PrincipalMatch::Federated),
            _ => None,
        },
        PrincipalKind::CanonicalUser => None,
    }
}

/// One condition: operator, key, values, as "Condition operators" documents.
pub fn condition_holds(condition: &Condition, env: &Env<'_>) -> bool {
    let operator = condition.operator;
    let values = env.get(&condition.key_lower).filter(|v| !v.is_empty());
    if operator.base == BaseOperator::Null {
        // Null: "true" asks that the key be absent, "false" that it be present.
        let present = values.is_some();
        let holds = condition.values.iter().any(|v| match v.parsed {
            ParsedValue::Bool(true) => !present,
            ParsedValue::Bool(false) => present,
            _ => false,
        });
        return match operator.qualifier {
            // Access Analyzer: Null under ForAllValues is always true, under ForAnyValue always false.
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => holds,
        };
    }
    let Some(values) = values else {
        // A missing key: …IfExists is true; ForAllValues is true (vacuously);
        // ForAnyValue is false; a negated operator is true; any other is false.
        return operator.if_exists
            || match operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => operator.base.is_negated(),
            };
    };
    let negated = operator.base.is_negated();
    let positive = operator.base.positive();
    // For one request value: does any policy value match? (Several values are
    // ORed; for a negated operator, true only when none matches.)
    let one = |request_value: &str| {
        let any = condition
            .values
            .iter()
            .any(|v| value_matches(positive, v, request_value, env));
        any != negated
    };
    match operator.qualifier {
        Some(SetQualifier::ForAllValues) => values.iter().all(one),
        Some(SetQualifier::ForAnyValue) => values.iter().any(one),
        // A multi-valued key without a set operator is not defined by AWS
        // (Access Analyzer calls it an error); iamscope reads it as "any value
        // matches" for positive operators and "no value matches" for negated.
        None if negated => values.iter().all(one),
        None => values.iter().any(one),
    }
}

/// Does one policy value match one request value under a positive operator?
/// A policy value whose variable has no value matches nothing.
pub fn value_matches(operator: BaseOperator, value: &ConditionValue, request: &str, env: &Env<'_>) -> bool {
    let text = || -> Option<Cow<'_, str>> {
        match &value.template {
            None => Some(Cow::Borrowed(&*value.text)),
            Some(template) => template.fill(&|key| env.single(key)).ok().map(Cow::Owned),
        }
    };
    match operator {
        BaseOperator::StringEquals => text().is_some_and(|t| t == request),
        BaseOperator::StringEqualsIgnoreCase => text().is_some_and(|t| t.to_lowercase() == request.to_lowercase()),
        BaseOperator::StringLike => match &value.glob {
            Some(glob) => glob.is_match(request),
            None => value
                .template
                .as_ref()
                .and_then(|t| t.glob(Case::Sensitive, &|key| env.single(key)).ok())
                .is_some_and(|g| g.is_match(request)),
        },
        BaseOperator::NumericEquals
        | BaseOperator::NumericLessThan
        | BaseOperator::NumericLessThanEquals
        | BaseOperator::NumericGreaterThan
        | BaseOperator::NumericGreaterThanEquals => {
            let (ParsedValue::Number(policy), Ok(request)) = (&value.parsed, request.trim().parse::<f64>()) else {
                return false;
            };
            compare(operator, request.partial_cmp(policy))
        }
        BaseOperator::DateEquals
        | BaseOperator::DateLessThan
        | BaseOperator::DateLessThanEquals
        | BaseOperator::DateGreaterThan
        | BaseOperator::DateGreaterThanEquals => {
            let (ParsedValue::Date(policy), Some(request)) =
                (&value.parsed, crate::policy::parse::parse_condition_date(request))
            else {
                return false;
            };
            compare(operator, Some(Timestamp::cmp(&request, policy)))
        }
        BaseOperator::Bool => {
            let request = request.trim();
            match &value.parsed {
                ParsedValue::Bool(b) => request.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
                ParsedValue::Text => text().is_some_and(|t| t.eq_ignore_ascii_case(request)),
                _ => false,
            }
        }
        BaseOperator::BinaryEquals => {
            use base64::Engine;
            let ParsedValue::Binary(policy) = &value.parsed else {
                return false;
            };
            base64::engine::general_purpose::STANDARD
                .decode(request.trim())
                .is_ok_and(|bytes| &bytes == policy)
        }
        BaseOperator::IpAddress => {
            let ParsedValue::Ip(net) = &value.parsed else {
                return false;
            };
            request
                .trim()
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| net.contains(&ip))
        }
        BaseOperator::ArnEquals | BaseOperator::ArnLike => text().is_some_and(|pattern| arn_like(&pattern, request)),
        // Negated operators and Null are handled by `condition_holds`.
        _ => false,
    }
}

fn compare(operator: BaseOperator, order: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    let Some(order) = order else {
        return false;
    };
    match operator {
        BaseOperator::NumericEquals | BaseOperator::DateEquals => order == Equal,
        BaseOperator::NumericLessThan | BaseOperator::DateLessThan => order == Less,
        BaseOperator::NumericLessThanEquals | BaseOperator::DateLessThanEquals => order != Greater,
        BaseOperator::NumericGreaterThan | BaseOperator::DateGreaterThan => order == Greater,
        BaseOperator::NumericGreaterThanEquals | BaseOperator::DateGreaterThanEquals => order != Less,
        _ => false,
    }
}

/// ARN operators compare each of the six colon-separated parts separately,
/// case-sensitively, with `*` and `?` inside a part ("Condition operators",
/// ARN condition operators): a `*` never spans a colon, unlike `StringLike`.
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    let mut p = pattern.splitn(6, ':');
    let mut a = arn.splitn(6, ':');
    for _ in 0..6 {
        match (p.next(), a.next()) {
            (Some(pp), Some(ap)) => {
                if !crate::policy::glob::Glob::new(pp, Case::Sensitive).is_match(ap) {
                    return false;
                }
            }
            (None, None) => return true,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_operators_do_not_let_a_star_span_colons_but_string_like_does() {
        // The example from "Condition operators": StringLike matches, ArnLike does not.
        let pattern = "arn:aws:someservice:*:111122223333:finance/*";
        let value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(crate::policy::glob::Glob::new(pattern, Case::Sensitive).is_match(value));
        assert!(!arn_like(pattern, value));
        assert!(arn_like("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/x/y"));
        assert!(!arn_like("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/x"));
        assert!(
            !arn_like("arn:aws:iam::*", "arn:aws:iam::111122223333:user/x"),
            "too few parts"
        );
    }
}
