//! Screen scenarios: each file in `tests/screens/` is one flow of the
//! explorer — keys in, what the screen must show out, and snapshots of the
//! screens that matter. The explorer runs its own loop on a scripted
//! terminal; nothing is set up but what the command line sets up.
//!
//! ```toml
//! about = "what the flow is"
//! size = [120, 40]        # the terminal (120×40 when not given)
//! account = "file"        # "demo" (no file) or "file": a copy of the demo
//! journal = true          # keep a journal of unsaved work
//! lessons = true          # the built-in lessons, with a progress file
//! cloudtrail = "tests/why/cloudtrail/log-file.json"  # as --cloudtrail FILE
//! [[step]]
//! keys = "1 / "           # keys as config.toml writes them, by spaces
//! type = "alice"          # characters typed
//! paste = "text"          # a paste
//! size = [80, 24]         # the terminal resized
//! restart = true          # killed, then started again on the same files
//! expect = ["on the screen"]
//! absent = ["not on the screen"]
//! status = "the status line starts with this"
//! quit = false            # whether the explorer has quit
//! snapshot = "name"       # the screen, as snapshot screens__FILE_NAME
//! ```

mod support;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use support::Explorer;

use iamscope::session::Options;
use iamscope::tui::config::Settings;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    about: String,
    #[serde(default)]
    size: Option<(u16, u16)>,
    #[serde(default)]
    account: Account,
    #[serde(default)]
    journal: bool,
    #[serde(default)]
    lessons: bool,
    /// A file of CloudTrail events, from the package's root.
    #[serde(default)]
    cloudtrail: Option<String>,
    #[serde(rename = "step")]
    steps: Vec<Step>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Account {
    #[default]
    Demo,
    File,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    keys: Option<String>,
    #[serde(rename = "type")]
    typed: Option<String>,
    paste: Option<String>,
    size: Option<(u16, u16)>,
    #[serde(default)]
    restart: bool,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    status: Option<String>,
    quit: Option<bool>,
    snapshot: Option<String>,
}

/// Where a scenario's files live while it runs.
struct Place {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

impl Place {
    fn new(scenario: &Scenario) -> Place {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        if scenario.account == Account::File {
            let file = dir.path().join("account.json");
            std::fs::write(&file, iamscope::io::DEMO_ACCOUNT).unwrap();
            files.push(file);
        }
        Place { dir, files }
    }

    /// A new process on the same files: each has its own process id (ids
    /// above the kernel's largest, of processes that no longer run).
    fn start(&self, scenario: &Scenario, run: u32) -> Explorer {
        let options = Options {
            readonly: false,
            journal_dir: scenario.journal.then(|| self.dir.path().join("journal")),
            pid: 4_194_300 + run,
        };
        let mut e = Explorer::open(&self.files, options, Settings::default());
        if scenario.lessons {
            e = e.with_lessons(&self.dir.path().join("lesson-progress.json"));
        }
        if let Some(file) = &scenario.cloudtrail {
            e = e.with_cloudtrail(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file));
        }
        if let Some((w, h)) = scenario.size {
            e.resize(w, h);
        }
        e
    }
}

fn play(path: &Path) {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let scenario: Scenario = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!scenario.about.is_empty());
    let place = Place::new(&scenario);
    let mut run = 0;
    let mut e = place.start(&scenario, run);
    for (i, step) in scenario.steps.iter().enumerate() {
        let at = format!("{name} step {}", i + 1);
        if step.restart {
            // killed: nothing runs after this point
            std::mem::forget(e);
            run += 1;
            e = place.start(&scenario, run);
        }
        if let Some((w, h)) = step.size {
            e.resize(w, h);
        }
        if let Some(keys) = &step.keys {
            e.keys(keys);
        }
        if let Some(text) = &step.typed {
            e.type_text(text);
        }
        if let Some(text) = &step.paste {
            e.paste(text);
        }
        let screen = e.text();
        for needle in &step.expect {
            assert!(
                screen.contains(needle.as_str()),
                "{at}: {needle:?} is not on the screen:\n{screen}"
            );
        }
        for needle in &step.absent {
            assert!(
                !screen.contains(needle.as_str()),
                "{at}: {needle:?} is on the screen:\n{screen}"
            );
        }
        if let Some(status) = &step.status {
            assert!(
                e.status().starts_with(status.as_str()),
                "{at}: the status is {:?}",
                e.status()
            );
        }
        if let Some(quit) = step.quit {
            assert_eq!(e.quit(), quit, "{at}: quit");
        }
        if let Some(snapshot) = &step.snapshot {
            insta::assert_snapshot!(format!("{name}_{snapshot}"), screen);
        }
    }
}

#[test]
fn every_screen_scenario_plays_as_written() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screens");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "one scenario per flow: {files:?}");
    for file in files {
        play(&file);
    }
}
