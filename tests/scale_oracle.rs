//! The scalable reach and escalation analyses (principal classes, shared
//! trust answers, bitset searches, cut-down simulated accounts) give exactly
//! what the straightforward ones (`analysis::naive`) give: on the demo
//! account, on the account of every scenario and import fixture, and on
//! generated accounts of every shape over many seeds.

use std::path::Path;

use iamscope::analysis::naive;
use iamscope::analysis::reach::ReachQuery;
use iamscope::analysis::{AnalysisOptions, escalation, reach};
use iamscope::eval::Context;
use iamscope::io::synthetic::{self, Shape, Sizes};
use iamscope::model::Model;
use proptest::prelude::*;

fn options(context: Context) -> AnalysisOptions {
    AnalysisOptions {
        context,
        ..AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap())
    }
}

fn mfa() -> Context {
    let mut c = Context::new();
    c.add("aws:MultiFactorAuthPresent", "true");
    c
}

/// Both analyses, both ways, compared as the JSON the CLI prints.
fn same_answers(model: &Model, what: &str) {
    for context in [Context::new(), mfa()] {
        let o = options(context.clone());
        let fast = reach::reach(model, &ReachQuery::All, &o).unwrap();
        let slow = naive::reach::reach(model, &ReachQuery::All, &context, o.now, o.max_depth).unwrap();
        assert_eq!(
            serde_json::to_value(&fast).unwrap(),
            serde_json::to_value(&slow).unwrap(),
            "reach differs on {what}"
        );
        let fast = escalation::escalation(model, None, &o).unwrap();
        let slow = naive::escalation::escalation(model, None, &context, o.now, o.max_depth).unwrap();
        assert_eq!(
            serde_json::to_value(&fast).unwrap(),
            serde_json::to_value(&slow).unwrap(),
            "escalation differs on {what}"
        );
    }
}

#[test]
fn the_demo_account() {
    same_answers(&iamscope::io::load(&[], None).unwrap().model, "the demo account");
}

#[test]
fn every_scenario_account() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Some(account) = scenario.get("account") else {
            continue;
        };
        // `"account": "demo"` stands for the demo account.
        let model = match account.as_str() {
            Some("demo") => iamscope::io::load(&[], None).unwrap().model,
            _ => {
                iamscope::io::load_bytes("scenario.json", account.to_string().as_bytes())
                    .unwrap()
                    .model
            }
        };
        same_answers(&model, &path.display().to_string());
        checked += 1;
    }
    assert!(checked > 40, "only {checked} scenarios");
}

#[test]
fn every_import_fixture_that_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(loaded) = iamscope::io::load(&[iamscope::io::AccountSource::File(path.clone())], None) else {
            continue;
        };
        same_answers(&loaded.model, &path.display().to_string());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} fixtures");
}

fn generated(seed: u64, shape: Shape, users: usize) -> Model {
    let sizes = Sizes {
        users,
        roles: users,
        groups: 8,
        policies: 40,
        seed,
        shape,
    };
    iamscope::io::load_bytes("generated.json", &synthetic::bytes(&sizes))
        .unwrap()
        .model
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn generated_realistic_accounts(seed in 0u64..1_000_000) {
        same_answers(&generated(seed, Shape::Realistic, 30), &format!("realistic seed {seed}"));
    }

    #[test]
    fn generated_uniform_accounts(seed in 0u64..1_000_000) {
        same_answers(&generated(seed, Shape::Uniform, 25), &format!("uniform seed {seed}"));
    }
}
