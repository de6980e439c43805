//! The explorer's state and everything that changes it: keys and mouse
//! events become [`Action`]s (or edits of an input), actions change the
//! state, and `draw` renders whatever the state is. Nothing here touches the
//! terminal, so tests drive the whole app on a `TestBackend`.

use std::collections::HashMap;
use std::sync::Arc;
use std::thread::JoinHandle;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use ratatui::layout::Rect;

use super::config::Settings;
use super::detail::{self, Doc};
use super::input::{Edit, Fuzzy, LineInput};
use super::inspector::{Field, Inspector};
use super::keymap::Action;
use super::sections::{Row, Section, Target};
use super::theme::{Theme, ThemeName};
use crate::analysis::who_can::{self, WhoCan};
use crate::eval::PolicySource;
use crate::io::ImportReport;
use crate::model::{Holder, Model};

/// Which half of the screen keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Right,
}

/// What the right-hand pane shows; the pane is a stack (Esc pops).
#[derive(Debug, Clone)]
pub enum View {
    Detail {
        target: Target,
        cursor: usize,
        offset: usize,
    },
    Inspector,
    WhoCan,
    /// The session's changes.
    Changes {
        cursor: usize,
        offset: usize,
    },
    /// What the linter finds in the account's policies.
    Findings {
        cursor: usize,
        offset: usize,
    },
    /// The lessons, with the learner's progress.
    Lessons {
        cursor: usize,
        offset: usize,
    },
}

#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    Filter(LineInput),
    Command(LineInput),
    EditField {
        field: Field,
        input: LineInput,
        choice: usize,
    },
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        offset: usize,
    },
    Text {
        title: String,
        lines: Vec<String>,
        offset: usize,
    },
    Prompt {
        title: String,
        input: LineInput,
        ask: super::edit::Ask,
    },
    Picker {
        title: String,
        items: Vec<super::edit::PickItem>,
        /// Positions of the items the filter keeps, best first.
        shown: Vec<usize>,
        filter: LineInput,
        cursor: usize,
        pick: super::edit::Pick,
    },
    Confirm {
        message: String,
        on_yes: super::edit::Confirmed,
    },
    /// What a change flips, before it is kept.
    Preview {
        change: crate::model::change::Change,
        flips: Vec<crate::analysis::impact::Flip>,
        checked: usize,
        cursor: usize,
        from_editor: bool,
    },
    /// Unsaved changes of a session that did not end normally.
    Recover {
        recovered: crate::io::save::Recovered,
        /// The account's files changed since that session.
        stale: bool,
    },
    QuitUnsaved,
    /// One version of a managed policy compared with the default one.
    Version {
        arn: String,
        version: String,
        lines: Vec<String>,
        offset: usize,
    },
}

#[derive(Debug, Clone, Default)]
pub struct ListState {
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
    /// Positions in the section's rows, after filtering.
    pub visible: Vec<usize>,
}

/// who-can, running off the UI thread, and what it found.
pub struct WhoCanJob {
    pub action: String,
    pub resource: String,
    pub total: usize,
    /// How many principals are done; cancels the job.
    pub progress: Arc<crate::analysis::Progress>,
    handle: Option<JoinHandle<WhoCan>>,
    pub result: Option<WhoCan>,
    pub cancelled: bool,
    pub cursor: usize,
    pub offset: usize,
}

/// Where things were drawn, for the mouse.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    pub tabs: Vec<(u16, u16, Section)>,
    pub tabs_row: u16,
    pub list: Rect,
    pub list_first_row: u16,
    pub right: Rect,
}

pub struct App {
    pub model: Arc<Model>,
    pub report: ImportReport,
    pub source: String,
    pub settings: Settings,
    pub theme: Theme,
    pub now: Timestamp,
    pub section: Section,
    pub lists: HashMap<Section, ListState>,
    rows: HashMap<Section, Vec<Row>>,
    pub focus: Focus,
    pub stack: Vec<View>,
    /// Cursor in the live detail of the selection (when the stack is empty).
    pub live: (usize, usize),
    pub inspector: Inspector,
    pub mode: Mode,
    pub overlay: Option<Overlay>,
    pub status: Option<String>,
    pub who_can: Option<WhoCanJob>,
    pub quit: bool,
    pub areas: Areas,
    /// Set on the last draw: the layout shows one pane at a time.
    pub narrow: bool,
    /// Rows the right pane showed on the last draw (for paging).
    pub page: usize,
    fuzzy: Fuzzy,
    resource_suggestions: Option<Vec<String>>,
    action_names: Option<Vec<String>>,
    /// Escape sequences for the terminal (clipboard), written by the runner.
    pub outbox: Vec<String>,
    /// The session's edits, for undo, redo, the change log and the script.
    pub history: crate::model::change::History,
    /// How many edits the history had when the account was last saved.
    pub saved_at: usize,
    pub readonly: bool,
    pub editor: Option<super::editor::Editor>,
    /// The files the account came from (none for the demo), as loaded.
    pub files: Vec<std::path::PathBuf>,
    pub fingerprints: Vec<crate::io::save::Fingerprint>,
    pub journal: Option<crate::io::save::Journal>,
    pub journal_path: Option<std::path::PathBuf>,
    pub journal_dir: Option<std::path::PathBuf>,
    /// The lint of the account, computed when first shown.
    pub findings: Option<Arc<Vec<super::findings::FindingRow>>>,
    pub lessons: Vec<crate::lessons::Lesson>,
    pub progress: crate::lessons::Progress,
    pub progress_path: Option<std::path::PathBuf>,
    pub lesson_session: Option<super::lesson::LessonSession>,
    /// The permissions page last built, for the account as it is.
    permissions_cache: std::cell::RefCell<Option<(Target, Doc)>>,
}

