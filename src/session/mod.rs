//! A working session on one account, apart from any screen: the account as
//! loaded (and the files it came from, with their fingerprints), the changes
//! made since (each with an id), the save point, saving and exporting, and
//! the journal of unsaved work with recovery from it. The explorer is one
//! front-end over it; nothing here draws or reads keys.
//!
//! Times come from the caller (`now`): the session never reads a clock.

pub(crate) mod draft;
pub(crate) mod history;
pub(crate) mod journal;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

pub use draft::{Draft, EditTarget};
pub use history::{Changes, EntryId};
pub use journal::Found;

use crate::io::change_log;
use crate::io::save::{self, Fingerprint};
use crate::io::{AccountSource, ExportFormat, ImportReport, LoadError, Loaded};
use crate::model::Model;
use crate::model::change::{self, Applied, Change, Refusal};
use journal::{Entry, Header, Journal};

/// How often, at most, a draft typed in the editor is written to the journal.
pub const DRAFT_INTERVAL_MS: i64 = 1_000;

/// What a session is allowed to do and where it keeps its journal; kept
/// when another file is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--readonly`: no change is made.
    pub readonly: bool,
    /// Where journals go; `None` keeps none.
    pub journal_dir: Option<PathBuf>,
    /// This process, as journals are named (tests give each session its own).
    pub pid: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            readonly: false,
            journal_dir: None,
            pid: std::process::id(),
        }
    }
}

/// A file the account came from, as it was when loaded or last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFile {
    pub path: PathBuf,
    pub fingerprint: Fingerprint,
}

/// Where the account came from, which decides where it may be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The demo account built into the program: never overwritten.
    Demo,
    Files(Vec<OpenFile>),
    /// A lesson's own account, kept with the learner's progress.
    Lesson {
        id: String,
    },
}

/// The formats `:export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportKind {
    Gaad,
    Workspace,
    Script,
}

impl ExportKind {
    pub fn parse(text: &str) -> Option<ExportKind> {
        match text {
            "gaad" => Some(ExportKind::Gaad),
            "workspace" => Some(ExportKind::Workspace),
            "script" => Some(ExportKind::Script),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("read-only (--readonly): editing is off")]
    ReadOnly,
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error("the demo account is never overwritten: save a copy with :saveas FILE")]
    Demo,
    #[error("this account came from several files: save it as one workspace file with :saveas FILE")]
    SeveralFiles,
    #[error("a lesson's account is kept with your lesson progress; :saveas FILE writes a copy")]
    Lesson,
    /// Someone changed the file since it was loaded: it is never overwritten.
    #[error("{} changed on disk since iamscope loaded it", path.display())]
    ChangedOnDisk { path: PathBuf },
    #[error(transparent)]
    Save(save::SaveError),
    #[error(transparent)]
    Load(LoadError),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the journal {} holds an account that does not load: {message}", path.display())]
    Journal { path: PathBuf, message: String },
}

/// What a save did, in a sentence for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    pub message: String,
}

/// What recovering a journal did.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    /// Changes applied.
    pub applied: usize,
    /// Changes that no longer apply, with why.
    pub failed: Vec<String>,
    /// The account was replaced by the one the journal held whole.
    pub replaced: bool,
    /// A draft to open in the editor again.
    pub draft: Option<Draft>,
}

pub struct Session {
    model: Arc<Model>,
    report: ImportReport,
    /// What the header shows: `demo account`, the files, `lesson: …`.
    name: String,
    origin: Origin,
    changes: Changes,
    options: Options,
    journal: Option<Journal>,
    /// Other processes with the same files open when the session began.
    elsewhere: Vec<u32>,
    started: Timestamp,
    draft: Option<Draft>,
    /// When the draft was last written, and whether it changed since.
    draft_written: Option<Timestamp>,
    draft_pending: bool,
    /// A problem with the journal not yet told.
    problem: Option<String>,
}

impl Session {
    /// A session on a loaded account. `files` are the account's files (none
    /// for the demo); their fingerprints are taken now.
    pub fn new(loaded: Loaded, files: &[PathBuf], options: Options, now: Timestamp) -> Result<Session, SessionError> {
        let mut open = Vec::new();
        for path in files {
            let fingerprint = Fingerprint::of(path).map_err(|source| SessionError::Read {
                path: path.clone(),
                source,
            })?;
            open.push(OpenFile {
                path: path.clone(),
                fingerprint,
            });
        }
        let (name, origin) = if open.is_empty() {
            ("demo account".to_owned(), Origin::Demo)
        } else {
            (join_paths(files), Origin::Files(open))
        };
        let mut session = Session::bare(loaded, name, origin, options, now);
        session.start_journal(now);
        Ok(session)
    }

