//! Exclusions files through the real binary: each kind of entry suppresses
//! what it names in `lint`, `escalation` and `who-can`, every output says
//! how much was suppressed and why, service-linked roles are left out of
//! principal lists unless asked for, and a bad file is refused with its
//! line and column.

use std::path::Path;

use serde_json::{Value, json};

mod cli_support;
use cli_support::{iamscope, json_of, stderr, text};

const ACCOUNT: &str = "111122223333";

/// boss is an administrator; mallory and eve can put a policy on
/// themselves (eve through the customer managed policy self-service);
/// clerk reads S3; the service-linked role is an administrator and reads S3.
fn write_account(dir: &Path) -> String {
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}");
    let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    let user = |name: &str, statements: Value, attached: Value| {
        json!({
            "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
            "Arn": arn("user", name),
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(statements)}],
            "AttachedManagedPolicies": attached,
        })
    };
    let self_service = arn("policy", "self-service");
    let account = json!({
        "UserDetailList": [
            user("boss", json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]), json!([])),
            user("mallory", json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "mallory")}]), json!([])),
            user("eve", json!([{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]),
                json!([{"PolicyName": "self-service", "PolicyArn": self_service}])),
            user("clerk", json!([{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]), json!([])),
        ],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "RoleName": "AWSServiceRoleForSupport", "RoleId": "AROASUPPORT",
            "Path": "/aws-service-role/support.amazonaws.com/",
            "Arn": arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"),
            "AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"Service": "support.amazonaws.com"}, "Action": "sts:AssumeRole"}])),
            "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}],
            "AttachedManagedPolicies": [],
        }],
        "Policies": [{
            "PolicyName": "self-service", "PolicyId": "ANPASELF", "Arn": self_service, "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": true,
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                "Document": doc(json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "eve")}]))}],
        }],
    });
    let path = dir.join("prod.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn escalating(value: &Value) -> Vec<&str> {
    value["principals"]
        .as_array()
        .expect("principals")
        .iter()
        .filter(|p| !p["findings"].as_array().unwrap().is_empty())
        .map(|p| p["principal"].as_str().unwrap())
        .collect()
}

#[test]
fn service_linked_roles_are_left_out_of_principal_lists_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());

    let value = json_of(&iamscope(&["escalation", "--account", &account, "--json"]));
    assert_eq!(value["admins"], json!(["user/boss"]));
    assert_eq!(value["suppressed"], 1);
    assert_eq!(value["suppressions"][0]["kind"], "service-linked");
    assert_eq!(value["suppressions"][0]["count"], 1);
    let value = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--json",
        "--include-service-linked",
    ]));
    assert_eq!(value["admins"], json!(["user/boss", "role/AWSServiceRoleForSupport"]));
    assert_eq!(value["suppressed"], 0);

    let out = iamscope(&["who-can", "--account", &account, "--action", "s3:GetObject"]);
    let listing = text(&out);
    assert!(!listing.contains("AWSServiceRoleForSupport"), "{listing}");
    assert!(listing.contains("user/clerk"), "{listing}");
    assert!(
        listing.ends_with("suppressed: 1 (1 by default: service-linked roles are left out, as only AWS can change them (--include-service-linked lists them))\n"),
        "{listing}"
    );
    let listing = text(&iamscope(&[
        "who-can",
        "--account",
        &account,
        "--action",
        "s3:GetObject",
        "--include-service-linked",
    ]));
    assert!(listing.contains("role/AWSServiceRoleForSupport"), "{listing}");
    assert!(!listing.contains("suppressed"), "{listing}");
    // An action set too.
    let value = json_of(&iamscope(&[
        "who-can",
        "--account",
        &account,
        "--action",
        "s3:*",
        "--json",
    ]));
    assert_eq!(value["suppressed"], 1);
    assert!(
        value["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["principal"] != "role/AWSServiceRoleForSupport")
    );
}

