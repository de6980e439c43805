//! Load and lookup costs of the embedded catalogue and managed-policy library.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use iamscope::catalog::managed::ManagedPolicyLibrary;
use iamscope::catalog::{Catalog, catalog};

fn load(c: &mut Criterion) {
    c.bench_function("catalog parse (from scratch)", |b| {
        b.iter(|| Catalog::parse(black_box(Catalog::embedded_asset())))
    });
    c.bench_function("catalog parse + condition key index", |b| {
        b.iter(|| {
            let cat = Catalog::parse(black_box(Catalog::embedded_asset()));
            cat.map(|cat| cat.condition_key("aws:RequestTag/team").is_some())
        })
    });
    c.bench_function("managed policies parse (from scratch)", |b| {
        b.iter(|| ManagedPolicyLibrary::parse(black_box(ManagedPolicyLibrary::embedded_asset())))
    });
}

fn queries(c: &mut Criterion) {
    let cat = catalog();
    c.bench_function("expand s3:Get*", |b| b.iter(|| cat.expand(black_box("s3:Get*"))));
    c.bench_function("expand *:Describe*", |b| {
        b.iter(|| cat.expand(black_box("*:Describe*")))
    });
    c.bench_function("action lookup", |b| {
        b.iter(|| cat.action(black_box("ec2:describeinstances")))
    });
    // The first call builds the key index; measure the steady state.
    let _ = cat.condition_key("aws:SourceIp");
    c.bench_function("condition_key via pattern", |b| {
        b.iter(|| cat.condition_key(black_box("aws:RequestTag/team")))
    });
    c.bench_function("resource_types_for_arn s3 object", |b| {
        b.iter(|| cat.resource_types_for_arn("s3", black_box("arn:aws:s3:::photos/cat.jpg")))
    });
    c.bench_function("suggest s3:GetObjects", |b| {
        b.iter(|| cat.suggest(black_box("s3:GetObjects"), 5))
    });
}

criterion_group!(benches, load, queries);
criterion_main!(benches);
