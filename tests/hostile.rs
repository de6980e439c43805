//! The cases a robustness pass over iamscope found (issue 18), each as a
//! test: input from strangers must give a clear error or a warning, never a
//! panic, a hang or a silent loss.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iamscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const USER_ALICE: &str = r#"{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "UserPolicyList": [], "AttachedManagedPolicies": []}"#;

#[test]
fn a_second_user_detail_list_is_an_error_naming_both_places() {
    // Before: serde kept the second list, and every user of the first was dropped.
    let file =
        format!("{{\n  \"UserDetailList\": [{USER_ALICE}],\n  \"RoleDetailList\": [],\n  \"UserDetailList\": []\n}}\n");
    let err = iamscope::io::load_bytes("account.json", file.as_bytes()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("`UserDetailList` appears twice"), "{message}");
    assert!(message.contains("at 2:3 and at 4:3"), "{message}");
    assert!(message.starts_with("account.json:4:3:"), "{message}");
}

#[test]
fn a_repeated_key_anywhere_in_an_import_is_an_error() {
    let file = r#"{"UserDetailList": [{"UserName": "alice", "Path": "/", "UserName": "mallory"}]}"#;
    let err = iamscope::io::load_bytes("a.json", file.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("`UserName` appears twice"), "{err}");
    assert!(err.contains("UserDetailList[0]"), "{err}");
}

fn account_with_inline_document(document: &str) -> String {
    format!(
        r#"{{"UserDetailList": [{{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice",
  "UserPolicyList": [{{"PolicyName": "p", "PolicyDocument": {document}}}]}}]}}"#
    )
}