    /// Load `files` (the demo account when there are none) and begin.
    pub fn open(
        files: &[PathBuf],
        credential_report: Option<&Path>,
        options: Options,
        now: Timestamp,
    ) -> Result<Session, SessionError> {
        let sources: Vec<AccountSource> = files.iter().cloned().map(AccountSource::File).collect();
        let loaded = crate::io::load(&sources, credential_report).map_err(SessionError::Load)?;
        Session::new(loaded, files, options, now)
    }

    /// A lesson's account: no files, no journal (its changes are kept with
    /// the learner's progress).
    pub fn lesson(model: Model, id: &str, title: &str, now: Timestamp) -> Session {
        let loaded = Loaded {
            model,
            report: ImportReport::default(),
        };
        Session::bare(
            loaded,
            format!("lesson: {title}"),
            Origin::Lesson { id: id.to_owned() },
            Options::default(),
            now,
        )
    }

    fn bare(loaded: Loaded, name: String, origin: Origin, options: Options, now: Timestamp) -> Session {
        Session {
            model: Arc::new(loaded.model),
            report: loaded.report,
            name,
            origin,
            changes: Changes::default(),
            options,
            journal: None,
            elsewhere: Vec::new(),
            started: now,
            draft: None,
            draft_written: None,
            draft_pending: false,
            problem: None,
        }
    }

    // ---- what it is ----

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    pub fn report(&self) -> &ImportReport {
        &self.report
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn readonly(&self) -> bool {
        self.options.readonly
    }

    /// The files the account came from (none for the demo and lessons).
    pub fn files(&self) -> Vec<PathBuf> {
        match &self.origin {
            Origin::Files(files) => files.iter().map(|f| f.path.clone()).collect(),
            _ => Vec::new(),
        }
    }

    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Whether the account differs from what was last written.
    pub fn unsaved(&self) -> bool {
        self.changes.unsaved()
    }

    /// The processes that had the same files open when this session began.
    pub fn elsewhere(&self) -> &[u32] {
        &self.elsewhere
    }

    /// Where this session's journal is, if it keeps one.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(|j| j.path())
    }

    /// A problem with the journal since the last call, to tell the person.
    pub fn take_problem(&mut self) -> Option<String> {
        self.problem.take()
    }

    // ---- changes ----

    /// Apply a change, or refuse it and leave the account as it was.
    pub fn apply(&mut self, change: Change, now: Timestamp) -> Result<&Applied, SessionError> {
        if self.options.readonly {
            return Err(SessionError::ReadOnly);
        }
        let model = Arc::make_mut(&mut self.model);
        self.changes.apply(model, change, now).map_err(SessionError::Refused)?;
        self.sync_journal(now);
        Ok(self.changes.done().last().expect("just applied"))
    }

    pub fn undo(&mut self, now: Timestamp) -> Option<Change> {
        let model = Arc::make_mut(&mut self.model);
        let change = self.changes.undo(model)?;
        self.sync_journal(now);
        Some(change)
    }

    pub fn redo(&mut self, now: Timestamp) -> Option<Result<Change, Refusal>> {
        let model = Arc::make_mut(&mut self.model);
        let result = self.changes.redo(model, now)?;
        self.sync_journal(now);
        Some(result)
    }

    /// Everything has been kept elsewhere (a lesson's progress was written):
    /// the account as it is counts as saved.
    pub fn mark_kept(&mut self, now: Timestamp) {
        self.changes.mark_saved();
        self.sync_journal(now);
    }

    // ---- saving and exporting ----

    /// Write the account back to the file it came from.
    pub fn save(&mut self, now: Timestamp) -> Result<Saved, SessionError> {
        let (path, expected) = match &self.origin {
            Origin::Demo => return Err(SessionError::Demo),
            Origin::Lesson { .. } => return Err(SessionError::Lesson),
            Origin::Files(files) if files.len() > 1 => return Err(SessionError::SeveralFiles),
            Origin::Files(files) => match files.first() {
                Some(file) => (file.path.clone(), file.fingerprint.clone()),
                None => return Err(SessionError::Demo),
            },
        };
        self.write_to(&path, Some(&expected), now)
    }

    /// Write the account as a workspace file at `path`, which becomes the
    /// account's file from now on.
    pub fn save_as(&mut self, path: &Path, now: Timestamp) -> Result<Saved, SessionError> {
        if matches!(self.origin, Origin::Lesson { .. }) {
            // a copy of the lesson's account; the lesson goes on
            let text = self.workspace_text();
            let (_, message) = write_file(path, text.as_bytes(), None)?;
            return Ok(Saved {
                path: path.to_owned(),
                message,
            });
        }
        // a new file, or one named on purpose: no on-disk check
        self.write_to(path, None, now)
    }