const COMMANDS: [&str; 29] = [
    "users",
    "groups",
    "roles",
    "policies",
    "root",
    "pools",
    "userpools",
    "resources",
    "org",
    "explain",
    "who-can",
    "open",
    "theme",
    "help",
    "inspector",
    "quit",
    "edit",
    "undo",
    "redo",
    "changes",
    "findings",
    "versions",
    "write",
    "saveas",
    "export",
    "lessons",
    "lesson",
    "glossary",
    "what-can",
];

impl App {
    pub fn new(model: Model, report: ImportReport, source: String, settings: Settings, now: Timestamp) -> App {
        let theme = Theme::from_settings(settings.theme);
        let mut app = App {
            model: Arc::new(model),
            report,
            source,
            settings,
            theme,
            now,
            section: Section::Users,
            lists: HashMap::new(),
            rows: HashMap::new(),
            focus: Focus::List,
            stack: Vec::new(),
            live: (0, 0),
            inspector: Inspector::default(),
            mode: Mode::Normal,
            overlay: None,
            status: None,
            who_can: None,
            quit: false,
            areas: Areas::default(),
            narrow: false,
            page: 10,
            fuzzy: Fuzzy::default(),
            resource_suggestions: None,
            findings: None,
            lessons: crate::lessons::Lesson::embedded(),
            progress: crate::lessons::Progress::default(),
            progress_path: None,
            lesson_session: None,
            permissions_cache: std::cell::RefCell::new(None),
            action_names: None,
            outbox: Vec::new(),
            history: Default::default(),
            saved_at: 0,
            readonly: false,
            editor: None,
            files: Vec::new(),
            fingerprints: Vec::new(),
            journal: None,
            journal_path: None,
            journal_dir: None,
        };
        if !app.report.warnings.is_empty() {
            app.status = Some(format!(
                "{} loader warning{}: :summary lists them",
                app.report.warnings.len(),
                if app.report.warnings.len() == 1 { "" } else { "s" }
            ));
        }
        app.refresh_list(Section::Users);
        app
    }

    // ---- lists ----

    pub fn rows(&mut self, section: Section) -> &[Row] {
        let model = &self.model;
        self.rows
            .entry(section)
            .or_insert_with(|| super::sections::rows(model, section))
    }

    pub(super) fn refresh_list(&mut self, section: Section) {
        let filter = self.lists.get(&section).map(|l| l.filter.clone()).unwrap_or_default();
        let (invert, query) = match filter.strip_prefix('!') {
            Some(rest) => (true, rest.to_owned()),
            None => (false, filter.clone()),
        };
        let model = Arc::clone(&self.model);
        let rows = self
            .rows
            .entry(section)
            .or_insert_with(|| super::sections::rows(&model, section));
        // Best match first (as fzf does); an inverted filter keeps the order.
        let visible = if invert || query.trim().is_empty() {
            self.fuzzy
                .filter(&query, invert, rows.iter().map(|r| r.search.as_str()))
        } else {
            self.fuzzy.rank(&query, rows.iter().map(|r| r.search.as_str()))
        };
        let list = self.lists.entry(section).or_default();
        list.visible = visible;
        list.selected = list.selected.min(list.visible.len().saturating_sub(1));
    }

    pub fn list(&self) -> &ListState {
        static EMPTY: std::sync::OnceLock<ListState> = std::sync::OnceLock::new();
        self.lists
            .get(&self.section)
            .unwrap_or_else(|| EMPTY.get_or_init(ListState::default))
    }

    /// The target of the selected row.
    pub fn selection(&self) -> Option<Target> {
        let list = self.lists.get(&self.section)?;
        let row = *list.visible.get(list.selected)?;
        self.rows.get(&self.section)?.get(row).map(|r| r.target.clone())
    }

    pub(super) fn select(&mut self, index: usize) {
        let list = self.lists.entry(self.section).or_default();
        let last = list.visible.len().saturating_sub(1);
        let index = index.min(last);
        if list.selected != index {
            list.selected = index;
            self.live = (0, 0);
            self.selection_changed();
        }
    }

    fn selection_changed(&mut self) {
        if self.inspector.follow_selection
            && self.stack.iter().any(|v| matches!(v, View::Inspector))
            && let Some(principal) = self.selection().and_then(|t| t.principal())
        {
            self.inspector.principal = principal.to_string();
            self.evaluate();
        }
    }

    pub(super) fn show_section(&mut self, section: Section) {
        self.section = section;
        self.refresh_list(section);
        self.focus = Focus::List;
        self.stack.retain(|v| matches!(v, View::Inspector));
        self.live = (0, 0);
        self.selection_changed();
    }

    /// After the account changed: lists, suggestions and the inspector are
    /// computed again; views of things that no longer exist close.
    pub fn reset_views(&mut self) {
        self.rows.clear();
        self.resource_suggestions = None;
        self.findings = None;
        self.permissions_cache.replace(None);
        for section in super::sections::Section::ALL {
            if self.lists.contains_key(&section) {
                self.refresh_list(section);
            }
        }
        let model = Arc::clone(&self.model);
        self.stack.retain(|view| match view {
            // a principal's permissions page always has something to say (an
            // error when the principal is gone); building it asks thousands of questions
            View::Detail {
                target: Target::Permissions(_),
                ..
            } => true,
            View::Detail { target, .. } => !super::detail::doc(&model, target, self.now)
                .lines
                .iter()
                .any(|l| l.plain().contains("(not found: the account may have changed)")),
            _ => true,
        });
        if self.stack.iter().any(|v| matches!(v, View::Inspector)) {
            self.evaluate();
        }
    }

