//! What a principal can put in its own request context, and so the other
//! requests it can make besides the plain one an analysis asks about:
//!
//! * **Temporary credentials of its own.** An IAM user may call
//!   `sts:GetSessionToken` with no permission at all ("Permissions for
//!   GetSessionToken"); requests signed with what it returns carry
//!   `aws:TokenIssueTime` and `aws:MultiFactorAuthPresent`. Such credentials
//!   cannot call IAM, nor STS beyond `AssumeRole` and `GetCallerIdentity`,
//!   unless the user gave an MFA code (the `GetSessionToken` API reference),
//!   so for those the user needs an MFA device: one the export lists, or one
//!   assumed when the export does not say. A role session carries both keys
//!   already (the engine's defaults), so roles get no such variant.
//! * **Where it calls from and to.** `aws:SourceIp` is the caller's own
//!   address and `aws:RequestedRegion` the endpoint it picks (except for
//!   global services such as IAM, whose requests go to us-east-1): any value
//!   the policies name, or one outside them, is its to choose.
//! * **Tags on the request.** `aws:RequestTag/KEY` and `aws:TagKeys`, for
//!   actions that take tags (the catalogue lists the keys for them).
//!
//! Variants are derived only from statements that could apply to the action
//! and test one of those keys; with none, there is nothing to try.

use std::net::IpAddr;

use jiff::Timestamp;

use crate::catalog::catalog;
use crate::eval::Context;
use crate::eval::context::Requester;
use crate::model::Model;
use crate::policy::glob::{Case, Glob};
use crate::policy::{BaseOperator, ParsedValue, PolicyDocument, SetQualifier, Statement};

/// One way the principal can shape its own request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Condition keys and their values, as the request will carry them.
    pub keys: Vec<(String, Vec<String>)>,
    /// What the principal does for it, in sentences ("needs temporary
    /// credentials from sts:GetSessionToken").
    pub needs: Vec<String>,
    /// What the export does not show and is taken to be so.
    pub assumptions: Vec<String>,
}

impl Variant {
    /// `KEY=VALUE` for each key (a list as `[A, B]`).
    pub fn context_lines(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|(k, v)| match v.as_slice() {
                [one] => format!("{k}={one}"),
                many => format!("{k}=[{}]", many.join(", ")),
            })
            .collect()
    }

    pub fn apply(&self, context: &mut Context) {
        for (key, values) in &self.keys {
            context.set(key, values.clone());
        }
    }
}

/// The most variants tried for one action (fewest changes first).
const MOST_VARIANTS: usize = 48;

/// Addresses from the documentation ranges (RFC 5737), used as a source IP
/// outside every range a policy names.
const OUTSIDE_ADDRESSES: [&str; 3] = ["203.0.113.7", "198.51.100.7", "192.0.2.7"];

/// Region codes a caller may send a request to.
const REGIONS: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ca-central-1",
    "sa-east-1",
];

/// Services with one global endpoint: the requested region is not the caller's choice.
const GLOBAL_SERVICES: [&str; 4] = ["iam", "organizations", "route53", "cloudfront"];

const CREDENTIAL_KEYS: [&str; 3] = [
    "aws:tokenissuetime",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
];

/// Every policy document that takes part in a request of `requester`: its
/// own ([`own_documents`]) and the account-wide ones ([`account_documents`]).
fn documents<'m>(model: &'m Model, requester: &Requester<'m>) -> Vec<&'m PolicyDocument> {
    let mut out = own_documents(model, requester);
    out.extend(account_documents(model));
    out
}

/// `requester`'s identity-based policies and its permissions boundary.
fn own_documents<'m>(model: &'m Model, requester: &Requester<'m>) -> Vec<&'m PolicyDocument> {
    let index = model.index();
    let mut out = super::probe::identity_documents(model, requester);
    let boundary = match requester {
        Requester::User { index: u, .. } => index.user_boundary(*u),
        Requester::RoleSession { index: r, .. } => index.role_boundary(*r),
        _ => None,
    };
    out.extend(boundary.and_then(|p| model.account().policies[p].default_document()));
    out
}

/// The account's resource-based policies, SCPs and RCPs.
fn account_documents(model: &Model) -> impl Iterator<Item = &PolicyDocument> {
    let a = model.account();
    a.resource_policies
        .iter()
        .map(|p| &p.policy)
        .chain(a.service_control_policies.iter().map(|p| &p.policy))
        .chain(a.resource_control_policies.iter().map(|p| &p.policy))
}

