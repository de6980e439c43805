//! One positive and one negative case per check, plus locations, kinds and
//! the account-level lint.

use super::overlap::pattern_covers;
use super::*;

/// Lint `text` as `kind`; every code reported must be a documented check.
fn lint(text: &str, kind: PolicyKind) -> Vec<Finding> {
    let findings = lint_text(text, kind);
    for f in &findings {
        assert!(
            CHECKS.iter().any(|c| c.code == f.code),
            "code {} is not in CHECKS",
            f.code
        );
    }
    findings
}

/// A 2012-10-17 policy with the given statements (a JSON list's contents).
fn policy(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

fn find<'f>(findings: &'f [Finding], code: &str) -> Option<&'f Finding> {
    findings.iter().find(|f| f.code == code)
}

#[track_caller]
fn has(text: &str, kind: PolicyKind, code: &str) -> Finding {
    let findings = lint(text, kind);
    find(&findings, code)
        .cloned()
        .unwrap_or_else(|| panic!("expected {code} in {:?}", codes(&findings)))
}

#[track_caller]
fn lacks(text: &str, kind: PolicyKind, code: &str) {
    let findings = lint(text, kind);
    assert!(
        find(&findings, code).is_none(),
        "did not expect {code}: {:?}",
        findings.iter().find(|f| f.code == code)
    );
}

const ALLOW_GET: &str = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;

#[test]
fn a_clean_policy_has_no_findings() {
    assert_eq!(
        codes(&lint(&policy(ALLOW_GET), PolicyKind::Identity)),
        Vec::<&str>::new()
    );
}

#[test]
fn parser_diagnostics_are_findings() {
    let findings = lint("{\"Version\": \"2012-10-17\" \"Statement\": []}", PolicyKind::Identity);
    assert_eq!(codes(&findings), ["json-syntax"]);
    let both = has(
        &policy(r#"{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}"#),
        PolicyKind::Identity,
        "action-and-notaction",
    );
    assert_eq!(both.severity, Severity::Error);
}

#[test]
fn findings_carry_line_column_and_path() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:GetObject\", \"s3:GetObjects\"],\n    \"Resource\": \"*\"\n  }\n}";
    let f = has(text, PolicyKind::Identity, "unknown-action");
    assert_eq!((f.line, f.column), (5, 32));
    assert_eq!(f.path, "Statement.Action[1]");
    let listed = has(
        &policy(r#"{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}"#),
        PolicyKind::Identity,
        "unknown-action",
    );
    assert_eq!(listed.path, "Statement[0].Action");
}

#[test]
fn kinds_are_guessed_from_the_document() {
    let guess = |text: &str| PolicyKind::guess(&crate::policy::parse_policy(text));
    assert_eq!(guess(&policy(ALLOW_GET)), PolicyKind::Identity);
    assert_eq!(
        guess(&policy(
            r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#
        )),
        PolicyKind::Trust
    );
    assert_eq!(
        guess(&policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#
        )),
        PolicyKind::Resource
    );
    assert_eq!(PolicyKind::parse("SCP"), Some(PolicyKind::Scp));
}

// ---- principals ----

const WITH_PRINCIPAL: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;

#[test]
fn principal_only_where_the_kind_has_one() {
    for kind in [
        PolicyKind::Identity,
        PolicyKind::Scp,
        PolicyKind::Boundary,
        PolicyKind::Session,
    ] {
        let f = has(&policy(WITH_PRINCIPAL), kind, "principal-not-allowed");
        assert_eq!(f.path, "Statement[0].Principal");
    }
    lacks(&policy(WITH_PRINCIPAL), PolicyKind::Resource, "principal-not-allowed");
}

#[test]
fn resource_and_trust_policies_need_a_principal() {
    has(&policy(ALLOW_GET), PolicyKind::Resource, "principal-missing");
    has(
        &policy(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#),
        PolicyKind::Trust,
        "principal-missing",
    );
    lacks(&policy(ALLOW_GET), PolicyKind::Identity, "principal-missing");
    lacks(&policy(WITH_PRINCIPAL), PolicyKind::Resource, "principal-missing");
}

#[test]
fn notprincipal_is_refused_in_trust_policies_and_risky_with_allow() {
    let trust = policy(
        r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}"#,
    );
    has(&trust, PolicyKind::Trust, "notprincipal-not-allowed");
    lacks(&trust, PolicyKind::Resource, "notprincipal-not-allowed");
    let allow = policy(
        r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/a"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
    );
    has(&allow, PolicyKind::Resource, "allow-notprincipal");
    let deny = allow.replace("\"Allow\"", "\"Deny\"");
    lacks(&deny, PolicyKind::Resource, "allow-notprincipal");
}

#[test]
fn a_group_is_never_a_principal() {
    let text = policy(
        r#"{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/a","arn:aws:iam::123456789012:group/admins"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
    );
    let f = has(&text, PolicyKind::Resource, "principal-group");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.path, "Statement[0].Principal.AWS[1]");
    lacks(&policy(WITH_PRINCIPAL), PolicyKind::Resource, "principal-group");
}

