//! SARIF 2.1.0 from `lint --sarif` and `escalation --sarif`, through the
//! real binary: the properties the standard requires, and locations that
//! say the same as the text output.

use std::path::Path;

use serde_json::{Value, json};

mod cli_support;
use cli_support::{iamscope, json_of};

/// The required properties of a SARIF 2.1.0 log (sarifLog, run, tool,
/// toolComponent, reportingDescriptor, result, location) and the links
/// between them; returns the first run.
#[track_caller]
fn valid_sarif(log: &Value) -> &Value {
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"].as_str().is_some_and(|s| s.contains("sarif-2.1.0")),
        "{}",
        log["$schema"]
    );
    let runs = log["runs"].as_array().expect("runs is a list");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "iamscope");
    let rules = driver["rules"].as_array().expect("rules is a list");
    assert!(!rules.is_empty());
    for rule in rules {
        assert!(rule["id"].as_str().is_some_and(|id| !id.is_empty()), "{rule}");
        assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
    }
    for result in run["results"].as_array().expect("results is a list") {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        assert!(
            matches!(result["level"].as_str(), Some("error" | "warning" | "note" | "none")),
            "{result}"
        );
        assert!(
            result["message"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{result}"
        );
        let locations = result["locations"].as_array().expect("locations is a list");
        assert!(!locations.is_empty(), "{result}");
        for location in locations {
            let physical = &location["physicalLocation"];
            assert!(physical["artifactLocation"]["uri"].is_string(), "{location}");
            if let Some(region) = physical.get("region") {
                assert!(region["startLine"].as_u64().is_some_and(|l| l >= 1), "{region}");
                assert!(region["startColumn"].as_u64().is_some_and(|c| c >= 1), "{region}");
            }
        }
    }
    run
}

#[test]
fn lint_sarif_places_each_finding_where_the_text_output_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deploy policy.json");
    std::fs::write(
        &path,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Sid\": \"deploy-all\",\n    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:GetObjects\", \"iam:PassRole\"],\n    \"Resource\": \"*\"\n  }]\n}\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let sarif = iamscope(&["lint", "--kind", "identity", "--sarif", file]);
    assert_eq!(sarif.status.code(), Some(1), "errors found: status as for text");
    let log = json_of(&sarif);
    let run = valid_sarif(&log);
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let json = json_of(&iamscope(&["lint", "--kind", "identity", "--json", file]));
    let expected: Vec<(String, u64, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let level = match f["severity"].as_str().unwrap() {
                "info" => "note".to_owned(),
                other => other.to_owned(),
            };
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                level,
            )
        })
        .collect();
    let found: Vec<(String, u64, u64, String)> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
                r["level"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(found, expected);
    let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert!(
        codes.contains(&"sid-format") && codes.contains(&"unknown-action"),
        "{codes:?}"
    );
    let unknown = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "unknown-action")
        .unwrap();
    assert_eq!(
        unknown["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 6, "startColumn": 16})
    );
    assert_eq!(
        unknown["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Statement[0].Action[0]"
    );
    let uri = unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.ends_with("/deploy%20policy.json"), "a URI: {uri}");
    assert!(
        unknown["message"]["text"]
            .as_str()
            .unwrap()
            .contains("help: did you mean"),
        "{unknown}"
    );
    // every check is a rule, findings or not
    let listed = String::from_utf8(iamscope(&["lint", "--list-checks"]).stdout).unwrap();
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        listed.lines().count()
    );

    assert_eq!(iamscope(&["lint", "--sarif", "--json", file]).status.code(), Some(2));
}

#[test]
fn lint_sarif_of_an_account_names_the_policy_and_carries_the_loader_warnings() {
    let log = json_of(&iamscope(&["lint", "--sarif"]));
    let run = valid_sarif(&log);
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let carol = results
        .iter()
        .find(|r| r["ruleId"] == "sensitive-wildcard")
        .expect("the demo account's s3:* on *");
    assert_eq!(
        carol["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "user/carol/inline/ContractorWork/Statement[0].Action[0]"
    );
    // lines are those of the policy as iamscope shows it, not of the file
    assert!(
        carol["locations"][0]["physicalLocation"].get("region").is_none(),
        "{carol}"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let dir = tempfile::tempdir().unwrap();
    let account = partial_account(dir.path());
    let log = json_of(&iamscope(&["lint", "--sarif", "--account", &account]));
    let notes = valid_sarif(&log)["invocations"][0]["toolExecutionNotifications"].clone();
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["level"] == "warning" && n["message"]["text"].as_str().unwrap().contains("IsTruncated: true")),
        "{notes}"
    );
}

