//! `iamscope explain` through the real binary: warnings for requests AWS
//! never receives (text, JSON, batch lines, `--strict`), the written request
//! form for batch lines, the order and content of batch answers, and the
//! boundary that never lets a file's control characters reach the terminal.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn iamscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("the binary ends");
    writer.join().expect("the writer ends").expect("the input is written");
    output
}

fn text(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

const ALICE_READ: [&str; 6] = [
    "--principal",
    "user/alice",
    "--action",
    "s3:GetObjekt",
    "--resource",
    "arn:aws:s3:::photos/cat.jpg",
];

#[test]
fn a_misspelt_action_is_answered_with_a_warning_and_a_did_you_mean() {
    let mut args = vec!["explain"];
    args.extend(ALICE_READ);
    let output = iamscope(&args);
    assert!(output.status.success());
    let out = text(&output);
    assert!(out.contains("⚠ warning: s3:GetObjekt is not an action"), "{out}");
    assert!(out.contains("did you mean s3:GetObject?"), "{out}");

    args.push("--json");
    let json: Value = serde_json::from_slice(&iamscope(&args).stdout).expect("JSON");
    assert_eq!(json["warnings"][0]["code"], "unknown-action");
    assert_eq!(json["warnings"][0]["suggestions"][0], "s3:GetObject");

    args.push("--strict");
    let strict = iamscope(&args);
    assert_eq!(strict.status.code(), Some(2), "--strict makes a warning fail");
    // a request AWS does receive passes --strict
    let good = iamscope(&[
        "explain",
        "--principal",
        "user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::photos/cat.jpg",
        "--strict",
    ]);
    assert_eq!(good.status.code(), Some(0));
}

#[test]
fn an_action_on_a_resource_of_another_type_is_flagged() {
    let output = iamscope(&[
        "explain",
        "--principal",
        "user/bob",
        "--action",
        "dynamodb:DescribeTable",
        "--resource",
        "arn:aws:s3:::photos",
        "--json",
    ]);
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["warnings"][0]["code"], "resource-type-mismatch");
    assert!(
        json["warnings"][0]["text"].as_str().unwrap().contains("table"),
        "{json}"
    );
}

