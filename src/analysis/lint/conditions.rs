//! Checks on Condition blocks: unknown keys, operators whose type does not
//! fit the key, set operators and multivalued keys, and `…IfExists` on keys
//! every request carries.

use super::{Lint, PolicyKind, closest, did_you_mean};
use crate::catalog::{ConditionKey, ConditionType};
use crate::policy::{BaseOperator, Condition, OperatorFamily, SetQualifier, Severity, Statement};

/// Keys AWS documents as present in every request ("AWS global condition
/// context keys": "This key is always included in the request context").
const ALWAYS_PRESENT: [&str; 9] = [
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:requestedregion",
    "aws:useragent",
    "aws:viaawsservice",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:userid",
];

/// Keys present in every *signed* request: absent only for anonymous
/// callers, which identity policies, boundaries, session policies and SCPs
/// never see (same page).
const PRESENT_WHEN_SIGNED: [&str; 2] = ["aws:principalarn", "aws:principalisawsservice"];

/// Keys that hold several values although the catalogue types them as
/// scalars: Cognito's `amr` lists "authenticated" and the login providers
/// (Amazon Cognito "Role trust and permissions"; IAM "Single-valued vs.
/// multivalued context keys").
const MULTIVALUED: [&str; 1] = ["cognito-identity.amazonaws.com:amr"];

/// What the catalogue says about a condition key.
enum KeyInfo {
    Known(&'static ConditionKey),
    /// A claim of an identity provider (`token.actions.githubusercontent.com:sub`):
    /// any OIDC provider may be trusted and its claims are open-ended.
    Provider,
    /// Not a key anyone defines; the finding was reported.
    Unknown,
}

pub(super) fn check_statement(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    for condition in &statement.conditions {
        let at = format!("{path}.Condition.{}.{}", condition.operator_text, condition.key);
        let key = match resolve(lint, condition, &at) {
            KeyInfo::Known(key) => key,
            KeyInfo::Provider | KeyInfo::Unknown => continue,
        };
        let lower = condition.key_lower.as_str();
        let key_type = key.value_type();
        let multivalued = key_type.is_array() || MULTIVALUED.contains(&lower);
        operator_type(lint, condition, key, &at);
        set_operators(lint, condition, multivalued, &at);
        if_exists(lint, condition, lower, &at);
    }
}

fn resolve(lint: &mut Lint<'_>, condition: &Condition, at: &str) -> KeyInfo {
    let catalog = lint.catalog;
    let key = condition.key.as_ref();
    if let Some(found) = catalog.condition_key(key) {
        return KeyInfo::Known(found);
    }
    let Some((prefix, _)) = key.split_once(':') else {
        lint.push(
            Severity::Error,
            "unknown-condition-key",
            condition.span,
            at.to_owned(),
            format!("`{key}` is not a condition key: keys are written prefix:name, e.g. aws:SourceIp"),
            None,
        );
        return KeyInfo::Unknown;
    };
    if prefix.contains(['.', '/']) {
        return KeyInfo::Provider;
    }
    let source = catalog.source();
    let (message, candidates): (String, Vec<&'static ConditionKey>) = if prefix.eq_ignore_ascii_case("aws") {
        // Global keys: the global list, plus the aws: keys services list
        // (aws:RequestTag/${TagKey} and the like).
        let mut keys: Vec<&ConditionKey> = catalog.global_condition_keys().iter().collect();
        keys.extend(
            catalog
                .services()
                .flat_map(|s| s.condition_keys().iter())
                .filter(|k| k.name().get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))),
        );
        keys.sort_unstable_by_key(|k| k.name());
        keys.dedup_by_key(|k| k.name());
        (format!("`{key}` is not a global condition key"), keys)
    } else if let Some(service) = catalog.service(prefix) {
        (
            format!("`{key}` is not a condition key of {}", service.name()),
            service.condition_keys().iter().collect(),
        )
    } else {
        let suggestions = lint.suggest(prefix);
        let help = did_you_mean(&suggestions)
            .map(|d| format!("{d} (a service prefix)"))
            .unwrap_or_else(|| format!("check the key's prefix (catalogue: {source})"));
        lint.push(
            Severity::Error,
            "unknown-condition-key",
            condition.span,
            at.to_owned(),
            format!("`{key}`: `{prefix}` is not the prefix of any AWS service or of the global keys"),
            Some(help),
        );
        return KeyInfo::Unknown;
    };
    // The reference writes some keys' variable part as a plain word
    // (`secretsmanager:ResourceTag/tag-key`): a key with the same head
    // before the slash is that key.
    if let Some((head, _)) = key.split_once('/')
        && let Some(found) = candidates.iter().find(|k| {
            k.name()
                .split_once('/')
                .is_some_and(|(h, _)| h.eq_ignore_ascii_case(head))
        })
    {
        return KeyInfo::Known(found);
    }
    let candidates: Vec<&str> = candidates.iter().map(|k| k.name()).collect();
    let suggestions = key_suggestions(key, &candidates);
    // A condition on a key that no request carries: positive operators never
    // match, negated ones always do ("Condition operators").
    let help = did_you_mean(&suggestions)
        .unwrap_or_else(|| format!("if the key is new, the catalogue ({source}) may predate it"));
    lint.push(
        Severity::Error,
        "unknown-condition-key",
        condition.span,
        at.to_owned(),
        format!("{message}; no request carries it, so the condition tests a missing key"),
        Some(help),
    );
    KeyInfo::Unknown
}