#[test]
fn partial_wildcards_in_principals_are_refused() {
    let text = policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
    );
    has(&text, PolicyKind::Resource, "principal-wildcard");
    let service = policy(r#"{"Effect":"Allow","Principal":{"Service":"*"},"Action":"sts:AssumeRole"}"#);
    has(&service, PolicyKind::Trust, "principal-wildcard");
    let star =
        policy(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#);
    lacks(&star, PolicyKind::Resource, "principal-wildcard");
}

// ---- resources and Not… elements ----

#[test]
fn statements_need_a_resource_except_in_trust_policies() {
    let text = policy(r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets"}"#);
    assert_eq!(
        has(&text, PolicyKind::Identity, "resource-missing").severity,
        Severity::Error
    );
    let trust = policy(r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#);
    lacks(&trust, PolicyKind::Trust, "resource-missing");
    let with_resource = policy(
        r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}"#,
    );
    has(&with_resource, PolicyKind::Trust, "resource-in-trust-policy");
    lacks(&trust, PolicyKind::Trust, "resource-in-trust-policy");
}

#[test]
fn allow_with_not_elements_is_flagged_where_it_grants() {
    let not_action = policy(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    has(&not_action, PolicyKind::Identity, "allow-notaction");
    lacks(&not_action, PolicyKind::Scp, "allow-notaction");
    lacks(
        &not_action.replace("Allow", "Deny"),
        PolicyKind::Identity,
        "allow-notaction",
    );
    let not_resource = policy(r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#);
    has(&not_resource, PolicyKind::Identity, "allow-notresource");
    lacks(
        &not_resource.replace("Allow", "Deny"),
        PolicyKind::Identity,
        "allow-notresource",
    );
}

#[test]
fn rcps_accept_only_deny_and_no_notaction() {
    let allow = policy(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#);
    has(&allow, PolicyKind::Rcp, "rcp-allow");
    let full = policy(r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#);
    lacks(&full, PolicyKind::Rcp, "rcp-allow");
    let not_action = policy(r#"{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}"#);
    has(&not_action, PolicyKind::Rcp, "notaction-not-allowed");
    lacks(&not_action, PolicyKind::Resource, "notaction-not-allowed");
}

#[test]
fn sids_must_be_unique() {
    let text = policy(
        r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#,
    );
    let f = has(&text, PolicyKind::Identity, "sid-duplicate");
    assert_eq!((f.severity, f.path.as_str()), (Severity::Error, "Statement[1].Sid"));
    let resource = text.replace(r#""Effect""#, r#""Principal":"*","Effect""#);
    assert_eq!(
        has(&resource, PolicyKind::Resource, "sid-duplicate").severity,
        Severity::Warning
    );
    lacks(
        &text.replacen(r#""Sid":"A""#, r#""Sid":"B""#, 1),
        PolicyKind::Identity,
        "sid-duplicate",
    );
}

// ---- version and variables ----

#[test]
fn variables_need_version_2012() {
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#;
    let none = format!(r#"{{"Statement":[{statement}]}}"#);
    let f = has(&none, PolicyKind::Identity, "variable-without-version");
    assert_eq!(f.path, "Statement[0].Resource");
    let old = format!(r#"{{"Version":"2008-10-17","Statement":[{statement}]}}"#);
    has(&old, PolicyKind::Identity, "variable-without-version");
    lacks(&policy(statement), PolicyKind::Identity, "variable-without-version");
    // Escapes are not variables; without variables the old version is style only.
    let escape = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}]}"#;
    lacks(escape, PolicyKind::Identity, "variable-without-version");
    assert_eq!(
        has(escape, PolicyKind::Identity, "version-old").severity,
        Severity::Info
    );
    has(
        &format!(r#"{{"Statement":[{ALLOW_GET}]}}"#),
        PolicyKind::Identity,
        "version-missing",
    );
    lacks(&policy(ALLOW_GET), PolicyKind::Identity, "version-missing");
}

#[test]
fn variables_in_condition_values_count_too() {
    let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}}]}"#;
    let f = has(text, PolicyKind::Identity, "variable-without-version");
    assert_eq!(f.path, "Statement[0].Condition.StringLike.s3:prefix[0]");
}

// ---- size ----

fn sized(actions: usize) -> String {
    let list: Vec<String> = (0..actions).map(|i| format!("\"s3:GetObject{i:04}\"")).collect();
    policy(&format!(
        r#"{{"Effect":"Deny","Action":[{}],"Resource":"*"}}"#,
        list.join(",")
    ))
}

#[test]
fn policies_over_their_quota_are_flagged() {
    // ~20 characters per action.
    let big = sized(350);
    let size = crate::policy::size_without_whitespace(&big);
    assert!(size > 6_144, "{size}");
    assert_eq!(
        has(&big, PolicyKind::Identity, "policy-too-large").severity,
        Severity::Error
    );
    let middle = sized(280);
    let size = crate::policy::size_without_whitespace(&middle);
    assert!((5_120..6_144).contains(&size), "{size}");
    has(&middle, PolicyKind::Scp, "policy-too-large");
    lacks(&middle, PolicyKind::Identity, "policy-too-large");
    lacks(&middle, PolicyKind::Resource, "policy-too-large");
    let trust = has(&middle, PolicyKind::Trust, "policy-too-large");
    assert_eq!(trust.severity, Severity::Warning);
}

#[test]
fn white_space_does_not_count() {
    let padded = sized(280).replace(',', ",                    ");
    assert!(padded.len() > 6_144);
    lacks(&padded, PolicyKind::Identity, "policy-too-large");
}

// ---- actions ----

#[test]
fn unknown_services_get_a_suggestion() {
    let text = policy(r#"{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}"#);
    let f = has(&text, PolicyKind::Identity, "unknown-service");
    assert!(f.help.as_deref().is_some_and(|h| h.contains("s3:GetObject")), "{f:?}");
    lacks(&policy(ALLOW_GET), PolicyKind::Identity, "unknown-service");
}

#[test]
fn unknown_actions_get_a_suggestion() {
    let text = policy(r#"{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}"#);
    let f = has(&text, PolicyKind::Identity, "unknown-action");
    assert!(f.help.as_deref().is_some_and(|h| h.contains("`s3:GetObject`")), "{f:?}");
    // Case does not matter; wildcards that name something are fine.
    let fine =
        policy(r#"{"Effect":"Allow","Action":["S3:getobject","s3:Get*","s3:?etObject","*:GetObject"],"Resource":"*"}"#);
    lacks(&fine, PolicyKind::Identity, "unknown-action");
    let nothing = policy(r#"{"Effect":"Allow","Action":["s3:Fly*","s*:Fly*"],"Resource":"*"}"#);
    let findings = lint(&nothing, PolicyKind::Identity);
    assert_eq!(codes(&findings), ["unknown-action", "unknown-action"]);
    // NotAction is checked too: a typo there widens a Deny's exception.
    let not_action = policy(r#"{"Effect":"Deny","NotAction":"iam:GetUsers","Resource":"*"}"#);
    has(&not_action, PolicyKind::Scp, "unknown-action");
}

#[test]
fn passrole_on_every_role() {
    let text = policy(r#"{"Effect":"Allow","Action":["ec2:RunInstances","iam:PassRole"],"Resource":"*"}"#);
    let f = has(&text, PolicyKind::Identity, "passrole-wildcard");
    assert_eq!(f.path, "Statement[0].Action[1]");
    has(
        &policy(r#"{"Effect":"Allow","Action":"iam:Pass*","Resource":"arn:aws:iam::123456789012:role/*"}"#),
        PolicyKind::Identity,
        "passrole-wildcard",
    );
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app"}"#),
        PolicyKind::Identity,
        "passrole-wildcard",
    );
    lacks(
        &policy(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#,
        ),
        PolicyKind::Identity,
        "passrole-wildcard",
    );
}

#[test]
fn full_access_and_sensitive_wildcards() {
    let admin = policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    has(&admin, PolicyKind::Identity, "full-access");
    lacks(&admin, PolicyKind::Scp, "full-access");
    lacks(&admin, PolicyKind::Boundary, "full-access");
    let conditional = policy(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
    );
    lacks(&conditional, PolicyKind::Identity, "full-access");
    let iam = policy(r#"{"Effect":"Allow","Action":["iam:*","ec2:*"],"Resource":"*"}"#);
    let findings = lint(&iam, PolicyKind::Identity);
    assert_eq!(codes(&findings), ["sensitive-wildcard"]);
    has(
        &policy(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::*"}"#),
        PolicyKind::Identity,
        "sensitive-wildcard",
    );
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#),
        PolicyKind::Identity,
        "sensitive-wildcard",
    );
}

#[test]
fn resource_arns_must_fit_the_actions() {
    let bucket = policy(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}"#);
    let f = has(&bucket, PolicyKind::Identity, "resource-type-mismatch");
    assert!(f.help.as_deref().is_some_and(|h| h.contains("${ObjectName}")), "{f:?}");
    lacks(&policy(ALLOW_GET), PolicyKind::Identity, "resource-type-mismatch");
    // One action of the statement taking the ARN is enough.
    let mixed = policy(
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
    );
    lacks(&mixed, PolicyKind::Identity, "resource-type-mismatch");
    has(
        &policy(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:instance-profile/web"}"#,
        ),
        PolicyKind::Identity,
        "resource-type-mismatch",
    );
    // Wildcard actions are not guessed at.
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b"}"#),
        PolicyKind::Identity,
        "resource-type-mismatch",
    );
    // AWS-owned documents have no account; log groups hold slashes and end in `:*`.
    lacks(
        &policy(
            r#"{"Effect":"Allow","Action":"ssm:SendCommand","Resource":["arn:aws:ssm:*::document/AWS-RunShellScript","arn:aws:ec2:*:*:instance/*"]}"#,
        ),
        PolicyKind::Identity,
        "resource-type-mismatch",
    );
    lacks(
        &policy(
            r#"{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/*:*"}"#,
        ),
        PolicyKind::Identity,
        "resource-type-mismatch",
    );
    // Policy variables stand for any text.
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#),
        PolicyKind::Identity,
        "resource-type-mismatch",
    );
}

// ---- conditions ----

fn with_condition(condition: &str) -> String {
    policy(&format!(
        r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}"#
    ))
}

#[test]
fn unknown_condition_keys_get_a_suggestion() {
    let f = has(
        &with_condition(r#"{"IpAddress":{"aws:SourceIpp":"203.0.113.0/24"}}"#),
        PolicyKind::Identity,
        "unknown-condition-key",
    );
    assert!(f.help.as_deref().is_some_and(|h| h.contains("`aws:SourceIp`")), "{f:?}");
    assert_eq!(f.path, "Statement[0].Condition.IpAddress.aws:SourceIpp");
    let tag = has(
        &with_condition(r#"{"StringEquals":{"aws:PrincipalTags/team":"x"}}"#),
        PolicyKind::Identity,
        "unknown-condition-key",
    );
    assert!(
        tag.help
            .as_deref()
            .is_some_and(|h| h.contains("`aws:PrincipalTag/team`")),
        "{tag:?}"
    );
    let bare = has(
        &with_condition(r#"{"StringEquals":{"aws:ResourceTag":"x"}}"#),
        PolicyKind::Identity,
        "unknown-condition-key",
    );
    assert!(
        bare.help.as_deref().is_some_and(|h| h.contains("`aws:ResourceTag/")),
        "{bare:?}"
    );
    has(
        &with_condition(r#"{"StringEquals":{"s3:prefixx":"a"}}"#),
        PolicyKind::Identity,
        "unknown-condition-key",
    );
    has(
        &with_condition(r#"{"StringEquals":{"nosuchservice:key":"a"}}"#),
        PolicyKind::Identity,
        "unknown-condition-key",
    );
    for known in [
        r#"{"StringEquals":{"aws:PrincipalTag/team":"x","AWS:sourceaccount":"123456789012"}}"#,
        r#"{"StringEquals":{"s3:prefix":"a","ec2:ResourceTag/env":"prod"}}"#,
        r#"{"StringEquals":{"secretsmanager:ResourceTag/owner":"x"}}"#,
        r#"{"StringEquals":{"kms:EncryptionContext:project":"x"}}"#,
        r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}"#,
    ] {
        lacks(&with_condition(known), PolicyKind::Identity, "unknown-condition-key");
    }
}

#[test]
fn operators_must_fit_the_key_type() {
    let f = has(
        &with_condition(r#"{"DateGreaterThan":{"aws:username":"2020-01-01T00:00:00Z"}}"#),
        PolicyKind::Identity,
        "operator-type-mismatch",
    );
    assert_eq!(f.severity, Severity::Warning);
    has(
        &with_condition(r#"{"StringEquals":{"aws:SecureTransport":"true"}}"#),
        PolicyKind::Identity,
        "operator-type-mismatch",
    );
    has(
        &with_condition(r#"{"NumericLessThan":{"aws:CurrentTime":"10"}}"#),
        PolicyKind::Identity,
        "operator-type-mismatch",
    );
    for fine in [
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
        r#"{"NumericLessThan":{"aws:EpochTime":"1700000000"}}"#,
        r#"{"DateLessThanIfExists":{"aws:EpochTime":"1700000000"}}"#,
        r#"{"StringEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:t"}}"#,
        r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}"#,
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
        r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
        r#"{"Null":{"aws:CurrentTime":"false","s3:max-keys":"true"}}"#,
        r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}"#,
    ] {
        lacks(&with_condition(fine), PolicyKind::Identity, "operator-type-mismatch");
    }
}

#[test]
fn multivalued_keys_need_a_set_operator() {
    has(
        &with_condition(r#"{"StringEquals":{"aws:TagKeys":"team"}}"#),
        PolicyKind::Identity,
        "set-operator-missing",
    );
    let amr = policy(
        r#"{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}"#,
    );
    has(&amr, PolicyKind::Trust, "set-operator-missing");
    lacks(
        &amr.replace("\"StringLike\"", "\"ForAnyValue:StringLike\""),
        PolicyKind::Trust,
        "set-operator-missing",
    );
    lacks(
        &with_condition(r#"{"Null":{"aws:TagKeys":"false"}}"#),
        PolicyKind::Identity,
        "set-operator-missing",
    );
}

#[test]
fn set_operators_on_single_valued_keys() {
    has(
        &with_condition(r#"{"ForAllValues:StringEquals":{"aws:username":"a"}}"#),
        PolicyKind::Identity,
        "forallvalues-single-valued",
    );
    let any = has(
        &with_condition(r#"{"ForAnyValue:StringEquals":{"aws:username":"a"}}"#),
        PolicyKind::Identity,
        "foranyvalue-single-valued",
    );
    assert_eq!(any.severity, Severity::Info);
    lacks(
        &with_condition(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}"#),
        PolicyKind::Identity,
        "forallvalues-single-valued",
    );
}

#[test]
fn if_exists_on_keys_every_request_has() {
    let text = with_condition(r#"{"StringEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}"#);
    let f = has(&text, PolicyKind::Identity, "ifexists-always-present");
    assert!(f.help.as_deref().is_some_and(|h| h.contains("StringEquals")));
    // A bucket policy also sees anonymous callers and service principals.
    let resource = text.replace(r#""Effect""#, r#""Principal":"*","Effect""#);
    lacks(&resource, PolicyKind::Resource, "ifexists-always-present");
    lacks(
        &with_condition(r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#),
        PolicyKind::Identity,
        "ifexists-always-present",
    );
}

// ---- statements against each other ----

#[test]
fn redundant_statements() {
    let text = policy(&format!(
        r#"{ALLOW_GET},{{"Sid":"Wide","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::*"}}"#
    ));
    let f = has(&text, PolicyKind::Identity, "redundant-statement");
    assert_eq!(f.path, "Statement[0]");
    assert!(f.message.contains("`Wide`"), "{}", f.message);
    // Only the later of two identical statements is reported.
    let twice = policy(&format!("{ALLOW_GET},{ALLOW_GET}"));
    let findings = lint(&twice, PolicyKind::Identity);
    assert_eq!(codes(&findings), ["redundant-statement"]);
    assert_eq!(findings[0].path, "Statement[1]");
    // A conditional statement covers nothing; different resources do not overlap.
    let conditional = policy(&format!(
        r#"{ALLOW_GET},{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":"true"}}}}}}"#
    ));
    lacks(&conditional, PolicyKind::Identity, "redundant-statement");
    let apart = policy(&format!(
        r#"{ALLOW_GET},{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}}"#
    ));
    lacks(&apart, PolicyKind::Identity, "redundant-statement");
}

#[test]
fn an_allow_under_an_unconditional_deny_is_shadowed() {
    let text = policy(&format!(
        r#"{ALLOW_GET},{{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#
    ));
    let f = has(&text, PolicyKind::Identity, "shadowed-statement");
    assert_eq!((f.severity, f.path.as_str()), (Severity::Warning, "Statement[0]"));
    let conditional = policy(&format!(
        r#"{ALLOW_GET},{{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}"#
    ));
    lacks(&conditional, PolicyKind::Identity, "shadowed-statement");
    let narrower = policy(&format!(
        r#"{ALLOW_GET},{{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}}"#
    ));
    lacks(&narrower, PolicyKind::Identity, "shadowed-statement");
}

#[test]
fn pattern_coverage() {
    let covers = |outer: &str, inner: &str| pattern_covers(outer.as_bytes(), inner.as_bytes(), true);
    assert!(covers("*", "s3:GetObject"));
    assert!(covers("s3:Get*", "s3:getobject"));
    assert!(covers("s3:Get*", "s3:Get?bject"));
    assert!(covers("s3:Get*", "s3:Get*Acl"));
    assert!(covers("s3:*Object", "s3:GetObject"));
    assert!(!covers("s3:Get*", "s3:*"));
    assert!(!covers("s3:Get?bject", "s3:Get*"));
    assert!(!covers("s3:GetObject", "s3:Get*"));
    assert!(!covers("s3:List*", "s3:GetObject"));
    assert!(!pattern_covers(b"arn:aws:s3:::B/*", b"arn:aws:s3:::b/x", false));
}

// ---- the account ----

const ACCOUNT: &str = r#"{
  "AccountId": "123456789012",
  "UserDetailList": [{
    "UserName": "alice", "UserId": "AIDAALICE", "Arn": "arn:aws:iam::123456789012:user/alice", "Path": "/",
    "UserPolicyList": [{"PolicyName": "typo", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]}}],
    "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/cap"}
  }],
  "GroupDetailList": [],
  "RoleDetailList": [{
    "RoleName": "app", "RoleId": "AROAAPP", "Arn": "arn:aws:iam::123456789012:role/app", "Path": "/",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:group/devs"}, "Action": "sts:AssumeRole"}]},
    "RolePolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
  }],
  "Policies": [{
    "PolicyName": "cap", "PolicyId": "ANPACAP", "Arn": "arn:aws:iam::123456789012:policy/cap", "Path": "/",
    "DefaultVersionId": "v1", "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 1, "IsAttachable": true,
    "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]
  }],
  "ServiceControlPolicies": [{"Name": "guard", "Target": "ou-abcd-12345678", "Policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}}]
}"#;

#[test]
fn every_policy_of_an_account_is_linted_as_its_kind() {
    let loaded = crate::io::load_bytes("account.json", ACCOUNT.as_bytes()).expect("the test account loads");
    let result = lint_account(&loaded.model);
    let by_locator = |locator: &str| {
        result
            .policies
            .iter()
            .find(|p| p.source.locator() == locator)
            .unwrap_or_else(|| panic!("{locator} not linted: {:?}", result.policies))
    };
    let inline = by_locator("user/alice/inline/typo");
    assert_eq!(inline.kind, PolicyKind::Identity);
    assert_eq!(codes(&inline.findings), ["unknown-action"]);
    assert_eq!(inline.source.describe(), "inline policy typo of user alice");

    let trust = by_locator("role/app/trust-policy");
    assert_eq!(trust.kind, PolicyKind::Trust);
    assert_eq!(codes(&trust.findings), ["principal-group"]);

    // Used only as a boundary: `*` on `*` there caps nothing, so no full-access.
    let cap = by_locator("policy/cap");
    assert_eq!(cap.kind, PolicyKind::Boundary);
    assert!(cap.findings.is_empty(), "{:?}", cap.findings);

    let scp = by_locator("scp/guard");
    assert_eq!(scp.kind, PolicyKind::Scp);
    assert_eq!(codes(&scp.findings), ["principal-not-allowed"]);
    assert!(scp.source.describe().contains("ou-abcd-12345678"));

    // AWS managed policies are not the account's to fix.
    assert!(result.aws_managed_skipped >= 1);
    assert!(
        !result
            .policies
            .iter()
            .any(|p| p.source.locator().contains("ReadOnlyAccess"))
    );
    assert_eq!(result.findings().count(), 3);
}

#[test]
fn inline_policies_share_one_quota_per_entity() {
    let statement = |i: usize| {
        let actions: Vec<String> = (0..60).map(|j| format!("\"s3:GetObject{i}x{j:03}\"")).collect();
        format!(
            r#"{{"PolicyName":"p{i}","PolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":[{}],"Resource":"*"}}]}}}}"#,
            actions.join(",")
        )
    };
    let account = format!(
        r#"{{"AccountId":"123456789012","UserDetailList":[{{"UserName":"bob","UserId":"AIDABOB","Arn":"arn:aws:iam::123456789012:user/bob","Path":"/","UserPolicyList":[{},{}]}}]}}"#,
        statement(1),
        statement(2)
    );
    let loaded = crate::io::load_bytes("account.json", account.as_bytes()).expect("loads");
    let result = lint_account(&loaded.model);
    let total = result
        .policies
        .iter()
        .find(|p| p.source.locator() == "user/bob/inline")
        .expect("an aggregate finding");
    assert_eq!(codes(&total.findings), ["inline-policies-too-large"]);
    assert!(
        total.findings[0].message.contains("2048"),
        "{}",
        total.findings[0].message
    );
}

#[test]
fn every_check_is_documented_once() {
    let mut seen = std::collections::HashSet::new();
    for check in CHECKS {
        assert!(seen.insert(check.code), "{} twice", check.code);
        assert!(!check.summary.is_empty());
    }
}

// ---- trust policies for identity providers ----

const GITHUB_PROVIDER: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

/// A trust policy letting `principal` call `action`, under `condition`.
fn federated_trust(principal: &str, action: &str, condition: &str) -> String {
    policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{principal}"}},"Action":"{action}","Condition":{condition}}}"#
    ))
}

#[test]
fn github_trust_without_a_sub_condition_admits_any_repository() {
    // IAM User Guide, "Configuring a role for GitHub OIDC identity provider":
    // the sub condition names the repository; the audience is the same
    // (sts.amazonaws.com) for every workflow on GitHub.
    let audience_only = federated_trust(
        GITHUB_PROVIDER,
        "sts:AssumeRoleWithWebIdentity",
        r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#,
    );
    let f = has(&audience_only, PolicyKind::Trust, "github-trust-any-repository");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.path, "Statement[0].Principal.Federated");
    assert!(f.message.contains("any repository on GitHub"), "{}", f.message);
    assert!(f.help.as_deref().unwrap().contains("repo:OWNER/REPOSITORY"));
    // the generic check stays quiet: one finding per cause
    lacks(&audience_only, PolicyKind::Trust, "oidc-trust-unscoped");
    let named = federated_trust(
        GITHUB_PROVIDER,
        "sts:AssumeRoleWithWebIdentity",
        r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:org/app:ref:refs/heads/main"}}"#,
    );
    lacks(&named, PolicyKind::Trust, "github-trust-any-repository");
    // a negated condition names nobody in particular
    has(
        &federated_trust(
            GITHUB_PROVIDER,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:evil/*"}}"#,
        ),
        PolicyKind::Trust,
        "github-trust-any-repository",
    );
    // a statement for another action does not admit the provider's users
    lacks(
        &federated_trust(GITHUB_PROVIDER, "sts:TagSession", "{}"),
        PolicyKind::Trust,
        "github-trust-any-repository",
    );
    // only trust policies: an identity policy has no Principal to check
    lacks(&audience_only, PolicyKind::Resource, "github-trust-any-repository");
}

#[test]
fn a_negated_sub_condition_is_named_as_what_it_is() {
    // "Condition operators": StringNotLike holds for every value it does
    // not name, so it scopes nothing; the finding says it is there.
    let f = has(
        &federated_trust(
            GITHUB_PROVIDER,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:evil/*"}}"#,
        ),
        PolicyKind::Trust,
        "github-trust-any-repository",
    );
    assert!(
        f.message
            .contains("with only StringNotLike token.actions.githubusercontent.com:sub"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("without a condition"), "{}", f.message);
}

#[test]
fn an_eks_trust_with_only_the_audience_admits_every_service_account() {
    // Amazon EKS User Guide, "Assign IAM roles to Kubernetes service
    // accounts": every pod of the cluster gets a token for sts.amazonaws.com;
    // the sub condition names the service account.
    let eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE1";
    let f = has(
        &federated_trust(
            eks,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE1:aud":"sts.amazonaws.com"}}"#,
        ),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
    assert!(f.message.contains("any service account"), "{}", f.message);
    assert!(f.help.as_deref().unwrap().contains("system:serviceaccount:"));
    lacks(
        &federated_trust(
            eks,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE1:aud":"sts.amazonaws.com","oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE1:sub":"system:serviceaccount:payments:api"}}"#,
        ),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
}

#[test]
fn a_github_sub_pattern_must_name_the_owner() {
    // Same page: the owner part of repo:OWNER/REPOSITORY is what keeps other
    // people's repositories out.
    for open in ["repo:*", "repo:org*/app:*", "repo:*/app:ref:refs/heads/main", "*"] {
        let text = federated_trust(
            GITHUB_PROVIDER,
            "sts:AssumeRoleWithWebIdentity",
            &format!(r#"{{"StringLike":{{"token.actions.githubusercontent.com:sub":["repo:org/app:*","{open}"]}}}}"#),
        );
        let f = has(&text, PolicyKind::Trust, "github-sub-wildcard-owner");
        assert!(f.message.contains(open), "{}", f.message);
        assert!(
            f.path.ends_with("token.actions.githubusercontent.com:sub[1]"),
            "{}",
            f.path
        );
    }
    for closed in ["repo:org/*", "repo:org/app:*", "repo:org/app:ref:refs/heads/release-*"] {
        lacks(
            &federated_trust(
                GITHUB_PROVIDER,
                "sts:AssumeRoleWithWebIdentity",
                &format!(r#"{{"StringLike":{{"token.actions.githubusercontent.com:sub":"{closed}"}}}}"#),
            ),
            PolicyKind::Trust,
            "github-sub-wildcard-owner",
        );
    }
    // StringEquals reads * as a character: no wildcard there.
    lacks(
        &federated_trust(
            GITHUB_PROVIDER,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:*"}}"#,
        ),
        PolicyKind::Trust,
        "github-sub-wildcard-owner",
    );
}

#[test]
fn oidc_and_web_identity_trusts_need_an_audience_or_a_subject() {
    // IAM User Guide, "Available keys for AWS STS federation": aud, sub,
    // app_id, user_id say which app and which user a token is for.
    let gitlab = "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com";
    let f = has(
        &federated_trust(gitlab, "sts:AssumeRoleWithWebIdentity", "{}"),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
    assert!(
        f.message.contains("gitlab.example.com:aud or gitlab.example.com:sub"),
        "{}",
        f.message
    );
    lacks(
        &federated_trust(
            gitlab,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringEquals":{"gitlab.example.com:aud":"https://gitlab.example.com"}}"#,
        ),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
    let amazon = has(
        &federated_trust("www.amazon.com", "sts:AssumeRoleWithWebIdentity", "{}"),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
    assert!(amazon.message.contains("www.amazon.com:app_id"), "{}", amazon.message);
    // a bare * matches every app
    has(
        &federated_trust(
            "accounts.google.com",
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringLike":{"accounts.google.com:aud":"*"}}"#,
        ),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
    lacks(
        &federated_trust(
            "graph.facebook.com",
            "sts:AssumeRole*",
            r#"{"StringEquals":{"graph.facebook.com:app_id":"42"}}"#,
        ),
        PolicyKind::Trust,
        "oidc-trust-unscoped",
    );
}

#[test]
fn saml_and_cognito_trusts_need_their_audience() {
    // IAM User Guide, "Available keys for SAML-based AWS STS federation"
    // (saml:aud, the assertion's Recipient).
    let saml = "arn:aws:iam::111122223333:saml-provider/CorpIdP";
    let f = has(
        &federated_trust(saml, "sts:AssumeRoleWithSAML", "{}"),
        PolicyKind::Trust,
        "saml-trust-without-aud",
    );
    assert!(
        f.help
            .as_deref()
            .unwrap()
            .contains("https://signin.aws.amazon.com/saml")
    );
    lacks(
        &federated_trust(
            saml,
            "sts:AssumeRoleWithSAML",
            r#"{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}"#,
        ),
        PolicyKind::Trust,
        "saml-trust-without-aud",
    );
    // Amazon Cognito Developer Guide, "Role trust and permissions".
    let f = has(
        &federated_trust(
            "cognito-identity.amazonaws.com",
            "sts:AssumeRoleWithWebIdentity",
            r#"{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}"#,
        ),
        PolicyKind::Trust,
        "cognito-trust-without-aud",
    );
    assert!(f.message.contains("any identity pool"), "{}", f.message);
    lacks(
        &federated_trust(
            "cognito-identity.amazonaws.com",
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringEquals":{"cognito-identity.amazonaws.com:aud":"eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10"}}"#,
        ),
        PolicyKind::Trust,
        "cognito-trust-without-aud",
    );
}

#[test]
fn the_demo_accounts_federated_trusts_are_clean() {
    let loaded = crate::io::load(&[], None).expect("the demo loads");
    let result = lint_account(&loaded.model);
    let federation = [
        "oidc-trust-unscoped",
        "github-trust-any-repository",
        "github-sub-wildcard-owner",
        "saml-trust-without-aud",
        "cognito-trust-without-aud",
    ];
    let found: Vec<&str> = result
        .findings()
        .map(|(_, f)| f.code)
        .filter(|c| federation.contains(c))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

// IAM JSON policy elements: Sid — IAM takes ASCII letters and digits only;
// S3, SNS and SQS policies take more.
#[test]
fn sids_of_iam_policies_hold_letters_and_digits_only() {
    lacks(
        &policy(r#"{"Sid":"ReadPhotos2","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#),
        PolicyKind::Identity,
        "sid-format",
    );
    let text =
        policy(r#"{"Sid":"read-photos","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#);
    let f = has(&text, PolicyKind::Identity, "sid-format");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.path, "Statement[0].Sid");
    assert!(f.help.as_deref().is_some_and(|h| h.contains("`readphotos`")), "{f:?}");
    has(&text, PolicyKind::Boundary, "sid-format");
    // A bucket policy may say "Allow get requests".
    lacks(
        &policy(
            r#"{"Sid":"Allow get requests","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        ),
        PolicyKind::Resource,
        "sid-format",
    );
}

// "Principal" page: an account is its 12-digit id or its root ARN.
#[test]
fn account_ids_are_twelve_digits() {
    let trust = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    for fine in [
        "111122223333",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:role/app",
        "AROAEXAMPLEID1234567",
        "*",
    ] {
        lacks(&trust(fine), PolicyKind::Trust, "account-id-invalid");
    }
    let f = has(
        &trust("arn:aws:iam::AccountB-ID:root"),
        PolicyKind::Trust,
        "account-id-invalid",
    );
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.path, "Statement[0].Principal.AWS");
    assert!(
        f.message.contains("`AccountB-ID`") && f.message.contains("placeholder"),
        "{}",
        f.message
    );
    let short = has(&trust("11112222333"), PolicyKind::Trust, "account-id-invalid");
    assert!(short.message.contains("has 11 digits"), "{}", short.message);

    let resources = |arn: &str| {
        policy(&format!(
            r#"{{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"{arn}"}}"#
        ))
    };
    for fine in [
        "arn:aws:sqs:us-east-1:111122223333:jobs",
        "arn:aws:sqs:*:*:jobs",
        "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:jobs",
        "arn:aws:s3:::bucket/*",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ] {
        lacks(&resources(fine), PolicyKind::Identity, "account-id-invalid");
    }
    let f = has(
        &resources("arn:aws:sqs:us-east-1:<account-id>:jobs"),
        PolicyKind::Identity,
        "account-id-invalid",
    );
    assert_eq!(
        f.severity,
        Severity::Warning,
        "a resource ARN is legal, it only never matches"
    );
    assert_eq!(f.path, "Statement[0].Resource");
}

#[test]
fn resource_star_where_every_action_takes_a_resource_type() {
    let f = has(
        &policy(r#"{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}"#),
        PolicyKind::Identity,
        "resource-star",
    );
    assert_eq!(f.severity, Severity::Info);
    assert!(
        f.message.contains("s3 object") && f.message.contains("iam role"),
        "{}",
        f.message
    );
    assert!(
        f.help
            .as_deref()
            .is_some_and(|h| h.contains("ARNs like arn:${Partition}:s3:")),
        "{f:?}"
    );
    // s3:ListAllMyBuckets takes no resource type: `*` is the only way to write it.
    lacks(
        &policy(r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListAllMyBuckets"],"Resource":"*"}"#),
        PolicyKind::Identity,
        "resource-star",
    );
    // A wildcard action is not guessed at; named resources are the point.
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#),
        PolicyKind::Identity,
        "resource-star",
    );
    lacks(&policy(ALLOW_GET), PolicyKind::Identity, "resource-star");
}

// CloudFormation User Guide: a transform needs CreateChangeSet on
// arn:aws:cloudformation:REGION:aws:transform/NAME — a documented resource
// the Service Authorization Reference leaves out (catalog::documented).
#[test]
fn cloudformation_transforms_fit_create_change_set() {
    let transform = policy(
        r#"{"Effect":"Allow","Action":"cloudformation:CreateChangeSet","Resource":"arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31"}"#,
    );
    lacks(&transform, PolicyKind::Identity, "resource-type-mismatch");
    lacks(&transform, PolicyKind::Identity, "account-id-invalid");
    // The fact is about CreateChangeSet only.
    has(
        &policy(
            r#"{"Effect":"Allow","Action":"cloudformation:DeleteStack","Resource":"arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31"}"#,
        ),
        PolicyKind::Identity,
        "resource-type-mismatch",
    );
}

#[test]
fn a_trust_policy_open_to_everyone() {
    let trust = |principal: &str, condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
        )
    };
    let f = has(&trust(r#""*""#, ""), PolicyKind::Trust, "trust-open");
    assert_eq!(
        (f.severity, f.path.as_str()),
        (Severity::Warning, "Statement[0].Principal")
    );
    has(&trust(r#"{"AWS":"*"}"#, ""), PolicyKind::Trust, "trust-open");
    // A condition on who the caller is closes it; one on MFA does not.
    lacks(
        &trust(
            r#""*""#,
            r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#,
        ),
        PolicyKind::Trust,
        "trust-open",
    );
    has(
        &trust(
            r#""*""#,
            r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
        ),
        PolicyKind::Trust,
        "trust-open",
    );
    lacks(&trust(r#"{"AWS":"111122223333"}"#, ""), PolicyKind::Trust, "trust-open");
}

#[test]
fn a_bucket_or_queue_policy_letting_everyone_write() {
    let resource = |action: &str, condition: &str| {
        policy(&format!(
            r#"{{"Effect":"Allow","Principal":"*","Action":{action},"Resource":"arn:aws:s3:::b/*"{condition}}}"#
        ))
    };
    let f = has(&resource(r#""s3:PutObject""#, ""), PolicyKind::Resource, "public-write");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.path, "Statement[0].Action");
    let queue = policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sqs:ReceiveMessage","sqs:Send*"],"Resource":"arn:aws:sqs:us-east-1:111122223333:jobs"}"#,
    );
    let f = has(&queue, PolicyKind::Resource, "public-write");
    assert_eq!(f.path, "Statement[0].Action[1]");
    assert!(f.message.contains("e.g. `sqs:Send"), "{}", f.message);
    // Reading is not writing; a condition on the source narrows who.
    lacks(&resource(r#""s3:GetObject""#, ""), PolicyKind::Resource, "public-write");
    lacks(
        &resource(
            r#""s3:PutObject""#,
            r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
        ),
        PolicyKind::Resource,
        "public-write",
    );
    // An identity policy names no principal; it is not about this.
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#),
        PolicyKind::Identity,
        "public-write",
    );
}

#[test]
fn one_policy_holding_a_whole_escalation_pattern() {
    let f = has(
        &policy(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"},
               {"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:RunInstances"],"Resource":"*"}"#,
        ),
        PolicyKind::Identity,
        "escalation-set",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("iam:PassRole + ec2:RunInstances") && f.message.contains("`passrole-ec2`"),
        "{}",
        f.message
    );
    assert_eq!(f.path, "Statement[0].Action");
    // PassRole only to Lambda does not give the EC2 pattern
    // ("Grant a user permissions to pass a role to an AWS service").
    let to = |service: &str| {
        policy(&format!(
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{{"StringEquals":{{"iam:PassedToService":"{service}"}}}}}},
               {{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}}"#
        ))
    };
    lacks(&to("lambda.amazonaws.com"), PolicyKind::Identity, "escalation-set");
    has(&to("ec2.amazonaws.com"), PolicyKind::Identity, "escalation-set");
    // Half a pattern is not a set; `*` is full-access's to report.
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}"#),
        PolicyKind::Identity,
        "escalation-set",
    );
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
        PolicyKind::Identity,
        "escalation-set",
    );
    // A wildcard grants what it matches.
    let f = has(
        &policy(r#"{"Effect":"Allow","Action":"iam:Put*Policy","Resource":"*"}"#),
        PolicyKind::Identity,
        "escalation-set",
    );
    assert!(f.message.contains("`put-user-policy`"), "{}", f.message);
    // Denied-only or a boundary: nothing is granted.
    lacks(
        &policy(r#"{"Effect":"Deny","Action":"iam:PutUserPolicy","Resource":"*"}"#),
        PolicyKind::Identity,
        "escalation-set",
    );
    lacks(
        &policy(r#"{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"*"}"#),
        PolicyKind::Boundary,
        "escalation-set",
    );
}
