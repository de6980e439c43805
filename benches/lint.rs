//! Lint cost: every AWS managed policy of the embedded library (≈1,600, as
//! identity policies; target < 1 s for all), the largest one alone, and a
//! whole account.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use iamscope::analysis::lint::{PolicyKind, lint_account, lint_text};
use iamscope::catalog::catalog;
use iamscope::catalog::managed::aws_managed_policies;

fn managed_policies(c: &mut Criterion) {
    let library = aws_managed_policies();
    // Load the catalogue and build its key index outside the measurement.
    let _ = catalog().condition_key("aws:SourceIp");
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    group.bench_function(format!("all {} AWS managed policies", library.len()), |b| {
        b.iter(|| {
            library
                .iter()
                .map(|p| lint_text(black_box(p.document), PolicyKind::Identity).len())
                .sum::<usize>()
        })
    });
    // The parse alone, for comparison: the lint includes it.
    group.bench_function("parse only, all AWS managed policies", |b| {
        b.iter(|| {
            library
                .iter()
                .map(|p| iamscope::policy::parse_policy(black_box(p.document)).diagnostics.len())
                .sum::<usize>()
        })
    });
    let largest = library
        .iter()
        .max_by_key(|p| p.document.len())
        .expect("the library is not empty");
    group.bench_function(
        format!("largest ({}, {} bytes)", largest.name, largest.document.len()),
        |b| b.iter(|| lint_text(black_box(largest.document), PolicyKind::Identity)),
    );
    group.finish();
}

fn account(c: &mut Criterion) {
    let loaded = iamscope::io::load(&[], None).expect("the demo account loads");
    c.bench_function("lint the demo account", |b| {
        b.iter(|| lint_account(black_box(&loaded.model)).policies.len())
    });
}

criterion_group!(benches, managed_policies, account);
criterion_main!(benches);