#[test]
fn lint_account_flags_a_duplicate_effect_as_lint_file_does() {
    let dir = tempfile::tempdir().unwrap();
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Effect": "Allow"}]}"#;
    let file = write(dir.path(), "policy.json", policy);
    let alone = iamscope(&["lint", file.to_str().unwrap()]);
    assert!(text(&alone.stdout).contains("duplicate-key"), "{}", text(&alone.stdout));

    // As an object in an export: the export is refused, with both places.
    let account = write(dir.path(), "account.json", &account_with_inline_document(policy));
    let out = iamscope(&["lint", "--account", account.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(err.contains("`Effect` appears twice"), "{err}");
    assert!(err.contains("PolicyDocument.Statement[0]"), "{err}");

    // URL-encoded, as the raw IAM API returns documents: linted like the file.
    let encoded: String = policy
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let account = write(
        dir.path(),
        "encoded.json",
        &account_with_inline_document(&format!("\"{encoded}\"")),
    );
    let out = iamscope(&["lint", "--account", account.to_str().unwrap()]);
    let found = text(&out.stdout);
    assert!(found.contains("error[duplicate-key]"), "{found}{}", text(&out.stderr));
    assert!(found.contains("`Effect` appears twice"), "{found}");
}

#[test]
fn an_attached_policy_without_its_default_version_is_a_warning_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let account = r#"{
  "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice",
    "AttachedManagedPolicies": [{"PolicyName": "DenyAll", "PolicyArn": "arn:aws:iam::111122223333:policy/DenyAll"}]}],
  "Policies": [{"PolicyName": "DenyAll", "Arn": "arn:aws:iam::111122223333:policy/DenyAll", "DefaultVersionId": "v2",
    "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false,
      "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]}]
}"#;
    let loaded = iamscope::io::load_bytes("account.json", account.as_bytes()).unwrap();
    let warning = loaded
        .report
        .warnings
        .iter()
        .find(|w| w.message.contains("DenyAll"))
        .expect("a warning names the policy");
    assert!(warning.affects_answers);
    assert!(
        warning.message.contains("default version v2 is not in the export"),
        "{}",
        warning.message
    );
    assert!(warning.message.contains("user alice"), "{}", warning.message);

    let path = write(dir.path(), "account.json", account);
    let summary = iamscope(&["summary", "--account", path.to_str().unwrap()]);
    assert!(text(&summary.stdout).contains("DenyAll"), "{}", text(&summary.stdout));
    let explain = iamscope(&[
        "explain",
        "--account",
        path.to_str().unwrap(),
        "--principal",
        "user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ]);
    assert_eq!(explain.status.code(), Some(0));
    assert!(text(&explain.stderr).contains("warning:"), "{}", text(&explain.stderr));
    assert!(text(&explain.stderr).contains("DenyAll"), "{}", text(&explain.stderr));
}

#[test]
fn nesting_deeper_than_any_export_is_refused_with_the_place() {
    let deep = format!("{{\"UserDetailList\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let err = iamscope::io::load_bytes("deep.json", deep.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("nests deeper than 64 levels"), "{err}");
    assert!(err.contains("deep.json:1:"), "{err}");

    // A policy alone: a diagnostic, not a stack overflow in the parser.
    let policy = format!("{{\"Statement\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let parsed = iamscope::policy::parse::parse_policy(&policy);
    assert!(
        parsed.diagnostics.iter().any(|d| d.code == "json-too-deep"),
        "{:?}",
        parsed.diagnostics
    );
}

#[test]
fn a_file_larger_than_any_export_is_refused_before_reading_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    // 600 MB without using the disk: the size alone must refuse it.
    let path = dir.path().join("huge.json");
    std::fs::File::create(&path).unwrap().set_len(600 << 20).unwrap();
    let out = iamscope(&["summary", "--account", path.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is 600 MiB"), "{err}");
    assert!(err.contains("up to 512 MiB"), "{err}");
    assert!(err.contains("--max-input-size 768M"), "{err}");

    // The flag moves the limit, both ways.
    let small = write(
        dir.path(),
        "account.json",
        &format!("{{\"UserDetailList\": [{USER_ALICE}]}}"),
    );
    let refused = iamscope(&[
        "who-can",
        "--account",
        small.to_str().unwrap(),
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--max-input-size",
        "100",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("up to 100 bytes"),
        "{}",
        text(&refused.stderr)
    );
    let read = iamscope(&[
        "summary",
        "--account",
        small.to_str().unwrap(),
        "--max-input-size",
        "1M",
    ]);
    assert_eq!(read.status.code(), Some(0), "{}", text(&read.stderr));
}

#[test]
fn recovery_from_another_folder_does_not_say_the_files_changed() {
    use iamscope::model::change::Change;
    use iamscope::session::{Options, Session};

    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let path = home.path().join("account.json");
    std::fs::write(&path, iamscope::io::DEMO_ACCOUNT).unwrap();
    let now = || "2026-11-01T00:00:00Z".parse().unwrap();
    let options = |pid| Options {
        readonly: false,
        journal_dir: Some(data.path().to_owned()),
        pid,
    };

    // `cd HOME && iamscope account.json`, an edit, then the process dies
    // (a pid above the kernel's largest: a process that no longer runs).
    let before = std::env::current_dir().unwrap();
    std::env::set_current_dir(home.path()).unwrap();
    let mut first = Session::open(&[PathBuf::from("account.json")], None, options(4_194_301), now()).unwrap();
    first
        .apply(
            Change::CreateUser {
                name: "eve".into(),
                path: "/".into(),
            },
            now(),
        )
        .unwrap();
    assert!(first.unsaved());
    std::mem::forget(first);
    std::env::set_current_dir(&before).unwrap();

    // Started again from elsewhere, with the file unchanged.
    let second = Session::open(&[path], None, options(4_194_302), now()).unwrap();
    let found = second.recoverable();
    assert_eq!(found.len(), 1, "the journal is offered back");
    assert!(!second.stale(&found[0]), "nothing changed on disk");
}

fn refused(file: &str) -> String {
    match iamscope::io::load_bytes("account.json", file.as_bytes()) {
        Ok(_) => panic!("loaded: {}", &file[..file.len().min(300)]),
        Err(e) => e.to_string(),
    }
}

#[test]
fn names_paths_and_documents_past_aws_quotas_are_refused_with_the_quota_and_the_place() {
    let long_user = "u".repeat(65);
    let err = refused(&format!(r#"{{"UserDetailList": [{{"UserName": "{long_user}"}}]}}"#));
    assert!(
        err.contains("UserDetailList[0].UserName: the user name has 65 characters; AWS allows 64"),
        "{err}"
    );
    assert!(err.contains("IAM quotas: user name"), "{err}");

    // The case the robustness pass found: 64 KB of user name.
    let err = refused(&format!(
        r#"{{"UserDetailList": [{{"UserName": "{}"}}]}}"#,
        "n".repeat(64 * 1024)
    ));
    assert!(err.contains("65536 characters"), "{err}");

    let err = refused(&format!(
        r#"{{"RoleDetailList": [{{"RoleName": "r", "Path": "/{}/"}}]}}"#,
        "p".repeat(600)
    ));
    assert!(
        err.contains("RoleDetailList[0].Path: the path has 602 characters; AWS allows 512"),
        "{err}"
    );

    let actions: Vec<String> = (0..400).map(|i| format!("\"s3:GetObject{i:04}\"")).collect();
    let big = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}]}}"#,
        actions.join(", ")
    );
    let err = refused(&format!(
        r#"{{"Policies": [{{"PolicyName": "Big", "Arn": "arn:aws:iam::111122223333:policy/Big",
            "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": true, "Document": {big}}}]}}]}}"#
    ));
    assert!(
        err.contains("Policies[0].PolicyVersionList[0].Document: the managed policy has"),
        "{err}"
    );
    assert!(
        err.contains("AWS allows 6144 (IAM quotas: managed policy size)"),
        "{err}"
    );

    // AWS's own managed policies are larger than its customers' quota: loaded.
    let aws = format!(
        r#"{{"Policies": [{{"PolicyName": "Big", "Arn": "arn:aws:iam::aws:policy/Big",
            "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": true, "Document": {big}}}]}}]}}"#
    );
    iamscope::io::load_bytes("account.json", aws.as_bytes()).unwrap();

    let err = refused(&format!(
        r#"{{"RoleDetailList": [{{"RoleName": "r", "AssumeRolePolicyDocument": {big}}}]}}"#
    ));
    assert!(
        err.contains("RoleDetailList[0].AssumeRolePolicyDocument: the role trust policy"),
        "{err}"
    );
    assert!(err.contains("AWS allows 4096"), "{err}");
}

