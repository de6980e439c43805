//! `iamscope why` through the real binary: a message from a file or piped
//! in, JSON, a CloudTrail log's listing and one group or event in full,
//! gzip, clear errors with exit status 2, and no raw control characters.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/why")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn iamscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn piped(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("input written");
    child.wait_with_output().expect("the binary ends")
}

fn text(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    text(output)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_message_file_gives_request_explanation_cross_check_and_fix() {
    let out = ok(&iamscope(&["why", &fixture("messages/cli-wrapper.txt")]));
    for expected in [
        "AWS: denied (AccessDenied), operation PutObject",
        "because no identity-based policy allows the s3:PutObject action",
        "principal  arn:aws:iam::111122223333:user/alice",
        "from the message (after \"User:\")",
        "ImplicitDeny  user alice  s3:PutObject",
        "Cross-check with AWS's words: agrees",
        "add an inline policy AllowS3PutObject to user alice",
        "checked on a copy of the account: Allow",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn a_piped_message_is_read_from_standard_input() {
    let message = std::fs::read(fixture("messages/implicit-identity-based.txt")).unwrap();
    for args in [vec!["why"], vec!["why", "-"]] {
        let out = ok(&piped(&args, &message));
        assert!(out.contains("Cross-check with AWS's words: agrees"), "{out}");
    }
}

#[test]
fn json_output_is_the_answer() {
    let out = ok(&iamscope(&[
        "why",
        "--json",
        &fixture("messages/explicit-service-control-policy.txt"),
    ]));
    let answer: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(answer["explanation"]["decision"], "ExplicitDeny");
    assert_eq!(answer["cross_check"]["verdict"], "agrees");
    assert_eq!(answer["evidence"]["aws"]["policy_type"], "service-control-policy");
    assert_eq!(answer["fix"]["kind"], "remove-deny");
    assert_eq!(answer["fix"]["statements"][0]["statement"], "DenyOutsideAllowedRegions");
}

#[test]
fn a_log_lists_denied_groups_and_explains_one_on_request() {
    let log = fixture("cloudtrail/log-file.json");
    let out = ok(&iamscope(&["why", &log]));
    assert!(out.contains("9 events, 7 denied by AWS, 1 skipped"), "{out}");
    assert!(
        out.contains("#1 3 events arn:aws:iam::111122223333:user/alice  s3:PutObject"),
        "{out}"
    );
    assert!(out.contains("event 4 (ConsoleLogin)"), "{out}");
    assert!(!out.contains("s3:ListBucket"), "an allowed event without --all:\n{out}");
    assert!(out.contains("--group N"), "{out}");

    let all = ok(&iamscope(&["why", "--all", &log]));
    assert!(all.contains("s3:ListBucket"), "{all}");

    let group = ok(&iamscope(&["why", &log, "--group", "2"]));
    assert!(
        group.starts_with("Group 2: 2 events of arn:aws:iam::111122223333:role/DeployRole doing ec2:RunInstances"),
        "{group}"
    );
    assert!(group.contains("DenyOutsideAllowedRegions"), "{group}");
    assert!(group.contains("The group's other events"), "{group}");

    let event = ok(&iamscope(&[
        "why",
        &log,
        "--event",
        "0f5d7c3a-aaaa-4a2b-9c3d-000000000017",
    ]));
    assert!(event.contains("dynamodb:GetItem"), "{event}");
    assert!(
        event.contains("add an inline policy AllowDynamodbGetItem to role OrdersFunctionRole"),
        "{event}"
    );

    let json: Value = serde_json::from_str(&ok(&iamscope(&["why", "--json", &log]))).expect("JSON");
    assert_eq!(json["groups"][0]["events"].as_array().unwrap().len(), 3);

    let missing = iamscope(&["why", &log, "--event", "99"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no event 99"), "{}", stderr(&missing));
    let missing = iamscope(&["why", &log, "--group", "40"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("there is no group 40"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_gzip_log_reads_like_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let gz: PathBuf = dir
        .path()
        .join("111122223333_CloudTrail_eu-west-1_20261028T0900Z_example.json.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(&std::fs::read(fixture("cloudtrail/log-file.json")).unwrap())
        .unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let out = ok(&iamscope(&["why", &gz.to_string_lossy()]));
    assert!(out.contains("9 events, 7 denied by AWS"), "{out}");
}

#[test]
fn text_that_is_not_enough_is_refused_with_what_was_found() {
    let cut = iamscope(&["why", &fixture("messages/no-resource-cut.txt")]);
    assert_eq!(cut.status.code(), Some(2));
    assert!(
        stderr(&cut).contains("found the principal and action, but no resource: paste the whole message"),
        "{}",
        stderr(&cut)
    );
    let noise = piped(&["why"], b"something went wrong");
    assert_eq!(noise.status.code(), Some(2));
    assert!(
        stderr(&noise).contains("found no principal, action and resource"),
        "{}",
        stderr(&noise)
    );
    let flag = iamscope(&["why", "--all", &fixture("messages/core-only.txt")]);
    assert_eq!(flag.status.code(), Some(2));
    assert!(stderr(&flag).contains("apply to a log"), "{}", stderr(&flag));
}

#[test]
fn a_request_that_cannot_be_evaluated_says_why_and_whom_to_ask_as() {
    let federated = iamscope(&["why", &fixture("messages/federated-user.txt")]);
    assert_eq!(federated.status.code(), Some(2));
    assert!(
        stderr(&federated).contains("--principal user/NAME"),
        "{}",
        stderr(&federated)
    );
    // the reconstructed request is still shown
    assert!(text(&federated).contains("federated-user/partner-portal"));

    let as_bob = ok(&iamscope(&[
        "why",
        "--principal",
        "user/bob",
        &fixture("messages/federated-user.txt"),
    ]));
    assert!(as_bob.contains("given (--principal)"), "{as_bob}");
    assert!(
        as_bob.contains("the evidence names arn:aws:sts::111122223333:federated-user/partner-portal"),
        "{as_bob}"
    );
}

#[test]
fn aws_denied_but_iamscope_allows_is_said_first_and_loudly() {
    let out = ok(&iamscope(&["why", &fixture("messages/implicit-session-policy.txt")]));
    let banner = out
        .find("!! AWS DENIED this request, but iamscope ALLOWS it")
        .expect("the banner");
    assert!(banner < out.find("The request").unwrap(), "{out}");
    assert!(
        out.contains("Cross-check with AWS's words: AWS DENIED, IAMSCOPE ALLOWS"),
        "{out}"
    );
    assert!(out.contains("a session policy, which no export holds"), "{out}");
}

#[test]
fn a_workspace_without_scps_is_told_which_key_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let account = dir.path().join("account.json");
    std::fs::write(
        &account,
        serde_json::json!({
            "UserDetailList": [{
                "UserName": "dev", "UserId": "AIDADEVEXAMPLE", "Path": "/",
                "Arn": "arn:aws:iam::111122223333:user/dev",
                "UserPolicyList": [{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}],
            }],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
        })
        .to_string(),
    )
    .unwrap();
    let out = piped(
        &["why", "--account", &account.to_string_lossy()],
        b"User: arn:aws:iam::111122223333:user/dev is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-west-2:111122223333:instance/* with an explicit deny in a service control policy",
    );
    let out = ok(&out);
    assert!(
        out.contains("the organization's service control policies: the workspace has none"),
        "{out}"
    );
    assert!(
        out.contains("add it under the workspace key `ServiceControlPolicies`"),
        "{out}"
    );
}

#[test]
fn control_characters_from_the_input_are_never_printed_raw() {
    let hostile = b"User: arn:aws:iam::111122223333:user/al\x1b[31mice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::photos/x\x07.jpg";
    let out = piped(&["why"], hostile);
    assert!(
        !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
        "{}",
        text(&out)
    );
    assert!(
        !out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07),
        "{}",
        stderr(&out)
    );
    assert!(text(&out).contains("al\\u001b[31mice"), "{}", text(&out));

    // A condition key's value from a decoded message shows in why a condition failed.
    let decoded = serde_json::json!({
        "allowed": false, "explicitDeny": false,
        "context": {
            "principal": {"arn": "arn:aws:iam::111122223333:user/alice"},
            "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/cat.jpg",
            "conditions": {"items": [{"key": "aws:SecureTransport", "values": {"items": [{"value": "tr\u{1b}]0;owned\u{7}ue"}]}}]}
        }
    });
    let out = piped(&["why"], decoded.to_string().as_bytes());
    assert!(
        !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("the request has aws:SecureTransport = tr\\u001b]0;owned\\u0007ue"),
        "{}",
        text(&out)
    );

    let bad_event = b"{\"eventSource\": \"s3.amazonaws.com\", \"eventName\": \"GetObject\", \"userIdentity\": {\"type\": \"Ev\\u001bil\"}}";
    let out = piped(&["why"], bad_event);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b), "{}", stderr(&out));
    assert!(stderr(&out).contains("type Ev\\u001bil"), "{}", stderr(&out));
}

#[test]
fn a_tools_words_after_an_unquoted_resource_are_not_part_of_it() {
    // The Go SDK and Terraform print `status code: 403, request id: …`
    // after the message; the resource ARN ends at the first space.
    let message = "AccessDenied: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: \
                   s3:PutObject on resource: arn:aws:s3:::photos/cat.jpg\n\tstatus code: 403, request id: 0123\n";
    let value: Value = serde_json::from_str(&ok(&piped(&["why", "--json", "-"], message.as_bytes()))).unwrap();
    let answer = if value.is_array() { &value[0] } else { &value };
    assert_eq!(
        answer["evidence"]["request"]["resource"], "arn:aws:s3:::photos/cat.jpg",
        "{answer:#}"
    );
}

#[test]
fn an_allow_fix_for_an_explicit_deny_the_workspace_lacks_says_it_is_not_enough() {
    // AWS reported an explicit deny in a permissions boundary; the demo's
    // boundary holds no Deny, so iamscope finds only an implicit deny. An
    // explicit deny overrides any allow ("Policy evaluation logic"): the
    // allow it proposes is marked as not enough on its own.
    let out = ok(&iamscope(&[
        "why",
        &fixture("messages/explicit-permissions-boundary.txt"),
    ]));
    assert!(
        out.contains("still blocked: AWS reports an explicit deny in a permissions boundary"),
        "{out}"
    );
    // An implicit denial's fix is not marked so.
    let out = ok(&iamscope(&["why", &fixture("messages/implicit-identity-based.txt")]));
    assert!(!out.contains("AWS reports an explicit deny"), "{out}");
}

#[test]
fn why_obeys_max_input_size() {
    let out = iamscope(&["why", "--max-input-size", "100", &fixture("cloudtrail/log-file.json")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr(&out).contains("100"), "{}", stderr(&out));
}

#[test]
fn a_request_wholly_in_another_account_is_not_evaluated_against_this_one() {
    // The message is about account 111122223333 (principal and table); the
    // workspace is account 111111111111: its policies decide nothing here,
    // so there is no answer, only the export to give instead.
    let account = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/federation.json");
    let out = iamscope(&[
        "why",
        "--account",
        account.to_str().unwrap(),
        &fixture("messages/access-denied-exception.txt"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("the request is within account 111122223333, and the workspace is account 111111111111"),
        "{said}"
    );
    assert!(!said.contains("IAMSCOPE ALLOWS"), "{said}");
}
