//! `iamscope lint` through the real binary: exit statuses, text and JSON
//! output, --fail-on, --kind and accounts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iamscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn status(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Files written into a fresh temporary directory.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write a test file");
        path
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

const CLEAN: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/*"}
    ]
}"#;

/// One warning (Allow with NotResource), nothing worse.
const WARNING: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}
    ]
}"#;

/// An error on line 4: an action that does not exist.
const ERROR: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::photos/*"}
    ]
}"#;

#[test]
fn a_clean_policy_exits_zero() {
    let files = Files::new();
    let path = files.write("clean.json", CLEAN);
    let out = iamscope(&["lint", arg(&path)]);
    assert_eq!(status(&out), 0, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("clean.json: identity-based policy (guessed): clean"),
        "{text}"
    );
    assert!(
        text.contains("1 policy linted: 0 errors, 0 warnings, 0 infos"),
        "{text}"
    );
}

#[test]
fn errors_are_printed_like_a_compiler_and_exit_one() {
    let files = Files::new();
    let path = files.write("typo.json", ERROR);
    let out = iamscope(&["lint", arg(&path)]);
    assert_eq!(status(&out), 1);
    let text = stdout(&out);
    let first = text.lines().next().expect("a line of output");
    assert!(
        first.ends_with(
            "typo.json:4:39: error[unknown-action]: `s3:GetObjects` is not an action of Amazon S3 (prefix `s3`)"
        ),
        "{first}"
    );
    assert!(text.contains("  at: Statement[0].Action"), "{text}");
    assert!(text.contains("  help: did you mean `s3:GetObject`"), "{text}");
}

#[test]
fn a_policy_can_come_from_standard_input() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["lint", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(ERROR.as_bytes())
        .expect("write the policy");
    let out = child.wait_with_output().expect("the binary finishes");
    assert_eq!(status(&out), 1);
    assert!(
        stdout(&out).starts_with("<stdin>:4:39: error[unknown-action]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    let files = Files::new();
    let path = files.write("warning.json", WARNING);
    assert_eq!(status(&iamscope(&["lint", arg(&path)])), 0);
    assert_eq!(status(&iamscope(&["lint", "--fail-on", "warning", arg(&path)])), 1);
    assert_eq!(status(&iamscope(&["lint", "--fail-on", "info", arg(&path)])), 1);
    let clean = files.write("clean.json", CLEAN);
    assert_eq!(status(&iamscope(&["lint", "--fail-on", "info", arg(&clean)])), 0);
}

#[test]
fn json_output_is_one_object_with_the_findings() {
    let files = Files::new();
    let error = files.write("typo.json", ERROR);
    let warning = files.write("warning.json", WARNING);
    let out = iamscope(&["lint", "--json", arg(&error), arg(&warning)]);
    assert_eq!(status(&out), 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    assert_eq!(report["status"], 1);
    assert_eq!(report["fail_on"], "error");
    assert_eq!(report["summary"]["documents"], 2);
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["summary"]["warnings"], 1);
    let findings = report["findings"].as_array().expect("a list of findings");
    assert_eq!(findings.len(), 2);
    let first = &findings[0];
    assert_eq!(first["file"], arg(&error));
    assert_eq!(first["kind"], "identity");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-action");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 39);
    assert_eq!(first["path"], "Statement[0].Action");
    assert!(first["help"].as_str().is_some_and(|h| h.contains("s3:GetObject")));
    assert_eq!(findings[1]["code"], "allow-notresource");
    assert_eq!(report["documents"][0]["kind_guessed"], true);
    assert_eq!(report["bad_input"], serde_json::json!([]));
}

#[test]
fn the_kind_changes_the_checks() {
    let files = Files::new();
    let path = files.write("bucket.json", CLEAN);
    // As a bucket policy it lacks a Principal.
    let out = iamscope(&["lint", "--kind", "resource", "--json", arg(&path)]);
    assert_eq!(status(&out), 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["findings"][0]["code"], "principal-missing");
    assert_eq!(report["documents"][0]["kind"], "resource");
    assert_eq!(report["documents"][0]["kind_guessed"], false);
}

#[test]
fn a_policy_with_broken_json_is_a_finding_not_bad_input() {
    let files = Files::new();
    let path = files.write(
        "broken.json",
        "{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}\n",
    );
    let out = iamscope(&["lint", arg(&path)]);
    assert_eq!(status(&out), 1);
    assert!(stdout(&out).contains("broken.json:2:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("error[json-syntax]"), "{}", stdout(&out));
}

#[test]
fn what_is_not_a_policy_is_bad_input() {
    let files = Files::new();
    let missing = files.dir.path().join("missing.json");
    let out = iamscope(&["lint", arg(&missing)]);
    assert_eq!(status(&out), 2);
    assert!(stderr(&out).contains("cannot read it"), "{}", stderr(&out));

    let prose = files.write("notes.txt", "remember to rotate the keys\n");
    let out = iamscope(&["lint", arg(&prose)]);
    assert_eq!(status(&out), 2);
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));

    let list = files.write("list.json", "[1, 2]");
    assert_eq!(status(&iamscope(&["lint", arg(&list)])), 2);

    let gaad = files.write("gaad.json", r#"{"UserDetailList": [], "RoleDetailList": []}"#);
    let out = iamscope(&["lint", arg(&gaad)]);
    assert_eq!(status(&out), 2);
    assert!(stderr(&out).contains("--account"), "{}", stderr(&out));

    // Bad input wins over findings, and the good files are still linted.
    let typo = files.write("typo.json", ERROR);
    let out = iamscope(&["lint", "--json", arg(&typo), arg(&list)]);
    assert_eq!(status(&out), 2);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["bad_input"][0]["file"], arg(&list));
}

#[test]
fn an_account_is_linted_policy_by_policy() {
    let files = Files::new();
    let account = files.write(
        "account.json",
        r#"{
  "AccountId": "123456789012",
  "RoleDetailList": [{
    "RoleName": "app", "RoleId": "AROAAPP", "Arn": "arn:aws:iam::123456789012:role/app", "Path": "/",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:group/devs"}, "Action": "sts:AssumeRole"}]},
    "RolePolicyList": [{"PolicyName": "fine", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}]
  }]
}"#,
    );
    let out = iamscope(&["lint", "--account", arg(&account)]);
    assert_eq!(status(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{}[role/app/trust-policy]:", arg(&account))),
        "{text}"
    );
    assert!(text.contains("error[principal-group]"), "{text}");
    assert!(text.contains("2 policies linted: 1 error"), "{text}");

    let out = iamscope(&["lint", "--json", "--account", arg(&account)]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let finding = &report["findings"][0];
    assert_eq!(finding["policy"], "role/app/trust-policy");
    assert_eq!(finding["kind"], "trust");
    assert_eq!(report["documents"][0]["policy"]["type"], "trust-policy");
    assert_eq!(report["documents"][0]["policy"]["role"], "app");
}

#[test]
fn with_nothing_given_the_demo_account_is_linted() {
    let out = iamscope(&["lint"]);
    assert_ne!(status(&out), 2, "{}", stderr(&out));
    assert!(stdout(&out).contains("demo account"), "{}", stdout(&out));
}

#[test]
fn an_unreadable_account_is_bad_input() {
    let files = Files::new();
    let missing = files.dir.path().join("nope.json");
    assert_eq!(status(&iamscope(&["lint", "--account", arg(&missing)])), 2);
}

#[test]
fn the_checks_can_be_listed() {
    let out = iamscope(&["lint", "--list-checks"]);
    assert_eq!(status(&out), 0);
    let text = stdout(&out);
    for code in [
        "unknown-action",
        "principal-group",
        "policy-too-large",
        "shadowed-statement",
    ] {
        assert!(text.contains(code), "{code} missing from {text}");
    }
}

#[test]
fn help_documents_the_exit_statuses() {
    let out = iamscope(&["lint", "--help"]);
    assert_eq!(status(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("--fail-on"), "{text}");
    assert!(text.contains("Exit status"), "{text}");
    assert!(text.contains("demo"), "{text}");
}

#[test]
fn an_unscoped_oidc_trust_names_the_providers_client_ids() {
    // IAM API Reference, "CreateOpenIDConnectProvider" (ClientIDList): STS
    // takes tokens only for those audiences, so "for any app" would say
    // more than is true.
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/federation.json");
    let out = stdout(&iamscope(&["lint", "--account", fixture]));
    let line = out
        .lines()
        .find(|l| l.contains("role/GitLabAny/trust-policy") && l.contains("oidc-trust-unscoped"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("for its client id https://gitlab.com (the provider's ClientIDList)"),
        "{line}"
    );
    assert!(!line.contains("for any app"), "{line}");
}