    // ---- the right pane ----

    /// The document the right pane shows when it shows a document.
    pub fn right_doc(&self) -> Option<Doc> {
        match self.stack.last() {
            // what-can asks the engine thousands of times: once per account state
            Some(View::Detail {
                target: target @ Target::Permissions(_),
                ..
            }) => {
                let mut cache = self.permissions_cache.borrow_mut();
                match &*cache {
                    Some((t, doc)) if t == target => Some(doc.clone()),
                    _ => {
                        let doc = detail::doc(&self.model, target, self.now);
                        *cache = Some((target.clone(), doc.clone()));
                        Some(doc)
                    }
                }
            }
            Some(View::Detail { target, .. }) => Some(detail::doc(&self.model, target, self.now)),
            None => self.selection().map(|t| detail::doc(&self.model, &t, self.now)),
            _ => None,
        }
    }

    fn right_cursor(&mut self) -> (&mut usize, &mut usize) {
        match self.stack.last_mut() {
            Some(View::Detail { cursor, offset, .. }) => (cursor, offset),
            Some(View::Inspector) => (&mut self.inspector.cursor, &mut self.inspector.offset),
            Some(View::WhoCan) => match &mut self.who_can {
                Some(job) => (&mut job.cursor, &mut job.offset),
                None => (&mut self.live.0, &mut self.live.1),
            },
            Some(View::Changes { cursor, offset })
            | Some(View::Findings { cursor, offset })
            | Some(View::Lessons { cursor, offset }) => (cursor, offset),
            None => (&mut self.live.0, &mut self.live.1),
        }
    }

    fn right_len(&self) -> usize {
        match self.stack.last() {
            Some(View::Inspector) => Field::ALL.len() + self.inspector.rows().len(),
            Some(View::Changes { .. }) => self.history.done().len(),
            Some(View::Findings { .. }) => self.findings.as_ref().map_or(0, |f| f.len()),
            Some(View::Lessons { .. }) => self.lessons.len(),
            Some(View::WhoCan) => self
                .who_can
                .as_ref()
                .and_then(|j| j.result.as_ref())
                .map_or(0, |r| r.allowed.len()),
            _ => self.right_doc().map_or(0, |d| d.lines.len()),
        }
    }

    fn move_right(&mut self, delta: isize) {
        let len = self.right_len();
        let (cursor, _) = self.right_cursor();
        *cursor = (*cursor as isize + delta).clamp(0, len.saturating_sub(1) as isize) as usize;
    }

    fn move_list(&mut self, delta: isize) {
        let list = self.list();
        let target = (list.selected as isize + delta).clamp(0, list.visible.len().saturating_sub(1) as isize);
        self.select(target as usize);
    }

    fn move_cursor(&mut self, delta: isize) {
        match self.focus {
            Focus::List => self.move_list(delta),
            Focus::Right => self.move_right(delta),
        }
    }

    fn open(&mut self) {
        match self.focus {
            Focus::List => {
                if self.selection().is_some() {
                    self.focus = Focus::Right;
                    self.cursor_to_first_link();
                }
            }
            Focus::Right => match self.stack.last() {
                Some(View::Inspector) => self.inspector_open(),
                Some(&View::Findings { cursor, .. }) => self.open_finding(cursor),
                Some(&View::Lessons { cursor, .. }) => self.start_lesson(cursor),
                Some(View::WhoCan) => {
                    let chosen = self.who_can.as_ref().and_then(|j| {
                        j.result
                            .as_ref()
                            .and_then(|r| r.allowed.get(j.cursor))
                            .map(|a| a.principal.clone())
                    });
                    if let Some(principal) = chosen {
                        self.inspector.principal = principal;
                        self.inspector.follow_selection = false;
                        self.stack.pop();
                        self.open_inspector();
                    }
                }
                _ => {
                    let cursor = match self.stack.last() {
                        Some(View::Detail { cursor, .. }) => *cursor,
                        _ => self.live.0,
                    };
                    let link = self
                        .right_doc()
                        .and_then(|d| d.lines.get(cursor).and_then(|l| l.link.clone()));
                    if let Some(target) = link {
                        self.stack.push(View::Detail {
                            target,
                            cursor: 0,
                            offset: 0,
                        });
                    }
                }
            },
        }
    }

    /// Entering a page, the cursor goes to its first link (or stays at the top).
    fn cursor_to_first_link(&mut self) {
        if !self.stack.is_empty() || self.live.0 != 0 {
            return;
        }
        if let Some(first) = self
            .right_doc()
            .and_then(|d| d.lines.iter().position(|l| l.link.is_some()))
        {
            self.live.0 = first;
        }
    }

    fn back(&mut self) {
        if self.overlay.take().is_some() {
            return;
        }
        match self.focus {
            Focus::Right if !self.stack.is_empty() => {
                if let Some(View::WhoCan) = self.stack.last() {
                    self.cancel_who_can();
                }
                self.stack.pop();
            }
            Focus::Right => self.focus = Focus::List,
            Focus::List => {
                if !self.list().filter.is_empty() {
                    self.set_filter(String::new());
                } else if !self.stack.is_empty() {
                    self.stack.clear();
                }
            }
        }
    }

    fn set_filter(&mut self, filter: String) {
        self.lists.entry(self.section).or_default().filter = filter;
        self.refresh_list(self.section);
        self.live = (0, 0);
    }

    // ---- the inspector ----