/// Whether `statement` could apply to `action` (its `Action` matches it, or
/// its `NotAction` does not).
pub(crate) fn may_apply(statement: &Statement, action: &str, service: &str) -> bool {
    if !statement.valid {
        return false;
    }
    match &statement.action {
        Some(clause) => clause.negated != clause.patterns.iter().any(|p| p.matches(action, service)),
        // `NotAction`-less and `Action`-less statements of resource policies: be generous.
        None => true,
    }
}

fn is_self_given(key: &str) -> bool {
    CREDENTIAL_KEYS.contains(&key)
        || key == "aws:sourceip"
        || key == "aws:requestedregion"
        || key == "aws:tagkeys"
        || key.starts_with("aws:requesttag/")
}

/// Whether any policy statement could give a principal variants: asked once
/// of the account-wide policies, then cheaply of each principal's own.
#[derive(Debug, Clone, Copy)]
pub struct Varying {
    /// A resource-based policy, SCP or RCP tests a key principals control.
    account_wide: bool,
}

fn tests_a_self_given_key(documents: &[&PolicyDocument], base: &Context) -> bool {
    documents
        .iter()
        .flat_map(|d| d.parsed().statements())
        .flat_map(|s| &s.conditions)
        .any(|c| is_self_given(&c.key_lower) && base.get_lower(&c.key_lower).is_none())
}

impl Varying {
    pub fn of(model: &Model, base: &Context) -> Varying {
        let documents: Vec<&PolicyDocument> = account_documents(model).collect();
        Varying {
            account_wide: tests_a_self_given_key(&documents, base),
        }
    }

    /// Whether a statement that takes part in `requester`'s requests tests
    /// a key it controls (and the caller did not set): without one, no
    /// action has variants and [`variants`] need not be asked.
    pub fn could_vary(&self, model: &Model, requester: &Requester<'_>, base: &Context) -> bool {
        self.account_wide || tests_a_self_given_key(&own_documents(model, requester), base)
    }
}

