//! Editing and lessons: applying and undoing a change (the account is
//! changed in place and its index follows, nothing is rebuilt), the impact preview of a policy edit, saving
//! an account atomically, and checking every built-in lesson the way
//! `iamscope lesson check --embedded` does. On the demo and on a max-quota
//! account (5,000 users, 5,000 roles; see `iamscope generate`). And the
//! policy editor run by the explorer's own loop: one key in a 6 KB policy,
//! a 10 KB paste (target: under 50 ms, one check of the text).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use iamscope::analysis::impact::impact;
use iamscope::io::synthetic::{self, Sizes};
use iamscope::lessons::Lesson;
use iamscope::model::change::{Change, History};
use iamscope::model::{Holder, Model};
use iamscope::session::{Options, Session};
use iamscope::tui::App;
use iamscope::tui::config::Settings;
use iamscope::tui::driver::{self, TestDriver};

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

/// A policy of about `bytes` bytes: statements that each allow a few actions.
fn policy_text(bytes: usize) -> String {
    let mut statements = Vec::new();
    let mut i = 0;
    while statements.iter().map(String::len).sum::<usize>() < bytes {
        statements.push(format!(
            r#"        {{
            "Sid": "Read{i}",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::bucket-{i}", "arn:aws:s3:::bucket-{i}/*"]
        }}"#
        ));
        i += 1;
    }
    format!(
        "{{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n{}\n    ]\n}}",
        statements.join(",\n")
    )
}

/// The explorer on the demo with DevelopersS3Read made 6 KB long, its
/// editor open at the end of the text.
fn editor_on_a_6_kb_policy(dir: &std::path::Path) -> (App, TestDriver) {
    let now = NOW.parse().unwrap();
    let mut model = demo();
    let document = policy_text(6_000);
    let change = Change::CreatePolicyVersion {
        arn: "arn:aws:iam::111122223333:policy/DevelopersS3Read".into(),
        document,
    };
    iamscope::model::change::apply(&mut model, &change, now).unwrap();
    let file = dir.join("six-kb.json");
    std::fs::write(
        &file,
        iamscope::io::export::export_to_string(model.account(), iamscope::io::ExportFormat::Workspace),
    )
    .unwrap();
    let options = Options {
        journal_dir: None,
        ..Options::default()
    };
    let session = Session::open(&[file], None, options, now).unwrap();
    let mut app = App::new(session, Settings::default(), now);
    let mut screen = TestDriver::new(120, 40, now);
    screen.keys("4 /").unwrap();
    screen.type_text("DevelopersS3Read");
    screen.keys("enter e ctrl-end").unwrap();
    driver::run(&mut app, &mut screen).unwrap();
    assert!(app.editor().is_some_and(|e| e.text().len() > 6_000));
    (app, screen)
}

fn editor(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("editor");
    let (mut app, mut screen) = editor_on_a_6_kb_policy(dir.path());
    group.bench_function("one key in a 6 KB policy (typed, checked, drawn)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for i in 0..iters {
                // a character, then (off the clock) its deletion
                screen.keys(if i % 2 == 0 { "x" } else { "y" }).unwrap();
                let start = Instant::now();
                driver::run(&mut app, &mut screen).unwrap();
                spent += start.elapsed();
                screen.keys("backspace").unwrap();
                driver::run(&mut app, &mut screen).unwrap();
            }
            spent
        })
    });
    let pasted = policy_text(10_000);
    assert!(pasted.len() >= 10_000);
    group.bench_function("a 10 KB paste into the editor (one insertion, one check, drawn)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                screen.paste(&pasted);
                let start = Instant::now();
                driver::run(&mut app, &mut screen).unwrap();
                spent += start.elapsed();
                // undo the paste, off the clock
                screen.keys("ctrl-z").unwrap();
                driver::run(&mut app, &mut screen).unwrap();
            }
            spent
        })
    });
    group.finish();
}

criterion_group!(benches, apply_and_undo, lessons, editor);
criterion_main!(benches);
