//! Checks on the policy's elements that depend on the kind of policy:
//! principals, resources, Not… elements, Sids, Version and size.

use std::collections::HashMap;

use super::{Lint, PolicyKind};
use crate::policy::{Effect, PolicyVersion, PrincipalKind, Severity, Span, Statement, variables::Template};

pub(super) fn check_policy(lint: &mut Lint<'_>, size: usize) {
    version(lint);
    sids(lint);
    if let Some(quota) = lint.kind.size_quota()
        && size > quota.limit
    {
        // Quotas count characters without white space (IAM quotas page;
        // Organizations quotas page).
        lint.push(
            quota.severity,
            "policy-too-large",
            lint.policy.span,
            String::new(),
            format!(
                "the policy has {size} characters without white space; AWS allows {} for {}",
                quota.limit, quota.what
            ),
            Some("split the statements over several policies, or merge actions with wildcards".to_owned()),
        );
    }
}

/// Policy variables need Version 2012-10-17: under 2008-10-17 or with no
/// Version, `${…}` is plain text ("Version" and "Policy variables" pages).
fn version(lint: &mut Lint<'_>) {
    let version = lint.policy.version.clone();
    if version == PolicyVersion::V2012_10_17 || matches!(version, PolicyVersion::Other(_)) {
        return;
    }
    let mut variables = Vec::new();
    let policy = lint.policy;
    for statement in &policy.statements {
        let path = lint.statement_path(statement);
        if let Some(resource) = &statement.resource {
            let element = if resource.negated { "NotResource" } else { "Resource" };
            for (i, p) in resource.patterns.iter().enumerate() {
                if has_variable(&p.text) {
                    let at = lint.item_path(&format!("{path}.{element}"), i, p.span);
                    variables.push((p.span, at, p.text.to_string()));
                }
            }
        }
        for c in &statement.conditions {
            if !c.operator.base.takes_variables() {
                continue;
            }
            for (i, v) in c.values.iter().enumerate() {
                if has_variable(&v.text) {
                    let parent = format!("{path}.Condition.{}.{}", c.operator_text, c.key);
                    let at = lint.item_path(&parent, i, v.span);
                    variables.push((v.span, at, v.text.to_string()));
                }
            }
        }
    }
    let (written, help) = match version {
        PolicyVersion::V2008_10_17 => (
            "Version 2008-10-17",
            "change Version to \"2012-10-17\"; it reads every policy written for 2008-10-17 the same way",
        ),
        _ => (
            "a policy without Version",
            "add \"Version\": \"2012-10-17\" at the top of the policy",
        ),
    };
    for (span, at, text) in &variables {
        lint.push(
            Severity::Error,
            "variable-without-version",
            *span,
            at.clone(),
            format!("`{text}` holds a policy variable, but in {written} `${{…}}` is plain text and is never replaced"),
            Some(help.to_owned()),
        );
    }
    if variables.is_empty() {
        let (code, message) = match version {
            PolicyVersion::V2008_10_17 => (
                "version-old",
                "Version 2008-10-17 is the old policy language: policy variables do not work in it",
            ),
            _ => (
                "version-missing",
                "the policy has no Version: it is read as the old language, where policy variables do not work",
            ),
        };
        lint.push(
            Severity::Info,
            code,
            lint.policy.span,
            if code == "version-old" { "Version" } else { "" }.to_owned(),
            message.to_owned(),
            Some(help.to_owned()),
        );
    }
}

/// A `${…}` that would be a variable (not an escape) under 2012-10-17.
fn has_variable(text: &str) -> bool {
    text.contains("${") && Template::parse(text, true).has_variables()
}

