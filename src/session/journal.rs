//! The journal of unsaved work: one file per open account *and* per running
//! process, rewritten whole (and atomically) whenever the work changes, so a
//! crash, a `kill -9` or a closed terminal loses nothing.
//!
//! Names, in the journal folder: `STEM-PID.jsonl` is the journal of process
//! PID on the files whose canonical paths hash to STEM (`demo` for the demo
//! account); `STEM-PID.open` is the marker that process PID has those files
//! open, there for as long as the session is. A second process on the same
//! files finds the first one's marker (its process still runs) and is told;
//! each journals apart, and every journal left behind is offered back.
//!
//! A journal is JSON lines: a [`Header`], then entries — the changes made on
//! top of the files as last written, or, when saved changes were undone
//! since, the whole account as it now is; then the editor's draft, if any.

use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::draft::Draft;
use crate::io::save::Fingerprint;
use crate::model::change::Change;

/// The format this module writes.
pub const FORMAT: u32 = 2;

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub iamscope_journal: u32,
    /// The account's files, absolute (none for the demo account).
    pub sources: Vec<PathBuf>,
    /// The files as the changes expect them: as loaded, or as last written.
    pub fingerprints: Vec<Fingerprint>,
    /// The process that writes it.
    pub pid: u32,
    /// When that session began (RFC 3339).
    pub started: String,
    /// When the journal was last written (RFC 3339).
    pub updated: String,
}

/// One line after the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Entry {
    /// A change made on top of the files.
    Change(Change),
    /// The whole account as a workspace file's text: saved changes were
    /// undone, so the account is no longer the files plus some changes.
    Account(String),
    /// Text typed in the editor and not yet kept.
    Draft(Draft),
}

/// A journal found in the folder: what it holds, and who wrote it.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub header: Header,
    pub changes: Vec<Change>,
    pub account: Option<String>,
    pub draft: Option<Draft>,
    /// Lines that could not be read (a crash mid-write): reported, not used.
    pub unreadable: usize,
    /// Whether the process that wrote it still runs.
    pub running: bool,
}

impl Found {
    /// Whether there is anything in it to recover.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.account.is_none() && self.draft.is_none()
    }

    /// What it holds, in a few words: `3 changes and a draft`.
    pub fn holds(&self) -> String {
        let mut parts = Vec::new();
        if self.account.is_some() {
            parts.push("an edited account (saved changes were undone)".to_owned());
        }
        if !self.changes.is_empty() {
            parts.push(format!(
                "{} change{}",
                self.changes.len(),
                if self.changes.len() == 1 { "" } else { "s" }
            ));
        }
        if let Some(draft) = &self.draft {
            parts.push(format!("a draft of {}", draft.target.name()));
        }
        if parts.is_empty() {
            return "nothing".to_owned();
        }
        parts.join(" and ")
    }
}