/// One page (`IsTruncated: true`) of an account where `mallory` may write
/// its own inline policy (put-user-policy).
fn partial_account(dir: &Path) -> String {
    let account = json!({
        "UserDetailList": [
            {"UserName": "boss", "UserId": "AIDABOSS", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/boss",
             "UserPolicyList": [{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]},
            {"UserName": "mallory", "UserId": "AIDAMALLORY", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/mallory",
             "UserPolicyList": [{"PolicyName": "self", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Sid": "Self", "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "arn:aws:iam::111122223333:user/mallory"}]}}]},
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
        "IsTruncated": true,
    });
    let path = dir.join("account.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn escalation_sarif_has_a_result_per_path_at_its_principal() {
    let dir = tempfile::tempdir().unwrap();
    let account = partial_account(dir.path());
    let output = iamscope(&["escalation", "--sarif", "--account", &account]);
    assert_eq!(output.status.code(), Some(0));
    let log = json_of(&output);
    let run = valid_sarif(&log);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    let path = &results[0];
    assert_eq!(path["ruleId"], "put-user-policy");
    assert_eq!(path["level"], "error");
    let location = &path["locations"][0];
    assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], "user/mallory");
    assert!(
        location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/account.json")
    );
    let text = path["message"]["text"].as_str().unwrap();
    assert!(text.starts_with("user/mallory can become an administrator"), "{text}");
    assert!(
        text.contains("iam:PutUserPolicy on arn:aws:iam::111122223333:user/mallory: Allow"),
        "{text}"
    );
    let related = path["relatedLocations"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["message"]["text"].as_str().unwrap().contains("statement Self (line")),
        "{related:?}"
    );
    // the loader's notes travel with the answer
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert!(notes.to_string().contains("IsTruncated: true"), "{notes}");

    let one = json_of(&iamscope(&[
        "escalation",
        "--sarif",
        "--account",
        &account,
        "--principal",
        "user/boss",
    ]));
    assert_eq!(
        valid_sarif(&one)["results"],
        json!([]),
        "an administrator has no path to report"
    );
    assert_eq!(iamscope(&["escalation", "--sarif", "--json"]).status.code(), Some(2));
}

/// A path that rests on what the export cannot show (a Lambda function
/// running as the administrator role) is a warning marked `certain: false`;
/// a path the export proves is an error marked `certain: true`.
#[test]
fn escalation_sarif_marks_conditional_paths_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
    let doc = |statements: Value| serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    let account = serde_json::json!({
        "UserDetailList": [
            {"UserName": "eve", "UserId": "AIDAEVE", "Path": "/", "Arn": arn("user", "eve"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(serde_json::json!([{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]))}]},
            {"UserName": "max", "UserId": "AIDAMAX", "Path": "/", "Arn": arn("user", "max"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(serde_json::json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "max")}]))}]},
        ],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "RoleName": "Worker", "RoleId": "AROAWORKER", "Path": "/", "Arn": arn("role", "Worker"),
            "AssumeRolePolicyDocument": doc(serde_json::json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])),
            "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": doc(serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}],
        }],
        "Policies": [],
    });
    let path = dir.path().join("lambda.json");
    std::fs::write(&path, account.to_string()).unwrap();
    let log = json_of(&iamscope(&[
        "escalation",
        "--sarif",
        "--account",
        path.to_str().unwrap(),
    ]));
    let run = valid_sarif(&log);
    let results = run["results"].as_array().unwrap();
    let of = |who: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == who)
            .unwrap_or_else(|| panic!("no result for {who}: {results:?}"))
    };
    assert_eq!(of("user/eve")["level"], "warning");
    assert_eq!(of("user/eve")["properties"]["certain"], false);
    assert_eq!(of("user/max")["level"], "error");
    assert_eq!(of("user/max")["properties"]["certain"], true);
}

/// A change that makes another principal an administrator is a result of
/// its own rule, at the principal that may make it, with the statement
/// that allows it and the id an exclusions file names.
#[test]
fn escalation_sarif_has_the_changes_that_make_others_administrators() {
    let dir = tempfile::tempdir().unwrap();
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
    let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    let account = json!({
        "UserDetailList": [
            {"UserName": "hr", "UserId": "AIDAHR", "Path": "/", "Arn": arn("user", "hr"),
             "UserPolicyList": [{"PolicyName": "onboarding", "PolicyDocument": doc(json!([{"Sid": "Clerks", "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "clerk")}]))}]},
            {"UserName": "clerk", "UserId": "AIDACLERK", "Path": "/", "Arn": arn("user", "clerk"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]))}]},
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    let path = dir.path().join("grant.json");
    std::fs::write(&path, account.to_string()).unwrap();
    let account = path.to_str().unwrap();
    let log = json_of(&iamscope(&["escalation", "--sarif", "--account", account]));
    let run = valid_sarif(&log);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().filter(|id| **id == "makes-others-admins").count(),
        1,
        "one rule of its own: {ids:?}"
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    let result = &results[0];
    assert_eq!(result["ruleId"], "makes-others-admins");
    assert_eq!(result["level"], "error");
    assert_eq!(result["properties"]["certain"], true);
    assert_eq!(result["properties"]["change"], "put-user-policy");
    assert_eq!(result["properties"]["administrators"], json!(["user/clerk"]));
    assert_eq!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "user/hr"
    );
    let text = result["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("user/hr can make others administrators: ")
            && text.contains("Then administrators: user/clerk"),
        "{text}"
    );
    // The statement that allows the change; the simulated check is in no file.
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{related:?}");
    assert_eq!(
        related[0]["logicalLocations"][0]["fullyQualifiedName"],
        "onboarding (inline, user hr)/Clerks"
    );
    // The fingerprint is the id the JSON output gives.
    let json = json_of(&iamscope(&["escalation", "--json", "--account", account]));
    assert_eq!(
        result["partialFingerprints"]["iamscope/v1"],
        json["principals"][0]["makes_others_admins"][0]["id"]
    );
}