    pub fn open_inspector(&mut self) {
        if self.inspector.follow_selection || self.inspector.principal.is_empty() {
            match self.selection().and_then(|t| t.principal()) {
                Some(p) => self.inspector.principal = p.to_string(),
                None if self.inspector.principal.is_empty() => {
                    self.inspector.principal = "user/".to_owned();
                }
                None => {}
            }
        }
        if self.inspector.resource.is_empty() {
            self.inspector.resource = self
                .field_suggestions(Field::Resource, "")
                .into_iter()
                .next()
                .unwrap_or_else(|| "*".to_owned());
        }
        if !matches!(self.stack.last(), Some(View::Inspector)) {
            self.stack.retain(|v| !matches!(v, View::Inspector));
            self.stack.push(View::Inspector);
        }
        self.focus = Focus::Right;
        self.evaluate();
    }

    pub fn evaluate(&mut self) {
        let model = Arc::clone(&self.model);
        self.inspector.evaluate(&model, self.now);
    }

    /// Enter in the inspector: edit a field, or open/close a tree row.
    fn inspector_open(&mut self) {
        if let Some(field) = self.inspector.focused_field() {
            let input = LineInput::new(self.inspector.field(field));
            self.mode = Mode::EditField {
                field,
                input,
                choice: 0,
            };
            return;
        }
        let rows = self.inspector.rows();
        if let Some(term) = rows
            .get(self.inspector.cursor - Field::ALL.len())
            .and_then(|r| r.term.clone())
        {
            return self.show_glossary(Some(&term));
        }
        if let Some(row) = rows.get(self.inspector.cursor - Field::ALL.len())
            && let Some(open) = row.toggle
        {
            self.inspector.toggled.insert(row.key.clone(), !open);
        }
    }

    fn jump_to_statement(&mut self) {
        if !matches!(self.stack.last(), Some(View::Inspector)) || self.inspector.cursor < Field::ALL.len() {
            return;
        }
        let rows = self.inspector.rows();
        let Some((source, line)) = rows
            .get(self.inspector.cursor - Field::ALL.len())
            .and_then(|r| r.jump.clone())
        else {
            self.status = Some("o opens a statement's policy: put the cursor on a statement".to_owned());
            return;
        };
        let Some(target) = self.source_target(&source) else {
            self.status = Some("this policy has no page of its own (a session policy)".to_owned());
            return;
        };
        let doc = detail::doc(&self.model, &target, self.now);
        let cursor = detail::document_offset(&doc) + line.saturating_sub(1);
        self.stack.push(View::Detail {
            target,
            cursor,
            offset: cursor.saturating_sub(3),
        });
    }

    fn source_target(&self, source: &PolicySource) -> Option<Target> {
        let a = self.model.account();
        Some(match source {
            PolicySource::Inline { holder, name } => {
                let holder = match holder.split_once(' ')? {
                    ("user", n) => Holder::User(n.to_owned()),
                    ("group", n) => Holder::Group(n.to_owned()),
                    ("role", n) => Holder::Role(n.to_owned()),
                    _ => return None,
                };
                Target::Inline {
                    holder,
                    name: name.clone(),
                }
            }
            PolicySource::Managed { arn, .. } | PolicySource::PermissionsBoundary { arn, .. } => {
                Target::PolicyDocument {
                    arn: arn.clone(),
                    version: None,
                }
            }
            PolicySource::ServiceControlPolicy { name, .. } => {
                Target::Scp(a.service_control_policies.iter().position(|p| &p.name == name)?)
            }
            PolicySource::ResourceControlPolicy { name, .. } => {
                Target::Rcp(a.resource_control_policies.iter().position(|p| &p.name == name)?)
            }
            PolicySource::ResourcePolicy { resource_arn } => Target::ResourcePolicy(
                a.resource_policies
                    .iter()
                    .position(|p| &p.resource_arn == resource_arn)?,
            ),
            PolicySource::TrustPolicy { role } => Target::Trust(role.clone()),
            PolicySource::SessionPolicy { .. } => return None,
        })
    }

    /// Completions for an inspector field, best first.
    pub fn field_suggestions(&mut self, field: Field, query: &str) -> Vec<String> {
        const SHOWN: usize = 8;
        match field {
            Field::Action => {
                let names = self.action_names.get_or_insert_with(|| {
                    let catalog = crate::catalog::catalog();
                    catalog
                        .services()
                        .flat_map(|s| s.actions().iter().map(|a| a.full_name()))
                        .collect()
                });
                let ranked = self.fuzzy.rank(query, names.iter().map(String::as_str));
                ranked.into_iter().take(SHOWN).map(|i| names[i].clone()).collect()
            }
            Field::Resource => {
                if self.resource_suggestions.is_none() {
                    self.resource_suggestions = Some(resource_suggestions(&self.model));
                }
                let all = self.resource_suggestions.as_deref().unwrap_or_default();
                let ranked = self.fuzzy.rank(query, all.iter().map(String::as_str));
                ranked.into_iter().take(SHOWN).map(|i| all[i].clone()).collect()
            }
            Field::Principal => {
                let names: Vec<String> = who_can::principals(&self.model).iter().map(|p| p.to_string()).collect();
                let ranked = self.fuzzy.rank(query, names.iter().map(String::as_str));
                ranked.into_iter().take(SHOWN).map(|i| names[i].clone()).collect()
            }
            Field::Context => {
                let keys = [
                    "aws:MultiFactorAuthPresent=true",
                    "aws:SourceIp=203.0.113.7",
                    "aws:SecureTransport=false",
                    "aws:RequestedRegion=eu-west-1",
                    "aws:PrincipalOrgID=o-example",
                    "aws:ResourceAccount=111122223333",
                ];
                let ranked = self
                    .fuzzy
                    .rank(query.rsplit(',').next().unwrap_or("").trim(), keys.iter().copied());
                ranked.into_iter().take(SHOWN).map(|i| keys[i].to_owned()).collect()
            }
        }
    }