#[test]
fn lint_account_on_a_10_mb_action_answers() {
    // Once 108 s: did-you-mean compared 10 MB with every action name. The
    // document is past every quota, so the export is refused at once; the
    // policy alone is linted, and the finding names the action.
    let dir = tempfile::tempdir().unwrap();
    let action = format!("s3:{}", "a".repeat(10 << 20));
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
    );
    let account = write(dir.path(), "account.json", &account_with_inline_document(&policy));
    let out = iamscope(&["lint", "--account", account.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("AWS allows 10240"), "{}", text(&out.stderr));
    // The policy alone (1 MB here, to keep the suite quick; the fuzz step
    // times the 10 MB one in a release build).
    let action = format!("s3:{}", "a".repeat(1 << 20));
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
    );
    let file = write(dir.path(), "policy.json", &policy);
    let out = iamscope(&["lint", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("unknown-action"));
}

/// A policy of `count` statements, each allowing its own wildcard action on
/// its own bucket, none covering another; the first two are the same.
fn many_statements(count: usize) -> String {
    let mut statements = vec![
        r#"{"Sid": "First", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::a/*"}"#.to_owned(),
        r#"{"Sid": "Again", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::a/*"}"#.to_owned(),
    ];
    for i in 2..count {
        statements.push(format!(
            r#"{{"Effect": "Allow", "Action": ["s3:Get{i}*", "s3:Put{i}?", "ec2:Describe{i}*"], "Resource": ["arn:aws:s3:::b{i}/*", "arn:aws:s3:::c{i}/x*"]}}"#
        ));
    }
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    )
}

#[test]
fn overlaps_in_a_policy_of_thousands_of_statements_are_compared_within_a_budget() {
    // Once quadratic without bound: every statement was compared with every
    // other, pattern by pattern (65 s for 5,000 statements in a debug build).
    // Now the comparison stops at a work budget and says so; what it found
    // before stopping is still reported.
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "policy.json", &many_statements(5_000));
    let out = iamscope(&["lint", "--json", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("overlap-not-checked"),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
    assert!(
        stdout.contains("redundant-statement"),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
    // A policy of a size AWS accepts is compared whole.
    let file = write(dir.path(), "small.json", &many_statements(60));
    let out = iamscope(&["lint", "--json", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("overlap-not-checked"), "{stdout}");
    assert!(stdout.contains("redundant-statement"), "{stdout}");
}

#[test]
fn a_credential_report_longer_than_any_account_is_refused_with_the_quota() {
    // Fuzzing once made a 52 MB report of 158,240 rows that took 1.4 s to
    // read; an account has at most 5,000 users ("IAM and AWS STS quotas")
    // and the report one row per user plus the root user's.
    let header = "user,arn,user_creation_time,password_enabled\n";
    let row = |i: usize| format!("u{i},arn:aws:iam::111122223333:user/u{i},2024-01-01T00:00:00+00:00,false\n");
    let report = |rows: usize| {
        let mut text = String::from(header);
        text.push_str("<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported\n");
        for i in 1..rows {
            text.push_str(&row(i));
        }
        text
    };
    let path = Path::new("report.csv");
    let full = iamscope::io::credential_report::parse(path, report(5_001).as_bytes()).expect("5,000 users and root");
    assert_eq!(full.len(), 5_001);
    let error = iamscope::io::credential_report::parse(path, report(5_002).as_bytes())
        .expect_err("one row too many")
        .to_string();
    assert!(error.contains("line 5003"), "{error}");
    assert!(error.contains("IAM allows 5000 users per account"), "{error}");
}

#[test]
fn a_policy_document_larger_than_any_aws_accepts_is_refused_at_once() {
    // Fuzzing once made a 21 MB policy of 450 statements that took 1.5 s to
    // parse twice; AWS's largest quota is 10,240 characters.
    let resources: Vec<String> = (0..200_000).map(|i| format!("\"arn:aws:s3:::b/{i}\"")).collect();
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [{}]}}]}}"#,
        resources.join(",")
    );
    assert!(policy.len() > 4 << 20);
    let parsed = iamscope::policy::parse_policy(&policy);
    let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["policy-too-large"]);
    assert!(
        parsed.diagnostics[0].message.contains("10240 characters"),
        "{}",
        parsed.diagnostics[0].message
    );
}
