//! The explorer on a max-quota account (5,000 users, 5,000 roles; see
//! `iamscope generate`): how long until the first frame, and how long from a
//! key press to the next frame, drawn into a 120×40 off-screen terminal.
//! Targets: first frame under 300 ms, key → frame under 16 ms (one frame at
//! 60 Hz).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use iamscope::io::synthetic::{self, Shape, Sizes};
use iamscope::model::Model;
use iamscope::tui::App;
use iamscope::tui::config::Settings;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: &str = "2026-11-01T00:00:00Z";

/// The first generator's max-quota account, so figures compare with earlier runs.
const UNIFORM: Sizes = Sizes {
    shape: Shape::Uniform,
    ..Sizes::MAX_QUOTA
};

fn app(model: Model, report: iamscope::io::ImportReport) -> App {
    App::new(
        model,
        report,
        "max-quota.json".to_owned(),
        Settings::default(),
        NOW.parse().unwrap(),
    )
}

fn screen() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).unwrap()
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &mut App) {
    terminal.draw(|frame| iamscope::tui::draw::draw(frame, app)).unwrap();
}

/// A key as the terminal loop hands it over.
fn press(app: &mut App, code: KeyCode) {
    app.status = None;
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.tick();
}

fn first_frame(c: &mut Criterion) {
    let bytes = synthetic::bytes(&UNIFORM);
    let mut group = c.benchmark_group("tui max-quota");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("first frame: load + index + App::new + draw", |b| {
        b.iter(|| {
            let loaded = iamscope::io::load_bytes("max-quota.json", black_box(&bytes)).unwrap();
            let mut app = app(loaded.model, loaded.report);
            let mut terminal = screen();
            draw(&mut terminal, &mut app);
            black_box(terminal.backend().buffer().area)
        })
    });
    group.finish();
}

fn key_to_frame(c: &mut Criterion) {
    let loaded = iamscope::io::load_bytes("max-quota.json", &synthetic::bytes(&UNIFORM)).unwrap();
    let (model, report) = (loaded.model, loaded.report);
    let mut group = c.benchmark_group("tui max-quota key → frame");

    // j: the next of 5,000 users, with its detail page on the right.
    let mut app_j = app(model.clone(), report.clone());
    let mut terminal = screen();
    draw(&mut terminal, &mut app_j);
    let users = app_j.list().visible.len();
    group.bench_function("j (next user)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if app_j.list().selected + 1 >= users {
                    press(&mut app_j, KeyCode::Char('g'));
                    draw(&mut terminal, &mut app_j);
                }
                let start = Instant::now();
                press(&mut app_j, KeyCode::Char('j'));
                draw(&mut terminal, &mut app_j);
                spent += start.elapsed();
            }
            spent
        })
    });

    // `/` and one letter: the 5,000 users filtered again, then drawn.
    let mut app_f = app(model.clone(), report.clone());
    draw(&mut terminal, &mut app_f);
    let letters = ['a', 'e', 'r', 's', '7'];
    group.bench_function("/ + a letter (filter 5,000 users)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for i in 0..iters {
                let letter = letters[i as usize % letters.len()];
                let start = Instant::now();
                press(&mut app_f, KeyCode::Char('/'));
                press(&mut app_f, KeyCode::Char(letter));
                draw(&mut terminal, &mut app_f);
                spent += start.elapsed();
                // esc clears the filter again, off the clock
                press(&mut app_f, KeyCode::Esc);
                draw(&mut terminal, &mut app_f);
            }
            spent
        })
    });

    // i: the inspector asks the engine about the selected user (warm caches).
    let mut app_i = app(model.clone(), report.clone());
    draw(&mut terminal, &mut app_i);
    group.bench_function("i (inspector on the selected user)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                press(&mut app_i, KeyCode::Char('i'));
                draw(&mut terminal, &mut app_i);
                spent += start.elapsed();
                // back to the list, one user further down, off the clock
                press(&mut app_i, KeyCode::Esc);
                press(&mut app_i, KeyCode::Esc);
                press(&mut app_i, KeyCode::Char('j'));
                draw(&mut terminal, &mut app_i);
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
                let mut fresh = app(model.clone(), report.clone());
                draw(&mut terminal, &mut fresh);
                let start = Instant::now();
                press(&mut fresh, KeyCode::Char('i'));
                draw(&mut terminal, &mut fresh);
                spent += start.elapsed();
            }
            spent
        })
    });
    group.finish();
}

criterion_group!(benches, first_frame, key_to_frame);
criterion_main!(benches);