/// The variants of its own request `requester` may send for `action`, fewest
/// changes first; empty when no statement that could apply tests a key the
/// principal controls. `base` is the context every request already carries
/// (keys the caller set are not varied).
pub fn variants(
    model: &Model,
    requester: &Requester<'_>,
    base: &Context,
    action: &str,
    now: Timestamp,
) -> Vec<Variant> {
    let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
    let docs = documents(model, requester);
    let relevant: Vec<&Statement> = docs
        .iter()
        .flat_map(|d| d.parsed().statements())
        .filter(|s| may_apply(s, action, &service))
        .filter(|s| {
            s.conditions
                .iter()
                .any(|c| is_self_given(&c.key_lower) && base.get_lower(&c.key_lower).is_none())
        })
        .collect();
    if relevant.is_empty() {
        return Vec::new();
    }
    let conditions = || {
        relevant
            .iter()
            .flat_map(|s| &s.conditions)
            .filter(|c| base.get_lower(&c.key_lower).is_none())
    };
    let mut dimensions: Vec<Vec<Variant>> = Vec::new();

    if conditions().any(|c| CREDENTIAL_KEYS.contains(&c.key_lower.as_str())) {
        let credentials = session_variants(requester, action, &service, now);
        if !credentials.is_empty() {
            dimensions.push(credentials);
        }
    }

    let ips: Vec<&crate::policy::Condition> = conditions().filter(|c| c.key_lower == "aws:sourceip").collect();
    if !ips.is_empty() {
        let mut options: Vec<Variant> = Vec::new();
        let mut nets = Vec::new();
        for c in &ips {
            for v in &c.values {
                if let ParsedValue::Ip(net) = &v.parsed {
                    nets.push(*net);
                    let address = net.network().to_string();
                    if !options.iter().any(|o| o.keys[0].1[0] == address) {
                        options.push(one_key(
                            "aws:SourceIp",
                            address,
                            format!("from a source IP in {}", v.text),
                        ));
                    }
                }
            }
        }
        let outside = OUTSIDE_ADDRESSES
            .iter()
            .filter_map(|a| a.parse::<IpAddr>().ok())
            .find(|a| !nets.iter().any(|n| n.contains(a)));
        if let Some(address) = outside {
            let mut named: Vec<String> = nets.iter().take(4).map(|n| n.to_string()).collect();
            if nets.len() > named.len() {
                named.push(format!("and {} more ranges", nets.len() - named.len()));
            }
            options.push(one_key(
                "aws:SourceIp",
                address.to_string(),
                format!("from a source IP outside {}", named.join(", ")),
            ));
        }
        dimensions.push(options);
    }

    if !GLOBAL_SERVICES.contains(&service.as_str()) {
        let regions: Vec<&crate::policy::Condition> =
            conditions().filter(|c| c.key_lower == "aws:requestedregion").collect();
        if !regions.is_empty() {
            let mut named: Vec<String> = Vec::new();
            for c in &regions {
                for v in &c.values {
                    let glob = Glob::new(&v.text, Case::Insensitive);
                    if glob.is_literal() {
                        named.push(v.text.to_string());
                    } else if let Some(r) = REGIONS.iter().find(|r| glob.is_match(r)) {
                        named.push((*r).to_owned());
                    }
                }
            }
            if let Some(other) = REGIONS
                .iter()
                .find(|r| !named.iter().any(|n| n.eq_ignore_ascii_case(r)))
            {
                named.push((*other).to_owned());
            }
            named.dedup();
            let options = named
                .into_iter()
                .map(|r| {
                    let needs = format!("sends the request to region {r}");
                    one_key("aws:RequestedRegion", r, needs)
                })
                .collect();
            dimensions.push(options);
        }
    }

    if takes_tags(action) {
        let mut options: Vec<Variant> = Vec::new();
        for s in &relevant {
            if let Some(tags) = statement_tags(s, base) {
                let needs = format!(
                    "tags the request {}",
                    tags.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let mut keys: Vec<(String, Vec<String>)> = Vec::new();
                let mut names = Vec::new();
                for (k, v) in &tags {
                    keys.push((format!("aws:RequestTag/{k}"), vec![v.clone()]));
                    names.push(k.clone());
                }
                keys.push(("aws:TagKeys".to_owned(), names));
                let variant = Variant {
                    keys,
                    needs: vec![needs],
                    assumptions: Vec::new(),
                };
                if !options.contains(&variant) {
                    options.push(variant);
                }
            }
        }
        if !options.is_empty() {
            dimensions.push(options);
        }
    }

    combine(&dimensions)
}

/// Every combination of at most one option per dimension (at least one),
/// fewest changes first, at most [`MOST_VARIANTS`].
fn combine(dimensions: &[Vec<Variant>]) -> Vec<Variant> {
    let mut all: Vec<(usize, Variant)> = vec![(
        0,
        Variant {
            keys: Vec::new(),
            needs: Vec::new(),
            assumptions: Vec::new(),
        },
    )];
    for options in dimensions {
        let mut next = Vec::with_capacity(all.len() * (options.len() + 1));
        for (changes, partial) in &all {
            next.push((*changes, partial.clone()));
            for option in options {
                let mut v = partial.clone();
                v.keys.extend(option.keys.iter().cloned());
                v.needs.extend(option.needs.iter().cloned());
                v.assumptions.extend(option.assumptions.iter().cloned());
                next.push((changes + 1, v));
            }
            if next.len() > MOST_VARIANTS * 8 {
                break;
            }
        }
        all = next;
    }
    all.retain(|(changes, _)| *changes > 0);
    all.sort_by_key(|(changes, _)| *changes);
    all.into_iter().take(MOST_VARIANTS).map(|(_, v)| v).collect()
}

fn one_key(key: &str, value: String, needs: String) -> Variant {
    Variant {
        keys: vec![(key.to_owned(), vec![value])],
        needs: vec![needs],
        assumptions: Vec::new(),
    }
}

/// `GetSessionToken` credentials for a user: without MFA (not for IAM or
/// most of STS), and with MFA when the user has (or may have) a device.
fn session_variants(requester: &Requester<'_>, action: &str, service: &str, now: Timestamp) -> Vec<Variant> {
    let Requester::User { user, .. } = requester else {
        return Vec::new();
    };
    let issued = now.to_string();
    let mut out = Vec::new();
    // "You cannot call any IAM API operations unless MFA authentication
    // information is included in the request. You cannot call any AWS STS
    // API except AssumeRole or GetCallerIdentity." (GetSessionToken)
    // iam:PassRole is no IAM API operation: the service the role is passed
    // to checks it, on the request that credentials made to that service.
    let without_mfa_works = match service {
        "iam" => action.eq_ignore_ascii_case("iam:PassRole"),
        "sts" => action.eq_ignore_ascii_case("sts:AssumeRole") || action.eq_ignore_ascii_case("sts:GetCallerIdentity"),
        _ => true,
    };
    if without_mfa_works {
        out.push(Variant {
            keys: vec![
                ("aws:TokenIssueTime".to_owned(), vec![issued.clone()]),
                ("aws:MultiFactorAuthPresent".to_owned(), vec!["false".to_owned()]),
            ],
            needs: vec!["needs temporary credentials from sts:GetSessionToken".to_owned()],
            assumptions: Vec::new(),
        });
    }
    let label = format!("user/{}", user.name);
    let device = match &user.credentials {
        Some(c) => match c.mfa_devices.first() {
            Some(d) => Some(Some(format!("needs MFA (user has device {})", d.serial))),
            None if c.mfa_active => Some(Some(
                "needs MFA (the credential report says the user has a device)".to_owned(),
            )),
            None => None,
        },
        // No loaded file says: the device is an assumption.
        None => Some(None),
    };
    if let Some(device) = device {
        let mut needs = vec!["needs temporary credentials from sts:GetSessionToken with an MFA code".to_owned()];
        let mut assumptions = Vec::new();
        match device {
            Some(has) => needs.push(has),
            None => assumptions.push(format!(
                "{label} has an MFA device (the export does not list MFA devices; add the credential report)"
            )),
        }
        out.push(Variant {
            keys: vec![
                ("aws:TokenIssueTime".to_owned(), vec![issued]),
                ("aws:MultiFactorAuthPresent".to_owned(), vec!["true".to_owned()]),
                // Seconds since the MFA sign-in: the request follows it at once.
                ("aws:MultiFactorAuthAge".to_owned(), vec!["1".to_owned()]),
            ],
            needs,
            assumptions,
        });
    }
    out
}

/// Whether the catalogue says `action` takes tags on the request (for the
/// action, or for a resource type it creates).
fn takes_tags(action: &str) -> bool {
    let tag_key =
        |k: &str| k.eq_ignore_ascii_case("aws:TagKeys") || k.to_ascii_lowercase().starts_with("aws:requesttag/");
    catalog()
        .action(action)
        .is_some_and(|a| a.condition_keys().any(tag_key) || a.resource_types().any(|t| t.condition_keys().any(tag_key)))
}

/// The request tags a statement's positive conditions ask for: each
/// `aws:RequestTag/KEY` with a value it names, and each key a `TagKeys`
/// condition names; `None` when it asks for none.
fn statement_tags(statement: &Statement, base: &Context) -> Option<Vec<(String, String)>> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for c in &statement.conditions {
        if base.get_lower(&c.key_lower).is_some() || !positive(c.operator.base) {
            continue;
        }
        if let Some(key) = c
            .key
            .get("aws:RequestTag/".len()..)
            .filter(|_| c.key_lower.starts_with("aws:requesttag/"))
        {
            let value = c
                .values
                .first()
                .map(|v| concrete(&v.text))
                .unwrap_or_else(|| "x".to_owned());
            if !tags.iter().any(|(k, _)| k == key) {
                tags.push((key.to_owned(), value));
            }
        } else if c.key_lower == "aws:tagkeys" && c.operator.qualifier != Some(SetQualifier::ForAllValues) {
            for v in c.values.iter().take(1) {
                let key = concrete(&v.text);
                if !tags.iter().any(|(k, _)| *k == key) {
                    tags.push((key, "x".to_owned()));
                }
            }
        }
    }
    (!tags.is_empty()).then_some(tags)
}