    // ---- who-can ----

    pub fn start_who_can(&mut self) {
        let action = self.inspector.action.trim().to_owned();
        let resource = self.inspector.resource.trim().to_owned();
        if action.is_empty() || resource.is_empty() {
            self.status =
                Some("who-can needs the inspector's action and resource: press i and fill them in".to_owned());
            return;
        }
        self.cancel_who_can();
        let context = self.inspector.context().unwrap_or_default();
        let model = Arc::clone(&self.model);
        let progress = Arc::new(crate::analysis::Progress::new());
        let total = who_can::principals(&model).len();
        let p = Arc::clone(&progress);
        let (a, r) = (action.clone(), resource.clone());
        let options = crate::analysis::AnalysisOptions {
            context,
            ..crate::analysis::AnalysisOptions::at(self.now)
        };
        let handle = std::thread::spawn(move || who_can::who_can(&model, &a, &r, &options, &p));
        self.who_can = Some(WhoCanJob {
            action,
            resource,
            total,
            progress,
            handle: Some(handle),
            result: None,
            cancelled: false,
            cursor: 0,
            offset: 0,
        });
        self.stack.retain(|v| !matches!(v, View::WhoCan));
        self.stack.push(View::WhoCan);
        self.focus = Focus::Right;
    }

    fn cancel_who_can(&mut self) {
        if let Some(job) = &mut self.who_can
            && job.result.is_none()
        {
            job.progress.cancel();
            job.cancelled = true;
            self.status = Some("who-can cancelled".to_owned());
        }
    }

    /// Collect finished background work. Returns whether anything changed.
    pub fn tick(&mut self) -> bool {
        let Some(job) = &mut self.who_can else {
            return false;
        };
        if job.handle.as_ref().is_some_and(|h| h.is_finished()) {
            if let Some(handle) = job.handle.take() {
                match handle.join() {
                    Ok(result) => job.result = Some(result),
                    Err(_) => self.status = Some("who-can failed unexpectedly".to_owned()),
                }
            }
            return true;
        }
        job.handle.is_some()
    }

    pub fn busy(&self) -> bool {
        self.who_can.as_ref().is_some_and(|j| j.handle.is_some())
    }

