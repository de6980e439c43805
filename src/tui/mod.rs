//! The explorer: a full-screen terminal UI over a [`Session`](crate::session::Session)
//! (ratatui on crossterm). The terminal is always given back as it was
//! found — on quit, on error, on panic and on a signal that ends the process.
//!
//! The parts: [`app`] keeps them together and routes actions; each pane and
//! popup is a [`component::Component`] in its own file; [`action`] is the
//! one vocabulary and [`keymap`] turns keys into it, per mode; [`driver`]
//! runs the loop over the terminal or over a script.

pub mod action;
pub mod app;
pub mod ask;
pub mod changes;
pub mod command;
pub mod component;
pub mod config;
pub mod detail;
pub mod driver;
pub mod edit;
pub mod editor;
pub mod findings;
pub mod input;
pub mod inspector;
pub mod keymap;
pub mod layout;
pub mod lesson;
pub mod lesson_pane;
pub mod lessons;
pub mod list;
pub mod pages;
pub mod paint;
pub mod popup;
pub mod sections;
pub mod suggest;
pub mod svg;
pub mod text;
pub mod theme;
pub mod trail;
pub mod who_can;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;

pub use app::App;
use config::Settings;
use driver::{Driver, Poll};

/// Give the terminal back: leave the alternate screen, stop mouse reporting,
/// leave raw mode, show the cursor. Safe to call more than once.
pub fn restore_terminal() {
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal when dropped, whatever way the loop ends.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Signals that end the explorer from outside: `kill`, the terminal closing
/// (SIGHUP), SIGINT sent by another process (in raw mode ctrl-c is a key,
/// not a signal), SIGQUIT. Each is noted, the terminal is given back, and
/// then the signal takes its usual course; unsaved work stays in the
/// journal for the next start.
#[cfg(unix)]
const ENDING_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
];
#[cfg(not(unix))]
const ENDING_SIGNALS: [i32; 0] = [];

/// The ending signals, noted while the explorer runs.
struct Signals {
    caught: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ids: Vec<signal_hook::SigId>,
}

impl Signals {
    fn watch() -> std::io::Result<Signals> {
        let caught = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut ids = Vec::new();
        for signal in ENDING_SIGNALS {
            ids.push(signal_hook::flag::register_usize(
                signal,
                caught.clone(),
                signal as usize,
            )?);
        }
        Ok(Signals { caught, ids })
    }

    fn caught(&self) -> Option<i32> {
        match self.caught.load(std::sync::atomic::Ordering::Relaxed) {
            0 => None,
            signal => i32::try_from(signal).ok(),
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The real terminal as the loop's driver; it stops the loop when a signal comes.
struct TerminalDriver<'a> {
    terminal: Terminal<CrosstermBackend<std::io::Stdout>>,
    signals: &'a Signals,
}

impl Driver for TerminalDriver<'_> {
    fn poll(&mut self, timeout: Duration) -> std::io::Result<Poll> {
        Ok(if crossterm::event::poll(timeout)? {
            Poll::Ready
        } else {
            Poll::Idle
        })
    }

    fn read(&mut self) -> std::io::Result<Event> {
        crossterm::event::read()
    }

    fn draw(&mut self, app: &App) -> std::io::Result<()> {
        self.terminal.draw(|frame| app.draw(frame)).map(|_| ())
    }

    fn size(&self) -> std::io::Result<Rect> {
        let size = self.terminal.size()?;
        Ok(Rect::new(0, 0, size.width, size.height))
    }

    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn emit(&mut self, escape: &str) -> std::io::Result<()> {
        let mut out = std::io::stdout();
        out.write_all(escape.as_bytes())?;
        out.flush()
    }

    fn stopped(&self) -> bool {
        self.signals.caught().is_some()
    }
}

/// Run the explorer until the user quits or a signal ends it; in the
/// second case the terminal is given back and the process ends as the
/// signal would have ended it.
pub fn run(app: App) -> std::io::Result<()> {
    let signals = Signals::watch()?;
    let watchdog = Watchdog::start(&signals);
    let result = run_terminal(app, &signals);
    drop(watchdog);
    if let Some(signal) = signals.caught() {
        restore_terminal();
        drop(signals);
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
    result
}

/// Ends the process when the loop cannot: once the terminal is closed, the
/// terminal library reads its end-of-file again and again without
/// returning, so the loop never sees the signal (or the hang-up) that
/// should end it, and spins. A second after a signal the loop has not
/// acted on, or as soon as standard input is hung up, the watchdog gives
/// the terminal back and lets the signal take its course. Nothing is lost:
/// every change is in the journal already, as after `kill -9`.
struct Watchdog {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Watchdog {
    fn start(signals: &Signals) -> Watchdog {
        use std::sync::atomic::Ordering;
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (caught, finished) = (signals.caught.clone(), done.clone());
        let spawned = std::thread::Builder::new().name("watchdog".into()).spawn(move || {
            let mut waited_since_signal = 0;
            loop {
                std::thread::sleep(Duration::from_millis(100));
                if finished.load(Ordering::Relaxed) {
                    return;
                }
                let signal = caught.load(Ordering::Relaxed);
                if signal != 0 {
                    waited_since_signal += 1;
                }
                let hung_up = stdin_hung_up();
                if waited_since_signal >= 10 || hung_up {
                    if finished.load(Ordering::Relaxed) {
                        return;
                    }
                    restore_terminal();
                    #[cfg(unix)]
                    {
                        let signal = if signal != 0 {
                            i32::try_from(signal).unwrap_or(signal_hook::consts::SIGTERM)
                        } else {
                            signal_hook::consts::SIGHUP
                        };
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                    }
                    std::process::exit(129);
                }
            }
        });
        if spawned.is_err() {
            // Without the thread the explorer still works; only a closed
            // terminal is noticed later.
            done.store(true, Ordering::Relaxed);
        }
        Watchdog { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether standard input's terminal has hung up (its other end closed).
#[cfg(unix)]
fn stdin_hung_up() -> bool {
    let mut fds = [libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    }];
    // SAFETY: one valid pollfd, its length given, no waiting.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), 1, 0) };
    ready > 0 && fds[0].revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

#[cfg(not(unix))]
fn stdin_hung_up() -> bool {
    false
}

fn run_terminal(mut app: App, signals: &Signals) -> std::io::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(std::io::Error::other(
            "the explorer needs a terminal; in scripts use `iamscope summary`, `explain` or `who-can`",
        ));
    }
    // A panic restores the terminal first, so its message is readable.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    enable_raw_mode()?;
    let _guard = TerminalGuard;
    let mut out = std::io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    if app.uses_mouse() {
        execute!(out, EnableMouseCapture)?;
    }
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    let mut driver = TerminalDriver { terminal, signals };
    driver::run(&mut app, &mut driver)
}

/// Load the settings file, from the config directory `iamscope info` names.
pub fn load_settings() -> Result<Settings, String> {
    let paths = crate::io::paths::Paths::discover();
    Settings::load(paths.config_file().as_deref())
}
