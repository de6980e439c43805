//! The analysis commands through the real binary: what-can, who-can for
//! action sets (and unchanged for one action), reach, escalation.

use std::path::Path;

use serde_json::{Value, json};

mod cli_support;
use cli_support::{iamscope, json_ok as json_of, ok as stdout};

fn write_account(dir: &Path) -> String {
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
    let user = |name: &str, statements: Value| {
        json!({
            "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
            "Arn": arn("user", name),
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
        })
    };
    let account = json!({
        "UserDetailList": [
            user("boss", json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
            user("mallory", json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "mallory")}])),
            user("clerk", json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])),
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    let path = dir.join("account.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn who_can_for_one_action_prints_what_it_always_printed() {
    let out = stdout(&iamscope(&[
        "who-can",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::photos/uploads/cat.jpg",
    ]));
    assert_eq!(
        out,
        "5 of 18 principals may s3:PutObject on arn:aws:s3:::photos/uploads/cat.jpg\n\
         \x20 root             root user\n\
         \x20 user/ana         statement #1 in AdministratorAccess (via group Admins) (line 4)\n\
         \x20 user/bob         statement BobUploads in resource policy of arn:aws:s3:::photos (line 19)\n\
         \x20 user/carol       statement ContractorServices in ContractorWork (inline, user carol) (line 4)\n\
         \x20 role/DeployRole  statement #1 in PowerUserAccess (AWS managed) (line 4)\n"
    );
    let value = json_of(&iamscope(&[
        "who-can",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::photos/uploads/cat.jpg",
        "--json",
    ]));
    let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "action",
            "resource",
            "evaluated",
            "allowed",
            "suppressed",
            "suppressions",
            "warnings"
        ]
    );
    assert_eq!(value["warnings"], json!([]), "the demo account loads cleanly");
}

#[test]
fn who_can_any_resource_finds_a_grant_on_some_resources_that_star_misses() {
    let principals = |args: &[&str]| -> Vec<String> {
        let value = json_of(&iamscope(args));
        value["allowed"]
            .as_array()
            .unwrap_or_else(|| panic!("no allowed list: {value}"))
            .iter()
            .map(|a| a["principal"].as_str().unwrap().to_owned())
            .collect()
    };
    // alice may read photos/*, not every object: asked on *, she is not listed.
    let on_star = principals(&["who-can", "--action", "s3:GetObject", "--json"]);
    assert!(!on_star.contains(&"user/alice".to_owned()), "{on_star:?}");
    let on_any = principals(&["who-can", "--action", "s3:GetObject", "--any-resource", "--json"]);
    assert!(on_any.contains(&"user/alice".to_owned()), "{on_any:?}");
    assert!(on_star.iter().all(|p| on_any.contains(p)), "{on_star:?} ⊄ {on_any:?}");
    // One resource, or any: not both.
    let both = iamscope(&[
        "who-can",
        "--action",
        "s3:GetObject",
        "--any-resource",
        "--resource",
        "*",
    ]);
    assert!(!both.status.success());
}