    // ---- events ----

    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.handle_key(key),
            Event::Mouse(mouse) if self.settings.mouse => self.handle_mouse(mouse),
            Event::Paste(text) => {
                for c in text.chars() {
                    self.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                }
            }
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: &KeyEvent) {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {
                match &self.overlay {
                    Some(Overlay::Help { .. } | Overlay::Text { .. }) => return self.overlay_key(key),
                    Some(Overlay::Prompt { .. }) => return self.prompt_key(key),
                    Some(Overlay::Picker { .. }) => return self.picker_key(key),
                    Some(Overlay::Confirm { .. }) => return self.confirm_key(key),
                    Some(Overlay::Preview { .. }) => return self.preview_key(key),
                    Some(Overlay::Recover { .. }) => return self.recover_key(key),
                    Some(Overlay::QuitUnsaved) => return self.quit_key(key),
                    Some(Overlay::Version { .. }) => return self.version_key(key),
                    None => {}
                }
                if self.editor.is_some() {
                    return self.editor_key(key);
                }
                if let Some(action) = self.settings.keymap.action(key) {
                    self.dispatch(action);
                }
            }
            Mode::Filter(mut input) => match input.handle(key) {
                Edit::Submit => self.focus = Focus::List,
                Edit::Cancel => self.set_filter(String::new()),
                Edit::Changed => {
                    self.set_filter(input.text.clone());
                    self.mode = Mode::Filter(input);
                }
                _ => self.mode = Mode::Filter(input),
            },
            Mode::Command(mut input) => match key.code {
                KeyCode::Tab => {
                    if let Some(done) = self.complete_command(&input.text) {
                        input.set(&done);
                    }
                    self.mode = Mode::Command(input);
                }
                _ => match input.handle(key) {
                    Edit::Submit => self.run_command(&input.text.clone()),
                    Edit::Cancel => {}
                    _ => self.mode = Mode::Command(input),
                },
            },
            Mode::EditField {
                field,
                mut input,
                choice,
            } => {
                let suggestions = self.field_suggestions(field, &input.text);
                match key.code {
                    KeyCode::Down if !suggestions.is_empty() => {
                        let choice = (choice + 1) % suggestions.len();
                        self.mode = Mode::EditField { field, input, choice };
                    }
                    KeyCode::Up if !suggestions.is_empty() => {
                        let choice = (choice + suggestions.len() - 1) % suggestions.len();
                        self.mode = Mode::EditField { field, input, choice };
                    }
                    KeyCode::Tab => {
                        if let Some(s) = suggestions.get(choice) {
                            if field == Field::Context {
                                let mut parts: Vec<&str> = input.text.split(',').map(str::trim).collect();
                                parts.pop();
                                parts.push(s);
                                input.set(
                                    &parts
                                        .into_iter()
                                        .filter(|p| !p.is_empty())
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                );
                            } else {
                                input.set(s);
                            }
                        }
                        self.mode = Mode::EditField {
                            field,
                            input,
                            choice: 0,
                        };
                    }
                    _ => match input.handle(key) {
                        Edit::Submit => {
                            self.inspector.set_field(field, input.text.trim().to_owned());
                            self.evaluate();
                        }
                        Edit::Cancel => {}
                        _ => {
                            self.mode = Mode::EditField {
                                field,
                                input,
                                choice: 0,
                            }
                        }
                    },
                }
            }
        }
    }

    fn overlay_key(&mut self, key: &KeyEvent) {
        let action = self.settings.keymap.action(key);
        let offset = match &mut self.overlay {
            Some(Overlay::Help { offset }) | Some(Overlay::Text { offset, .. }) => offset,
            _ => return,
        };
        match action {
            Some(Action::Down) => *offset += 1,
            Some(Action::Up) => *offset = offset.saturating_sub(1),
            Some(Action::PageDown) => *offset += 10,
            Some(Action::PageUp) => *offset = offset.saturating_sub(10),
            Some(Action::Top) => *offset = 0,
            Some(Action::Quit) => self.quit = true,
            _ => self.overlay = None,
        }
    }

    pub fn dispatch(&mut self, action: Action) {
        match action {
            Action::Quit => {
                // a lesson's account is kept in the progress file; the one put aside comes back first
                if self.lesson_session.is_some() {
                    self.leave_lesson();
                }
                if self.unsaved() > 0 {
                    self.overlay = Some(Overlay::QuitUnsaved);
                    return;
                }
                self.cancel_who_can();
                if let Some(j) = self.journal.take() {
                    let _ = j.remove();
                }
                self.quit = true;
            }
            Action::Edit => self.edit(),
            Action::New => self.create(),
            Action::Delete => self.delete(),
            Action::Rename => self.rename(),
            Action::CloneUser => self.clone_user(),
            Action::Attach => self.attach(),
            Action::Detach => self.detach(),
            Action::Membership => self.membership(),
            Action::Boundary => self.boundary(),
            Action::AccessKeys => self.access_keys(),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Save => self.save(),
            Action::Versions => self.versions(),
            Action::Findings => self.show_findings(),
            Action::WhatCan => self.show_permissions(),
            Action::LessonNext => self.lesson_next(),
            Action::LessonBack => self.lesson_back(),
            Action::LessonHint => self.lesson_hint(),
            Action::Help => {
                self.overlay = match self.overlay {
                    Some(Overlay::Help { .. }) => None,
                    _ => Some(Overlay::Help { offset: 0 }),
                }
            }
            Action::NextPane | Action::PreviousPane => {
                self.focus = match self.focus {
                    Focus::List => Focus::Right,
                    Focus::Right => Focus::List,
                }
            }
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-(self.page.max(1) as isize)),
            Action::PageDown => self.move_cursor(self.page.max(1) as isize),
            Action::Top => self.move_cursor(-(isize::MAX / 2)),
            Action::Bottom => self.move_cursor(isize::MAX / 2),
            Action::Open => self.open(),
            Action::Back => self.back(),
            Action::Filter => {
                self.focus = Focus::List;
                self.mode = Mode::Filter(LineInput::new(&self.list().filter.clone()));
            }
            Action::Command => self.mode = Mode::Command(LineInput::default()),
            Action::RawJson => self.raw_json(),
            Action::CopyArn => self.copy_arn(),
            Action::Inspect => self.open_inspector(),
            Action::WhoCan => self.start_who_can(),
            Action::JumpToStatement => self.jump_to_statement(),
            Action::Users => self.show_section(Section::Users),
            Action::Groups => self.show_section(Section::Groups),
            Action::Roles => self.show_section(Section::Roles),
            Action::Policies => self.show_section(Section::Policies),
            Action::RootUser => self.show_section(Section::Root),
            Action::IdentityPools => self.show_section(Section::IdentityPools),
            Action::UserPools => self.show_section(Section::UserPools),
            Action::ResourcePolicies => self.show_section(Section::ResourcePolicies),
            Action::OrganizationPolicies => self.show_section(Section::OrgPolicies),
        }
    }

    /// The target the user is looking at: the right pane's, or the selection.
    fn current_target(&self) -> Option<Target> {
        match (self.focus, self.stack.last()) {
            (Focus::Right, Some(View::Detail { target, .. })) => Some(target.clone()),
            _ => self.selection(),
        }
    }

    /// `p`: what the selected principal can do, and how it could escalate.
    fn show_permissions(&mut self) {
        match self.current_target().and_then(|t| t.principal()) {
            Some(spec) => self.push_permissions(spec.to_string()),
            None => {
                self.status =
                    Some("p shows a principal's permissions: select a user, a role or the root user".to_owned())
            }
        }
    }

    fn push_permissions(&mut self, principal: String) {
        if let Err(e) = crate::eval::PrincipalSpec::parse(&principal) {
            self.status = Some(e);
            return;
        }
        self.stack.push(View::Detail {
            target: Target::Permissions(principal),
            cursor: 0,
            offset: 0,
        });
        self.focus = Focus::Right;
    }

    fn raw_json(&mut self) {
        let Some(target) = self.current_target() else {
            return;
        };
        let a = self.model.account();
        use crate::io::export;
        let value = match &target {
            Target::User(n) => self.model.user(n).map(export::user_json),
            Target::Group(n) => self.model.group(n).map(export::group_json),
            Target::Role(n) | Target::Trust(n) => self.model.role(n).map(export::role_json),
            Target::Policy(arn) | Target::PolicyDocument { arn, .. } => self.model.policy(arn).map(export::policy_json),
            Target::IdentityPool(id) => self.model.identity_pool(id).map(export::identity_pool_json),
            Target::Scp(i) => a.service_control_policies.get(*i).map(export::org_policy_json),
            Target::Rcp(i) => a.resource_control_policies.get(*i).map(export::org_policy_json),
            Target::ResourcePolicy(i) => a.resource_policies.get(*i).and_then(|p| p.policy.to_value()),
            Target::UserPool(id) => a.user_pools.iter().find(|p| &p.id == id).map(|p| {
                let mut map = p.extra.clone();
                map.insert("Id".into(), p.id.clone().into());
                map.insert("Name".into(), p.name.clone().into());
                serde_json::Value::Object(map)
            }),
            Target::Inline { .. } | Target::Root | Target::Permissions(_) => None,
        };
        let text = match value {
            Some(v) => crate::policy::pretty_json(&v),
            None => detail::doc(&self.model, &target, self.now)
                .lines
                .iter()
                .map(|l| l.plain())
                .collect::<Vec<_>>()
                .join("\n"),
        };
        self.overlay = Some(Overlay::Text {
            title: format!("JSON — {}", target.label(&self.model)),
            lines: text.lines().map(super::text::visible).collect(),
            offset: 0,
        });
    }

    fn copy_arn(&mut self) {
        let Some(arn) = self.current_target().and_then(|t| t.arn(&self.model)) else {
            self.status = Some("the selection has no ARN".to_owned());
            return;
        };
        use base64::Engine;
        // OSC 52: the terminal puts the text on the clipboard, also over SSH.
        let encoded = base64::engine::general_purpose::STANDARD.encode(arn.as_bytes());
        self.outbox.push(format!("\x1b]52;c;{encoded}\x07"));
        self.status = Some(format!("copied {arn}"));
    }

    // ---- command mode ----

    fn complete_command(&mut self, text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let ends_with_space = text.ends_with(' ');
        match (words.as_slice(), ends_with_space) {
            ([], _) => None,
            ([partial], false) => COMMANDS
                .iter()
                .find(|c| c.starts_with(partial))
                .map(|c| format!("{c} ")),
            ([command, rest @ ..], _) => {
                let (done, partial) = if ends_with_space {
                    (rest, "")
                } else {
                    (&rest[..rest.len() - 1], rest[rest.len() - 1])
                };
                let field = match (*command, done.len()) {
                    ("explain", 0) => Field::Principal,
                    ("explain", 1) | ("who-can", 0) => Field::Action,
                    ("explain", 2) | ("who-can", 1) => Field::Resource,
                    ("theme", _) => {
                        let name = ThemeName::ALL.iter().find(|t| t.as_str().starts_with(partial))?;
                        return Some(format!("{command} {}", name.as_str()));
                    }
                    _ => return None,
                };
                let best = self.field_suggestions(field, partial).into_iter().next()?;
                let mut out = vec![command.to_string()];
                out.extend(done.iter().map(|s| s.to_string()));
                out.push(best);
                Some(format!("{} ", out.join(" ")))
            }
        }
    }

    pub fn run_command(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((&command, args)) = words.split_first() else {
            return;
        };
        match command {
            "q" | "quit" => self.dispatch(Action::Quit),
            "q!" | "quit!" => {
                if let Some(j) = self.journal.take() {
                    let _ = j.remove();
                }
                self.quit = true;
            }
            "w" | "write" | "save" => self.save(),
            "saveas" | "save-as" => match args.first() {
                Some(path) => self.save_as(std::path::Path::new(path)),
                None => {
                    self.overlay = Some(Overlay::Prompt {
                        title: "Save the account as (a workspace file):".to_owned(),
                        input: LineInput::default(),
                        ask: super::edit::Ask::SaveAs,
                    })
                }
            },
            "export" => {
                let kind = match args.first().copied() {
                    Some("gaad") => super::edit::ExportKind::Gaad,
                    Some("workspace") => super::edit::ExportKind::Workspace,
                    Some("script") => super::edit::ExportKind::Script,
                    _ => {
                        self.status = Some("usage: :export gaad|workspace|script FILE".to_owned());
                        return;
                    }
                };
                match args.get(1) {
                    Some(path) => self.export(kind, std::path::Path::new(path)),
                    None => self.status = Some("usage: :export gaad|workspace|script FILE".to_owned()),
                }
            }
            "findings" | "lint" => self.show_findings(),
            "what-can" | "permissions" => match args.first() {
                Some(p) => self.push_permissions(p.to_string()),
                None => self.show_permissions(),
            },
            "lessons" => self.show_lessons(),
            "glossary" => {
                let term = args.join(" ");
                self.show_glossary((!term.is_empty()).then_some(term.as_str()));
            }
            "lesson" => match args.first().copied() {
                None => self.show_lessons(),
                Some("quit" | "leave" | "exit") => self.leave_lesson(),
                Some("next") => self.lesson_next(),
                Some("back") => self.lesson_back(),
                Some("hint") => self.lesson_hint(),
                Some("concept") => self.show_concept(),
                Some("text") => self.show_step_text(),
                Some("reset") => self.reset_lesson_progress(args.get(1).copied()),
                Some(id) => match self.lessons.iter().position(|l| l.id == id) {
                    Some(i) => self.start_lesson(i),
                    None => self.status = Some(format!("no lesson `{id}` (:lessons lists them)")),
                },
            },
            "versions" => self.versions(),
            "changes" | "log" => {
                self.stack.retain(|v| !matches!(v, View::Changes { .. }));
                self.stack.push(View::Changes { cursor: 0, offset: 0 });
                self.focus = Focus::Right;
            }
            "undo" => self.undo(),
            "redo" => self.redo(),
            "edit" => self.edit(),
            "help" => self.dispatch(Action::Help),
            "users" | "user" | "u" => self.show_section(Section::Users),
            "groups" | "group" | "g" => self.show_section(Section::Groups),
            "roles" | "role" | "r" => self.show_section(Section::Roles),
            "policies" | "policy" | "p" => self.show_section(Section::Policies),
            "root" => self.show_section(Section::Root),
            "pools" | "identity-pools" => self.show_section(Section::IdentityPools),
            "userpools" | "user-pools" => self.show_section(Section::UserPools),
            "resources" | "resource-policies" => self.show_section(Section::ResourcePolicies),
            "org" | "scps" | "rcps" => self.show_section(Section::OrgPolicies),
            "inspector" | "inspect" => self.open_inspector(),
            "summary" | "warnings" => {
                let mut lines: Vec<String> = self
                    .report
                    .warnings
                    .iter()
                    .map(|w| format!("{}: {}", w.source, w.message))
                    .collect();
                if lines.is_empty() {
                    lines.push("The loader noticed nothing worth a warning.".to_owned());
                }
                self.overlay = Some(Overlay::Text {
                    title: "What the loader noticed".to_owned(),
                    lines: lines
                        .iter()
                        .flat_map(|l| detail::wrap(&super::text::visible(l), 100))
                        .collect(),
                    offset: 0,
                });
            }
            "explain" => {
                if args.len() < 2 {
                    self.status = Some("usage: :explain PRINCIPAL ACTION [RESOURCE] [KEY=VALUE…]".to_owned());
                    return;
                }
                self.inspector.principal = args[0].to_owned();
                self.inspector.follow_selection = false;
                self.inspector.action = args[1].to_owned();
                self.inspector.resource = args.get(2).map_or_else(|| "*".to_owned(), |r| r.to_string());
                self.inspector.context = args.iter().skip(3).copied().collect::<Vec<_>>().join(", ");
                self.stack.retain(|v| !matches!(v, View::Inspector));
                self.stack.push(View::Inspector);
                self.focus = Focus::Right;
                self.inspector.cursor = Field::ALL.len();
                self.evaluate();
            }
            "who-can" => {
                if args.len() < 2 {
                    self.status = Some("usage: :who-can ACTION RESOURCE".to_owned());
                    return;
                }
                self.inspector.action = args[0].to_owned();
                self.inspector.resource = args[1].to_owned();
                self.start_who_can();
            }
            "theme" => match args.first().and_then(|n| ThemeName::parse(n)) {
                Some(name) => {
                    self.settings.theme = name;
                    self.theme = Theme::from_settings(name);
                }
                None => self.status = Some("themes: dark, light, high-contrast, colour-blind".to_owned()),
            },
            "open" => {
                if args.is_empty() {
                    self.status = Some("usage: :open FILE [FILE…]".to_owned());
                    return;
                }
                let sources: Vec<_> = args.iter().map(|f| crate::io::AccountSource::File(f.into())).collect();
                match crate::io::load(&sources, None) {
                    Ok(loaded) => {
                        let settings = self.settings.clone();
                        let source = args.join(", ");
                        let now = self.now;
                        *self = App::new(loaded.model, loaded.report, source, settings, now);
                        self.status = Some(format!("opened {}", args.join(", ")));
                    }
                    Err(e) => self.status = Some(super::text::visible(&e.to_string()).replace('\n', " ")),
                }
            }
            other => {
                self.status = Some(format!(
                    "unknown command :{other} (Tab completes; :help lists the keys)"
                ))
            }
        }
    }

    // ---- mouse ----

    fn handle_mouse(&mut self, mouse: &MouseEvent) {
        let (x, y) = (mouse.column, mouse.row);
        let inside = |r: Rect| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if y == self.areas.tabs_row {
                    if let Some(&(_, _, section)) = self.areas.tabs.iter().find(|(a, b, _)| x >= *a && x < *b) {
                        self.show_section(section);
                    }
                } else if inside(self.areas.list) {
                    self.focus = Focus::List;
                    if y >= self.areas.list_first_row {
                        let index = self.list().offset + (y - self.areas.list_first_row) as usize;
                        if index < self.list().visible.len() {
                            self.select(index);
                        }
                    }
                } else if inside(self.areas.right) {
                    self.focus = Focus::Right;
                    let row = y.saturating_sub(self.areas.right.y + 1) as usize;
                    let len = self.right_len();
                    let (cursor, offset) = self.right_cursor();
                    *cursor = (*offset + row).min(len.saturating_sub(1));
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if mouse.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                if inside(self.areas.list) {
                    self.move_list(delta);
                } else if inside(self.areas.right) {
                    self.move_right(delta);
                }
            }
            _ => {}
        }
    }
}

/// ARNs worth suggesting for the inspector's resource: resources with
/// policies, concrete resources named in statements, and the account's roles.
fn resource_suggestions(model: &Model) -> Vec<String> {
    let a = model.account();
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |s: String| {
        if out.len() < 5000 && seen.insert(s.clone()) {
            out.push(s);
        }
    };
    for p in &a.resource_policies {
        push(p.resource_arn.clone());
    }
    let documents = a
        .policies
        .iter()
        .filter_map(|p| p.default_document())
        .chain(
            a.users
                .iter()
                .flat_map(|u| u.inline_policies.iter().map(|p| &p.document)),
        )
        .chain(
            a.groups
                .iter()
                .flat_map(|g| g.inline_policies.iter().map(|p| &p.document)),
        )
        .chain(
            a.roles
                .iter()
                .flat_map(|r| r.inline_policies.iter().map(|p| &p.document)),
        );
    for document in documents {
        for statement in document.parsed().statements() {
            for pattern in statement.resource.iter().flat_map(|r| &r.patterns) {
                if pattern.text.starts_with("arn:") {
                    push(pattern.text.replace("/*", "/example").replace('*', "example"));
                }
            }
        }
    }
    for r in &a.roles {
        push(r.arn.to_string());
    }
    out
}
