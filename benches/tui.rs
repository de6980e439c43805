//! The explorer on a max-quota account (5,000 users, 5,000 roles; see
//! `iamscope generate`), run by its own event loop on an off-screen 120×40
//! terminal: how long until the first frame, and how long from a key to the
//! next frame. Targets: first frame under 300 ms, key → frame under 16 ms
//! (one frame at 60 Hz).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use iamscope::io::synthetic::{self, Sizes};
use iamscope::session::{Options, Session};
use iamscope::tui::App;
use iamscope::tui::config::Settings;
use iamscope::tui::driver::{self, TestDriver};

const NOW: &str = "2026-11-01T00:00:00Z";

/// The max-quota account, opened as `iamscope FILE` opens it (no journal).
fn explorer(bytes: &[u8]) -> (App, TestDriver) {
    let now = NOW.parse().unwrap();
    let loaded = iamscope::io::load_bytes("max-quota.json", bytes).unwrap();
    let options = Options {
        journal_dir: None,
        ..Options::default()
    };
    let session = Session::new(loaded, &[], options, now).unwrap();
    let mut app = App::new(session, Settings::default(), now);
    let mut screen = TestDriver::new(120, 40, now);
    driver::run(&mut app, &mut screen).unwrap();
    (app, screen)
}

/// Keys through the loop: handled, then drawn.
fn keys(app: &mut App, screen: &mut TestDriver, keys: &str) {
    screen.keys(keys).unwrap();
    driver::run(app, screen).unwrap();
}

fn first_frame(c: &mut Criterion) {
    let bytes = synthetic::bytes(&Sizes::MAX_QUOTA);
    let mut group = c.benchmark_group("tui max-quota");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("first frame: load + index + session + App::new + draw", |b| {
        b.iter(|| {
            let (_, screen) = explorer(black_box(&bytes));
            black_box(screen.buffer().area)
        })
    });
    group.finish();
}

fn key_to_frame(c: &mut Criterion) {
    let bytes = synthetic::bytes(&Sizes::MAX_QUOTA);
    let mut group = c.benchmark_group("tui max-quota key → frame");

    // j: the next of 5,000 users, with its detail page on the right.
    let (mut app, mut screen) = explorer(&bytes);
    let users = app.list().counts().0;
    let mut at = 0;
    group.bench_function("j (next user)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if at + 1 >= users {
                    keys(&mut app, &mut screen, "g");
                    at = 0;
                }
                let start = Instant::now();
                keys(&mut app, &mut screen, "j");
                spent += start.elapsed();
                at += 1;
            }
            spent
        })
    });

    // `/` and one letter: the 5,000 users filtered again, then drawn.
    let (mut app, mut screen) = explorer(&bytes);
    let letters = ['a', 'e', 'r', 's', '7'];
    group.bench_function("/ + a letter (filter 5,000 users)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for i in 0..iters {
                let letter = letters[i as usize % letters.len()];
                let start = Instant::now();
                keys(&mut app, &mut screen, &format!("/ {letter}"));
                spent += start.elapsed();
                // esc clears the filter again, off the clock
                keys(&mut app, &mut screen, "esc");
            }
            spent
        })
    });

    // i: the inspector asks the engine about the selected user (warm caches).
    let (mut app, mut screen) = explorer(&bytes);
    keys(&mut app, &mut screen, "i esc esc");
    group.bench_function("i (inspector on the selected user)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                keys(&mut app, &mut screen, "i");
                spent += start.elapsed();
                // back to the list, one user further down, off the clock
                keys(&mut app, &mut screen, "esc esc j");
            }
            spent
        })
    });
    group.finish();

    // The first i of a session also gathers the resource suggestions.
    let mut group = c.benchmark_group("tui max-quota key → frame, cold");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("i, first of the session", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let (mut fresh, mut screen) = explorer(&bytes);
                let start = Instant::now();
                keys(&mut fresh, &mut screen, "i");
                spent += start.elapsed();
            }
            spent
        })
    });
    group.finish();
}

criterion_group!(benches, first_frame, key_to_frame);
criterion_main!(benches);