/// Sids must be unique within an IAM policy ("Sid" page); other services
/// may accept duplicates, but they make findings and explanations ambiguous.
fn sids(lint: &mut Lint<'_>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let iam = matches!(
        lint.kind,
        PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Trust
    );
    let mut duplicates = Vec::new();
    let mut malformed = Vec::new();
    let policy = lint.policy;
    for statement in &policy.statements {
        let Some(sid) = statement.sid.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        if iam && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            malformed.push((statement, sid));
        }
        if let Some(first) = seen.get(sid) {
            duplicates.push((statement, sid.to_owned(), *first));
        } else {
            seen.insert(sid, statement.index);
        }
    }
    // IAM accepts only ASCII letters and digits in a Sid ("IAM JSON policy
    // elements: Sid"); S3, SNS and SQS policies accept more, spaces included.
    for (statement, sid) in malformed {
        let path = format!("{}.Sid", lint.statement_path(statement));
        let shown: String = sid.chars().take(80).collect();
        let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).take(80).collect();
        let help = if cleaned.is_empty() {
            "use only the letters A-Z, a-z and the digits 0-9".to_owned()
        } else {
            format!("use only the letters A-Z, a-z and the digits 0-9, e.g. `{cleaned}`")
        };
        lint.push(
            Severity::Error,
            "sid-format",
            statement.span,
            path,
            format!("Sid `{shown}` holds characters other than ASCII letters and digits, which IAM refuses"),
            Some(help),
        );
    }
    for (statement, sid, first) in duplicates {
        let path = format!("{}.Sid", lint.statement_path(statement));
        lint.push(
            if iam { Severity::Error } else { Severity::Warning },
            "sid-duplicate",
            statement.span,
            path,
            format!("Sid `{sid}` is already used by statement {}", first + 1),
            Some("give every statement its own Sid".to_owned()),
        );
    }
}

pub(super) fn check_statement(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    principals(lint, statement, path);
    resources(lint, statement, path);
    not_elements(lint, statement, path);
}

fn principals(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let kind = lint.kind;
    match (&statement.principal, kind.principal_rule()) {
        (Some(principal), Some(false)) => {
            let element = if principal.negated { "NotPrincipal" } else { "Principal" };
            lint.push(
                Severity::Error,
                "principal-not-allowed",
                principal.span,
                format!("{path}.{element}"),
                format!(
                    "{element} has no place in {} {}: it applies to whoever it is attached to",
                    article(kind.describe()),
                    kind.describe()
                ),
                Some(format!(
                    "remove {element}; to say who may act on a resource, put the statement in the resource's policy"
                )),
            );
            return;
        }
        (None, Some(true)) => {
            lint.push(
                Severity::Error,
                "principal-missing",
                statement.span,
                path.to_owned(),
                format!(
                    "a statement of {} {} must name a Principal",
                    article(kind.describe()),
                    kind.describe()
                ),
                Some(match kind {
                    PolicyKind::Rcp => "add \"Principal\": \"*\" and narrow it with conditions".to_owned(),
                    _ => "add a Principal, e.g. {\"AWS\": \"arn:aws:iam::123456789012:root\"}".to_owned(),
                }),
            );
            return;
        }
        _ => {}
    }
    let Some(principal) = &statement.principal else {
        return;
    };
    let element = if principal.negated { "NotPrincipal" } else { "Principal" };
    if principal.negated {
        // Not usable in trust policies ("NotPrincipal" page); the RCP syntax
        // has no NotPrincipal element (Organizations "RCP syntax").
        if matches!(kind, PolicyKind::Trust | PolicyKind::Rcp) {
            lint.push(
                Severity::Error,
                "notprincipal-not-allowed",
                principal.span,
                format!("{path}.NotPrincipal"),
                format!(
                    "NotPrincipal cannot be used in {} {}",
                    article(kind.describe()),
                    kind.describe()
                ),
                Some("use Principal, and conditions on aws:PrincipalArn to make exceptions".to_owned()),
            );
        } else if statement.effect == Effect::Allow {
            // "NotPrincipal" page: must be used with Deny; with Allow it grants
            // to every principal not listed, anonymous ones included.
            lint.push(
                Severity::Warning,
                "allow-notprincipal",
                principal.span,
                format!("{path}.NotPrincipal"),
                "Allow with NotPrincipal grants access to every principal not listed, anonymous callers included"
                    .to_owned(),
                Some("list the principals that may have access in Principal instead".to_owned()),
            );
        }
    }
    let mut per_kind: HashMap<PrincipalKind, usize> = HashMap::new();
    for entry in &principal.entries {
        let n = per_kind.entry(entry.kind).or_default();
        let index = *n;
        *n += 1;
        let parent = format!("{path}.{element}.{}", entry.kind.as_str());
        let at = lint.item_path(&parent, index, entry.span);
        let value = entry.value.as_str();
        if matches!(entry.kind, PrincipalKind::Aws | PrincipalKind::Federated)
            && let Some(account) = principal_account_problem(entry.kind, value)
        {
            // "Principal" page: an AWS account principal is its 12-digit id or
            // its root ARN; AWS refuses a policy whose principal is neither
            // ("Invalid principal in policy").
            push_account_id(lint, Severity::Error, entry.span, at, value, account, "principal");
            continue;
        }
        match entry.kind {
            PrincipalKind::Aws if is_group_arn(value) => {
                // Groups are not principals ("Principal" page): no request is
                // ever made as a group, so this entry matches nothing.
                lint.push(
                    Severity::Error,
                    "principal-group",
                    entry.span,
                    at,
                    format!("`{value}` is an IAM group, and a group is never a principal: this entry matches nothing"),
                    Some(
                        "name the users themselves, or the account, and grant the group through an identity policy"
                            .to_owned(),
                    ),
                );
            }
            // Only the whole value may be `*` ("Principal" page; Access
            // Analyzer "Unsupported wildcard in principal"); `"Service": "*"`
            // is not allowed either.
            PrincipalKind::Aws | PrincipalKind::Federated | PrincipalKind::CanonicalUser
                if value != "*" && value.contains(['*', '?']) =>
            {
                push_principal_wildcard(lint, entry.span, at, value);
            }
            PrincipalKind::Service if value.contains(['*', '?']) => {
                push_principal_wildcard(lint, entry.span, at, value);
            }
            _ => {}
        }
    }
}