/// Close key names. Names with a variable part (`aws:RequestTag/${TagKey}`,
/// `aws:PrincipalTag/tag-key`) are compared on the part before the slash and
/// offered with the user's own tag key.
fn key_suggestions(key: &str, candidates: &[&str]) -> Vec<String> {
    let (head, tail) = match key.split_once('/') {
        Some((head, tail)) => (head, Some(tail)),
        None => (key, None),
    };
    // (text to compare, name to offer)
    let mut offered: Vec<(String, String)> = Vec::new();
    for candidate in candidates {
        match (candidate.split_once('/'), tail) {
            (Some((c_head, _)), Some(tail)) => offered.push((c_head.to_owned(), format!("{c_head}/{tail}"))),
            // `aws:ResourceTag` without a tag key: offer the pattern.
            (Some((c_head, _)), None) => offered.push((c_head.to_owned(), candidate.to_string())),
            (None, _) => offered.push((candidate.to_string(), candidate.to_string())),
        }
    }
    let target = if tail.is_some() { head } else { key };
    let picked = closest(target, offered.iter().map(|(compare, _)| compare.as_str()), 3);
    let mut out: Vec<String> = Vec::new();
    for p in picked {
        if let Some((_, shown)) = offered.iter().find(|(compare, _)| compare == p)
            && !out.contains(shown)
        {
            out.push(shown.clone());
        }
    }
    out
}

/// Which operator families can compare a key of this type. The Service
/// Authorization Reference gives each key a type; "Condition operators"
/// says which operators compare which type, that an ARN is compared as a
/// string where a string operator is used, and that aws:EpochTime takes
/// date or numeric operators ("AWS global condition context keys").
fn fits(family: OperatorFamily, key_type: ConditionType, key_lower: &str) -> bool {
    use OperatorFamily as F;
    if family == F::Null {
        return true;
    }
    match key_type.element() {
        // A string key may hold an ARN (iam:PermissionsBoundary), so ARN
        // operators are not flagged on it.
        ConditionType::String => matches!(family, F::String | F::Arn),
        ConditionType::Arn => matches!(family, F::Arn | F::String),
        ConditionType::Numeric => family == F::Numeric,
        ConditionType::Date => family == F::Date || (family == F::Numeric && key_lower == "aws:epochtime"),
        ConditionType::Bool => family == F::Bool,
        ConditionType::IpAddress => family == F::Ip,
        ConditionType::Binary => family == F::Binary,
        // Array types are reduced to their element by `element()`.
        _ => true,
    }
}

fn family_name(family: OperatorFamily) -> &'static str {
    match family {
        OperatorFamily::String => "strings",
        OperatorFamily::Numeric => "numbers",
        OperatorFamily::Date => "dates",
        OperatorFamily::Bool => "booleans",
        OperatorFamily::Binary => "binary values",
        OperatorFamily::Ip => "IP addresses",
        OperatorFamily::Arn => "ARNs",
        OperatorFamily::Null => "presence",
    }
}

