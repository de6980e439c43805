//! Loading and indexing a max-quota account (5,000 users, 5,000 roles, 300
//! groups, 1,500 customer managed policies; see `iamscope generate`), of
//! both shapes, against a bare `serde_json::Value` parse of the same bytes.
//! Report the ratio of the two medians.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamscope::io::synthetic::{self, Shape, Sizes};

fn load(c: &mut Criterion) {
    for (name, shape) in [("realistic", Shape::Realistic), ("uniform", Shape::Uniform)] {
        let bytes = synthetic::bytes(&Sizes {
            shape,
            ..Sizes::MAX_QUOTA
        });
        let mut group = c.benchmark_group(format!("load max-quota account ({name})"));
        group.sample_size(20);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("serde_json::Value parse (baseline)", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&bytes)).unwrap())
        });
        group.bench_function("iamscope load + index", |b| {
            b.iter(|| iamscope::io::load_bytes("max-quota.json", std::hint::black_box(&bytes)).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, load);
criterion_main!(benches);
