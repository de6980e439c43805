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
