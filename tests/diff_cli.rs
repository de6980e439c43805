//! `iamscope diff OLD NEW` through the real binary: exports written by
//! iamscope itself, changed as a person would change the account, and the
//! exit status CI reads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn iamscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// The demo account as a workspace file, and a copy changed by `edit`.
fn exports(dir: &Path, edit: impl Fn(&mut Value)) -> (PathBuf, PathBuf) {
    let export = iamscope(&["export"]);
    assert!(export.status.success());
    let old = dir.join("old.json");
    std::fs::write(&old, &export.stdout).unwrap();
    let mut value: Value = serde_json::from_slice(&export.stdout).unwrap();
    edit(&mut value);
    let new = dir.join("new.json");
    std::fs::write(&new, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    (old, new)
}

fn user<'v>(account: &'v mut Value, name: &str) -> &'v mut Value {
    account["UserDetailList"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|u| u["UserName"] == name)
        .unwrap()
}

fn run(old: &Path, new: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap()];
    args.extend_from_slice(extra);
    iamscope(&args)
}

#[test]
fn fail_on_names_the_kinds_of_change_that_fail_a_ci_run() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = exports(dir.path(), |a| {
        user(a, "alice")["GroupList"]
            .as_array_mut()
            .unwrap()
            .push("Admins".into());
    });
    let text = run(&old, &new, &[]);
    assert_eq!(text.status.code(), Some(0), "no --fail-on: 0 whatever changed");
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(
        out.contains("user/alice") && out.contains("joined group Admins"),
        "{out}"
    );
    assert!(out.contains("user/alice is an administrator now"), "{out}");
    assert!(out.contains("iam Permissions management: None → Full"), "{out}");
    assert_eq!(run(&old, &new, &["--fail-on", "escalation"]).status.code(), Some(1));
    assert_eq!(run(&old, &new, &["--fail-on", "gain"]).status.code(), Some(1));
    assert_eq!(
        run(&old, &new, &["--fail-on", "public"]).status.code(),
        Some(0),
        "nothing was made public"
    );
    assert_eq!(run(&old, &new, &["--fail-on", "public,gain"]).status.code(), Some(1));
    // the other way round is a loss only
    assert_eq!(
        run(&new, &old, &["--fail-on", "gain,escalation"]).status.code(),
        Some(0)
    );
}

#[test]
fn json_says_each_kind_of_change() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = exports(dir.path(), |a| {
        user(a, "bob")["AccessKeys"] = serde_json::json!([{"AccessKeyId": "AKIAEXAMPLENEW", "Status": "Active"}]);
        let photos = a["ResourcePolicies"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p["ResourceArn"] == "arn:aws:s3:::build-artifacts")
            .unwrap();
        photos["Policy"]["Statement"].as_array_mut().unwrap().push(serde_json::json!({
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::build-artifacts/*"
        }));
    });
    let output = run(&old, &new, &["--json", "--fail-on", "public"]);
    assert_eq!(output.status.code(), Some(1));
    let d: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(d["new_grants"][0]["kind"], "public");
    assert_eq!(d["new_grants"][0]["principal"], "*");
    let key = d["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["principal"] == "user/bob")
        .expect("bob's new key");
    assert_eq!(key["change"], "access-key-added");
    assert_eq!(key["id"], "AKIAEXAMPLENEW");
    assert!(
        d["request_flips"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["principal"] == "user/carol" && f["after"] == "Allow"),
        "{}",
        d["request_flips"]
    );
    assert_eq!(d["recomputed"], 0, "no principal's own policies changed");
}

#[test]
fn the_same_file_twice_has_no_change_and_bad_input_is_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _) = exports(dir.path(), |_| {});
    let same = run(&old, &old, &["--fail-on", "gain,escalation,public"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("No change in who may do what."));
    let missing = run(&old, &dir.path().join("nope.json"), &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.json"));
    let bad = run(&old, &old, &["--fail-on", "everything"]);
    assert_eq!(bad.status.code(), Some(2));
    let contradiction = run(&old, &old, &["--fail-on", "escalation", "--no-escalation"]);
    assert_eq!(contradiction.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&contradiction.stderr).contains("drop --no-escalation"));
}