#[test]
fn batch_answers_keep_the_input_order_and_always_carry_assumptions() {
    // Enough lines to be split across workers and chunks.
    let mut input = String::new();
    let mut expected = Vec::new();
    for i in 0..10_000 {
        let (principal, action, allowed) = match i % 3 {
            0 => ("user/alice", "s3:GetObject", true),
            1 => ("user/alice", "s3:PutObject", false),
            _ => ("user/bob", "s3:GetObject", true),
        };
        input.push_str(&format!(
            "{{\"principal\": \"{principal}\", \"action\": \"{action}\", \"resource\": \"arn:aws:s3:::photos/{i}.jpg\"}}\n"
        ));
        expected.push(allowed);
    }
    let output = with_stdin(&["explain", "--requests", "-"], &input);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> = text(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON answer per line"))
        .collect();
    assert_eq!(lines.len(), 10_000);
    for (i, (line, allowed)) in lines.iter().zip(&expected).enumerate() {
        assert_eq!(line["line"], i + 1);
        assert_eq!(line["resource"], format!("arn:aws:s3:::photos/{i}.jpg"));
        assert_eq!(line["decision"] == "Allow", *allowed, "{line}");
        assert!(line["assumptions"].is_array(), "{line}");
    }
    // the deciding statement, in brief
    assert_eq!(lines[0]["deciding"]["statement"], "ReadPhotos");
    // the bucket policy's TLS condition consulted the assumed aws:SecureTransport
    let keys: Vec<&str> = lines[0]["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["key"].as_str())
        .collect();
    assert!(keys.contains(&"aws:SecureTransport"), "{}", lines[0]);
}

#[test]
fn a_batch_line_takes_the_whole_written_request_with_lists_and_assume_none() {
    let input = [
        json!({"principal": "user/alice", "action": "s3:GetObjekt", "resource": "arn:aws:s3:::photos/a.jpg"}),
        json!({"principal": "user/alice", "action": "s3:PutObject", "resource": "arn:aws:s3:::photos/a.jpg",
               "context": {"aws:TagKeys": ["team", "cost centre"]}, "assume": "none"}),
        json!({"principal": "nobody", "action": "s3:GetObject", "resource": "*"}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>();
    let output = with_stdin(&["explain", "--requests", "-", "--explain"], &input);
    assert_eq!(output.status.code(), Some(2), "a bad line makes the status 2");
    let lines: Vec<Value> = text(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["warnings"][0]["code"], "unknown-action");
    assert!(lines[0]["summary"].as_str().unwrap().starts_with("Allowed"));
    // assume none: no key is filled in, so no key is among the assumptions
    assert!(
        lines[1]["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] != "context-key"),
        "{}",
        lines[1]
    );
    assert!(lines[1]["trace"]["stages"].is_array());
    assert!(
        lines[2]["error"].as_str().unwrap().contains("principal"),
        "{}",
        lines[2]
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("-: 3:"), "{stderr}");

    let strict = with_stdin(&["explain", "--requests", "-", "--strict"], &input);
    assert_eq!(strict.status.code(), Some(2));
}

/// A policy from a stranger can hold escape sequences: they must be shown,
/// never sent, or a Sid could retitle the terminal, clear it or write to the
/// clipboard (OSC 52).
#[test]
fn control_characters_from_a_file_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "arn:aws:s3:::x/\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}31m\u{202e}";
    let account = json!({
        "AccountId": "111122223333",
        "UserDetailList": [{
            "UserName": "eve\u{1b}[5m", "UserId": "AIDAEVE", "Path": "/",
            "Arn": "arn:aws:iam::111122223333:user/eve\u{1b}[5m",
            "UserPolicyList": [{"PolicyName": "p\u{7}", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "Sid\u{1b}]52;c;aGVsbG8=\u{7}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": hostile}
            ]}}],
        }],
    });
    let path = dir.path().join("account.json");
    std::fs::write(&path, account.to_string()).unwrap();
    let path = path.to_str().unwrap();
    for format in [&[][..], &["--json"][..]] {
        let mut args = vec![
            "explain",
            "--account",
            path,
            "--principal",
            "user/eve\u{1b}[5m",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::y/z",
        ];
        args.extend(format);
        let output = iamscope(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let out = text(&output);
        for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!out.contains(raw), "raw {raw:?} printed: {out:?}");
        }
        assert!(out.contains("\\u001b"), "shown escaped: {out}");
        if !format.is_empty() {
            serde_json::from_str::<Value>(&out).expect("still valid JSON");
        }
    }
    // error messages go through the boundary too
    let output = iamscope(&[
        "explain",
        "--principal",
        "user/\u{1b}[2Jx",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

// ---- federated principals: --claim and --role ----

const GITHUB: &str = "oidc/token.actions.githubusercontent.com";
const MAIN: &str = "sub=repo:iamscope-demo/photo-app:ref:refs/heads/main";
const RELEASE: &str = "arn:aws:s3:::build-artifacts/releases/app.zip";

#[test]
fn a_github_workflow_publishes_through_the_role_its_claims_fit() {
    // IAM User Guide, "Configuring a role for GitHub OIDC identity provider":
    // the trust policy's sub condition names the repository and branch.
    let output = iamscope(&[
        "explain",
        "--principal",
        GITHUB,
        "--claim",
        MAIN,
        "--claim",
        "aud=sts.amazonaws.com",
        "--role",
        "GitHubDeployRole",
        "--action",
        "s3:PutObject",
        "--resource",
        RELEASE,
        "--json",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["decision"], "Allow");
    assert_eq!(json["hops"][0]["action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(json["hops"][0]["rule"], "trusted-principal");

    let other_branch = iamscope(&[
        "explain",
        "--principal",
        GITHUB,
        "--claim",
        "sub=repo:iamscope-demo/photo-app:ref:refs/heads/feature",
        "--claim",
        "aud=sts.amazonaws.com",
        "--action",
        "s3:PutObject",
        "--resource",
        RELEASE,
    ]);
    let out = text(&other_branch);
    assert!(out.starts_with("ImplicitDeny"), "{out}");
    assert!(
        out.contains("Step 1: IMPLICIT DENY  sts:AssumeRoleWithWebIdentity"),
        "{out}"
    );
    assert!(
        out.contains("cannot obtain credentials for role GitHubDeployRole"),
        "{out}"
    );
    // the only trusting role was taken, and the answer says so
    assert!(
        out.contains("GitHubDeployRole is the only role whose trust policy names"),
        "{out}"
    );
}

#[test]
fn claims_on_a_principal_that_has_none_and_claims_a_provider_never_gives_are_refused_by_flag() {
    let output = iamscope(&[
        "explain",
        "--principal",
        "user/alice",
        "--claim",
        "sub=x",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("--claim: user/alice has no claims"), "{err}");

    let output = iamscope(&[
        "explain",
        "--principal",
        "web/www.amazon.com",
        "--claim",
        "sub=x",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("--claim sub:") && err.contains("www.amazon.com:user_id"),
        "{err}"
    );

    let output = iamscope(&[
        "explain",
        "--principal",
        "role/DeployRole",
        "--role",
        "DeployRole",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--role: role/DeployRole assumes no role"));
}

#[test]
fn a_batch_line_carries_claims_and_role() {
    let lines = [
        json!({"principal": GITHUB, "claims": {"sub": "repo:iamscope-demo/photo-app:ref:refs/heads/main", "aud": "sts.amazonaws.com"},
               "role": "GitHubDeployRole", "action": "s3:PutObject", "resource": RELEASE}),
        json!({"principal": GITHUB, "claims": {"sub": "repo:someone/else:ref:refs/heads/main", "aud": "sts.amazonaws.com"},
               "role": "GitHubDeployRole", "action": "s3:PutObject", "resource": RELEASE}),
        json!({"principal": "saml/CorpIdP", "claims": {"aud": "https://signin.aws.amazon.com/saml"},
               "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/cat.jpg"}),
    ]
    .iter()
    .map(|l| l.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let output = with_stdin(&["explain", "--requests", "-"], &lines);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let answers: Vec<Value> = text(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers[0]["decision"], "Allow");
    assert_eq!(answers[1]["decision"], "ImplicitDeny");
    assert_eq!(answers[1]["rule"], "cannot-assume-role");
    assert_eq!(answers[2]["decision"], "Allow", "{}", answers[2]);
    assert!(
        answers[2]["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "only-trusting-role" && a["role"] == "CorpDevelopers"),
        "{}",
        answers[2]
    );
}

#[test]
fn the_text_answer_says_when_what_was_assumed_changed_it() {
    let args = |resource: &'static str, extra: &'static [&'static str]| {
        let mut a = vec![
            "explain",
            "--principal",
            "user/alice",
            "--action",
            "s3:GetObject",
            "--resource",
            resource,
        ];
        a.extend_from_slice(extra);
        a
    };
    // the demo's RegionGuard SCP denies a request that names no region
    let out = iamscope(&args("arn:aws:s3:::photos/example", &[]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Assumed (3) — they change the answer; without them: EXPLICIT DENY"),
        "{text}"
    );
    // with the region given, what is still filled in decides nothing
    let out = iamscope(&args(
        "arn:aws:s3:::photos/example",
        &["--context", "aws:RequestedRegion=eu-west-1"],
    ));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Assumed (2)"), "{text}");
    assert!(!text.contains("change the answer"), "{text}");
}