#[test]
fn a_principal_entry_suppresses_its_paths_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let exclusions = write(
        dir.path(),
        "team.toml",
        "[[principal]]\nmatch = \"user/mal*\"\nreason = \"red-team account\"\n",
    );
    let before = json_of(&iamscope(&["escalation", "--account", &account, "--json"]));
    assert_eq!(escalating(&before), ["user/mallory", "user/eve"]);

    let out = iamscope(&["escalation", "--account", &account, "--exclusions", &exclusions]);
    let listing = text(&out);
    assert!(!listing.contains("user/mallory"), "{listing}");
    assert!(listing.contains("user/eve: 1 path"), "{listing}");
    assert!(
        listing.contains(
            "1 of 5 principals can become administrators: 1 certain, 0 only under assumptions (33 patterns looked for; 1 already is)"
        ),
        "the totals leave the suppressed principals out: {listing}"
    );
    assert!(
        listing.contains(
            "suppressed: 2 (1 by principal user/mal* (line 1): red-team account; 1 by default: service-linked"
        ),
        "{listing}"
    );

    let value = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &exclusions,
        "--json",
    ]));
    assert_eq!(escalating(&value), ["user/eve"]);
    assert_eq!(value["suppressed"], 2);
    // The totals count what is shown.
    assert_eq!(
        (value["escalating"].as_u64(), value["certain"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(before["escalating"], 2);
    assert_eq!(
        value["suppressions"][0],
        json!({"kind": "principal", "match": "user/mal*", "reason": "red-team account", "line": 1, "count": 1})
    );
    // By ARN, with one principal asked about.
    let by_arn = write(
        dir.path(),
        "arn.toml",
        &format!("[[principal]]\nmatch = \"arn:aws:iam::{ACCOUNT}:user/eve\"\nreason = \"r\"\n"),
    );
    let value = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &by_arn,
        "--principal",
        "user/eve",
        "--json",
    ]));
    assert_eq!(value["principals"][0]["findings"], json!([]));
    assert_eq!(value["suppressed"], 1);
    let listing = text(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &by_arn,
        "--principal",
        "user/eve",
    ]));
    assert!(
        listing.contains("user/eve: no escalation path shown (1 suppressed, see below)\n"),
        "{listing}"
    );
    assert!(
        listing.ends_with("suppressed: 1 (1 by principal arn:aws:iam::111122223333:user/eve (line 1): r)\n"),
        "{listing}"
    );
}

#[test]
fn a_finding_entry_suppresses_exactly_the_path_whose_id_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let value = json_of(&iamscope(&["escalation", "--account", &account, "--json"]));
    let mallory = &value["principals"][0];
    assert_eq!(mallory["principal"], "user/mallory");
    let id = mallory["findings"][0]["id"]
        .as_str()
        .expect("every path has an id")
        .to_owned();
    assert!(id.starts_with("esc-"), "{id}");
    // The text output prints the same id, to copy.
    let listing = text(&iamscope(&["escalation", "--account", &account]));
    assert!(listing.contains(&format!("id: {id}")), "{listing}");
    // Ids do not depend on the order of the list: the same on the next run.
    let again = json_of(&iamscope(&["escalation", "--account", &account, "--json"]));
    assert_eq!(again["principals"][0]["findings"][0]["id"], id.as_str());

    let exclusions = write(
        dir.path(),
        "ids.toml",
        &format!("[[finding]]\nid = \"{id}\"\nreason = \"accepted, SEC-12\"\n"),
    );
    let value = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &exclusions,
        "--json",
    ]));
    assert_eq!(escalating(&value), ["user/eve"]);
    assert_eq!(value["suppressions"][0]["kind"], "finding");
    assert_eq!(value["suppressions"][0]["count"], 1);

    // SARIF: the suppressed path is not a result, the log says how many
    // were suppressed, and each result carries its id as a fingerprint.
    let log = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &exclusions,
        "--sarif",
    ]));
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert!(
        results[0]["partialFingerprints"]["iamscope/v1"]
            .as_str()
            .is_some_and(|f| f.starts_with("esc-") && f != id)
    );
    let notes: Vec<&str> = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "note")
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].starts_with("suppressed: 2 (1 by finding"), "{notes:?}");
}

#[test]
fn a_policy_entry_suppresses_the_paths_it_allows_and_its_lint_findings() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let exclusions = write(
        dir.path(),
        "policy.toml",
        "[[policy]]\nmatch = \"self-service\"\nreason = \"reviewed self-service grant\"\n",
    );
    let value = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &exclusions,
        "--json",
    ]));
    // eve's path rests on a statement of self-service; mallory's does not.
    assert_eq!(escalating(&value), ["user/mallory"]);
    assert_eq!(value["suppressions"][0]["kind"], "policy");
}

