//! Snapshots of explanations for requests against the demo account: the
//! JSON the `--json` flag prints and the text the CLI renders (without
//! colour). A change to wording, order or structure shows up as a diff to
//! review; accept it only when the new explanation is the one we want.

use iamscope::cli::render::{self, Paint};
use iamscope::eval::{self, Explanation, PrincipalSpec, Request};
use iamscope::model::Model;

fn demo() -> Model {
    iamscope::io::load(&[], None).expect("the demo account loads").model
}

fn explain(principal: &str, action: &str, resource: &str, context: &[(&str, &str)]) -> Explanation {
    // A fixed time keeps aws:CurrentTime (and anything derived from it) stable.
    let mut request = Request::new(
        PrincipalSpec::parse(principal).expect("a principal"),
        action,
        resource,
        at(),
    );
    for (key, value) in context {
        request.context.add(key, *value);
    }
    eval::evaluate(&demo(), &request).expect("the principal is in the demo account")
}

fn at() -> jiff::Timestamp {
    "2026-10-28T09:00:00Z".parse().expect("a timestamp")
}

fn text(e: &Explanation) -> String {
    render::explanation(e, Paint { enabled: false })
}

/// Both renderings of one request, as two snapshots named after the case.
macro_rules! snapshot {
    ($name:literal, $explanation:expr) => {{
        let e = $explanation;
        insta::assert_json_snapshot!(concat!($name, "-json"), e);
        insta::assert_snapshot!(concat!($name, "-text"), text(&e));
        e
    }};
}

#[test]
fn allowed_by_a_group_policy() {
    let e = snapshot!(
        "allow-by-group-policy",
        explain("user/alice", "s3:GetObject", "arn:aws:s3:::photos/cat.jpg", &[])
    );
    assert_eq!(e.decision, eval::Decision::Allow);
}

#[test]
fn implicitly_denied_with_the_closest_statement() {
    let e = snapshot!(
        "implicit-deny-closest-statement",
        explain("user/alice", "s3:PutObject", "arn:aws:s3:::photos/cat.jpg", &[])
    );
    assert!(e.closest.is_some());
}

#[test]
fn explicitly_denied_by_an_scp() {
    let e = snapshot!(
        "explicit-deny-by-scp",
        explain(
            "role/DeployRole/release",
            "ec2:RunInstances",
            "arn:aws:ec2:us-west-2:111122223333:instance/*",
            &[]
        )
    );
    assert_eq!(e.decision, eval::Decision::ExplicitDeny);
}

#[test]
fn denied_by_the_permissions_boundary() {
    let e = snapshot!(
        "boundary-does-not-allow",
        explain(
            "user/carol",
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/dev-orders",
            &[]
        )
    );
    assert_eq!(e.rule(), "boundary-does-not-allow");
}

#[test]
fn trust_policy_that_demands_mfa() {
    let without = snapshot!(
        "trust-policy-mfa-missing",
        explain(
            "user/dave",
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/DeployRole",
            &[]
        )
    );
    assert_eq!(without.missing_context, ["aws:MultiFactorAuthPresent"]);
    let with = snapshot!(
        "trust-policy-mfa-present",
        explain(
            "user/dave",
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/DeployRole",
            &[("aws:MultiFactorAuthPresent", "true")]
        )
    );
    assert_eq!(with.decision, eval::Decision::Allow);
}

#[test]
fn identity_pool_guest_in_two_hops() {
    let e = snapshot!(
        "identity-pool-guest-two-hops",
        explain(
            "identity-pool/eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10:unauthenticated",
            "s3:GetObject",
            "arn:aws:s3:::photos/public/logo.png",
            &[]
        )
    );
    assert_eq!(e.hops.len(), 1);
}

#[test]
fn cross_account_partner() {
    let e = snapshot!(
        "cross-account-partner",
        explain(
            "arn:aws:iam::444455556666:user/partner",
            "s3:GetObject",
            "arn:aws:s3:::photos/public/logo.png",
            &[]
        )
    );
    assert_eq!(e.rule(), "both-accounts-allow");
}

#[test]
fn a_group_asked_as_a_principal_is_told_it_never_is_one() {
    let request = Request::new(
        PrincipalSpec::parse("arn:aws:iam::111122223333:group/Developers").unwrap(),
        "s3:GetObject",
        "arn:aws:s3:::photos/cat.jpg",
        at(),
    );
    let error = eval::evaluate(&demo(), &request).unwrap_err().to_string();
    assert!(error.contains("a group is never a principal"), "{error}");
}

/// Cognito developer guide, identity pools' basic (classic) flow: the
/// identity presents its own Cognito token to STS for any role, so only that
/// role's trust policy decides — its `amr` condition is what keeps guests out.
#[test]
fn in_the_classic_flow_a_guest_is_kept_from_the_signed_in_role_by_the_trust_policy_alone() {
    let guest = "identity-pool/eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10:unauthenticated";
    let role = "arn:aws:iam::111122223333:role/PhotoAppAuthRole";
    let ask = |model: &Model| {
        let request = Request::new(
            PrincipalSpec::parse(guest).unwrap(),
            "sts:AssumeRoleWithWebIdentity",
            role,
            at(),
        );
        eval::evaluate(model, &request).unwrap()
    };
    let mut model = demo();
    let e = ask(&model);
    assert_eq!(e.decision, eval::Decision::ImplicitDeny);
    assert!(text(&e).contains("cognito-identity.amazonaws.com:amr"), "{}", text(&e));
    // without the amr condition, a guest can take the signed-in role
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10"}}}]}"#;
    iamscope::model::change::apply(
        &mut model,
        &iamscope::model::change::Change::UpdateTrustPolicy {
            role: "PhotoAppAuthRole".into(),
            document: trust.into(),
        },
        "2026-10-28T09:00:00Z".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(ask(&model).decision, eval::Decision::Allow);
}