fn operators_for(key_type: ConditionType) -> &'static str {
    match key_type.element() {
        ConditionType::String => "a String operator (StringEquals, StringLike, …)",
        ConditionType::Arn => "an ARN operator (ArnEquals, ArnLike, …) or a String operator",
        ConditionType::Numeric => "a Numeric operator (NumericEquals, NumericLessThan, …)",
        ConditionType::Date => "a Date operator (DateGreaterThan, DateLessThan, …)",
        ConditionType::Bool => "Bool",
        ConditionType::IpAddress => "IpAddress or NotIpAddress",
        ConditionType::Binary => "BinaryEquals",
        _ => "an operator of the key's type",
    }
}

fn operator_type(lint: &mut Lint<'_>, condition: &Condition, key: &ConditionKey, at: &str) {
    let family = condition.operator.base.family();
    let key_type = key.value_type();
    if fits(family, key_type, &condition.key_lower) {
        return;
    }
    lint.push(
        Severity::Warning,
        "operator-type-mismatch",
        condition.span,
        at.to_owned(),
        format!(
            "`{}` compares {}, but `{}` holds {} values",
            condition.operator_text,
            family_name(family),
            condition.key,
            key_type.element()
        ),
        Some(format!("use {}", operators_for(key_type))),
    );
}

/// Multivalued keys need ForAllValues or ForAnyValue; ForAllValues on a
/// single-valued key is true when the key is missing ("Single-valued vs.
/// multivalued context keys"; Access Analyzer "Missing qualifier" and
/// "ForAllValues with single valued key").
fn set_operators(lint: &mut Lint<'_>, condition: &Condition, multivalued: bool, at: &str) {
    let operator = condition.operator;
    if operator.base == BaseOperator::Null {
        return;
    }
    match (operator.qualifier, multivalued) {
        (None, true) => lint.push(
            Severity::Warning,
            "set-operator-missing",
            condition.span,
            at.to_owned(),
            format!(
                "`{}` can hold several values, and `{}` without ForAnyValue or ForAllValues does not say how to compare a set",
                condition.key, condition.operator_text
            ),
            Some(format!(
                "write ForAnyValue:{0} (at least one value matches) or ForAllValues:{0} (every value matches)",
                condition.operator_text
            )),
        ),
        (Some(SetQualifier::ForAllValues), false) => lint.push(
            Severity::Warning,
            "forallvalues-single-valued",
            condition.span,
            at.to_owned(),
            format!(
                "`{}` holds one value; ForAllValues is also true when the key is missing, which makes the condition looser than it reads",
                condition.key
            ),
            Some(format!("drop the ForAllValues: prefix and write {}", operator.base.name())),
        ),
        (Some(SetQualifier::ForAnyValue), false) => lint.push(
            Severity::Info,
            "foranyvalue-single-valued",
            condition.span,
            at.to_owned(),
            format!("`{}` holds one value; ForAnyValue adds nothing", condition.key),
            Some("drop the ForAnyValue: prefix".to_owned()),
        ),
        _ => {}
    }
}

/// `…IfExists` on a key every request carries reads as the plain operator.
fn if_exists(lint: &mut Lint<'_>, condition: &Condition, lower: &str, at: &str) {
    if !condition.operator.if_exists {
        return;
    }
    // Only where every caller is a signed-in IAM principal: resource-side
    // policies also see anonymous callers and service principals, for which
    // AWS's own examples keep `…IfExists`.
    if !matches!(
        lint.kind,
        PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session | PolicyKind::Scp
    ) {
        return;
    }
    let always = ALWAYS_PRESENT.contains(&lower) || PRESENT_WHEN_SIGNED.contains(&lower);
    if !always {
        return;
    }
    let plain = {
        let mut op = condition.operator;
        op.if_exists = false;
        op.name()
    };
    lint.push(
        Severity::Info,
        "ifexists-always-present",
        condition.span,
        at.to_owned(),
        format!(
            "`{}` is in every request this policy sees, so `{}` behaves exactly like `{plain}`",
            condition.key, condition.operator_text
        ),
        Some(format!("write {plain}")),
    );
}