#[test]
fn who_can_lists_another_account_that_a_resource_policy_grants() {
    // Issue 17 item 12: the demo's bucket policy (PartnerReadPublic) lets
    // account 444455556666 read photos/public/*. Its principals may, if their
    // own account's policies allow too ("Cross-account policy evaluation logic").
    let public = stdout(&iamscope(&[
        "who-can",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::photos/public/cat.jpg",
    ]));
    let line = public
        .lines()
        .find(|l| l.contains("444455556666"))
        .unwrap_or_else(|| panic!("{public}"));
    assert!(
        line.contains("principals of account 444455556666 whose own policies allow"),
        "{line}"
    );
    assert!(
        line.contains("statement PartnerReadPublic in resource policy of arn:aws:s3:::photos"),
        "{line}"
    );
    // Outside photos/public/* the statement does not apply: not listed.
    let private = stdout(&iamscope(&[
        "who-can",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::photos/private/cat.jpg",
    ]));
    assert!(!private.contains("444455556666"), "{private}");
    let value = json_of(&iamscope(&[
        "who-can",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::photos/public/cat.jpg",
        "--json",
    ]));
    let external = value["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["arn"] == "arn:aws:iam::444455556666:root")
        .expect("the other account in JSON");
    assert_eq!(external["rule"], "both-accounts-allow");
}

#[test]
fn who_can_for_a_wildcard_or_an_access_level_counts_actions_per_principal() {
    let value = json_of(&iamscope(&["who-can", "--action", "iam:*", "--json"]));
    assert_eq!(value["query"], "iam:*");
    assert_eq!(value["resource"], "*");
    let ana = value["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["principal"] == "user/ana")
        .unwrap();
    assert_eq!(ana["allowed"], value["actions"]);
    assert_eq!(ana["examples"].as_array().unwrap().len(), 5);
    // --json lists every allowed action, with the resource it was allowed on
    assert_eq!(value["any_resource"], true);
    let every = ana["actions"].as_array().unwrap();
    assert_eq!(json!(every.len()), value["actions"]);
    assert!(
        every
            .iter()
            .all(|a| a["action"].as_str().unwrap().starts_with("iam:") && a["resource"] == "*")
    );

    let out = stdout(&iamscope(&[
        "who-can",
        "--service",
        "iam",
        "--access-level",
        "permissions-management",
    ]));
    assert!(out.starts_with("2 of 17 principals may do at least one of"), "{out}");
    assert!(out.contains("(iam (Permissions management)) on any resource"), "{out}");
    let on_star = stdout(&iamscope(&["who-can", "--service", "iam", "--resource", "*"]));
    assert!(on_star.contains("(iam) on *"), "{on_star}");

    let bad = iamscope(&["who-can", "--service", "iam", "--access-level", "admin"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("permissions-management"));
    let neither = iamscope(&["who-can", "--resource", "*"]);
    assert_eq!(neither.status.code(), Some(2));
}

#[test]
fn what_can_summarises_by_service_and_level() {
    let value = json_of(&iamscope(&["what-can", "--principal", "user/bob", "--json"]));
    assert_eq!(value["arn"], "arn:aws:iam::111122223333:user/bob");
    let s3 = value["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "s3")
        .unwrap();
    let write = s3["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "write")
        .unwrap();
    assert_eq!(write["access"], "Limited");
    assert_eq!(write["examples"], json!(["s3:PutObject"]));
    assert_eq!(write["resources"], json!(["arn:aws:s3:::photos/uploads/*"]));

    let text = stdout(&iamscope(&["what-can", "--principal", "user/bob", "--service", "s3"]));
    assert!(text.starts_with("user/bob (arn:aws:iam::111122223333:user/bob) is allowed actions of 1 service"));
    assert!(text.contains("  Write                   Limited"), "{text}");

    let missing = iamscope(&["what-can", "--principal", "user/nobody"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no user named nobody"));
}

#[test]
fn reach_follows_trust_with_the_context_given() {
    let without = json_of(&iamscope(&["reach", "--principal", "user/dave", "--json"]));
    assert_eq!(without["paths"], json!([]));
    let with = json_of(&iamscope(&[
        "reach",
        "--principal",
        "user/dave",
        "--context",
        "aws:MultiFactorAuthPresent=true",
        "--json",
    ]));
    let hop = &with["paths"][0]["hops"][0];
    assert_eq!(hop["role"], "role/DeployRole");
    assert_eq!(hop["how"]["kind"], "assume-role");
    assert_eq!(
        hop["steps"][0]["statement"]["policy"],
        "trust policy of role DeployRole"
    );

    let guest = stdout(&iamscope(&["reach", "--role", "PhotoAppGuestRole"]));
    assert!(
        guest.starts_with("1 principal can reach role/PhotoAppGuestRole"),
        "{guest}"
    );
    assert!(guest.contains(":unauthenticated → role/PhotoAppGuestRole"), "{guest}");
    assert_eq!(iamscope(&["reach", "--role", "NoSuchRole"]).status.code(), Some(2));
}

#[test]
fn escalation_reports_paths_with_their_steps() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let text = stdout(&iamscope(&["escalation", "--account", &account]));
    // Every principal's paths are written as they are found; the totals come last.
    let totals = text.lines().last().unwrap_or_default();
    assert!(
        totals.starts_with("1 of 3 principals can become administrators: 1 certain, 0 only under assumptions (")
            && totals.contains("1 already is)"),
        "{text}"
    );
    assert!(text.contains("[put-user-policy]"), "{text}");
    assert!(text.contains("user/mallory: iam:PutUserPolicy on arn:aws:iam::111122223333:user/mallory: Allow by statement #1 in p (inline, user mallory)"), "{text}");

    let value = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--principal",
        "user/clerk",
        "--why",
        "--json",
    ]));
    assert_eq!(value["principals"][0]["findings"], json!([]));
    let reasons = value["not_found"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["pattern"] == "put-user-policy"
                && r["reasons"][0].as_str().unwrap().contains("iam:PutUserPolicy"))
    );
    assert_eq!(iamscope(&["escalation", "--why"]).status.code(), Some(2));
}

/// An account where `eve` may replace any Lambda function's code and the
/// administrator role `Worker` trusts Lambda: a path only if a function
/// runs as Worker, which the export cannot show.
fn write_lambda_account(dir: &Path) -> String {
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
    let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    let account = json!({
        "UserDetailList": [
            {"UserName": "eve", "UserId": "AIDAEVE", "Path": "/", "Arn": arn("user", "eve"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]))}]},
            {"UserName": "max", "UserId": "AIDAMAX", "Path": "/", "Arn": arn("user", "max"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "max")}]))}]},
        ],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "RoleName": "Worker", "RoleId": "AROAWORKER", "Path": "/", "Arn": arn("role", "Worker"),
            "AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])),
            "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}],
        }],
        "Policies": [],
    });
    let path = dir.join("lambda.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn escalation_tells_certain_paths_from_conditional_ones_and_an_inventory_settles_them() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_lambda_account(dir.path());
    let text = stdout(&iamscope(&["escalation", "--account", &account]));
    assert!(
        text.contains("2 of 3 principals can become administrators: 1 certain, 1 only under assumptions"),
        "{text}"
    );
    assert!(text.contains("— conditional"), "{text}");

    let value = json_of(&iamscope(&["escalation", "--account", &account, "--json"]));
    assert_eq!(
        (value["certain"].as_u64(), value["conditional"].as_u64()),
        (Some(1), Some(1))
    );
    let eve = value["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == "user/eve")
        .unwrap();
    assert_eq!(eve["findings"][0]["certain"], false);
    assert_eq!(
        (eve["certain"].as_u64(), eve["conditional"].as_u64()),
        (Some(0), Some(1))
    );

    let certain = stdout(&iamscope(&["escalation", "--account", &account, "--certain-only"]));
    assert!(!certain.contains("user/eve"), "{certain}");
    assert!(
        certain.contains("1 of 3 principals can become administrators: 1 certain, 0 only"),
        "{certain}"
    );

    let inventory = dir.path().join("inventory.json");
    std::fs::write(
        &inventory,
        r#"{"Inventory": {"LambdaFunctions": [{"FunctionName": "nightly", "Role": "arn:aws:iam::111122223333:role/Worker"}]}}"#,
    )
    .unwrap();
    let inv = inventory.to_string_lossy().into_owned();
    let settled = json_of(&iamscope(&[
        "escalation",
        "--account",
        &account,
        "--inventory",
        &inv,
        "--json",
    ]));
    assert_eq!(settled["certain"].as_u64(), Some(2), "{settled}");
    let eve = settled["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == "user/eve")
        .unwrap();
    assert_eq!(eve["findings"][0]["inventory"], json!(["Lambda function nightly"]));

    std::fs::write(&inventory, r#"{"Inventory": {"LambdaFunctions": []}}"#).unwrap();
    let none = stdout(&iamscope(&["escalation", "--account", &account, "--inventory", &inv]));
    assert!(!none.contains("user/eve"), "{none}");

    std::fs::write(&inventory, r#"{"Inventory": {"LambdaFunctions": [{"Role": 1}]}}"#).unwrap();
    let bad = iamscope(&["escalation", "--account", &account, "--inventory", &inv]);
    assert_eq!(bad.status.code(), Some(2));
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(
        message.contains("inventory.json:1:") && message.contains("Inventory.LambdaFunctions[0]"),
        "{message}"
    );
}

#[test]
fn who_can_names_the_federated_users_that_can_assume_an_allowed_role() {
    // The demo's GitHubDeployRole trusts only the main branch of one
    // repository ("Configuring a role for GitHub OIDC identity provider").
    let args = [
        "who-can",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::build-artifacts/releases/app.zip",
    ];
    let out = stdout(&iamscope(&args));
    assert!(
        out.contains(
            "↳ assumable by any GitHub Actions workflow of repository iamscope-demo/photo-app on branch main (oidc/token.actions.githubusercontent.com, trust statement PhotoAppMainBranch)"
        ),
        "{out}"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let value = json_of(&iamscope(&json_args));
    let role = value["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["principal"] == "role/GitHubDeployRole")
        .unwrap();
    assert_eq!(
        role["assumed_by"][0]["principal"],
        "oidc/token.actions.githubusercontent.com"
    );
    let user = value["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["principal"] == "user/build-bot")
        .unwrap();
    assert!(user.get("assumed_by").is_none(), "a user is assumed by nobody");

    // the action-set listing says it too
    let out = stdout(&iamscope(&[
        "who-can",
        "--action",
        "s3:Get*",
        "--resource",
        "arn:aws:s3:::photos/cat.jpg",
    ]));
    assert!(
        out.contains("↳ assumable by any user of SAML provider CorpIdP"),
        "{out}"
    );
}

#[test]
fn reach_lists_the_federated_users_a_role_trusts_and_the_roles_a_provider_is_trusted_by() {
    let out = stdout(&iamscope(&["reach", "--role", "CorpDevelopers"]));
    assert!(
        out.contains("saml/CorpIdP → role/CorpDevelopers  (trust statement CorpSignIn)"),
        "{out}"
    );
    assert!(out.contains("any user of SAML provider CorpIdP"), "{out}");
    let out = stdout(&iamscope(&[
        "reach",
        "--principal",
        "oidc/token.actions.githubusercontent.com",
    ]));
    assert!(
        out.starts_with("oidc/token.actions.githubusercontent.com is trusted by 1 role"),
        "{out}"
    );
    assert!(out.contains("→ role/GitHubDeployRole"), "{out}");
    let value = json_of(&iamscope(&[
        "reach",
        "--principal",
        "web/accounts.google.com",
        "--json",
    ]));
    assert_eq!(value["federated"], json!([]), "no demo role trusts Google");
    let all = json_of(&iamscope(&["reach", "--json"]));
    let roles: Vec<&str> = all["federated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["role"].as_str().unwrap())
        .collect();
    for role in [
        "role/GitHubDeployRole",
        "role/CorpDevelopers",
        "role/PhotoAppAuthRole",
        "role/PhotoAppGuestRole",
    ] {
        assert!(roles.contains(&role), "{roles:?}");
    }
}

/// tests/fixtures/federation.json: GitHub, GitLab and an EKS cluster's
/// providers with their client ids, a role trusting a provider the account
/// lacks, and a trust policy with a Deny statement.
const FEDERATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/federation.json");

fn federated_population(role: &str) -> Value {
    let value = json_of(&iamscope(&["reach", "--account", FEDERATION, "--role", role, "--json"]));
    value["federated"][0].clone()
}

#[test]
fn a_trust_without_an_aud_condition_admits_only_the_providers_client_ids() {
    // IAM API Reference, "CreateOpenIDConnectProvider" (ClientIDList): STS
    // refuses a token for any other audience.
    let trust = federated_population("GitLabAny");
    assert_eq!(
        trust["population"],
        "any identity of OIDC provider gitlab.com for client https://gitlab.com (the provider's client ids)"
    );
    assert_eq!(trust["registered"], true);
    // and one that requires another audience admits nobody
    let trust = federated_population("GhWrongAudience");
    assert_eq!(
        trust["population"],
        "nobody: the trust requires aud sigstore, which is not a client id of the provider (sts.amazonaws.com), so STS refuses every token that would fit"
    );
}

#[test]
fn a_trust_naming_a_provider_the_account_lacks_admits_nobody_as_explain_says() {
    // AssumeRoleWithWebIdentity: the provider must be registered in IAM.
    let trust = federated_population("Ghost");
    assert_eq!(trust["registered"], false);
    let population = trust["population"].as_str().unwrap();
    assert!(
        population.starts_with("nobody: the account has no OIDC provider gitlab.example.com"),
        "{population}"
    );
    let out = stdout(&iamscope(&[
        "explain",
        "--account",
        FEDERATION,
        "--principal",
        "oidc/gitlab.example.com",
        "--claim",
        "sub=project_path:group/app:ref_type:branch:ref:main",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::artifacts/a",
    ]));
    assert!(out.contains("has no OIDC provider gitlab.example.com"), "{out}");
}

#[test]
fn a_deny_statement_of_the_trust_is_taken_out_of_the_population() {
    // "Policy evaluation logic": an explicit deny overrides any allow.
    let trust = federated_population("GhDenyFork");
    assert_eq!(
        trust["population"],
        "any GitHub Actions workflow of any repository of myorg, except repository myorg/secret (trust statement NotSecret denies it)"
    );
    let out = stdout(&iamscope(&["reach", "--account", FEDERATION, "--role", "GhDenyFork"]));
    assert!(out.contains("except repository myorg/secret"), "{out}");
}

#[test]
fn what_can_and_escalation_send_a_federated_user_to_the_role_it_assumes() {
    for command in ["what-can", "escalation"] {
        let output = iamscope(&[command, "--principal", "saml/CorpIdP"]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains("acts only through the role its claims get it"), "{err}");
        assert!(err.contains("iamscope reach --principal saml/CorpIdP"), "{err}");
    }
}

/// A one-page export (`IsTruncated: true`) whose user has an AWS managed
/// policy the export does not carry: the loader fills it in from the
/// built-in library and says so. Every answer carries both notes.
fn write_partial_account(dir: &Path) -> String {
    let account = json!({
        "UserDetailList": [{
            "UserName": "reader", "UserId": "AIDAREADER", "Path": "/",
            "Arn": "arn:aws:iam::111122223333:user/reader",
            "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "Mine", "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "arn:aws:iam::111122223333:user/reader"}]}}],
        }],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
        "IsTruncated": true, "Marker": "next-page",
    });
    let path = dir.join("page-1.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn every_answer_says_what_the_loader_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_partial_account(dir.path());
    let commands: [&[&str]; 7] = [
        &["escalation"],
        &["escalation", "--principal", "user/reader"],
        &["who-can", "--action", "s3:GetObject"],
        &["who-can", "--action", "s3:Get*"],
        &["what-can", "--principal", "user/reader"],
        &["reach"],
        &["reach", "--principal", "user/reader"],
    ];
    for command in commands.iter().map(|c| c.to_vec()).chain([vec!["lint"]]) {
        let mut text_args = command.clone();
        text_args.extend(["--account", &account]);
        let text = iamscope(&text_args);
        let stderr = String::from_utf8_lossy(&text.stderr);
        assert!(
            stderr.contains("warning: ") && stderr.contains("the export is partial (IsTruncated: true)"),
            "{command:?}: {stderr}"
        );
        assert!(
            stderr.contains("does not contain (ReadOnlyAccess); iamscope uses its built-in copies"),
            "{command:?}: {stderr}"
        );

        let mut json_args = text_args.clone();
        json_args.push("--json");
        let output = iamscope(&json_args);
        let value: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{command:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        let warnings: Vec<&str> = value["warnings"]
            .as_array()
            .unwrap_or_else(|| panic!("{command:?}: no warnings field in {value}"))
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert_eq!(warnings.len(), 2, "{command:?}: {warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("{account}: the export is partial")),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("ReadOnlyAccess"), "{warnings:?}");
    }
    // summary lists the same notes, in the same words
    let summary = json_of(&iamscope(&["summary", "--account", &account, "--json"]));
    let listed = summary["warnings"].as_array().unwrap();
    assert!(listed.iter().any(|w| {
        w.as_str()
            .unwrap()
            .starts_with(&format!("{account}: the export is partial"))
    }));
}