/// The account field of an ARN, when it is not one AWS could have written:
/// 12 digits, empty (S3 buckets, AWS-owned SSM documents), `aws` (AWS
/// managed policies, CloudFormation transforms), or a pattern (`*`, `?`, a
/// policy variable). ARN format: "IAM identifiers" and "Amazon Resource
/// Names (ARNs)".
fn arn_account_problem(arn: &str) -> Option<String> {
    if !arn.starts_with("arn:") {
        return None;
    }
    let account = if arn.contains("${") {
        // A variable may hold `:`; read it as a wildcard.
        let plain = super::actions::variables_as_wildcards(arn);
        plain.split(':').nth(4)?.to_owned()
    } else {
        arn.split(':').nth(4)?.to_owned()
    };
    account_problem(&account).then_some(account)
}

fn account_problem(account: &str) -> bool {
    !(account.is_empty()
        || account == "aws"
        // A CloudFront origin access identity as a principal:
        // arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID
        // (CloudFront Developer Guide, "Restrict access to an Amazon S3 origin").
        || account == "cloudfront"
        || account.contains(['*', '?'])
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
}

/// The account of an `AWS` or `Federated` principal that is no account id.
fn principal_account_problem(kind: PrincipalKind, value: &str) -> Option<String> {
    let value = value.trim();
    if value == "*" {
        return None;
    }
    if value.starts_with("arn:") {
        return arn_account_problem(value);
    }
    if kind != PrincipalKind::Aws {
        // Federated principals are also provider names (accounts.google.com).
        return None;
    }
    // A bare value is an account id, or the unique id AWS shows in place of
    // a deleted user or role (AIDA…, AROA…: "IAM identifiers").
    let unique_id = value.len() >= 16
        && value.starts_with('A')
        && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    (!unique_id && account_problem(value)).then(|| value.to_owned())
}

fn push_account_id(
    lint: &mut Lint<'_>,
    severity: Severity,
    span: Span,
    at: String,
    value: &str,
    account: String,
    what: &str,
) {
    let shown: String = account.chars().take(40).collect();
    let why = if account.bytes().all(|b| b.is_ascii_digit()) {
        format!("`{shown}` has {} digits; an AWS account id has 12", account.len())
    } else {
        format!("`{shown}` is not an AWS account id (12 digits); it looks like a placeholder left from an example")
    };
    let effect = if severity == Severity::Error {
        "AWS refuses a policy with an invalid principal"
    } else {
        "this ARN never matches a real resource"
    };
    let value: String = value.chars().take(120).collect();
    lint.push(
        severity,
        "account-id-invalid",
        span,
        at,
        format!("{why}, in the {what} `{value}`: {effect}"),
        Some("write the 12-digit id of the account, or * for any account".to_owned()),
    );
}

fn push_principal_wildcard(lint: &mut Lint<'_>, span: Span, at: String, value: &str) {
    lint.push(
        Severity::Error,
        "principal-wildcard",
        span,
        at,
        format!("`{value}`: a principal cannot hold a wildcard; only the whole value \"*\" means everyone"),
        Some(
            "name the principals exactly, or use \"*\" with a condition on aws:PrincipalArn (ArnLike allows wildcards)"
                .to_owned(),
        ),
    );
}

/// `arn:PARTITION:iam::ACCOUNT:group/…`
fn is_group_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", _, _, resource] if resource.starts_with("group/"))
}

