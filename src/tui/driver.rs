//! The event loop, over a small driver: something that waits for events,
//! reads them, and draws. The terminal is one driver; [`TestDriver`] is
//! another — a scripted list of events and an off-screen terminal — so
//! tests, benchmarks and the screenshots run the very loop the program
//! runs, through events only.

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::App;
use super::keymap::KeyCombo;

/// What waiting for an event found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Poll {
    /// An event can be read.
    Ready,
    /// None came in time.
    Idle,
    /// No event will ever come (a script ran out).
    Closed,
}

pub trait Driver {
    /// Wait at most `timeout` for an event.
    fn poll(&mut self, timeout: Duration) -> std::io::Result<Poll>;
    fn read(&mut self) -> std::io::Result<Event>;
    /// Draw the app as it is.
    fn draw(&mut self, app: &App) -> std::io::Result<()>;
    /// The screen's size.
    fn size(&self) -> std::io::Result<Rect>;
    /// The time now (the explorer never reads a clock itself).
    fn now(&self) -> Timestamp;
    /// Write an escape sequence to the terminal (the clipboard).
    fn emit(&mut self, escape: &str) -> std::io::Result<()>;
    /// Whether the loop must stop now (a signal came).
    fn stopped(&self) -> bool {
        false
    }
}

/// How long to wait for a key while background work reports progress, and when idle.
const BUSY_WAIT: Duration = Duration::from_millis(80);
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// Run the explorer until the user quits, the driver stops it, or (for a
/// script) the events run out and no background work is left.
pub fn run(app: &mut App, driver: &mut dyn Driver) -> std::io::Result<()> {
    loop {
        app.clock(driver.now());
        app.update(driver.size()?);
        driver.draw(app)?;
        for escape in app.take_outbox() {
            driver.emit(&escape)?;
        }
        if app.quit_requested() || driver.stopped() {
            return Ok(());
        }
        let wait = if app.busy() { BUSY_WAIT } else { IDLE_WAIT };
        match driver.poll(wait)? {
            Poll::Ready => {
                let event = driver.read()?;
                app.handle_event(&event);
                // what is queued is handled before the next frame, so fast
                // typing does not lag behind
                while !app.quit_requested() && driver.poll(Duration::ZERO)? == Poll::Ready {
                    let event = driver.read()?;
                    app.update(driver.size()?);
                    app.handle_event(&event);
                }
            }
            Poll::Idle => {}
            Poll::Closed if app.busy() => std::thread::sleep(Duration::from_millis(5)),
            Poll::Closed => {
                app.tick(driver.now());
                app.update(driver.size()?);
                driver.draw(app)?;
                return Ok(());
            }
        }
        app.tick(driver.now());
    }
}

/// A scripted driver: events from a list, frames on an off-screen
/// terminal, a clock that moves only when told.
pub struct TestDriver {
    terminal: Terminal<TestBackend>,
    events: VecDeque<Event>,
    now: Timestamp,
    /// The escape sequences the explorer wrote (the clipboard).
    pub emitted: Vec<String>,
}

impl TestDriver {
    pub fn new(width: u16, height: u16, now: Timestamp) -> TestDriver {
        TestDriver {
            terminal: Terminal::new(TestBackend::new(width, height)).expect("an off-screen terminal"),
            events: VecDeque::new(),
            now,
            emitted: Vec::new(),
        }
    }

    pub fn push(&mut self, event: Event) {
        self.events.push_back(event);
    }

    /// Keys as the settings file writes them, separated by spaces:
    /// `j j enter ctrl-s`.
    pub fn keys(&mut self, keys: &str) -> Result<(), String> {
        for key in keys.split_whitespace() {
            let combo = KeyCombo::parse(key)?;
            self.push(Event::Key(combo.to_event()));
        }
        Ok(())
    }

    /// Characters typed one by one.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let shift = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.push(Event::Key(KeyEvent::new(KeyCode::Char(c), shift)));
        }
    }

    /// Text pasted (the terminal's bracketed paste).
    pub fn paste(&mut self, text: &str) {
        self.push(Event::Paste(text.to_owned()));
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.push(Event::Resize(width, height));
    }

    /// Let time pass.
    pub fn advance(&mut self, millis: i64) {
        self.now = self
            .now
            .checked_add(jiff::SignedDuration::from_millis(millis))
            .unwrap_or(self.now);
    }

    pub fn buffer(&self) -> &Buffer {
        self.terminal.backend().buffer()
    }

    /// The last frame as text, one line a row, wide characters counted once.
    pub fn screen(&self) -> String {
        let buffer = self.buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buffer.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

impl Driver for TestDriver {
    fn poll(&mut self, _timeout: Duration) -> std::io::Result<Poll> {
        Ok(if self.events.is_empty() {
            Poll::Closed
        } else {
            Poll::Ready
        })
    }

    fn read(&mut self) -> std::io::Result<Event> {
        self.events
            .pop_front()
            .ok_or_else(|| std::io::Error::other("the script has no more events"))
    }

    fn draw(&mut self, app: &App) -> std::io::Result<()> {
        self.terminal
            .draw(|frame| app.draw(frame))
            .map(|_| ())
            .map_err(|e| match e {})
    }

    fn size(&self) -> std::io::Result<Rect> {
        let area = self.terminal.backend().buffer().area;
        Ok(area)
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn emit(&mut self, escape: &str) -> std::io::Result<()> {
        self.emitted.push(escape.to_owned());
        Ok(())
    }
}