    fn write_to(&mut self, path: &Path, expected: Option<&Fingerprint>, now: Timestamp) -> Result<Saved, SessionError> {
        let text = self.workspace_text();
        let (fingerprint, message) = write_file(path, text.as_bytes(), expected)?;
        let same = self.files().first().map(PathBuf::as_path) == Some(path) && self.files().len() == 1;
        if !same {
            // the account lives in this file now: its journal is this file's
            self.end_journal(true);
            self.name = path.display().to_string();
        }
        self.origin = Origin::Files(vec![OpenFile {
            path: path.to_owned(),
            fingerprint,
        }]);
        self.changes.mark_saved();
        if same {
            self.sync_journal(now);
        } else {
            self.start_journal(now);
        }
        Ok(Saved {
            path: path.to_owned(),
            message,
        })
    }

    /// Every change since the account left AWS: those the loaded workspace
    /// file recorded, then this session's.
    fn change_log(&self) -> Vec<change_log::Logged> {
        let mut log = change_log::read_log(self.model.account()).unwrap_or_default();
        log.extend(change_log::logged(self.changes.history()));
        log
    }

    /// The account as a workspace file, with its change log.
    pub fn workspace_text(&self) -> String {
        let mut account = self.model.account().clone();
        let log = self.change_log();
        if log.is_empty() {
            account.extra.shift_remove(change_log::LOG_KEY);
        } else if let Ok(value) = serde_json::to_value(&log) {
            account.extra.insert(change_log::LOG_KEY.to_owned(), value);
        }
        crate::io::export::export_to_string(&account, ExportFormat::Workspace)
    }

    /// Write the account (or its change script) to `path`; a sentence for
    /// the status line.
    pub fn export(&self, kind: ExportKind, path: &Path) -> Result<String, SessionError> {
        let text = match kind {
            ExportKind::Gaad => crate::io::export::export_to_string(self.model.account(), ExportFormat::Gaad),
            ExportKind::Workspace => self.workspace_text(),
            ExportKind::Script => crate::io::script::script(&self.change_log(), self.model.account()),
        };
        write_file(path, text.as_bytes(), None)?;
        Ok(match kind {
            ExportKind::Script => {
                let n = self.change_log().len();
                format!(
                    "wrote {} ({n} change{}) — review it; iamscope never runs it",
                    path.display(),
                    if n == 1 { "" } else { "s" }
                )
            }
            _ => format!("wrote {}", path.display()),
        })
    }

    // ---- the journal ----

    fn start_journal(&mut self, now: Timestamp) {
        self.elsewhere.clear();
        let Some(dir) = self.options.journal_dir.clone() else {
            return;
        };
        if matches!(self.origin, Origin::Lesson { .. }) || self.options.readonly {
            return;
        }
        let sources = self.absolute_files();
        match Journal::start(&dir, &sources, self.options.pid, &self.started.to_string()) {
            Ok((journal, elsewhere)) => {
                self.journal = Some(journal);
                self.elsewhere = elsewhere.pids;
                self.sync_journal(now);
            }
            Err(e) => {
                self.problem = Some(format!(
                    "cannot keep a journal of unsaved work in {}: {e}",
                    dir.display()
                ))
            }
        }
    }

    fn end_journal(&mut self, discard: bool) {
        if let Some(journal) = self.journal.take()
            && let Err(e) = journal.end(discard)
        {
            self.problem = Some(format!("cannot remove the journal: {e}"));
        }
    }

    fn absolute_files(&self) -> Vec<PathBuf> {
        self.files()
            .iter()
            .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
            .collect()
    }

    /// Write the journal as the work is now: the changes on top of the
    /// files (or the whole account when saved changes were undone), and the
    /// draft. Nothing unsaved and no draft: no journal.
    fn sync_journal(&mut self, now: Timestamp) {
        if self.journal.is_none() {
            return;
        }
        let mut entries = Vec::new();
        if self.changes.unsaved() {
            match self.changes.since_saved() {
                Some(changes) => entries.extend(changes.into_iter().map(Entry::Change)),
                None => entries.push(Entry::Account(self.workspace_text())),
            }
        }
        if let Some(draft) = &self.draft {
            entries.push(Entry::Draft(draft.clone()));
        }
        let header = Header {
            iamscope_journal: journal::FORMAT,
            sources: self.absolute_files(),
            fingerprints: match &self.origin {
                Origin::Files(files) => files.iter().map(|f| f.fingerprint.clone()).collect(),
                _ => Vec::new(),
            },
            pid: self.options.pid,
            started: self.started.to_string(),
            updated: now.to_string(),
        };
        let with_draft = self.draft.is_some();
        if let Some(journal) = &mut self.journal {
            match journal.record(&header, &entries) {
                Ok(()) => {
                    if with_draft {
                        self.draft_written = Some(now);
                    }
                    self.draft_pending = false;
                }
                Err(e) => {
                    self.problem = Some(format!(
                        "cannot keep the journal of unsaved work at {}: {e}",
                        journal.path().display()
                    ))
                }
            }
        }
    }

