//! What the explorer's tests share: the program's own loop run on a
//! scripted driver — keys, pastes and clicks go in as terminal events, the
//! screen comes out as text. Nothing is poked: what a test sets up, it sets
//! up the way the command line does.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crossterm::event::Event;
use iamscope::session::{Options, Session};
use iamscope::tui::App;
use iamscope::tui::config::Settings;
use iamscope::tui::driver::{self, TestDriver};
use jiff::Timestamp;

pub const NOW: &str = "2026-11-01T00:00:00Z";

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// The options of a session with no journal.
pub fn no_journal() -> Options {
    Options {
        readonly: false,
        journal_dir: None,
        pid: std::process::id(),
    }
}

/// The explorer, and the scripted terminal it runs in.
pub struct Explorer {
    pub app: App,
    pub driver: TestDriver,
}

impl Explorer {
    /// The demo account, default settings, no journal, 120×40.
    pub fn demo() -> Explorer {
        Explorer::open(&[], no_journal(), Settings::default())
    }

    /// The account in `files` (the demo when none), as `iamscope FILE…` opens it.
    pub fn open(files: &[PathBuf], options: Options, settings: Settings) -> Explorer {
        let session = Session::open(files, None, options, now()).unwrap();
        Explorer::on(App::new(session, settings, now()))
    }

    pub fn on(app: App) -> Explorer {
        let mut explorer = Explorer {
            app,
            driver: TestDriver::new(120, 40, now()),
        };
        explorer.run();
        explorer
    }

    /// With the lessons and a progress file, as the command line sets them up.
    pub fn with_lessons(mut self, progress: &Path) -> Explorer {
        self.app
            .set_lessons(iamscope::lessons::Lesson::embedded(), Some(progress.to_owned()));
        self.run();
        self
    }

    /// With CloudTrail events, read as `--cloudtrail FILE` reads them.
    pub fn with_cloudtrail(mut self, file: &Path) -> Explorer {
        let trail = iamscope::cli::why::read_cloudtrail(file, now()).unwrap();
        self.app.set_cloudtrail(trail);
        self.run();
        self
    }

    /// Let the loop handle what was sent (and background work finish).
    pub fn run(&mut self) {
        driver::run(&mut self.app, &mut self.driver).unwrap();
    }

    /// Keys as the settings file writes them, separated by spaces.
    pub fn keys(&mut self, keys: &str) -> &mut Explorer {
        self.driver.keys(keys).unwrap();
        self.run();
        self
    }

    /// Characters typed one by one.
    pub fn type_text(&mut self, text: &str) -> &mut Explorer {
        self.driver.type_text(text);
        self.run();
        self
    }

    /// `:` a command, enter.
    pub fn command(&mut self, line: &str) -> &mut Explorer {
        self.keys(":").type_text(line).keys("enter")
    }

    pub fn paste(&mut self, text: &str) -> &mut Explorer {
        self.driver.paste(text);
        self.run();
        self
    }

    pub fn event(&mut self, event: Event) -> &mut Explorer {
        self.driver.push(event);
        self.run();
        self
    }

    /// The screen at another size.
    pub fn resize(&mut self, width: u16, height: u16) -> &mut Explorer {
        self.driver.resize(width, height);
        self.run();
        self
    }

    pub fn text(&self) -> String {
        self.driver.screen()
    }

    /// The screen as text at a size (the explorer stays at that size).
    pub fn screen(&mut self, width: u16, height: u16) -> String {
        self.resize(width, height);
        self.text()
    }

    pub fn status(&self) -> String {
        self.app.status().unwrap_or_default().to_owned()
    }

    pub fn quit(&self) -> bool {
        self.app.quit_requested()
    }
}