fn resources(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let kind = lint.kind;
    if let Some(resource) = &statement.resource {
        let element = if resource.negated { "NotResource" } else { "Resource" };
        for (i, p) in resource.patterns.iter().enumerate() {
            if let Some(account) = arn_account_problem(&p.text) {
                let at = lint.item_path(&format!("{path}.{element}"), i, p.span);
                push_account_id(lint, Severity::Warning, p.span, at, &p.text, account, "resource");
            }
        }
    }
    match (&statement.resource, kind) {
        (Some(resource), PolicyKind::Trust) => {
            // A trust policy's resource is the role itself; Resource and
            // NotResource are not accepted there (Access Analyzer "Role trust
            // policy syntax error resource").
            let element = if resource.negated { "NotResource" } else { "Resource" };
            lint.push(
                Severity::Error,
                "resource-in-trust-policy",
                resource.span,
                format!("{path}.{element}"),
                format!("a role trust policy has no {element}: the resource is the role itself"),
                Some(format!("remove {element}")),
            );
        }
        (None, PolicyKind::Trust) => {}
        (None, _) if statement.action.is_some() => {
            // Every statement names its resources, except in trust policies
            // ("Resource" page). Some services' resource policies (ECR
            // repositories) leave it out, so there it is only a warning.
            let severity = match kind {
                PolicyKind::Resource | PolicyKind::Scp | PolicyKind::Rcp => Severity::Warning,
                _ => Severity::Error,
            };
            lint.push(
                severity,
                "resource-missing",
                statement.span,
                path.to_owned(),
                "the statement has no Resource or NotResource".to_owned(),
                Some("add \"Resource\": with the ARNs it is about, or \"*\"".to_owned()),
            );
        }
        _ => {}
    }
}

fn not_elements(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let kind = lint.kind;
    if let Some(action) = &statement.action
        && action.negated
    {
        if kind == PolicyKind::Rcp {
            // The RCP syntax has Action but no NotAction (Organizations "RCP syntax").
            lint.push(
                Severity::Error,
                "notaction-not-allowed",
                action.span,
                format!("{path}.NotAction"),
                "a resource control policy cannot use NotAction".to_owned(),
                Some("list the actions in Action".to_owned()),
            );
        } else if statement.effect == Effect::Allow && kind.grants() {
            // "NotAction" page: with Allow it grants every action not listed,
            // including actions of services added later.
            lint.push(
                Severity::Warning,
                "allow-notaction",
                action.span,
                format!("{path}.NotAction"),
                "Allow with NotAction grants every action not listed, in every service, including ones AWS adds later"
                    .to_owned(),
                Some("list the actions to allow in Action; keep NotAction for Deny statements".to_owned()),
            );
        }
    }
    if let Some(resource) = &statement.resource
        && resource.negated
        && statement.effect == Effect::Allow
        && kind.grants()
    {
        // "NotResource" page: with Allow it grants on every resource not
        // listed, in every account.
        lint.push(
            Severity::Warning,
            "allow-notresource",
            resource.span,
            format!("{path}.NotResource"),
            "Allow with NotResource grants the actions on every resource not listed, including resources created later and ones in other accounts".to_owned(),
            Some("list the resources to allow in Resource; keep NotResource for Deny statements".to_owned()),
        );
    }
    if kind == PolicyKind::Rcp && statement.effect == Effect::Allow && !is_full_access(statement) {
        // Organizations "RCP syntax": Allow is supported only in the
        // AWS-managed RCPFullAWSAccess policy.
        lint.push(
            Severity::Error,
            "rcp-allow",
            statement.span,
            format!("{path}.Effect"),
            "resource control policies accept only Deny statements (Allow is reserved for AWS's RCPFullAWSAccess)"
                .to_owned(),
            Some("write the restriction as a Deny with conditions".to_owned()),
        );
    }
}

/// `Allow * on *` for everyone with no condition: the shape of the AWS
/// managed full-access SCP and RCP.
fn is_full_access(statement: &Statement) -> bool {
    let all = |texts: Option<Vec<&str>>| texts.is_some_and(|t| t == ["*"]);
    statement.conditions.is_empty()
        && all(statement
            .action
            .as_ref()
            .filter(|a| !a.negated)
            .map(|a| a.patterns.iter().map(|p| p.text.as_ref()).collect()))
        && all(statement
            .resource
            .as_ref()
            .filter(|r| !r.negated)
            .map(|r| r.patterns.iter().map(|p| p.text.as_ref()).collect()))
        && statement.principal.as_ref().is_none_or(|p| p.any && !p.negated)
}

fn article(phrase: &str) -> &'static str {
    match phrase.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}