    /// The editor's text as it is (`None` when there is no editor or it has
    /// nothing new). Written at most every [`DRAFT_INTERVAL_MS`]; a draft
    /// that goes away is written at once.
    pub fn set_draft(&mut self, draft: Option<Draft>, now: Timestamp) {
        if self.draft == draft {
            return;
        }
        let gone = draft.is_none();
        self.draft = draft;
        let due = self
            .draft_written
            .is_none_or(|at| now.as_millisecond() - at.as_millisecond() >= DRAFT_INTERVAL_MS);
        if gone || due {
            self.sync_journal(now);
        } else {
            self.draft_pending = true;
        }
    }

    pub fn draft(&self) -> Option<&Draft> {
        self.draft.as_ref()
    }

    /// Time passes: a draft held back is written once it is due.
    pub fn tick(&mut self, now: Timestamp) {
        if self.draft_pending
            && self
                .draft_written
                .is_none_or(|at| now.as_millisecond() - at.as_millisecond() >= DRAFT_INTERVAL_MS)
        {
            self.sync_journal(now);
        }
    }

    /// Every journal of these files that another session left (or another
    /// process is writing), newest first.
    pub fn recoverable(&self) -> Vec<Found> {
        self.journal.as_ref().map_or_else(Vec::new, Journal::others)
    }

    /// Whether the files changed on disk since a journal was written.
    pub fn stale(&self, found: &Found) -> bool {
        let files = self.files();
        files.len() != found.header.fingerprints.len()
            || files.iter().zip(&found.header.fingerprints).any(|(f, p)| !p.matches(f))
    }

    /// Take a journal's work into this session: its changes applied (or its
    /// account taken whole), its draft returned for the editor. The journal
    /// is removed unless its process still runs; the work is in this
    /// session's journal now.
    pub fn recover(&mut self, found: &Found, now: Timestamp) -> Result<Recovered, SessionError> {
        let mut recovered = Recovered {
            applied: 0,
            failed: Vec::new(),
            replaced: false,
            draft: found.draft.clone(),
        };
        if let Some(text) = &found.account {
            let loaded = crate::io::load_bytes("journal", text.as_bytes()).map_err(|e| SessionError::Journal {
                path: found.path.clone(),
                message: e.to_string(),
            })?;
            self.model = Arc::new(loaded.model);
            self.changes = Changes::default();
            self.changes.mark_never_saved();
            recovered.replaced = true;
        }
        let model = Arc::make_mut(&mut self.model);
        for change in &found.changes {
            match self.changes.apply(model, change.clone(), now) {
                Ok(_) => recovered.applied += 1,
                Err(e) => recovered.failed.push(format!("{}: {e}", change::describe(change))),
            }
        }
        if !found.running {
            let _ = std::fs::remove_file(&found.path);
        }
        self.sync_journal(now);
        Ok(recovered)
    }

    /// Throw a journal's work away (never the journal of a running process).
    pub fn discard(&self, found: &Found) -> std::io::Result<()> {
        if found.running {
            return Ok(());
        }
        match std::fs::remove_file(&found.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The session ends. With `discard`, its unsaved work goes; without,
    /// the journal stays to be offered back. The session keeps no journal
    /// after this.
    pub fn close(&mut self, discard: bool) {
        self.end_journal(discard);
    }
}

impl Drop for Session {
    /// A session dropped without [`Session::close`] leaves its journal (its
    /// work is still to be offered back) but not its marker.
    fn drop(&mut self) {
        if let Some(journal) = self.journal.take() {
            let _ = journal.end(false);
        }
    }
}

fn join_paths(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Write atomically; the file's new fingerprint and a sentence saying where
/// the previous version went.
fn write_file(
    path: &Path,
    bytes: &[u8],
    expected: Option<&Fingerprint>,
) -> Result<(Fingerprint, String), SessionError> {
    match save::save_atomically(path, bytes, expected) {
        Ok(saved) => {
            let message = match saved.describe_previous() {
                Some(previous) => format!("saved {} as a workspace file; {previous}", path.display()),
                None => format!("saved {} as a workspace file", path.display()),
            };
            Ok((saved.fingerprint, message))
        }
        Err(save::SaveError::ChangedOnDisk { path }) => Err(SessionError::ChangedOnDisk { path }),
        Err(e) => Err(SessionError::Save(e)),
    }
}

#[cfg(test)]
mod tests;
