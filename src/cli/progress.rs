//! Whole-account commands on a large account take a while: while one runs,
//! a progress bar with a count and an estimate of the time left is drawn on
//! stderr when stderr is a terminal, and ctrl-c stops the analysis cleanly
//! (it then reports what it found so far; a second ctrl-c ends the program
//! at once). The analysis itself only counts and polls a
//! [`crate::analysis::Progress`]; everything about the terminal is here.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::analysis::Progress;

/// Set by the first ctrl-c (SIGINT) once [`with_progress`] has run.
fn interrupted() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        // The first ctrl-c sets the flag; a second one, with the flag set,
        // ends the program as ctrl-c always does. (The conditional handler is
        // registered first, so it sees the flag as it was before this signal.)
        let _ = signal_hook::flag::register_conditional_default(signal_hook::consts::SIGINT, Arc::clone(&flag));
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag));
        flag
    })
}

/// Run `work` with a [`Progress`] that ctrl-c cancels, drawing `what`'s
/// progress on stderr meanwhile when stderr is a terminal.
pub fn with_progress<T>(what: &str, work: impl FnOnce(&Progress) -> T) -> T {
    let progress = Progress::new();
    let stop = interrupted();
    let finished = AtomicBool::new(false);
    let draw = std::io::stderr().is_terminal();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let bar = draw.then(|| {
                let bar = ProgressBar::new(0);
                bar.set_style(
                    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} principals, {eta} left")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_message(what.to_owned());
                bar
            });
            while !finished.load(Ordering::Relaxed) {
                if stop.load(Ordering::Relaxed) && !progress.is_cancelled() {
                    progress.cancel();
                    if let Some(bar) = &bar {
                        bar.set_message(format!("{what}: stopping"));
                    }
                }
                if let Some(bar) = &bar {
                    bar.set_length(progress.total() as u64);
                    bar.set_position(progress.done() as u64);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
        });
        let result = work(&progress);
        finished.store(true, Ordering::Relaxed);
        result
    })
}
