//! Decisions per second, without and with the full explanation, on the demo
//! account and on a max-quota account; and who-can over every principal of
//! the max-quota account (10,001 principals).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamscope::eval::{self, PrincipalSpec, Request};
use iamscope::io::synthetic::{self, Shape, Sizes};

/// The first generator's max-quota account, so figures compare with earlier runs.
const UNIFORM: Sizes = Sizes {
    shape: Shape::Uniform,
    ..Sizes::MAX_QUOTA
};

fn request(principal: PrincipalSpec, action: &str, resource: &str) -> Request {
    Request::new(principal, action, resource, "2026-06-01T12:00:00Z".parse().unwrap())
}

fn demo(c: &mut Criterion) {
    let model = iamscope::io::load(&[], None).unwrap().model;
    let cases = [
        (
            "allow via group policy",
            request(
                PrincipalSpec::User("alice".into()),
                "s3:GetObject",
                "arn:aws:s3:::photos/cat.jpg",
            ),
        ),
        (
            "implicit deny",
            request(
                PrincipalSpec::User("bob".into()),
                "s3:PutObject",
                "arn:aws:s3:::photos/cat.jpg",
            ),
        ),
        (
            "explicit deny",
            request(
                PrincipalSpec::User("alice".into()),
                "dynamodb:GetItem",
                "arn:aws:dynamodb:eu-west-1:111122223333:table/prod-x",
            ),
        ),
    ];
    let mut group = c.benchmark_group("demo decisions");
    group.throughput(Throughput::Elements(1));
    for (name, r) in &cases {
        group.bench_function(format!("{name}, decision only"), |b| {
            b.iter(|| eval::decide(&model, std::hint::black_box(r)).unwrap())
        });
        group.bench_function(format!("{name}, with explanation"), |b| {
            b.iter(|| eval::evaluate(&model, std::hint::black_box(r)).unwrap())
        });
    }
    group.finish();
}

fn max_quota(c: &mut Criterion) {
    let bytes = synthetic::bytes(&UNIFORM);
    let model = iamscope::io::load_bytes("max-quota.json", &bytes).unwrap().model;
    let r = request(
        PrincipalSpec::User("user-42".into()),
        "s3:GetObject",
        "arn:aws:s3:::data-7/team-3/report.csv",
    );
    let mut group = c.benchmark_group("max-quota decisions");
    group.throughput(Throughput::Elements(1));
    group.bench_function("user with groups, decision only", |b| {
        b.iter(|| eval::decide(&model, std::hint::black_box(&r)).unwrap())
    });
    group.bench_function("user with groups, with explanation", |b| {
        b.iter(|| eval::evaluate(&model, std::hint::black_box(&r)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("who-can");
    group.sample_size(20);
    let principals = iamscope::analysis::who_can::principals(&model).len();
    group.throughput(Throughput::Elements(principals as u64));
    group.bench_function(format!("s3:GetObject over {principals} principals"), |b| {
        b.iter(|| {
            iamscope::analysis::who_can::who_can(
                &model,
                "s3:GetObject",
                "arn:aws:s3:::data-7/team-3/report.csv",
                &iamscope::analysis::AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap()),
                &iamscope::analysis::Progress::new(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, demo, max_quota);
criterion_main!(benches);
