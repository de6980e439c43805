//! Editing and lessons: applying and undoing a change (the account is
//! changed in place and its index follows, nothing is rebuilt), the impact preview of a policy edit, saving
//! an account atomically, and checking every built-in lesson the way
//! `iamscope lesson check --embedded` does. On the demo and on a max-quota
//! account (5,000 users, 5,000 roles; see `iamscope generate`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iamscope::analysis::impact::impact;
use iamscope::io::synthetic::{self, Sizes};
use iamscope::lessons::Lesson;
use iamscope::model::change::{Change, History};
use iamscope::model::{Holder, Model};

const NOW: &str = "2026-11-01T00:00:00Z";

fn demo() -> Model {
    iamscope::io::load(&[], None).unwrap().model
}

fn widen() -> Change {
    Change::CreatePolicyVersion {
        arn: "arn:aws:iam::111122223333:policy/DevelopersS3Read".into(),
        document: r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadPhotos", "Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]}]}"#
            .into(),
    }
}

fn apply_and_undo(c: &mut Criterion) {
    let now = NOW.parse().unwrap();
    let mut group = c.benchmark_group("editing");
    let mut model = demo();
    group.bench_function("demo: add a user to a group, then undo", |b| {
        b.iter(|| {
            let mut history = History::default();
            history
                .apply(
                    &mut model,
                    Change::AddUserToGroup {
                        user: "carol".into(),
                        group: "Developers".into(),
                    },
                    now,
                )
                .unwrap();
            history.undo(&mut model).unwrap();
        })
    });
    let demo_model = demo();
    group.bench_function("demo: impact preview of a policy edit", |b| {
        b.iter(|| black_box(impact(&demo_model, &widen(), now).unwrap().flips.len()))
    });
    group.bench_function("demo: impact preview of detaching AdministratorAccess", |b| {
        let change = Change::DetachPolicy {
            holder: Holder::Group("Admins".into()),
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        };
        b.iter(|| black_box(impact(&demo_model, &change, now).unwrap().flips.len()))
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.json");
    let text = iamscope::io::export::export_to_string(demo_model.account(), iamscope::io::ExportFormat::Workspace);
    group.bench_function("demo: atomic save (temp file, fsync, rename, backup)", |b| {
        b.iter(|| iamscope::io::save::save_atomically(&path, text.as_bytes(), None).unwrap())
    });
    group.finish();

    let loaded = iamscope::io::load_bytes("max-quota.json", &synthetic::bytes(&Sizes::MAX_QUOTA)).unwrap();
    let mut big = loaded.model;
    let user = big.account().users[42].name.clone();
    let group_name = big.account().groups[7].name.clone();
    let mut group = c.benchmark_group("editing max-quota");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("add a user to a group, then undo", |b| {
        b.iter(|| {
            let mut history = History::default();
            let change = Change::AddUserToGroup {
                user: user.clone(),
                group: group_name.clone(),
            };
            if history.apply(&mut big, change, now).is_ok() {
                history.undo(&mut big).unwrap();
            }
        })
    });
    group.finish();
}

fn lessons(c: &mut Criterion) {
    let now = NOW.parse().unwrap();
    let lessons = Lesson::embedded();
    let mut group = c.benchmark_group("lessons");
    group.bench_function("check all 10 built-in lessons", |b| {
        b.iter(|| {
            for lesson in &lessons {
                assert!(lesson.validate(now).is_empty());
            }
        })
    });
    group.bench_function("parse all 10 built-in lessons", |b| {
        b.iter(|| black_box(Lesson::embedded().len()))
    });
    group.finish();
}

criterion_group!(benches, apply_and_undo, lessons);
criterion_main!(benches);