fn positive(base: BaseOperator) -> bool {
    matches!(
        base,
        BaseOperator::StringEquals
            | BaseOperator::StringEqualsIgnoreCase
            | BaseOperator::StringLike
            | BaseOperator::ArnEquals
            | BaseOperator::ArnLike
    )
}

/// A value that a `StringLike` pattern matches: each wildcard becomes `x`.
fn concrete(pattern: &str) -> String {
    pattern.replace(['*', '?'], "x")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::PrincipalSpec;
    use serde_json::json;

    fn model(statements: serde_json::Value) -> Model {
        let doc = json!({"Version": "2012-10-17", "Statement": statements});
        let account = json!({
            "UserDetailList": [{
                "UserName": "u", "UserId": "AIDAU", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/u",
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc}]
            }],
            "RoleDetailList": [{
                "RoleName": "r", "RoleId": "AROAR", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/r",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": doc}]
            }]
        });
        crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    fn of(m: &Model, spec: PrincipalSpec, action: &str) -> Vec<Variant> {
        let requester = crate::eval::context::resolve(m, &spec).unwrap();
        variants(
            m,
            &requester,
            &Context::new(),
            action,
            "2026-06-01T12:00:00Z".parse().unwrap(),
        )
    }

    fn user() -> PrincipalSpec {
        PrincipalSpec::User("u".into())
    }

    #[test]
    fn only_statements_that_could_apply_to_the_action_give_variants() {
        let m = model(json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "Null": {"aws:TokenIssueTime": "false"}}},
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}
        ]));
        assert!(of(&m, user(), "iam:ListUsers").is_empty());
        assert!(of(&m, user(), "iam:CreateUser").is_empty());
        let found = of(&m, user(), "s3:GetObject");
        // Temporary credentials (without and with MFA), an address inside
        // and one outside: 3 × 3 combinations but the plain one.
        assert_eq!(found.len(), 8, "{found:#?}");
        assert!(
            found.iter().take(4).all(|v| v.needs.len() == 1),
            "fewest changes first: {found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|v| v.needs == ["needs temporary credentials from sts:GetSessionToken"])
        );
        assert!(found.iter().any(|v| v.needs == ["from a source IP in 10.0.0.0/8"]));
        assert!(found.iter().any(|v| v.needs == ["from a source IP outside 10.0.0.0/8"]));
    }

    #[test]
    fn a_role_session_has_its_temporary_credentials_already() {
        let m = model(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"Null": {"aws:TokenIssueTime": "false"}}}]));
        let role = PrincipalSpec::Role {
            name: "r".into(),
            session: None,
        };
        assert!(of(&m, role, "s3:GetObject").is_empty());
        assert_eq!(of(&m, user(), "s3:GetObject").len(), 2);
    }

    #[test]
    fn temporary_credentials_without_mfa_do_not_call_iam() {
        let m = model(json!([{"Effect": "Allow", "Action": "iam:*", "Resource": "*",
             "Condition": {"Null": {"aws:TokenIssueTime": "false"}}}]));
        let found = of(&m, user(), "iam:CreateUser");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].needs[0].contains("with an MFA code"));
        assert_eq!(of(&m, user(), "iam:PassRole").len(), 2);
    }

    #[test]
    fn the_region_of_a_global_service_is_not_chosen() {
        let m = model(
            json!([{"Effect": "Allow", "Action": ["iam:*", "ec2:*"], "Resource": "*",
             "Condition": {"StringLike": {"aws:RequestedRegion": "eu-*"}}}]),
        );
        assert!(of(&m, user(), "iam:CreateUser").is_empty());
        let found = of(&m, user(), "ec2:RunInstances");
        assert_eq!(
            found[0].keys,
            [("aws:RequestedRegion".to_owned(), vec!["eu-west-1".to_owned()])]
        );
    }

    /// ops may do anything with MFA and has a device; dev has the same
    /// policy but no device the loaded files list.
    fn mfa_admins() -> Model {
        let admin = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]});
        let user = |name: &str| {
            json!({"UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
                "Arn": format!("arn:aws:iam::111122223333:user/{name}"),
                "UserPolicyList": [{"PolicyName": "admin-with-mfa", "PolicyDocument": admin}]})
        };
        let mut ops = user("ops");
        ops["MFADevices"] = json!([{"UserName": "ops", "SerialNumber": "arn:aws:iam::111122223333:mfa/ops", "EnableDate": "2024-01-01T00:00:00Z"}]);
        let account =
            json!({"UserDetailList": [ops, user("dev")], "GroupDetailList": [], "RoleDetailList": [], "Policies": []});
        crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    #[test]
    fn a_user_who_is_an_administrator_in_its_own_mfa_session_is_one_already() {
        let m = mfa_admins();
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let probe = |name: &str| {
            super::super::probe::Probe::new(&m, &PrincipalSpec::User(name.into()), &Context::new(), now)
                .unwrap()
                .with_self_given_context()
        };
        // With its device, in the session GetSessionToken gives for its code.
        let variant = probe("ops").admin_in_own_session().expect("an administrator with MFA");
        assert!(
            variant.needs.iter().any(|n| n.contains("sts:GetSessionToken")),
            "{variant:?}"
        );
        assert!(variant.assumptions.is_empty());
        // Whoever takes over its keys has no device: not an administrator by them.
        assert!(!probe("ops").admin_check().admin);
        // No device the files list: that would be an assumption, so no.
        assert_eq!(probe("dev").admin_in_own_session(), None);

        // Escalation: ops is an administrator already and has no path to
        // become one; both analyses agree.
        let options = crate::analysis::AnalysisOptions::at(now);
        let mut analyzer = crate::analysis::escalation::Analyzer::new(&m, &options);
        let ops = analyzer.principal(&PrincipalSpec::User("ops".into())).unwrap();
        assert!(ops.admin && ops.findings.is_empty(), "{ops:#?}");
        let dev = analyzer.principal(&PrincipalSpec::User("dev".into())).unwrap();
        assert!(!dev.admin);
        let mut naive = crate::analysis::naive::escalation::Analyzer::new(&m, &Context::new(), now, options.max_depth);
        assert!(naive.principal(&PrincipalSpec::User("ops".into())).unwrap().admin);
        assert!(!naive.principal(&PrincipalSpec::User("dev".into())).unwrap().admin);
    }
}
