//! A 100 MB export loads (run in release by `.ci/run`; ignored by plain
//! `cargo test`, where debug builds would make it slow).

use iamscope::io::synthetic::{self, Shape, Sizes};

#[test]
#[ignore = "slow in debug builds; run by .ci/run with --release"]
fn a_100_megabyte_export_loads() {
    let sizes = Sizes {
        users: 13_000,
        roles: 13_000,
        groups: 300,
        policies: 4_000,
        seed: 11,
        shape: Shape::Uniform,
    };
    let bytes = synthetic::bytes(&sizes);
    assert!(bytes.len() > 100 * 1024 * 1024, "only {} bytes", bytes.len());
    let loaded = iamscope::io::load_bytes("large.json", &bytes).unwrap();
    assert_eq!(loaded.model.account().users.len(), 13_000);
    assert_eq!(loaded.model.account().roles.len(), 13_000);
    assert!(loaded.model.index().dangling().is_empty());
}

/// Reach and escalation over every principal of a realistic max-quota
/// account finish, with bounded memory, when the results are only counted
/// (the CLI's own figures, writing every path out, are in the closing note
/// of issue 13). Prints how long each took; asserts nothing about time.
#[test]
#[ignore = "slow in debug builds; run by .ci/run with --release"]
fn reach_and_escalation_of_a_realistic_max_quota_account() {
    use iamscope::analysis::reach::{self, ReachQuery};
    use iamscope::analysis::{AnalysisOptions, Progress, escalation};
    let loaded = iamscope::io::load_bytes("max-quota.json", &synthetic::bytes(&Sizes::MAX_QUOTA)).unwrap();
    let options = AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap());
    let started = std::time::Instant::now();
    let (mut paths, mut hops) = (0usize, 0usize);
    let summary = reach::stream(&loaded.model, &ReachQuery::All, &options, &Progress::new(), &mut |p| {
        paths += 1;
        hops += p.hops.len();
    })
    .unwrap();
    println!("reach: {paths} paths ({hops} hops) in {:?}", started.elapsed());
    assert!(summary.complete && summary.paths == paths && paths > 0);
    let started = std::time::Instant::now();
    let mut findings = 0usize;
    let summary = escalation::stream(&loaded.model, None, &options, &Progress::new(), &mut |p| {
        findings += p.findings.len()
    })
    .unwrap();
    println!(
        "escalation: {} principals escalate ({findings} paths), {} are administrators, in {:?}",
        summary.escalating,
        summary.admins,
        started.elapsed()
    );
    assert!(summary.complete && summary.escalating > 0 && summary.admins > 0);
}