#[test]
fn lint_suppresses_by_code_id_and_principal_and_finds_the_file_beside_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let before = json_of(&iamscope(&[
        "lint",
        "--account",
        &account,
        "--json",
        "--fail-on",
        "info",
    ]));
    let findings = before["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert_eq!(before["suppressed"], 0);
    for f in findings {
        assert!(f["id"].as_str().is_some_and(|id| id.starts_with("lint-")), "{f}");
    }
    // The role's inline policy grants * on *.
    let star = findings
        .iter()
        .find(|f| f["policy"] == "role/AWSServiceRoleForSupport/inline/all")
        .expect("a finding in the role's inline policy");
    let code = star["code"].as_str().unwrap();
    let id = star["id"].as_str().unwrap();
    let listing = text(&iamscope(&["lint", "--account", &account]));
    assert!(listing.contains(&format!("id: {id}")), "{listing}");

    // By id, in the file beside the account (prod.json → prod.iamscope-exclusions.toml).
    write(
        dir.path(),
        "prod.iamscope-exclusions.toml",
        &format!("[[finding]]\nid = \"{id}\"\nreason = \"AWS owns it\"\n"),
    );
    let out = iamscope(&["lint", "--account", &account, "--json", "--fail-on", "info"]);
    assert!(
        stderr(&out).contains("prod.iamscope-exclusions.toml"),
        "{}",
        stderr(&out)
    );
    let value = json_of(&out);
    assert_eq!(value["suppressed"], 1);
    assert_eq!(value["findings"].as_array().unwrap().len(), findings.len() - 1);
    assert!(value["findings"].as_array().unwrap().iter().all(|f| f["id"] != id));
    // Once the finding is gone, the entry is said to be stale.
    let stale = write(
        dir.path(),
        "stale.toml",
        "[[finding]]\nid = \"lint-000000000000\"\nreason = \"fixed long ago\"\n",
    );
    let out = iamscope(&["lint", "--account", &account, "--exclusions", &stale]);
    assert!(
        stderr(&out).contains("stale.toml:1: finding lint-000000000000 matched nothing in this run"),
        "{}",
        stderr(&out)
    );
    // A file that suppressed nothing is still said to be in use.
    assert!(text(&out).ends_with("\nsuppressed: 0\n"), "{}", text(&out));
    let without = text(&iamscope(&["lint", "--account", &account, "--no-exclusions"]));
    assert!(!without.contains("suppressed"), "{without}");
    // --no-exclusions ignores it.
    let value = json_of(&iamscope(&["lint", "--account", &account, "--json", "--no-exclusions"]));
    assert_eq!(value["suppressed"], 0);

    // By code: every finding of the check, counted; the text says so.
    let by_code = write(
        dir.path(),
        "code.toml",
        &format!("[[lint]]\ncode = \"{code}\"\nreason = \"known\"\n"),
    );
    let same_code = findings.iter().filter(|f| f["code"] == code).count();
    let value = json_of(&iamscope(&[
        "lint",
        "--account",
        &account,
        "--exclusions",
        &by_code,
        "--json",
    ]));
    assert_eq!(value["suppressed"], same_code);
    assert!(value["findings"].as_array().unwrap().iter().all(|f| f["code"] != code));
    let listing = text(&iamscope(&["lint", "--account", &account, "--exclusions", &by_code]));
    assert!(
        listing.ends_with(&format!(
            "suppressed: {same_code} ({same_code} by lint {code} (line 1): known)\n"
        )),
        "{listing}"
    );

    // By principal: its inline and trust policies.
    let by_principal = write(
        dir.path(),
        "principal.toml",
        "[[principal]]\nmatch = \"role/AWSServiceRole*\"\nreason = \"AWS owns it\"\n",
    );
    let value = json_of(&iamscope(&[
        "lint",
        "--account",
        &account,
        "--exclusions",
        &by_principal,
        "--json",
    ]));
    assert!(value["findings"].as_array().unwrap().iter().all(|f| {
        !f["policy"]
            .as_str()
            .unwrap_or("")
            .starts_with("role/AWSServiceRoleForSupport")
    }));
    assert!(value["suppressed"].as_u64().unwrap() >= 1);
}

#[test]
fn a_suppressed_error_no_longer_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "bad.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Principal": "*"}]}"#,
    );
    let out = iamscope(&["lint", "--kind", "identity", &policy, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let value = json_of(&out);
    assert_eq!(value["findings"].as_array().unwrap().len(), 1, "{value}");
    let error = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .expect("an error");
    let exclusions = write(
        dir.path(),
        "x.toml",
        &format!(
            "[[finding]]\nid = \"{}\"\nreason = \"test fixture\"\n",
            error["id"].as_str().unwrap()
        ),
    );
    let out = iamscope(&[
        "lint",
        "--kind",
        "identity",
        &policy,
        "--exclusions",
        &exclusions,
        "--sarif",
    ]);
    let log = json_of(&out);
    // Its only finding was the error: nothing is left to fail on.
    assert_eq!(log["runs"][0]["results"], json!([]), "{log}");
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("suppressed: 1 (1 by finding"))
    );
}

