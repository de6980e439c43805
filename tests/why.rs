//! From the evidence to the statement: every AccessDenied message form AWS
//! documents ("Troubleshoot access denied error messages"), decoded
//! authorization messages, and CloudTrail records of each userIdentity type
//! (tests/why/, written by us from the documented formats) read into the
//! request they stand for, then answered against the demo account: the
//! explanation, the cross-check with AWS's words, and the fix.

use std::io::Write;
use std::path::{Path, PathBuf};

use iamscope::eval::{self, Decision, PrincipalSpec};
use iamscope::evidence::{
    self, AwsOutcome, Denial, Evidence, EvidenceError, Fix, Input, Kind, Origin, PolicyType, Verdict,
};
use iamscope::model::Model;
use jiff::Timestamp;
use serde_json::json;

const ACCOUNT: &str = "111122223333";

fn now() -> Timestamp {
    "2026-10-28T12:00:00Z".parse().expect("a timestamp")
}

fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/why").join(name)
}

fn read(name: &str) -> Result<Input, EvidenceError> {
    evidence::read(&std::fs::read(path(name)).expect("the fixture exists"), now())
}

fn one(name: &str) -> Evidence {
    match read(name) {
        Ok(Input::One(e)) => *e,
        Ok(Input::Trail(_)) => panic!("{name}: a trail, not one request"),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn trail(name: &str) -> evidence::Trail {
    match read(name) {
        Ok(Input::Trail(t)) => t,
        Ok(Input::One(_)) => panic!("{name}: one request, not a trail"),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn demo() -> Model {
    iamscope::io::load(&[], None).expect("the demo account loads").model
}

fn context(e: &Evidence, key: &str) -> Option<Vec<String>> {
    e.request.context.get(key).map(<[String]>::to_vec)
}

fn user(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

fn session(role: &str, name: &str) -> String {
    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{name}")
}

/// What one message fixture must read as.
struct Form {
    file: &'static str,
    principal: String,
    action: &'static str,
    resource: &'static str,
    code: Option<&'static str>,
    operation: Option<&'static str>,
    denial: Option<Denial>,
    policy_type: Option<PolicyType>,
    policy_arn: Option<&'static str>,
    encoded: bool,
}

impl Form {
    fn new(file: &'static str, principal: String, action: &'static str, resource: &'static str) -> Form {
        Form {
            file,
            principal,
            action,
            resource,
            code: None,
            operation: None,
            denial: None,
            policy_type: None,
            policy_arn: None,
            encoded: false,
        }
    }
    fn implicit(mut self, t: PolicyType) -> Form {
        self.denial = Some(Denial::Implicit);
        self.policy_type = Some(t);
        self
    }
    fn explicit(mut self, t: PolicyType, arn: Option<&'static str>) -> Form {
        self.denial = Some(Denial::Explicit);
        self.policy_type = Some(t);
        self.policy_arn = arn;
        self
    }
    fn wrapped(mut self, code: &'static str, operation: Option<&'static str>) -> Form {
        self.code = Some(code);
        self.operation = operation;
        self
    }
}

fn forms() -> Vec<Form> {
    use PolicyType::*;
    let photo = "arn:aws:s3:::photos/cat.jpg";
    let web = session("WebServerRole", "i-0abc123def4567890");
    let deploy = session("DeployRole", "release");
    let orders = session("OrdersFunctionRole", "orders-fn");
    let payments = "arn:aws:dynamodb:eu-west-1:111122223333:table/payments";
    let prod = "arn:aws:dynamodb:eu-west-1:111122223333:table/prod-orders";
    let artifact = "arn:aws:s3:::build-artifacts/app.zip";
    vec![
        Form::new("messages/core-only.txt", user("alice"), "s3:PutObject", photo),
        Form::new(
            "messages/implicit-identity-based.txt",
            user("alice"),
            "s3:PutObject",
            photo,
        )
        .implicit(IdentityBased),
        Form::new(
            "messages/implicit-resource-based.txt",
            web.clone(),
            "s3:GetObject",
            artifact,
        )
        .implicit(ResourceBased),
        Form::new(
            "messages/implicit-permissions-boundary.txt",
            user("carol"),
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/dev-orders",
        )
        .implicit(PermissionsBoundary),
        Form::new(
            "messages/implicit-session-policy.txt",
            deploy.clone(),
            "s3:ListBucket",
            "arn:aws:s3:::build-artifacts",
        )
        .implicit(SessionPolicy),
        Form::new(
            "messages/implicit-service-control-policy.txt",
            user("alice"),
            "s3:GetObject",
            photo,
        )
        .implicit(ServiceControlPolicy),
        Form::new(
            "messages/implicit-vpc-endpoint-policy.txt",
            web.clone(),
            "s3:GetObject",
            photo,
        )
        .implicit(VpcEndpointPolicy),
        Form::new(
            "messages/explicit-identity-based.txt",
            user("alice"),
            "dynamodb:GetItem",
            prod,
        )
        .explicit(IdentityBased, None),
        Form::new(
            "messages/explicit-identity-based-with-arn.txt",
            user("alice"),
            "dynamodb:GetItem",
            prod,
        )
        .explicit(
            IdentityBased,
            Some("arn:aws:iam::111122223333:policy/DenyProductionData"),
        ),
        Form::new(
            "messages/explicit-resource-based.txt",
            user("bob"),
            "s3:PutObject",
            "arn:aws:s3:::photos/uploads/x.jpg",
        )
        .explicit(ResourceBased, None),
        Form::new(
            "messages/explicit-permissions-boundary.txt",
            user("carol"),
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/eve",
        )
        .explicit(
            PermissionsBoundary,
            Some("arn:aws:iam::111122223333:policy/ContractorBoundary"),
        ),
        Form::new(
            "messages/explicit-session-policy.txt",
            deploy.clone(),
            "s3:DeleteObject",
            artifact,
        )
        .explicit(SessionPolicy, None),
        Form::new(
            "messages/explicit-service-control-policy.txt",
            deploy.clone(),
            "ec2:RunInstances",
            "arn:aws:ec2:us-west-2:111122223333:instance/*",
        )
        .explicit(
            ServiceControlPolicy,
            Some("arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examp1e"),
        ),
        Form::new(
            "messages/explicit-resource-control-policy.txt",
            user("alice"),
            "s3:GetObject",
            photo,
        )
        .explicit(
            ResourceControlPolicy,
            Some("arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/resource_control_policy/p-examp2e"),
        ),
        Form::new("messages/explicit-vpc-endpoint-policy.txt", web, "s3:GetObject", photo)
            .explicit(VpcEndpointPolicy, None),
        Form::new("messages/cli-wrapper.txt", user("alice"), "s3:PutObject", photo)
            .implicit(IdentityBased)
            .wrapped("AccessDenied", Some("PutObject")),
        Form::new("messages/wrapped-lines.txt", user("alice"), "s3:PutObject", photo)
            .implicit(IdentityBased)
            .wrapped("AccessDenied", Some("PutObject")),
        Form::new(
            "messages/no-resource-needed.txt",
            user("alice"),
            "codecommit:ListRepositories",
            "*",
        )
        .implicit(IdentityBased),
        Form {
            encoded: true,
            ..Form::new(
                "messages/unauthorized-operation.txt",
                user("bob"),
                "ec2:RunInstances",
                "arn:aws:ec2:eu-west-1:111122223333:instance/*",
            )
            .implicit(IdentityBased)
            .wrapped("UnauthorizedOperation", Some("RunInstances"))
        },
        Form::new(
            "messages/access-denied-exception.txt",
            orders.clone(),
            "dynamodb:GetItem",
            payments,
        )
        .implicit(IdentityBased)
        .wrapped("AccessDeniedException", Some("GetItem")),
        Form::new(
            "messages/json-error-body.json",
            orders,
            "dynamodb:Scan",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        )
        .implicit(IdentityBased)
        .wrapped("AccessDeniedException", None),
        Form::new("messages/s3-xml-body.xml", user("bob"), "s3:GetObject", artifact)
            .implicit(IdentityBased)
            .wrapped("AccessDenied", None),
        Form::new("messages/go-sdk.txt", user("bob"), "s3:GetObject", artifact)
            .implicit(IdentityBased)
            .wrapped("AccessDenied", Some("GetObject")),
        Form::new("messages/java-sdk.txt", user("bob"), "s3:GetObject", artifact)
            .implicit(IdentityBased)
            .wrapped("AccessDenied", None),
        Form::new(
            "messages/federated-user.txt",
            format!("arn:aws:sts::{ACCOUNT}:federated-user/partner-portal"),
            "s3:GetObject",
            photo,
        )
        .implicit(IdentityBased),
        Form::new(
            "messages/root.txt",
            format!("arn:aws:iam::{ACCOUNT}:root"),
            "organizations:LeaveOrganization",
            "*",
        )
        .explicit(ServiceControlPolicy, None),
    ]
}

/// Message fixtures that must be refused, with words the error must hold.
const REFUSED: [(&str, &[&str]); 3] = [
    (
        "messages/no-resource-cut.txt",
        &[
            "found the principal and action, but no resource",
            "paste the whole message",
        ],
    ),
    (
        "messages/s3-plain-access-denied.txt",
        &[
            "the error code AccessDenied",
            "the operation GetObject",
            "CloudTrail event",
        ],
    ),
    (
        "messages/unauthorized-operation-encoded-only.txt",
        &[
            "an encoded authorization failure message",
            "aws sts decode-authorization-message",
        ],
    ),
];

#[test]
fn every_documented_message_form_reads_into_its_request() {
    for form in forms() {
        let e = one(form.file);
        let f = form.file;
        assert_eq!(e.kind, Kind::ErrorMessage, "{f}");
        assert_eq!(e.request.principal, PrincipalSpec::Arn(form.principal.clone()), "{f}");
        assert_eq!(e.request.action, form.action, "{f}");
        assert_eq!(e.request.resource, form.resource, "{f}");
        assert_eq!(e.aws.outcome, AwsOutcome::Denied, "{f}");
        assert_eq!(e.aws.error_code.as_deref(), form.code, "{f}");
        assert_eq!(e.aws.operation.as_deref(), form.operation, "{f}");
        assert_eq!(e.aws.denial, form.denial, "{f}");
        assert_eq!(e.aws.policy_type, form.policy_type, "{f}");
        assert_eq!(e.aws.policy_arn.as_deref(), form.policy_arn, "{f}");
        assert_eq!(e.aws.encoded_message.is_some(), form.encoded, "{f}");
        assert_eq!(
            e.field("principal").map(|p| &p.origin),
            Some(&Origin::message("after \"User:\"")),
            "{f}"
        );
        // A message carries no time: the caller's `now` is the request's, and says so.
        assert_eq!(e.time, now(), "{f}");
        assert!(
            matches!(e.field("time").map(|t| &t.origin), Some(Origin::Assumed { .. })),
            "{f}"
        );
    }
}

#[test]
fn every_fixture_is_in_a_table() {
    let known: Vec<String> = forms()
        .iter()
        .map(|f| f.file.to_owned())
        .chain(REFUSED.iter().map(|(f, _)| (*f).to_owned()))
        .collect();
    for entry in std::fs::read_dir(path("messages")).expect("the folder exists") {
        let name = format!("messages/{}", entry.expect("an entry").file_name().to_string_lossy());
        assert!(known.contains(&name), "{name} is in no table of tests/why.rs");
    }
}

#[test]
fn unreadable_messages_say_what_was_found_and_what_was_missing() {
    for (file, words) in REFUSED {
        let error = match read(file) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{file} was read"),
        };
        for word in words {
            assert!(error.contains(word), "{file}: {error}");
        }
    }
    let error = evidence::read_text("hello, I was denied", now())
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("found no principal, action and resource"), "{error}");
    let error = evidence::read_text("{\"Records\": 5}", now()).unwrap_err().to_string();
    assert!(error.contains("Records is not a list"), "{error}");
    let error = evidence::read_text("{\"Records\": [", now()).unwrap_err().to_string();
    assert!(error.contains("line 1, column"), "{error}");
    let error = evidence::read(&[0xff, 0xfe, 0x00], now()).unwrap_err().to_string();
    assert!(error.contains("not UTF-8"), "{error}");
}

#[test]
fn an_anonymous_request_is_not_a_principal_iamscope_can_evaluate() {
    let error = evidence::read_text(
        "User: anonymous is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::photos/cat.jpg",
        now(),
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("anonymous (not signed)"), "{error}");
}

#[test]
fn a_decoded_message_gives_its_context_and_matched_statements() {
    // AWS's own example writes the action without its prefix: aws:Service names it.
    let e = one("decoded/decoded-wrapped.json");
    assert_eq!(e.kind, Kind::DecodedAuthorizationMessage);
    assert_eq!(
        e.request.principal,
        PrincipalSpec::Arn(session("DeployRole", "release"))
    );
    assert_eq!(e.request.action, "ec2:RunInstances");
    assert!(
        matches!(&e.field("action").unwrap().origin, Origin::DecodedMessage { part } if part.contains("aws:Service"))
    );
    assert_eq!(context(&e, "ec2:InstanceType"), Some(vec!["t3.micro".to_owned()]));
    assert_eq!(context(&e, "aws:RequestedRegion"), Some(vec!["us-west-2".to_owned()]));
    // the authorizer's own bookkeeping is not a condition key
    assert_eq!(context(&e, "aws:Resource"), None);
    assert_eq!(context(&e, "aws:Account"), None);
    assert_eq!(e.aws.denial, Some(Denial::Explicit));
    assert_eq!(
        e.aws.matched_statements[0].sid.as_deref(),
        Some("DenyOutsideAllowedRegions")
    );

    let a = evidence::answer(&demo(), &e);
    assert_eq!(a.decision(), Some(Decision::ExplicitDeny));
    assert_eq!(a.cross_check.verdict, Verdict::Agrees);
    assert!(
        a.cross_check
            .findings
            .iter()
            .any(|f| f.contains("matched statements include iamscope's")),
        "{:?}",
        a.cross_check.findings
    );

    let e = one("decoded/decoded-text.json");
    assert_eq!(e.request.principal, PrincipalSpec::Arn(user("bob")));
    assert_eq!(e.aws.denial, Some(Denial::Implicit));
    assert_eq!(evidence::answer(&demo(), &e).cross_check.verdict, Verdict::Agrees);
}

#[test]
fn an_iam_users_event_gives_the_request_and_its_circumstances() {
    let e = one("cloudtrail/iam-user.json");
    assert_eq!(e.kind, Kind::CloudTrailEvent);
    assert_eq!(e.request.principal, PrincipalSpec::Arn(user("alice")));
    assert_eq!(e.request.action, "s3:PutObject");
    // of the two resources the event lists, the object is what PutObject acts on
    assert_eq!(e.request.resource, "arn:aws:s3:::photos/cat.jpg");
    assert_eq!(e.field("resource").unwrap().origin, Origin::event("resources[0].ARN"));
    let time: Timestamp = "2026-10-28T09:00:00Z".parse().unwrap();
    assert_eq!(e.time, time);
    assert_eq!(e.request.time, time);
    for (key, value) in [
        ("aws:SourceIp", "203.0.113.7"),
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:SecureTransport", "true"),
        ("aws:CurrentTime", "2026-10-28T09:00:00Z"),
        ("aws:UserAgent", "aws-cli/2.15.0 Python/3.11.6"),
        ("s3:TlsVersion", "1.3"),
        ("s3:signatureversion", "AWS4-HMAC-SHA256"),
        ("s3:authType", "REST-HEADER"),
    ] {
        assert_eq!(context(&e, key), Some(vec![value.to_owned()]), "{key}");
    }
    // a long-term access key's request carries no aws:MultiFactorAuthPresent
    assert_eq!(context(&e, "aws:MultiFactorAuthPresent"), None);
    assert_eq!(e.aws.outcome, AwsOutcome::Denied);
    assert_eq!(e.aws.error_code.as_deref(), Some("AccessDenied"));
}

#[test]
fn an_assumed_roles_session_context_becomes_condition_keys() {
    let e = one("cloudtrail/assumed-role.json");
    assert_eq!(
        e.request.principal,
        PrincipalSpec::Arn(session("DeployRole", "release"))
    );
    assert_eq!(context(&e, "aws:MultiFactorAuthPresent"), Some(vec!["true".to_owned()]));
    assert_eq!(
        context(&e, "aws:TokenIssueTime"),
        Some(vec!["2026-10-28T08:30:00Z".to_owned()])
    );
    assert_eq!(context(&e, "aws:MultiFactorAuthAge"), Some(vec!["1800".to_owned()]));
    assert!(matches!(
        e.field("aws:MultiFactorAuthAge").unwrap().origin,
        Origin::Assumed { .. }
    ));
    assert_eq!(context(&e, "aws:SourceIdentity"), Some(vec!["dave".to_owned()]));
    // EC2's code carries a `Client.` prefix, and its message an encoded blob
    assert_eq!(e.aws.outcome, AwsOutcome::Denied);
    assert!(e.aws.encoded_message.is_some());
    assert!(e.notes.iter().any(|n| n.contains("decode-authorization-message")));
    // RunInstances names no instance: `*` stands for it, and says so
    assert_eq!(e.request.resource, "*");
    assert!(matches!(e.field("resource").unwrap().origin, Origin::Assumed { .. }));

    let a = evidence::answer(&demo(), &e);
    assert_eq!(a.decision(), Some(Decision::ExplicitDeny));
    let Some(Fix::RemoveDeny { statements }) = &a.fix else {
        panic!("{:?}", a.fix)
    };
    assert_eq!(&*statements[0].statement, "DenyOutsideAllowedRegions");
}

#[test]
fn a_cognito_session_is_evaluated_as_its_identity_pools_identity() {
    let e = one("cloudtrail/assumed-role-cognito.json");
    assert_eq!(
        context(&e, "aws:FederatedProvider"),
        Some(vec!["cognito-identity.amazonaws.com".to_owned()])
    );
    let a = evidence::answer(&demo(), &e);
    assert_eq!(
        a.evidence.request.principal,
        PrincipalSpec::IdentityPool {
            id: "eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10".to_owned(),
            authenticated: false
        }
    );
    assert!(
        a.evidence
            .field("principal")
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("unauthenticated role")
    );
    assert_eq!(a.decision(), Some(Decision::ImplicitDeny));

    // AssumeRoleWithWebIdentity by the Cognito identity itself
    let a = evidence::answer(&demo(), &one("cloudtrail/web-identity-user.json"));
    assert_eq!(
        a.evidence.request.principal,
        PrincipalSpec::IdentityPool {
            id: "eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10".to_owned(),
            authenticated: true
        }
    );
    assert_eq!(a.decision(), Some(Decision::Allow));
    assert_eq!(a.cross_check.verdict, Verdict::Agrees);
}

#[test]
fn a_federated_user_is_evaluated_as_the_user_that_made_it() {
    let e = one("cloudtrail/federated-user.json");
    assert_eq!(e.request.principal, PrincipalSpec::Arn(user("bob")));
    let principal = e.field("principal").unwrap();
    assert_eq!(
        principal.origin,
        Origin::event("userIdentity.sessionContext.sessionIssuer.arn")
    );
    assert!(
        principal
            .note
            .as_deref()
            .unwrap()
            .contains("federated-user/partner-portal")
    );
    assert_eq!(e.aws.outcome, AwsOutcome::Allowed);
    assert_eq!(evidence::answer(&demo(), &e).cross_check.verdict, Verdict::Agrees);

    // A message names only the federated user: iamscope says whom to ask as.
    let a = evidence::answer(&demo(), &one("messages/federated-user.txt"));
    assert!(a.explanation.is_none());
    assert!(a.not_evaluated.as_deref().unwrap().contains("--principal user/NAME"));
    assert_eq!(a.cross_check.verdict, Verdict::Unknown);
}

#[test]
fn the_root_user_an_aws_service_and_another_account() {
    let e = one("cloudtrail/root.json");
    assert_eq!(
        e.request.principal,
        PrincipalSpec::Arn(format!("arn:aws:iam::{ACCOUNT}:root"))
    );
    assert_eq!(e.request.resource, "*");
    let a = evidence::answer(&demo(), &e);
    assert_eq!(a.decision(), Some(Decision::ExplicitDeny));

    let e = one("cloudtrail/aws-service.json");
    assert_eq!(
        e.request.principal,
        PrincipalSpec::Service("lambda.amazonaws.com".to_owned())
    );
    // sourceIPAddress is the service's name, not an address
    assert_eq!(context(&e, "aws:SourceIp"), None);
    assert!(e.notes.iter().any(|n| n.contains("not an address")));
    let a = evidence::answer(&demo(), &e);
    assert_eq!(a.decision(), Some(Decision::Allow));
    assert_eq!(a.cross_check.verdict, Verdict::Agrees);

    let e = one("cloudtrail/aws-account.json");
    assert_eq!(
        e.request.principal,
        PrincipalSpec::Arn("arn:aws:iam::444455556666:root".to_owned())
    );
    assert!(matches!(e.field("principal").unwrap().origin, Origin::Assumed { .. }));
    let a = evidence::answer(&demo(), &e);
    assert!(a.evidence.notes.iter().any(|n| n.contains("account 444455556666")));
    assert_ne!(a.decision(), Some(Decision::Allow));
}

#[test]
fn a_log_file_groups_denied_events_by_principal_and_action() {
    let t = trail("cloudtrail/log-file.json");
    assert_eq!(t.events.len(), 9);
    let grouped = evidence::group(&demo(), &t, false);
    assert_eq!(grouped.denied, 7);
    // the console sign-in is no API call
    assert_eq!(grouped.skipped.len(), 1);
    assert_eq!(grouped.skipped[0].event, 4);
    assert!(grouped.skipped[0].why.contains("AwsConsoleSignIn"));
    let first = &grouped.groups[0];
    assert_eq!(first.principal, user("alice"));
    assert_eq!(first.action, "s3:PutObject");
    assert_eq!(first.events, vec![1, 3, 6]);
    assert_eq!(first.resources.len(), 3);
    assert_eq!(first.iamscope.implicit_deny, 3);
    // two sessions of one role are one group
    let runs = grouped.groups.iter().find(|g| g.action == "ec2:RunInstances").unwrap();
    assert_eq!(runs.principal, format!("arn:aws:iam::{ACCOUNT}:role/DeployRole"));
    assert_eq!(runs.events.len(), 2);
    assert_eq!(runs.iamscope.explicit_deny, 2);
    // allowed events appear only with --all
    assert!(grouped.groups.iter().all(|g| g.aws_allowed == 0));
    let all = evidence::group(&demo(), &t, true);
    let list = all.groups.iter().find(|g| g.action == "s3:ListBucket").unwrap();
    assert_eq!(list.aws_allowed, 1);
    assert_eq!(list.iamscope.allow, 1);

    // S3's ListObjects is authorised by s3:ListBucket, and the origin says so
    let listing = t.events[4].evidence.as_ref().unwrap();
    assert_eq!(listing.request.action, "s3:ListBucket");
    assert!(
        listing
            .field("action")
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("ListObjects")
    );
    assert_eq!(context(listing, "s3:prefix"), Some(vec!["uploads/".to_owned()]));

    // IAM's requestParameters name the role; the workspace knows its ARN
    let attach = t.events[8].evidence.as_ref().unwrap();
    assert_eq!(
        attach.request.resource,
        format!("arn:aws:iam::{ACCOUNT}:role/DeployRole")
    );
    assert_eq!(
        attach.field("resource").unwrap().origin,
        Origin::event("requestParameters.roleName")
    );
    assert_eq!(attach.aws.policy_type, Some(PolicyType::IdentityBased));
}

#[test]
fn gzip_log_files_and_lookup_events_output_read_the_same() {
    let text = std::fs::read(path("cloudtrail/log-file.json")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let Input::Trail(t) = evidence::read(&gz.finish().unwrap(), now()).unwrap() else {
        panic!("a trail")
    };
    assert_eq!(t.events.len(), 9);
    assert_eq!(evidence::group(&demo(), &t, false).denied, 7);

    let t = trail("cloudtrail/lookup-events.json");
    assert_eq!(t.shape, evidence::cloudtrail::TrailShape::LookupEvents);
    assert_eq!(t.events.len(), 3);
    assert!(t.events.iter().all(|e| e.evidence.is_ok()));

    let broken = evidence::read(&[0x1f, 0x8b, 0x08, 0x00, 0x01], now()).unwrap_err();
    assert!(matches!(broken, EvidenceError::Gzip(_)), "{broken}");
}

#[test]
fn an_implicit_deny_gets_the_smallest_statement_checked_on_a_copy() {
    let model = demo();
    let a = evidence::answer(&model, &one("messages/cli-wrapper.txt"));
    assert_eq!(a.decision(), Some(Decision::ImplicitDeny));
    assert_eq!(a.cross_check.verdict, Verdict::Agrees);
    let Some(Fix::Allow {
        changes,
        decision,
        blocked,
        ..
    }) = &a.fix
    else {
        panic!("{:?}", a.fix)
    };
    assert_eq!(*decision, Decision::Allow);
    assert!(blocked.is_none());
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].statement,
        json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::photos/cat.jpg"})
    );
    // The claim holds on its own: apply the change and ask again.
    let mut copy = model.clone();
    iamscope::model::change::apply(&mut copy, &changes[0].change, now()).unwrap();
    assert_eq!(
        eval::decide(&copy, &a.evidence.request).unwrap().decision,
        Decision::Allow
    );
    // and the account itself is untouched
    assert_eq!(
        eval::decide(&model, &a.evidence.request).unwrap().decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn a_boundary_that_also_blocks_gets_its_statement_too() {
    let e = evidence::read_text(
        "User: arn:aws:iam::111122223333:user/carol is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-west-1:111122223333:function:orders because no identity-based policy allows the lambda:InvokeFunction action",
        now(),
    )
    .unwrap();
    let Input::One(e) = e else { panic!() };
    let a = evidence::answer(&demo(), &e);
    let Some(Fix::Allow { changes, decision, .. }) = &a.fix else {
        panic!("{:?}", a.fix)
    };
    assert_eq!(*decision, Decision::Allow);
    assert_eq!(changes.len(), 2);
    assert!(
        changes[0]
            .description
            .contains("inline policy AllowLambdaInvokeFunction to user carol")
    );
    assert!(
        changes[1]
            .description
            .contains("permissions boundary ContractorBoundary")
    );
}

/// A small account: `user` with `statements`, optional SCPs and resource policies.
fn account(statements: serde_json::Value, extra: serde_json::Value) -> Model {
    let mut account = json!({
        "AccountId": ACCOUNT,
        "UserDetailList": [{
            "UserName": "dev", "UserId": "AIDADEVEXAMPLE", "Path": "/",
            "Arn": user("dev"),
            "UserPolicyList": [{"PolicyName": "work", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
        }],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    for (key, value) in extra.as_object().unwrap() {
        account[key] = value.clone();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("account.json");
    std::fs::write(&file, account.to_string()).unwrap();
    iamscope::io::load(&[iamscope::io::AccountSource::File(file)], None)
        .expect("the account loads")
        .model
}

fn message(text: &str) -> Evidence {
    match evidence::read_text(text, now()).unwrap() {
        Input::One(e) => *e,
        Input::Trail(_) => panic!(),
    }
}

#[test]
fn aws_denied_but_iamscope_allows_names_the_missing_scps() {
    let model = account(
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
        json!({}),
    );
    let a = evidence::answer(
        &model,
        &message(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::data/report.csv with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examp1e",
        ),
    );
    assert_eq!(a.decision(), Some(Decision::Allow));
    assert_eq!(a.cross_check.verdict, Verdict::AwsDeniedIamscopeAllows);
    assert!(a.cross_check.findings[0].starts_with("AWS DENIED"));
    let missing = &a.cross_check.missing[0];
    assert_eq!(missing.key, Some("ServiceControlPolicies"));
    assert!(missing.what.contains("the workspace has none"), "{}", missing.what);
    assert!(missing.how.as_deref().unwrap().contains("--policy-id p-examp1e"));
    assert!(a.fix.is_none());
}

#[test]
fn a_resource_policy_aws_names_but_the_workspace_lacks_is_asked_for_by_command() {
    let model = account(
        json!([{"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "*"}]),
        json!({}),
    );
    let a = evidence::answer(
        &model,
        &message(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::data/report.csv because no resource-based policy allows the s3:GetObject action",
        ),
    );
    assert_eq!(a.cross_check.verdict, Verdict::AwsDeniedIamscopeAllows);
    let missing = &a.cross_check.missing[0];
    assert_eq!(missing.key, Some("ResourcePolicies"));
    assert!(missing.what.contains("arn:aws:s3:::data"), "{}", missing.what);
    assert_eq!(
        missing.how.as_deref(),
        Some("aws s3api get-bucket-policy --bucket data")
    );

    // A KMS key without a key policy in the workspace: its key policy is what to add.
    let a = evidence::answer(
        &model,
        &message(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no resource-based policy allows the kms:Decrypt action",
        ),
    );
    assert_eq!(a.cross_check.verdict, Verdict::AwsDeniedIamscopeAllows);
    let missing = &a.cross_check.missing[0];
    assert!(missing.what.starts_with("the key policy of"), "{}", missing.what);
    assert!(
        missing
            .how
            .as_deref()
            .unwrap()
            .starts_with("aws kms get-key-policy --key-id 1234abcd")
    );
}

#[test]
fn without_a_named_type_every_likely_gap_is_listed() {
    let model = account(
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
        json!({}),
    );
    let a = evidence::answer(
        &model,
        &message(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::data/report.csv",
        ),
    );
    assert_eq!(a.cross_check.verdict, Verdict::AwsDeniedIamscopeAllows);
    let keys: Vec<Option<&str>> = a.cross_check.missing.iter().map(|m| m.key).collect();
    assert_eq!(
        keys,
        vec![
            Some("ServiceControlPolicies"),
            Some("ResourceControlPolicies"),
            Some("ResourcePolicies")
        ]
    );
}

#[test]
fn an_scp_that_allows_nothing_is_what_blocks_the_fix() {
    let model = account(
        json!([]),
        json!({"ServiceControlPolicies": [{"Name": "OnlyS3", "Target": "r-a1b2", "Policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]}),
    );
    let a = evidence::answer(
        &model,
        &message(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/t because no service control policy allows the dynamodb:GetItem action",
        ),
    );
    assert_eq!(a.cross_check.verdict, Verdict::Agrees);
    let Some(Fix::Elsewhere { why }) = &a.fix else {
        panic!("{:?}", a.fix)
    };
    assert!(why.contains("management account"), "{why}");
}

#[test]
fn an_aws_managed_boundary_leaves_the_fix_blocked_and_says_why() {
    let model = account(json!([]), json!({}));
    let mut account_data = model.account().clone();
    account_data.users[0].permissions_boundary = Some(iamscope::model::PermissionsBoundary {
        arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".to_owned(),
    });
    let managed = iamscope::catalog::managed::aws_managed_policies()
        .get_by_name("AmazonS3ReadOnlyAccess")
        .and_then(iamscope::model::ManagedPolicy::from_library)
        .unwrap();
    account_data.policies.push(managed);
    let model = Model::new(account_data);
    let a = evidence::answer(
        &model,
        &message(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/t",
        ),
    );
    let Some(Fix::Allow {
        changes,
        decision,
        blocked,
        ..
    }) = &a.fix
    else {
        panic!("{:?}", a.fix)
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(*decision, Decision::ImplicitDeny);
    assert!(blocked.as_deref().unwrap().contains("AWS managed"), "{blocked:?}");
}

#[test]
fn aws_allowed_but_iamscope_denies_after_a_change() {
    // The event succeeded; the demo account would deny it now.
    let mut event: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path("cloudtrail/iam-user.json")).unwrap()).unwrap();
    let object = event.as_object_mut().unwrap();
    object.remove("errorCode");
    object.remove("errorMessage");
    let Input::One(e) = evidence::read_text(&event.to_string(), now()).unwrap() else {
        panic!()
    };
    assert_eq!(e.aws.outcome, AwsOutcome::Allowed);
    let a = evidence::answer(&demo(), &e);
    assert_eq!(a.cross_check.verdict, Verdict::AwsAllowedIamscopeDenies);
    assert!(a.cross_check.findings[0].contains("AWS ALLOWED"));
}

#[test]
fn a_principal_of_another_account_is_noted() {
    let a = evidence::answer(
        &demo(),
        &message(
            "User: arn:aws:iam::444455556666:user/partner is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::build-artifacts/app.zip",
        ),
    );
    assert!(a.evidence.notes.iter().any(|n| n.contains("account 444455556666")));
    assert!(a.explanation.is_some());
}

#[test]
fn the_answer_as_json() {
    let a = evidence::answer(&demo(), &one("messages/cli-wrapper.txt"));
    insta::assert_json_snapshot!("why-cli-wrapper-answer", a);
}

#[test]
fn the_log_listing_as_json() {
    let grouped = evidence::group(&demo(), &trail("cloudtrail/log-file.json"), false);
    insta::assert_json_snapshot!("why-log-file-groups", grouped);
}
