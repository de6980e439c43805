//! The evaluation engine against scenario files: each file in
//! `tests/scenarios/` states one IAM rule (with the AWS documentation page it
//! comes from), an account, and requests with the decision AWS makes and the
//! statement that decides it.
//!
//! Every case is also run through the fast path, which must agree.

use std::path::Path;

use iamscope::eval::{self, RequestSpec};
use iamscope::io;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    /// The rule, in a sentence.
    rule: String,
    /// The AWS documentation page the rule comes from.
    source: String,
    /// "demo", or a workspace file's JSON.
    account: Value,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The one written request form (`RequestSpec`): principal, action,
    /// resource, context, session_policies, time.
    request: RequestSpec,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    decision: eval::Decision,
    /// The rule code (`identity-policy-allows`, `explicit-deny`, …).
    rule: Option<String>,
    /// `Sid` (or `#N`) of a deciding statement.
    deciding_statement: Option<String>,
    /// Text the deciding statement's policy label contains.
    deciding_policy: Option<String>,
    /// Text the summary sentence contains.
    summary_contains: Option<String>,
    /// Keys reported missing from the request.
    missing_context: Option<Vec<String>>,
    /// Text one of the assumptions contains.
    assumption_contains: Option<String>,
    /// The code of a warning the answer carries (`unknown-action`, …); a
    /// case without it expects none.
    warning: Option<String>,
}

fn run(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let scenario: Scenario = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => return vec![format!("cannot read the scenario: {e}")],
    };
    assert!(!scenario.rule.trim().is_empty() && !scenario.source.trim().is_empty());
    let loaded = match &scenario.account {
        Value::String(s) if s == "demo" => io::load(&[], None),
        other => io::load_bytes(&path.display().to_string(), other.to_string().as_bytes()),
    };
    let model = match loaded {
        Ok(l) => l.model,
        Err(e) => return vec![format!("the account does not load: {e}")],
    };
    let mut failures = Vec::new();
    for case in &scenario.cases {
        let mut fail = |what: String| failures.push(format!("case `{}`: {what}", case.name));
        // Cases without a time happen at one fixed moment, so clock conditions are stable.
        let request = match case.request.to_request("2026-06-01T12:00:00Z".parse().unwrap()) {
            Ok(r) => r,
            Err(e) => {
                fail(e.to_string());
                continue;
            }
        };
        let explanation = match eval::evaluate(&model, &request) {
            Ok(e) => e,
            Err(e) => {
                fail(format!("not evaluated: {e}"));
                continue;
            }
        };
        let fast = eval::decide(&model, &request).unwrap();
        let expect = &case.expect;
        if explanation.decision != expect.decision {
            fail(format!(
                "decision {:?}, expected {:?}: {}",
                explanation.decision, expect.decision, explanation.summary
            ));
        }
        if fast.decision != explanation.decision || fast.basis.code() != explanation.rule() {
            fail(format!(
                "the fast path says {:?}/{} but the explained one says {:?}/{}",
                fast.decision,
                fast.basis.code(),
                explanation.decision,
                explanation.rule()
            ));
        }
        if let Some(rule) = &expect.rule
            && explanation.rule() != rule
        {
            fail(format!(
                "rule {}, expected {rule}: {}",
                explanation.rule(),
                explanation.summary
            ));
        }
        if let Some(sid) = &expect.deciding_statement
            && !explanation.deciding.iter().any(|d| *d.statement == **sid)
        {
            let got: Vec<&str> = explanation.deciding.iter().map(|d| &*d.statement).collect();
            fail(format!("deciding statements {got:?}, expected {sid}"));
        }
        if let Some(policy) = &expect.deciding_policy
            && !explanation.deciding.iter().any(|d| d.policy.contains(policy.as_str()))
        {
            let got: Vec<&str> = explanation.deciding.iter().map(|d| d.policy.as_str()).collect();
            fail(format!("deciding policies {got:?}, expected one containing {policy}"));
        }
        if let Some(text) = &expect.summary_contains
            && !explanation.summary.contains(text.as_str())
        {
            fail(format!("summary `{}` lacks `{text}`", explanation.summary));
        }
        if let Some(text) = &expect.assumption_contains
            && !explanation
                .assumptions
                .iter()
                .any(|a| a.describe().contains(text.as_str()))
        {
            let got: Vec<String> = explanation.assumptions.iter().map(|a| a.describe()).collect();
            fail(format!("assumptions {got:?} lack `{text}`"));
        }
        let codes: Vec<&str> = explanation.warnings.iter().map(|w| w.code()).collect();
        if codes != expect.warning.as_deref().into_iter().collect::<Vec<_>>() {
            fail(format!("warnings {codes:?}, expected {:?}", expect.warning));
        }
        if let Some(keys) = &expect.missing_context
            && &explanation.missing_context != keys
        {
            fail(format!(
                "missing context {:?}, expected {keys:?}",
                explanation.missing_context
            ));
        }
    }
    failures
}

#[test]
fn every_scenario_file_gives_the_decision_aws_documents() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "scenario files are missing from {}", dir.display());
    let mut report = Vec::new();
    for file in &files {
        for failure in run(file) {
            report.push(format!("{}: {failure}", file.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(
        report.is_empty(),
        "{} scenario failures:\n{}",
        report.len(),
        report.join("\n")
    );
}