#[test]
fn a_bad_exclusions_file_is_refused_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let cases = [
        (
            "no-reason.toml",
            "[[principal]]\nmatch = \"user/a\"\n\n[[lint]]\ncode = \"sensitive-wildcard\"\n",
            ":1:1: this [[principal]] entry (match = \"user/a\") has no `reason`",
        ),
        (
            "typo.toml",
            "[[policy]]\nmatch = \"p\"\nreason = \"r\"\nexpires = \"2027-01-01\"\n",
            ":4:1: unknown field `expires`",
        ),
        (
            "code.toml",
            "[[lint]]\ncode = \"wildcards\"\nreason = \"r\"\n",
            ":2:8: `wildcards` is not a lint code",
        ),
    ];
    for (name, body, expected) in cases {
        let path = write(dir.path(), name, body);
        for command in [
            vec!["lint", "--account", &account, "--exclusions", &path],
            vec!["escalation", "--account", &account, "--exclusions", &path],
            vec![
                "who-can",
                "--account",
                &account,
                "--action",
                "s3:GetObject",
                "--exclusions",
                &path,
            ],
        ] {
            let out = iamscope(&command);
            assert_eq!(out.status.code(), Some(2), "{command:?}");
            let message = stderr(&out);
            assert!(message.contains(&format!("{name}{expected}")), "{command:?}: {message}");
        }
    }
    let out = iamscope(&["lint", "--exclusions", "/no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the exclusions file /no/such/file.toml"));
}

#[test]
fn a_lint_id_and_its_suppression_survive_a_statement_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let statements = [
        r#"{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjct"], "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}"#,
    ];
    let policy = |statements: &[&str]| {
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}\n",
            statements.join(",\n")
        )
    };
    let file = write(dir.path(), "deploy.json", &policy(&statements));
    let ids = |file: &str| -> Vec<(String, String)> {
        let value = json_of(&iamscope(&["lint", "--kind", "identity", "--json", file]));
        value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_owned(),
                    f["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let before = ids(&file);
    assert_eq!(before.len(), 3, "{before:?}");
    let passrole = before
        .iter()
        .find(|(code, _)| code == "passrole-wildcard")
        .unwrap()
        .1
        .clone();
    let exclusions = write(
        dir.path(),
        "x.toml",
        &format!("[[finding]]\nid = \"{passrole}\"\nreason = \"deploy passes its own roles, SEC-40\"\n"),
    );

    // A statement inserted above both: every id stays, the entry still applies.
    let inserted = r#"{"Sid": "Queue", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs"}"#;
    std::fs::write(&file, policy(&[inserted, statements[0], statements[1]])).unwrap();
    let after = ids(&file);
    for id in &before {
        assert!(after.contains(id), "{id:?} kept: {after:?}");
    }
    let out = iamscope(&[
        "lint",
        "--kind",
        "identity",
        "--json",
        &file,
        "--exclusions",
        &exclusions,
    ]);
    let value = json_of(&out);
    assert_eq!(value["suppressed"], 1, "{value}");
    assert!(
        value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != passrole.as_str())
    );
}

/// hr may write an inline policy on clerk, which makes clerk an
/// administrator; hr gains nothing itself.
fn write_grant_account(dir: &Path) -> String {
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}");
    let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    let user = |name: &str, statements: Value| {
        json!({
            "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
            "Arn": arn("user", name),
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(statements)}],
        })
    };
    let account = json!({
        "UserDetailList": [
            user("hr", json!([{"Sid": "Clerks", "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "clerk")}])),
            user("clerk", json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])),
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    write(dir, "grant.json", &account.to_string())
}

#[test]
fn a_change_that_makes_others_administrators_has_an_id_that_an_entry_suppresses() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_grant_account(dir.path());
    let value = json_of(&iamscope(&["escalation", "--account", &account, "--json"]));
    assert_eq!(value["make_others_admins"], 1, "{value}");
    let hr = &value["principals"][0];
    assert_eq!(hr["principal"], "user/hr");
    let change = &hr["makes_others_admins"][0];
    assert_eq!(change["grant"], "put-user-policy");
    assert_eq!(change["administrators"], json!(["user/clerk"]));
    let id = change["id"].as_str().expect("every change has an id").to_owned();
    assert!(id.starts_with("esc-"), "{id}");
    let listing = text(&iamscope(&["escalation", "--account", &account]));
    assert!(listing.contains(&format!("id: {id}")), "{listing}");
    // The id names the change, not the run: the same for one principal asked about.
    let one = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--principal",
        "user/hr",
        "--json",
    ]));
    assert_eq!(one["principals"][0]["makes_others_admins"][0]["id"], id.as_str());

    let exclusions = write(
        dir.path(),
        "x.toml",
        &format!("[[finding]]\nid = \"{id}\"\nreason = \"HR onboarding, SEC-9\"\n"),
    );
    let out = iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &exclusions,
        "--json",
    ]);
    assert!(!stderr(&out).contains("matched nothing"), "{}", stderr(&out));
    let value = json_of(&out);
    assert_eq!(value["make_others_admins"], 0, "{value}");
    assert_eq!(value["principals"], json!([]), "{value}");
    assert_eq!(value["suppressed"], 1);
    assert_eq!(value["suppressions"][0]["kind"], "finding");
    let listing = text(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--exclusions",
        &exclusions,
    ]));
    assert!(listing.contains("0 can make others administrators"), "{listing}");
    assert!(listing.contains("suppressed: 1 (1 by finding"), "{listing}");
}
