//! The account analyses: what-can over the whole catalogue for one principal
//! (the budget is 50 ms), on the demo account (the root user and an
//! administrator ask about every action; a developer about a few services)
//! and on a max-quota account; who-can for an action set; reach and
//! escalation over the whole demo account and over the whole max-quota
//! account of the realistic shape (targets: under 10 s each; the paths are
//! counted as they stream, as the CLI writes them out).

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

use iamscope::analysis::escalation;
use iamscope::analysis::reach::{self, ReachQuery};
use iamscope::analysis::what_can::{WhatCanOptions, what_can};
use iamscope::analysis::who_can;
use iamscope::analysis::{AnalysisOptions, Progress};
use iamscope::catalog::AccessLevel;
use iamscope::eval::PrincipalSpec;
use iamscope::io::synthetic::{self, Sizes};

fn now() -> jiff::Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn options() -> WhatCanOptions {
    WhatCanOptions::at(now())
}

fn what_can_bench(c: &mut Criterion) {
    let demo = iamscope::io::load(&[], None).unwrap().model;
    let bytes = synthetic::bytes(&Sizes::MAX_QUOTA);
    let big = iamscope::io::load_bytes("max-quota.json", &bytes).unwrap().model;
    // Warm the catalogue and the policies' parses, as a session would have.
    let _ = what_can(&demo, &PrincipalSpec::Root, &options());

    let mut group = c.benchmark_group("what-can, whole catalogue, one principal");
    group.sample_size(20);
    for (name, model, spec) in [
        ("demo root user (every action asked)", &demo, PrincipalSpec::Root),
        (
            "demo administrator ana (Action *)",
            &demo,
            PrincipalSpec::User("ana".into()),
        ),
        ("demo developer alice", &demo, PrincipalSpec::User("alice".into())),
        (
            "demo guest of the identity pool",
            &demo,
            PrincipalSpec::parse("identity-pool/eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10:unauthenticated")
                .unwrap(),
        ),
        ("max-quota user-42", &big, PrincipalSpec::User("user-42".into())),
        (
            "max-quota role-42",
            &big,
            PrincipalSpec::Role {
                name: "role-42".into(),
                session: None,
            },
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| what_can(model, std::hint::black_box(&spec), &options()).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("who-can, action set");
    group.sample_size(20);
    let (query, actions) = who_can::expand_query(None, Some("iam"), Some(AccessLevel::PermissionsManagement)).unwrap();
    group.bench_function("demo, iam Permissions management", |b| {
        b.iter(|| {
            who_can::who_can_any(
                &demo,
                &query,
                &actions,
                "*",
                &AnalysisOptions::at(now()),
                &Progress::new(),
            )
        })
    });
    group.finish();

    let mut group = c.benchmark_group("account-wide");
    group.sample_size(20);
    let all = AnalysisOptions::at(now());
    group.bench_function("demo reach, every principal", |b| {
        b.iter(|| reach::reach(&demo, &ReachQuery::All, &all).unwrap())
    });
    group.bench_function("demo escalation, every principal", |b| {
        b.iter(|| escalation::escalation(&demo, None, &all).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("account-wide, max-quota (realistic)");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function("reach, every principal (paths streamed and counted)", |b| {
        b.iter(|| {
            let mut paths = 0usize;
            reach::stream(&big, &ReachQuery::All, &all, &Progress::new(), &mut |_| paths += 1).unwrap();
            paths
        })
    });
    group.bench_function("escalation, every principal (streamed and counted)", |b| {
        b.iter(|| {
            let mut found = 0usize;
            escalation::stream(&big, None, &all, &Progress::new(), &mut |p| found += p.findings.len()).unwrap();
            found
        })
    });
    group.finish();
}

criterion_group!(benches, what_can_bench);
criterion_main!(benches);