/// The name shared by every journal of a set of files: a stable hash of
/// their canonical paths (FNV-1a, which does not change between builds).
pub fn stem(sources: &[PathBuf]) -> String {
    if sources.is_empty() {
        return "demo".to_owned();
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for source in sources {
        let path = fs::canonicalize(source).unwrap_or_else(|_| source.clone());
        for byte in path.as_os_str().as_encoded_bytes().iter().chain([&0u8]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Whether process `pid` still runs. Where `/proc` cannot tell, a process
/// is taken to run (a journal is then kept rather than removed).
pub fn process_runs(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    true
}

/// This process's journal of one set of files, and its marker.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    stem: String,
    pid: u32,
    marker: PathBuf,
    path: PathBuf,
    /// Whether the journal file exists (it does only while there is work).
    written: bool,
}

/// The processes that have the same files open, when a journal starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    pub pids: Vec<u32>,
}

impl Journal {
    /// Start journaling `sources` in `dir` for process `pid`: the marker is
    /// written, stale markers of processes that no longer run are removed,
    /// and the processes that still have these files open are returned.
    pub fn start(dir: &Path, sources: &[PathBuf], pid: u32, started: &str) -> std::io::Result<(Journal, Elsewhere)> {
        fs::create_dir_all(dir)?;
        let stem = stem(sources);
        let mut others = Vec::new();
        for (path, other) in files_of(dir, &stem, "open") {
            if other == pid {
                continue;
            }
            if process_runs(other) {
                others.push(other);
            } else {
                let _ = fs::remove_file(path);
            }
        }
        others.sort_unstable();
        let marker = dir.join(format!("{stem}-{pid}.open"));
        let note = serde_json::json!({ "pid": pid, "sources": sources, "started": started });
        fs::write(&marker, format!("{note}\n"))?;
        let path = dir.join(format!("{stem}-{pid}.jsonl"));
        let journal = Journal {
            dir: dir.to_owned(),
            stem,
            pid,
            marker,
            written: path.exists(),
            path,
        };
        Ok((journal, Elsewhere { pids: others }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write the work as it is now (an empty list removes the journal).
    pub fn record(&mut self, header: &Header, entries: &[Entry]) -> std::io::Result<()> {
        if entries.is_empty() {
            return self.clear();
        }
        let mut text = serde_json::to_string(header).map_err(std::io::Error::other)?;
        text.push('\n');
        for entry in entries {
            text.push_str(&serde_json::to_string(entry).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        // A fresh file renamed over the journal: a crash in the middle
        // leaves the previous journal whole.
        let temp = self.dir.join(format!(".{}-{}.jsonl.tmp", self.stem, self.pid));
        {
            let mut file = fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_data()?;
        }
        fs::rename(&temp, &self.path)?;
        self.written = true;
        Ok(())
    }

    /// Nothing is unsaved any more: the journal goes.
    pub fn clear(&mut self) -> std::io::Result<()> {
        if !self.written {
            return Ok(());
        }
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => {
                self.written = false;
                Ok(())
            }
        }
    }

    /// Every other journal of these files, newest first.
    pub fn others(&self) -> Vec<Found> {
        let mut found: Vec<Found> = files_of(&self.dir, &self.stem, "jsonl")
            .into_iter()
            .filter(|(_, pid)| *pid != self.pid)
            .filter_map(|(path, _)| read(&path).ok().flatten())
            .filter(|f| !f.is_empty() || f.unreadable > 0)
            .collect();
        found.sort_by(|a, b| b.header.updated.cmp(&a.header.updated).then(b.path.cmp(&a.path)));
        found
    }

    /// The session ends: its marker goes; the journal goes only when
    /// `discard` (the person chose to end without the work).
    pub fn end(mut self, discard: bool) -> std::io::Result<()> {
        let _ = fs::remove_file(&self.marker);
        if discard {
            self.clear()?;
        }
        Ok(())
    }
}

/// `STEM-PID.EXT` files in `dir`, with their PID.
fn files_of(dir: &Path, stem: &str, ext: &str) -> Vec<(PathBuf, u32)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = format!("{stem}-");
    let suffix = format!(".{ext}");
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let pid = name
                .to_str()?
                .strip_prefix(&prefix)?
                .strip_suffix(&suffix)?
                .parse::<u32>()
                .ok()?;
            Some((entry.path(), pid))
        })
        .collect()
}

/// Read a journal; `None` when it does not exist or has no header.
pub fn read(path: &Path) -> std::io::Result<Option<Found>> {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut lines = std::io::BufReader::new(file).lines();
    let Some(first) = lines.next().transpose()? else {
        return Ok(None);
    };
    let Ok(header) = serde_json::from_str::<Header>(&first) else {
        return Ok(None);
    };
    let mut found = Found {
        path: path.to_owned(),
        running: process_runs(header.pid),
        header,
        changes: Vec::new(),
        account: None,
        draft: None,
        unreadable: 0,
    };
    for line in lines {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(&line) {
            Ok(Entry::Change(change)) => found.changes.push(change),
            Ok(Entry::Account(account)) => found.account = Some(account),
            Ok(Entry::Draft(draft)) => found.draft = Some(draft),
            Err(_) => found.unreadable += 1,
        }
    }
    Ok(Some(found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::draft::EditTarget;

    /// Above the kernel's largest process id: a process that cannot run.
    const GONE: u32 = 4_194_399;

    fn header(pid: u32, updated: &str) -> Header {
        Header {
            iamscope_journal: FORMAT,
            sources: Vec::new(),
            fingerprints: Vec::new(),
            pid,
            started: "2026-11-01T00:00:00Z".into(),
            updated: updated.into(),
        }
    }

    fn create(name: &str) -> Entry {
        Entry::Change(Change::CreateUser {
            name: name.into(),
            path: "/".into(),
        })
    }

    #[test]
    fn two_processes_on_the_same_files_journal_apart_and_the_second_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("account.json");
        fs::write(&file, "{}").unwrap();
        let sources = vec![file];
        let me = std::process::id();
        // pid 1 always runs: it stands for another copy of iamscope
        let (mut first, elsewhere) = Journal::start(dir.path(), &sources, 1, "t").unwrap();
        assert!(elsewhere.pids.is_empty());
        let (mut second, elsewhere) = Journal::start(dir.path(), &sources, me, "t").unwrap();
        assert_eq!(elsewhere.pids, [1], "the second is told the first has the file open");
        assert_ne!(first.path(), second.path());
        first
            .record(&header(1, "2026-11-01T00:01:00Z"), &[create("eve")])
            .unwrap();
        second
            .record(&header(me, "2026-11-01T00:02:00Z"), &[create("mallory")])
            .unwrap();
        // both are offered to a third, newest first, each with its own change
        let (third, _) = Journal::start(dir.path(), &sources, GONE - 1, "t").unwrap();
        let found = third.others();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].header.pid, me);
        assert_eq!(found[1].header.pid, 1);
        assert!(found.iter().all(|f| f.running));
        assert_eq!(found[0].holds(), "1 change");
        assert_ne!(found[0].changes, found[1].changes);
    }

    #[test]
    fn a_marker_of_a_process_that_no_longer_runs_is_no_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (gone, _) = Journal::start(dir.path(), &[], GONE, "t").unwrap();
        std::mem::forget(gone); // killed: its marker stays behind
        let (_, elsewhere) = Journal::start(dir.path(), &[], std::process::id(), "t").unwrap();
        assert!(elsewhere.pids.is_empty());
        assert!(
            !dir.path().join(format!("demo-{GONE}.open")).exists(),
            "stale marker removed"
        );
    }

    #[test]
    fn a_draft_is_journaled_and_read_back_with_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = Journal::start(dir.path(), &[], GONE, "t").unwrap();
        let draft = Draft {
            target: EditTarget::Trust { role: "app".into() },
            text: "{\"Version\": ".into(),
            original: "{}".into(),
        };
        journal
            .record(&header(GONE, "2026-11-01T00:00:00Z"), &[Entry::Draft(draft.clone())])
            .unwrap();
        let found = read(journal.path()).unwrap().unwrap();
        assert_eq!(found.draft, Some(draft));
        assert!(!found.running);
        assert_eq!(found.holds(), "a draft of trust policy of role app");
        journal.record(&header(GONE, "2026-11-01T00:00:00Z"), &[]).unwrap();
        assert!(!journal.path().exists(), "no work, no journal");
    }

    #[test]
    fn a_torn_last_line_is_counted_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = Journal::start(dir.path(), &[], GONE, "t").unwrap();
        journal
            .record(&header(GONE, "2026-11-01T00:00:00Z"), &[create("eve")])
            .unwrap();
        let mut torn = fs::OpenOptions::new().append(true).open(journal.path()).unwrap();
        torn.write_all(b"{\"change\": {\"op\": \"create-us").unwrap();
        let found = read(journal.path()).unwrap().unwrap();
        assert_eq!(found.changes.len(), 1);
        assert_eq!(found.unreadable, 1);
    }

    #[test]
    fn ending_keeps_the_journal_unless_the_work_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = Journal::start(dir.path(), &[], GONE, "t").unwrap();
        journal
            .record(&header(GONE, "2026-11-01T00:00:00Z"), &[create("eve")])
            .unwrap();
        let path = journal.path().to_owned();
        journal.end(false).unwrap();
        assert!(path.exists());
        assert!(!dir.path().join(format!("demo-{GONE}.open")).exists());
        let (journal, _) = Journal::start(dir.path(), &[], GONE, "t").unwrap();
        journal.end(true).unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn the_stem_is_stable_and_depends_on_the_files() {
        assert_eq!(stem(&[]), "demo");
        let a = stem(&[PathBuf::from("/nowhere/a.json")]);
        assert_eq!(a, stem(&[PathBuf::from("/nowhere/a.json")]));
        assert_ne!(a, stem(&[PathBuf::from("/nowhere/b.json")]));
        assert_eq!(a.len(), 16);
    }
}
