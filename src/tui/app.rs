//! The explorer: the session it works on, the parts it shows, and the one
//! way things happen — a key (or a paste, a click) becomes an action by the
//! key map of the mode it is pressed in; the action goes to the part that
//! has the focus (a popup first, then the command line, the editor, the
//! focused pane); what that part does not use, and what the parts ask of
//! each other through the queue, the explorer does itself. Sizes are worked
//! out in `update`, before `draw`, which changes nothing.

use std::sync::Arc;

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Mode};
use super::ask::{Ask, Pick, PickItem, PickValue};
use super::changes::ChangesPane;
use super::command;
use super::component::{Component, Ctx, Handled, Paint, Queue};
use super::config::Settings;
use super::detail::DetailPane;
use super::edit::{self, Step};
use super::editor::Editor;
use super::findings::FindingsPane;
use super::input::{Edit, LineInput};
use super::inspector::Inspector;
use super::layout::{self, Layout, Shape, inside, tab_title};
use super::lesson::{Learning, LessonRun, Next, StepEntry, concept_lines};
use super::lesson_pane::LessonPane;
use super::lessons::LessonsPane;
use super::list::{self, ListPane};
use super::pages;
use super::paint::input_line;
use super::popup::confirm::ConfirmPopup;
use super::popup::help::HelpPopup;
use super::popup::picker::PickerPopup;
use super::popup::prompt::PromptPopup;
use super::popup::quit::{QuitPopup, SaveBy};
use super::popup::recovery::{Offer, RecoveryPopup};
use super::popup::text::TextPopup;
use super::popup::versions::VersionPopup;
use super::popup::why::WhyPopup;
use super::sections::{Section, Target};
use super::suggest::{Field, Suggest};
use super::text::{pad, visible, width};
use super::theme::Theme;
use super::trail::{LoadedTrail, TrailPane};
use super::who_can::WhoCanPane;
use crate::lessons::Lesson;
use crate::model::Model;
use crate::model::change::{self, Change};
use crate::session::{Origin, Session, SessionError};

/// Which half of the screen keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Right,
}

/// What the right-hand pane shows; the pane is a stack (Esc pops).
pub enum View {
    Detail(DetailPane),
    /// The inspector (its state is kept while it is closed).
    Inspector,
    WhoCan(WhoCanPane),
    Changes(ChangesPane),
    Findings(FindingsPane),
    Lessons(LessonsPane),
    /// The CloudTrail events, grouped.
    Trail(TrailPane),
}

impl View {
    fn crumb(&self, model: &Model) -> String {
        match self {
            View::Detail(d) => d.page().map_or_else(String::new, |t| t.label(model)),
            View::Inspector => "inspector".to_owned(),
            View::WhoCan(_) => "who can".to_owned(),
            View::Changes(_) => "changes".to_owned(),
            View::Findings(_) => "findings".to_owned(),
            View::Lessons(_) => "lessons".to_owned(),
            View::Trail(_) => "cloudtrail".to_owned(),
        }
    }
}

pub struct App {
    session: Session,
    learning: Learning,
    settings: Settings,
    theme: Theme,
    /// The request time of every question the explorer asks (the
    /// inspector, who-can, pages, previews, lessons): one per session, so
    /// that answers agree with each other.
    now: Timestamp,
    /// The time from the loop: when changes are made, saved, journaled.
    clock: Timestamp,
    list: ListPane,
    /// The page of the list's selection (when no view is open).
    live: DetailPane,
    views: Vec<View>,
    inspector: Inspector,
    editor: Option<Editor>,
    lesson_pane: LessonPane,
    /// Whether the inspector view was opened for a lesson's question (it
    /// closes when the lesson is done with it).
    lesson_opened_inspector: bool,
    popups: Vec<Box<dyn Component>>,
    /// The `:` line being typed.
    command: Option<LineInput>,
    focus: Focus,
    queue: Queue,
    suggest: Suggest,
    status: Option<String>,
    layout: Layout,
    quit: bool,
    /// Escape sequences for the terminal (the clipboard), written by the loop.
    outbox: Vec<String>,
    /// Colour even with NO_COLOR (pictures of the screen).
    force_colour: bool,
    /// CloudTrail events given with `--cloudtrail` (or pasted into `:why`).
    cloudtrail: Option<Arc<LoadedTrail>>,
}

impl App {
    pub fn new(session: Session, settings: Settings, now: Timestamp) -> App {
        let theme = Theme::from_settings(settings.theme);
        let list = ListPane::new(session.model());
        let mut app = App {
            session,
            learning: Learning::default(),
            settings,
            theme,
            now,
            clock: now,
            list,
            live: DetailPane::empty(),
            views: Vec::new(),
            inspector: Inspector::default(),
            editor: None,
            lesson_pane: LessonPane::default(),
            lesson_opened_inspector: false,
            popups: Vec::new(),
            command: None,
            focus: Focus::List,
            queue: Queue::default(),
            suggest: Suggest::default(),
            status: None,
            layout: Layout::default(),
            quit: false,
            outbox: Vec::new(),
            force_colour: false,
            cloudtrail: None,
        };
        app.selection_changed();
        app.session_opened();
        app
    }

    /// Lessons, and where the learner's progress is kept.
    pub fn set_lessons(&mut self, lessons: Vec<Lesson>, progress: Option<std::path::PathBuf>) {
        let (learning, problem) = Learning::new(lessons, progress);
        self.learning = learning;
        if let Some(problem) = problem {
            self.status = Some(problem);
        }
    }

    /// CloudTrail events to explain (`--cloudtrail FILE`): the CloudTrail
    /// view opens on them.
    pub fn set_cloudtrail(&mut self, loaded: LoadedTrail) {
        self.cloudtrail = Some(Arc::new(loaded));
        self.open_cloudtrail();
    }

    fn open_cloudtrail(&mut self) {
        let Some(loaded) = &self.cloudtrail else {
            self.status = Some(
                "no CloudTrail events: start iamscope with --cloudtrail FILE, or paste a log into :why".to_owned(),
            );
            return;
        };
        let pane = TrailPane::new(Arc::clone(loaded), self.session.model());
        self.status = Some(pane.summary());
        self.push_view(View::Trail(pane));
    }

    /// The answer to one CloudTrail event, in the `:why` box; its request
    /// in the inspector.
    fn explain_event(&mut self, number: usize, group: usize) {
        let Some(loaded) = &self.cloudtrail else {
            return;
        };
        let Some(event) = loaded.trail.events.iter().find(|e| e.number == number) else {
            self.status = Some(format!("there is no event {number}"));
            return;
        };
        let evidence = match &event.evidence {
            Ok(e) => e,
            Err(e) => {
                self.status = Some(format!("event {number}: {e}"));
                return;
            }
        };
        let answer = crate::evidence::answer(self.session.model(), evidence);
        let title = format!(
            "Group {group}, event {number}: {}",
            super::popup::why::title(&answer).trim_start_matches("Why: ")
        );
        if let Some(spec) = super::popup::why::inspector_request(&answer) {
            self.queue.push(Action::Explain(spec));
        }
        // the group's other events, as `iamscope why FILE --group N` lists them
        let others: Vec<super::popup::why::Toned> = self
            .views
            .iter()
            .find_map(|v| match v {
                View::Trail(t) => t.grouped().groups.iter().find(|g| g.number == group),
                _ => None,
            })
            .map(|g| crate::evidence::report::other_events(self.session.model(), &loaded.trail, g))
            .map(|lines| super::popup::why::toned(&lines))
            .unwrap_or_default();
        let keys = super::popup::why::Keys::of(&self.settings.keys);
        self.popups
            .push(Box::new(WhyPopup::answered(title, &answer, &others, keys)));
    }

    /// What a session that just opened has to say: loader warnings, the
    /// same files open in another process, journals to recover.
    fn session_opened(&mut self) {
        let warnings = self.session.report().warnings.len();
        if warnings > 0 {
            self.status = Some(format!(
                "{warnings} loader warning{}: :summary lists them",
                if warnings == 1 { "" } else { "s" }
            ));
        }
        self.tell_problem();
        self.offer_recovery(true);
        if !self.session.elsewhere().is_empty() {
            let pids: Vec<String> = self.session.elsewhere().iter().map(u32::to_string).collect();
            self.popups.push(Box::new(TextPopup::new(
                "Open elsewhere",
                pages::wrap(
                    &format!(
                        "{} is already open in another iamscope (process {}). Each keeps its own journal of unsaved work; \
                         whichever saves second is told the file changed on disk and offered to save as another file.",
                        self.session.name(),
                        pids.join(", ")
                    ),
                    72,
                ),
            )));
        }
    }

    /// The journals other sessions left, in the recovery box.
    fn offer_recovery(&mut self, quiet: bool) {
        let offers: Vec<Offer> = self
            .session
            .recoverable()
            .into_iter()
            .map(|found| Offer {
                stale: self.session.stale(&found),
                found,
            })
            .collect();
        if offers.is_empty() {
            if !quiet {
                self.status = Some("no other session left unsaved work for this account".to_owned());
            }
            return;
        }
        self.popups
            .push(Box::new(RecoveryPopup::new(offers, &self.settings.keys)));
    }

    fn tell_problem(&mut self) {
        if let Some(problem) = self.session.take_problem() {
            self.status = Some(problem);
        }
    }

    // ---- what tests and the loop read ----

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The account put aside while a lesson runs, else the one open.
    pub fn outer_session(&self) -> &Session {
        self.learning.run.as_ref().map_or(&self.session, |r| &r.stash)
    }

    pub fn model(&self) -> &Arc<Model> {
        self.session.model()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn views(&self) -> &[View] {
        &self.views
    }

    pub fn section(&self) -> Section {
        self.list.section()
    }

    pub fn list(&self) -> &ListPane {
        &self.list
    }

    pub fn selection(&self) -> Option<Target> {
        self.list.selection()
    }

    pub fn inspector(&self) -> &Inspector {
        &self.inspector
    }

    pub fn editor(&self) -> Option<&Editor> {
        self.editor.as_ref()
    }

    pub fn learning(&self) -> &Learning {
        &self.learning
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The page on the right when it is a page (a view, or the selection's).
    pub fn page(&self) -> Option<&DetailPane> {
        match self.views.last() {
            Some(View::Detail(d)) => Some(d),
            None => Some(&self.live),
            _ => None,
        }
    }

    /// How many popups are open, and whether the top one is of the kind
    /// `is` says (tests look at what the screen shows instead, mostly).
    pub fn popups(&self) -> usize {
        self.popups.len()
    }

    pub fn quit_requested(&self) -> bool {
        self.quit
    }

    pub fn take_outbox(&mut self) -> Vec<String> {
        std::mem::take(&mut self.outbox)
    }

    /// Whether background work is running (the loop redraws more often).
    pub fn busy(&self) -> bool {
        self.views.iter().any(|v| matches!(v, View::WhoCan(w) if w.busy()))
    }

    /// Colour whatever NO_COLOR says (for pictures of the screen).
    pub fn force_colour(&mut self) {
        self.force_colour = true;
        self.theme = Theme::new(self.settings.theme, true);
    }

    /// Whether the mouse is used (the terminal's own selection is not).
    pub fn uses_mouse(&self) -> bool {
        self.settings.mouse
    }

    /// The request time of the session's questions.
    pub fn asked_at(&self) -> Timestamp {
        self.now
    }

    /// The time now, from the loop.
    pub fn clock(&mut self, now: Timestamp) {
        self.clock = now;
    }

    fn readonly(&self) -> bool {
        self.outer_session().readonly()
    }

    // ---- time passes ----

    /// Collect finished background work, write a draft that is due.
    /// Whether anything changed.
    pub fn tick(&mut self, now: Timestamp) -> bool {
        self.clock = now;
        let model = Arc::clone(self.session.model());
        let mut changed = false;
        for view in &mut self.views {
            if let View::WhoCan(w) = view {
                changed |= w.tick(&model);
            }
        }
        self.session.tick(now);
        self.tell_problem();
        changed
    }

    // ---- sizes, before drawing ----

    fn mode(&self) -> Mode {
        if let Some(popup) = self.popups.last() {
            return popup.mode();
        }
        if self.command.is_some() {
            return Mode::Input;
        }
        if self.editor.is_some() {
            return Mode::Editor;
        }
        match (self.focus, self.views.last()) {
            (Focus::List, _) => self.list.mode(),
            (Focus::Right, Some(View::Inspector)) => self.inspector.mode(),
            (Focus::Right, _) => Mode::Normal,
        }
    }

    fn shape(&mut self, size: Rect) -> Shape {
        let lesson = match self.learning.view() {
            Some(view) => {
                self.lesson_pane.set(view);
                Some(self.lesson_pane.wanted(size.width))
            }
            _ => None,
        };
        Shape {
            editor: self.editor.is_some(),
            right_focused: self.focus == Focus::Right,
            wide_right: matches!(
                self.views.last(),
                Some(View::Inspector | View::WhoCan(_) | View::Lessons(_) | View::Findings(_) | View::Trail(_))
            ),
            lesson,
            list_wants: self.list.wanted_width(),
            list_needs: self.list.needed_width(),
        }
    }

    /// Work out where everything goes on a screen of this size, and let
    /// every part shown know its area.
    pub fn update(&mut self, size: Rect) {
        let shape = self.shape(size);
        self.layout = Layout::new(size, shape);
        if self.layout.too_small {
            return;
        }
        let layout = &self.layout;
        if let Some(editor) = &mut self.editor {
            editor.resize(layout.main);
        }
        if layout.list.width > 0 {
            self.list.resize(layout.list);
        }
        if layout.right.width > 0 {
            match self.views.last_mut() {
                None => self.live.resize(layout.right),
                Some(View::Inspector) => self.inspector.resize(layout.right),
                Some(View::Detail(d)) => d.resize(layout.right),
                Some(View::WhoCan(w)) => w.resize(layout.right),
                Some(View::Changes(c)) => c.resize(layout.right),
                Some(View::Findings(f)) => f.resize(layout.right),
                Some(View::Lessons(l)) => l.resize(layout.right),
                Some(View::Trail(t)) => t.resize(layout.right),
            }
        }
        if layout.lesson.height > 0 {
            self.lesson_pane.resize(layout.lesson);
        }
        for popup in &mut self.popups {
            popup.resize(layout.main);
        }
    }

    /// Work the layout out again for the size last drawn.
    fn relayout(&mut self) {
        let size = self.layout.size;
        if size.width > 0 {
            self.update(size);
        }
    }

    // ---- events ----

    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                self.status = None;
                let mode = self.mode();
                if let Some(action) = self.settings.keys.action(mode, key) {
                    self.act(action);
                }
            }
            // a paste is for the text input that has the focus; lists ignore it
            Event::Paste(text) if self.mode().takes_text() => {
                self.status = None;
                self.act(Action::Paste(text.clone()));
            }
            // what AWS said, pasted into the inspector: as :why with it; a
            // list ignores other pastes, but not evidence
            Event::Paste(text)
                if self.inspector_has_keys()
                    || (self.browsing() && crate::evidence::read_text(text, self.now).is_ok()) =>
            {
                self.status = None;
                self.act(Action::Why(Some(text.clone())));
            }
            Event::Mouse(mouse) if self.settings.mouse => self.mouse(mouse),
            _ => {}
        }
    }

    /// Whether keys move about (no popup, no line or editor typed into).
    fn browsing(&self) -> bool {
        self.popups.is_empty() && self.command.is_none() && self.editor.is_none() && self.mode() == Mode::Normal
    }

    /// Whether keys go to the inspector (not one of its fields, no popup).
    fn inspector_has_keys(&self) -> bool {
        self.browsing() && self.focus == Focus::Right && matches!(self.views.last(), Some(View::Inspector))
    }

    /// An action from a key: the part with the focus first.
    pub fn act(&mut self, action: Action) {
        let selected = self.list.selection();
        self.route(action);
        self.drain();
        if self.list.selection() != selected {
            self.selection_changed();
        }
        if let Some(editor) = &self.editor {
            self.session.set_draft(editor.draft(), self.clock);
            self.tell_problem();
        }
    }

    fn route(&mut self, action: Action) {
        let App {
            session,
            queue,
            suggest,
            popups,
            command,
            editor,
            focus,
            views,
            inspector,
            list,
            live,
            now,
            ..
        } = self;
        let mut ctx = Ctx {
            model: session.model(),
            now: *now,
            queue,
            suggest,
        };
        // a popup answers everything but a way out
        if let Some(popup) = popups.last_mut() {
            match popup.handle(&action, &mut ctx) {
                Handled::Close => drop(popups.pop()),
                Handled::Ignored if action == Action::Quit => self.global(action),
                _ => {}
            }
            return;
        }
        if let Some(mut input) = command.take() {
            match action {
                Action::Complete => {
                    let lessons: Vec<String> = self.learning.lessons.iter().map(|l| l.id.clone()).collect();
                    let model = Arc::clone(self.session.model());
                    let suggest = &mut self.suggest;
                    let mut field = |f: Field, q: &str| suggest.field(&model, f, q);
                    if let Some(done) = command::complete(&input.text, &lessons, &mut field) {
                        input.set(&done);
                    }
                    self.command = Some(input);
                }
                Action::Quit => {
                    self.command = Some(input);
                    self.global(Action::Quit);
                }
                _ => match input.apply(&action) {
                    Edit::Submit => match command::parse(&input.text) {
                        Ok(Some(action)) => self.global(action),
                        Ok(None) => {}
                        Err(e) => self.status = Some(e),
                    },
                    Edit::Cancel => {}
                    _ => self.command = Some(input),
                },
            }
            return;
        }
        if let Some(editor) = editor {
            if editor.handle(&action, &mut ctx) == Handled::Ignored && action == Action::Quit {
                self.global(action);
            }
            return;
        }
        let handled = match (*focus, views.last_mut()) {
            (Focus::List, _) => list.handle(&action, &mut ctx),
            (Focus::Right, None) => live.handle(&action, &mut ctx),
            (Focus::Right, Some(View::Inspector)) => inspector.handle(&action, &mut ctx),
            (Focus::Right, Some(View::Detail(d))) => d.handle(&action, &mut ctx),
            (Focus::Right, Some(View::WhoCan(w))) => w.handle(&action, &mut ctx),
            (Focus::Right, Some(View::Changes(c))) => c.handle(&action, &mut ctx),
            (Focus::Right, Some(View::Findings(f))) => f.handle(&action, &mut ctx),
            (Focus::Right, Some(View::Lessons(l))) => l.handle(&action, &mut ctx),
            (Focus::Right, Some(View::Trail(t))) => t.handle(&action, &mut ctx),
        };
        match handled {
            Handled::Ignored => self.global(action),
            Handled::Close => {
                if *focus == Focus::Right {
                    self.views.pop();
                }
            }
            Handled::Consumed => {}
        }
    }

    /// What the parts asked of each other, in order.
    fn drain(&mut self) {
        // each message may queue more; a bound keeps a mistake from looping
        for _ in 0..1000 {
            let Some(action) = self.queue.pop() else {
                return;
            };
            self.global(action);
        }
    }

    /// What the explorer does itself: the actions no part used, and the
    /// messages between parts.
    fn global(&mut self, action: Action) {
        match action {
            Action::Quit => self.ask_quit(),
            Action::QuitNow { discard } => self.quit_now(discard),
            Action::Help => {
                self.popups.push(Box::new(HelpPopup::new(&self.settings.keys)));
            }
            Action::NextPane | Action::PreviousPane => {
                self.focus = match self.focus {
                    Focus::List => Focus::Right,
                    Focus::Right => Focus::List,
                }
            }
            Action::Open if self.focus == Focus::List && self.list.selection().is_some() => {
                self.focus = Focus::Right;
                if self.views.is_empty() {
                    self.live.to_first_link();
                }
            }
            Action::Back => self.back(),
            Action::Filter => {
                self.focus = Focus::List;
                self.with_list(&Action::Filter);
            }
            Action::Command => self.command = Some(LineInput::default()),
            Action::RawJson => self.raw_json(),
            Action::CopyArn => self.copy_arn(),
            Action::Inspect => self.open_inspector(),
            Action::WhoCan => match self.inspector.spec() {
                Ok(spec) if !spec.action.is_empty() && !spec.resource.is_empty() => {
                    self.start_who_can(spec.action, spec.resource, spec.context)
                }
                _ => {
                    self.status =
                        Some("who-can needs the inspector's action and resource: press i and fill them in".to_owned())
                }
            },
            Action::WhoCanFor { action, resource } => self.start_who_can(action, resource, Default::default()),
            Action::Users => self.show_section(Section::Users),
            Action::Groups => self.show_section(Section::Groups),
            Action::Roles => self.show_section(Section::Roles),
            Action::Policies => self.show_section(Section::Policies),
            Action::RootUser => self.show_section(Section::Root),
            Action::IdentityPools => self.show_section(Section::IdentityPools),
            Action::UserPools => self.show_section(Section::UserPools),
            Action::ResourcePolicies => self.show_section(Section::ResourcePolicies),
            Action::OrganizationPolicies => self.show_section(Section::OrgPolicies),
            Action::Edit
            | Action::New
            | Action::Delete
            | Action::Rename
            | Action::CloneUser
            | Action::Attach
            | Action::Detach
            | Action::Membership
            | Action::Boundary
            | Action::AccessKeys => self.edit_key(&action),
            Action::Versions => {
                let step = match self.edit_target() {
                    Some(target) => edit::versions(self.session.model(), &target),
                    None => Step::Say("versions: select a managed policy first".to_owned()),
                };
                self.take(step);
            }
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Save => self.save(false),
            Action::SaveThenQuit => self.save(true),
            Action::SaveAs { path: None, quit } => self.popups.push(Box::new(PromptPopup::new(
                "Save the account as (a workspace file):",
                Ask::SaveAs { quit },
            ))),
            Action::SaveAs { path: Some(path), quit } => self.save_as(&path, quit),
            Action::Export { kind, path } => {
                self.status = Some(match self.session.export(kind, std::path::Path::new(&path)) {
                    Ok(said) => said,
                    Err(e) => e.to_string(),
                })
            }
            Action::Findings => {
                let pane = FindingsPane::new(self.session.model());
                self.status = Some(pane.summary());
                self.push_view(View::Findings(pane));
            }
            Action::WhatCan => match self.current_target().and_then(|t| t.principal()) {
                Some(spec) => self.show(Target::Permissions(spec.to_string())),
                None => {
                    self.status =
                        Some("p shows a principal's permissions: select a user, a role or the root user".to_owned())
                }
            },
            Action::Changes => {
                let pane = ChangesPane::new(self.session.changes());
                self.push_view(View::Changes(pane));
            }
            Action::Lessons => {
                let pane = LessonsPane::new(&self.learning);
                self.push_view(View::Lessons(pane));
            }
            Action::CloudTrail => self.open_cloudtrail(),
            Action::CloudTrailText(text) => match crate::evidence::read_text(&text, self.now) {
                Ok(crate::evidence::Input::Trail(trail)) => self.set_cloudtrail(LoadedTrail {
                    source: "pasted events".to_owned(),
                    trail,
                }),
                Ok(crate::evidence::Input::One(_)) => {
                    self.status = Some("that is one request: :why explains it".to_owned())
                }
                Err(e) => self.status = Some(e.to_string()),
            },
            Action::ExplainEvent { number, group } => self.explain_event(number, group),
            Action::Why(text) => {
                let keys = super::popup::why::Keys::of(&self.settings.keys);
                self.popups
                    .push(Box::new(WhyPopup::new(text.as_deref().unwrap_or(""), keys)));
                if text.is_some() {
                    self.route(Action::Submit);
                }
            }
            Action::LessonNext => self.lesson_next(),
            Action::LessonBack => self.lesson_back(),
            Action::LessonHint => self.lesson_hint(),
            Action::LessonConcept => match self.learning.lesson() {
                Some(lesson) => {
                    let popup = TextPopup::new(format!("Lesson: {}", lesson.title), concept_lines(&lesson.concept));
                    self.popups.push(Box::new(popup));
                }
                None => self.status = Some("no lesson is open: :lessons lists them".to_owned()),
            },
            Action::LessonText => match self.learning.step_text() {
                Some((title, lines)) => self.popups.push(Box::new(TextPopup::new(title, lines))),
                None => self.status = Some("no lesson is open: :lessons lists them".to_owned()),
            },
            Action::StartLesson(id) => match self.learning.position(&id) {
                Some(_) if self.learning.run.is_some() && self.session.unsaved() => {
                    self.popups.push(Box::new(ConfirmPopup::new(
                        "This lesson's changes could not be kept with your progress: leave it and lose them? (y/n)",
                        Action::StartLessonNow(id),
                    )));
                }
                Some(index) => self.start_lesson(index),
                None => self.status = Some(format!("no lesson `{id}` (:lessons lists them)")),
            },
            Action::StartLessonNow(id) => {
                if let Some(index) = self.learning.position(&id) {
                    self.start_lesson(index);
                }
            }
            Action::LeaveLesson => {
                if self.learning.run.is_none() {
                    self.status = Some("no lesson is open (:lessons lists them)".to_owned());
                } else if self.session.unsaved() {
                    self.popups.push(Box::new(ConfirmPopup::new(
                        format!(
                            "{} of this lesson could not be kept with your progress: leave the lesson and lose {}? (y/n)",
                            changes_in_words(self.session.changes().unsaved_count()),
                            if self.session.changes().unsaved_count() == 1 { "it" } else { "them" }
                        ),
                        Action::LeaveLessonNow,
                    )));
                } else {
                    self.leave_lesson();
                }
            }
            Action::LeaveLessonNow => self.leave_lesson(),
            Action::ResetLesson(id) => self.reset_lesson(id),
            Action::Glossary(term) => self.glossary(term.as_deref()),
            Action::Summary => {
                // what `iamscope summary` prints, of the account as it is now
                let summary = crate::analysis::summary::AccountSummary::of(self.session.model(), self.session.report());
                let lines = summary.lines().iter().map(|l| visible(l)).collect();
                self.popups.push(Box::new(TextPopup::new("Summary", lines)));
            }
            Action::Theme(name) => {
                self.settings.theme = name;
                self.theme = if self.force_colour {
                    Theme::new(name, true)
                } else {
                    Theme::from_settings(name)
                };
            }
            Action::Explain(spec) => {
                self.inspector.ask(&spec, self.session.model(), self.now);
                self.push_inspector();
            }
            Action::Show(target) => {
                if let Target::Permissions(p) = &target
                    && let Err(e) = crate::eval::PrincipalSpec::parse(p)
                {
                    self.status = Some(e);
                    return;
                }
                self.show(target)
            }
            Action::ShowAt { target, line } => {
                let pane = DetailPane::at_line(self.session.model(), target, line, self.now);
                self.views.push(View::Detail(pane));
                self.focus = Focus::Right;
            }
            Action::ShowVersion { arn, version } => match VersionPopup::new(self.session.model(), &arn, &version) {
                Some(popup) => self.popups.push(Box::new(popup)),
                None => self.status = Some("that version is gone".to_owned()),
            },
            Action::Propose { change, from_editor } => self.propose(change, from_editor),
            Action::Keep { change, from_editor } => {
                self.keep(change);
                if from_editor {
                    self.close_editor();
                }
            }
            Action::Answer { ask, text, question } => {
                if let Some(refusal) = edit::name_refusal(self.session.model(), &ask, &text) {
                    self.popups
                        .push(Box::new(PromptPopup::refused(question, ask, &text, refusal)));
                    return;
                }
                match edit::answer(self.session.model(), ask.clone(), text.clone()) {
                    // a refused name: the prompt again, with the name and why
                    Step::Do(Action::Propose {
                        change,
                        from_editor: false,
                    }) => {
                        if let Err(refusal) = self.try_propose(change, false) {
                            self.popups
                                .push(Box::new(PromptPopup::refused(question, ask, &text, refusal)));
                        }
                    }
                    step => self.take(step),
                }
            }
            Action::Picked {
                pick: Pick::Prediction,
                value: PickValue::Prediction(answer),
            } => self.predicted(answer),
            Action::Picked {
                pick: Pick::InspectMember,
                value: PickValue::Principal(principal),
            } => {
                self.inspector.set_principal(principal.clone());
                self.inspect_as(Some(principal));
            }
            Action::Picked { pick, value } => {
                let step = edit::picked(self.session.model(), pick, value);
                self.take(step);
            }
            Action::OpenEditor { target, text, line } => {
                let mut editor = Editor::new(target, &text);
                if let Some(line) = line {
                    editor.go_to_line(line);
                }
                self.editor = Some(editor);
            }
            Action::CloseEditor => self.close_editor(),
            Action::Status(text) => self.status = Some(text),
            Action::Confirm { message, yes } => self.popups.push(Box::new(ConfirmPopup::new(message, *yes))),
            Action::OpenFiles(files) => self.ask_open(files),
            Action::OpenFilesNow(files) => self.open_files(&files),
            Action::Recovery => self.offer_recovery(false),
            Action::Recover { journal, recover } => self.recover(&journal, recover),
            // what only a part uses, when no part had the focus for it
            _ => {}
        }
    }

    fn with_list(&mut self, action: &Action) {
        let App {
            session,
            queue,
            suggest,
            list,
            now,
            ..
        } = self;
        let mut ctx = Ctx {
            model: session.model(),
            now: *now,
            queue,
            suggest,
        };
        list.handle(action, &mut ctx);
    }

    // ---- the list and the right pane ----

    fn selection_changed(&mut self) {
        let selection = self.list.selection();
        self.live.show(self.session.model(), selection.clone(), self.now);
        if self.views.iter().any(|v| matches!(v, View::Inspector))
            && let Some(principal) = selection.and_then(|t| t.principal())
        {
            self.inspector
                .follow(principal.to_string(), self.session.model(), self.now);
        }
    }

    fn show_section(&mut self, section: Section) {
        self.list.show(self.session.model(), section);
        self.focus = Focus::List;
        self.views.retain(|v| matches!(v, View::Inspector));
        self.selection_changed();
    }

    /// Show a section, its filter cleared, with `target` selected.
    fn reveal(&mut self, section: Section, target: Option<&Target>) {
        self.list.reveal(self.session.model(), section, target);
        self.focus = Focus::List;
        self.views.retain(|v| matches!(v, View::Inspector));
        self.selection_changed();
    }

    fn back(&mut self) {
        match self.focus {
            Focus::Right if !self.views.is_empty() => {
                self.views.pop();
                // back to the selection's own page: keys go to the list again
                if self.views.is_empty() {
                    self.focus = Focus::List;
                }
            }
            Focus::Right => self.focus = Focus::List,
            Focus::List => self.views.clear(),
        }
    }

    fn push_view(&mut self, view: View) {
        let same = |v: &View| {
            matches!(
                (v, &view),
                (View::Changes(_), View::Changes(_))
                    | (View::Findings(_), View::Findings(_))
                    | (View::Lessons(_), View::Lessons(_))
                    | (View::WhoCan(_), View::WhoCan(_))
                    | (View::Trail(_), View::Trail(_))
            )
        };
        self.views.retain(|v| !same(v));
        self.views.push(view);
        self.focus = Focus::Right;
    }

    fn show(&mut self, target: Target) {
        let pane = DetailPane::new(self.session.model(), target, self.now);
        self.views.push(View::Detail(pane));
        self.focus = Focus::Right;
    }

    fn push_inspector(&mut self) {
        if !matches!(self.views.last(), Some(View::Inspector)) {
            self.views.retain(|v| !matches!(v, View::Inspector));
            self.views.push(View::Inspector);
        }
        self.focus = Focus::Right;
    }

    /// `i`: the inspector, on the selected principal. A group is not a
    /// principal (it cannot be named in a request or make one): its
    /// members are offered instead.
    fn open_inspector(&mut self) {
        if let Some(Target::Entity(crate::model::EntityRef::Group { name })) = self.list.selection() {
            let members: Vec<PickItem> = self
                .session
                .model()
                .members_of(&name)
                .iter()
                .map(|u| {
                    PickItem::new(
                        format!("user/{}", u.name),
                        PickValue::Principal(format!("user/{}", u.name)),
                    )
                })
                .collect();
            if members.is_empty() {
                self.status = Some(format!(
                    "a group is not a principal, and group {name} has no members to ask about"
                ));
            } else {
                self.popups.push(Box::new(PickerPopup::new(
                    format!(
                        "A group is not a principal: requests are made by its members. Inspect which member of {name}?"
                    ),
                    members,
                    Pick::InspectMember,
                )));
            }
            return;
        }
        self.inspect_as(None);
    }

    /// The inspector, on `principal` or else the selected principal.
    fn inspect_as(&mut self, principal: Option<String>) {
        let principal = principal.or_else(|| self.list.selection().and_then(|t| t.principal()).map(|p| p.to_string()));
        let model = Arc::clone(self.session.model());
        let suggest = &mut self.suggest;
        let first_resource = || suggest.field(&model, Field::Resource, "").into_iter().next();
        self.inspector.open_on(principal, first_resource, &model, self.now);
        self.push_inspector();
    }

    fn start_who_can(&mut self, action: String, resource: String, context: crate::eval::ContextSpec) {
        let pane = WhoCanPane::start(self.session.model(), action, resource, context, self.now);
        self.push_view(View::WhoCan(pane));
    }

    /// The target the user is looking at: the right pane's page, or the selection.
    fn current_target(&self) -> Option<Target> {
        match (self.focus, self.views.last()) {
            (Focus::Right, Some(View::Detail(d))) => d.page().cloned(),
            _ => self.list.selection(),
        }
    }

    /// The target the next edit is about: the link under the cursor in the
    /// right pane, the page it shows, or the list's selection.
    fn edit_target(&self) -> Option<Target> {
        if self.focus == Focus::Right {
            match self.views.last() {
                Some(View::Detail(d)) => return d.target(),
                None => return self.live.target().or_else(|| self.list.selection()),
                Some(View::Findings(f)) => return f.target(),
                _ => {}
            }
        }
        self.list.selection()
    }

    fn raw_json(&mut self) {
        let Some(target) = self.current_target() else {
            return;
        };
        let text = pages::raw_json(self.session.model(), &target, self.now);
        let popup = TextPopup::new(
            format!("JSON — {}", target.label(self.session.model())),
            text.lines().map(visible).collect(),
        );
        self.popups.push(Box::new(popup));
    }

    fn copy_arn(&mut self) {
        let Some(arn) = self.current_target().and_then(|t| t.arn(self.session.model())) else {
            self.status = Some("the selection has no ARN".to_owned());
            return;
        };
        use base64::Engine;
        // OSC 52: the terminal puts the text on the clipboard, also over SSH
        let encoded = base64::engine::general_purpose::STANDARD.encode(arn.as_bytes());
        self.outbox.push(format!("\x1b]52;c;{encoded}\x07"));
        self.status = Some(format!("copied {arn}"));
    }

    fn glossary(&mut self, term: Option<&str>) {
        let glossary = crate::lessons::Glossary::embedded();
        let mut lines = Vec::new();
        let mut offset = 0;
        let wanted = term.and_then(|t| glossary.find(t)).map(|t| t.name.clone());
        if let (Some(t), None) = (term, &wanted) {
            self.status = Some(format!("`{t}` is not in the glossary; here is all of it"));
        }
        for t in &glossary.terms {
            if wanted.as_deref() == Some(t.name.as_str()) {
                offset = lines.len();
            }
            lines.push(t.name.clone());
            lines.extend(pages::wrap(&t.text, 76).into_iter().map(|l| format!("    {l}")));
            lines.push(String::new());
        }
        self.popups.push(Box::new(TextPopup::at("Glossary", lines, offset)));
    }

    // ---- changing the account ----

    fn take(&mut self, step: Step) {
        match step {
            Step::Popup(popup) => self.popups.push(popup),
            Step::Do(action) => self.queue.push(action),
            Step::Say(text) if !text.is_empty() => self.status = Some(text),
            Step::Say(_) => {}
        }
    }

    fn edit_key(&mut self, action: &Action) {
        if self.readonly() {
            self.status = Some("read-only (--readonly): editing is off".to_owned());
            return;
        }
        let model = Arc::clone(self.session.model());
        if *action == Action::New {
            let step = edit::create(&model, self.list.section());
            return self.take(step);
        }
        // rename, clone, attach and the like are about the list's selection
        let target = match action {
            Action::Edit | Action::Delete => self.edit_target(),
            _ => self.list.selection(),
        };
        let Some(target) = target else {
            return;
        };
        let step = match action {
            Action::Edit => {
                let line = match (self.focus, self.views.last()) {
                    (Focus::Right, Some(View::Detail(d))) => d.document_line().map(|l| l + 1),
                    _ => None,
                };
                edit::edit(&model, &target, line)
            }
            Action::Delete => edit::delete(&model, &target),
            Action::Rename => edit::rename(&target),
            Action::CloneUser => edit::clone_user(&target),
            Action::Attach => edit::attach(&model, &target),
            Action::Detach => edit::detach(&model, &target),
            Action::Membership => edit::membership(&model, &target),
            Action::Boundary => edit::boundary(&model, &target),
            Action::AccessKeys => edit::access_keys(&model, &target),
            _ => return,
        };
        self.take(step);
    }

    /// Work out what a change would do; show the flips before keeping it.
    fn propose(&mut self, change: Change, from_editor: bool) {
        if let Err(message) = self.try_propose(change, from_editor) {
            match (&mut self.editor, from_editor) {
                (Some(editor), true) => editor.say(message),
                _ => self.status = Some(message),
            }
        }
    }

    /// Work out what a change would do and show it (or keep it when it
    /// changes no decision); why, when it is refused.
    fn try_propose(&mut self, change: Change, from_editor: bool) -> Result<(), String> {
        if self.readonly() {
            self.status = Some("read-only (--readonly): editing is off".to_owned());
            return Ok(());
        }
        match crate::analysis::impact::impact(self.session.model(), &change, self.now) {
            Err(refusal) => return Err(format!("refused: {refusal}")),
            Ok(result) if result.flips.is_empty() && !from_editor => self.keep(change),
            Ok(result) => self.popups.push(Box::new(super::popup::preview::PreviewPopup::new(
                change,
                result.flips,
                result.checked,
                from_editor,
            ))),
        }
        Ok(())
    }

    /// Apply a change for good (it can still be undone).
    fn keep(&mut self, change: Change) {
        let in_lesson = self.learning.run.is_some();
        let applied = self
            .session
            .apply(change, self.clock)
            .map(|a| (a.change.clone(), a.notes.clone()));
        match applied {
            Ok((change, notes)) => {
                let mut status = change::describe(&change);
                for note in &notes {
                    status.push_str(&format!("; {note}"));
                }
                status.push_str(if in_lesson {
                    " — kept with your lesson progress"
                } else {
                    " — not yet written to disk (ctrl-s saves)"
                });
                self.status = Some(status);
                self.account_changed();
                // what was just made (or renamed) is selected, ready for the next edit
                let created = match &change {
                    Change::CreateUser { name, .. } | Change::CloneUser { name, .. } => Some(Target::user(name)),
                    Change::CreateGroup { name, .. } => Some(Target::group(name)),
                    Change::CreateRole { name, .. } => Some(Target::role(name)),
                    // a renamed one too: a filter on its old name would hide it
                    Change::RenameUser { new_name, .. } => Some(Target::user(new_name)),
                    Change::RenameGroup { new_name, .. } => Some(Target::group(new_name)),
                    _ => None,
                };
                if let Some(target) = created
                    && let Some(section) = target.entity().and_then(Section::of)
                {
                    self.reveal(section, Some(&target));
                }
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    fn undo(&mut self) {
        match self.session.undo(self.clock) {
            Some(change) => {
                self.status = Some(format!("undone: {}", change::describe(&change)));
                self.account_changed();
            }
            None => self.status = Some("nothing to undo".to_owned()),
        }
    }

    fn redo(&mut self) {
        match self.session.redo(self.clock) {
            Some(Ok(change)) => {
                self.status = Some(format!("redone: {}", change::describe(&change)));
                self.account_changed();
            }
            Some(Err(refusal)) => self.status = Some(format!("cannot redo: {refusal}")),
            None => self.status = Some("nothing to redo".to_owned()),
        }
    }

    /// After the account changed: lists, pages, suggestions and the
    /// inspector are made again; pages of things that no longer exist
    /// close; a lesson's task is checked and its progress kept.
    fn account_changed(&mut self) {
        let model = Arc::clone(self.session.model());
        self.suggest.reset();
        self.list.account_changed(&model);
        self.live.show(&model, self.list.selection(), self.now);
        let now = self.now;
        let changes = self.session.changes().clone();
        self.views.retain_mut(|view| match view {
            View::Detail(d) => d.account_changed(&model, now) != Handled::Close,
            View::Findings(f) => {
                f.account_changed(&model);
                true
            }
            View::Changes(c) => {
                c.refresh(&changes);
                true
            }
            View::Trail(t) => {
                t.account_changed(&model);
                true
            }
            _ => true,
        });
        if self.views.iter().any(|v| matches!(v, View::Inspector)) {
            self.inspector.evaluate(&model, now);
        }
        if self.learning.run.is_some() {
            self.lesson_account_changed();
        }
        for view in &mut self.views {
            if let View::Changes(c) = view {
                c.refresh(self.session.changes());
            }
            if let View::Lessons(l) = view {
                l.refresh(&self.learning);
            }
        }
        self.tell_problem();
    }

    fn close_editor(&mut self) {
        self.editor = None;
        self.session.set_draft(None, self.clock);
        self.tell_problem();
    }

    // ---- saving ----

    fn save(&mut self, then_quit: bool) {
        let now = self.clock;
        let outer = match &mut self.learning.run {
            Some(run) if then_quit => &mut run.stash,
            Some(_) => {
                self.status = Some(SessionError::Lesson.to_string());
                return;
            }
            None => &mut self.session,
        };
        match outer.save(now) {
            Ok(saved) => {
                self.status = Some(saved.message);
                if then_quit {
                    self.quit_now(false);
                }
            }
            Err(SessionError::ChangedOnDisk { path }) => {
                // never overwrite someone else's change: offer another file
                let suggestion = path.with_extension("edited.json");
                self.popups.push(Box::new(PromptPopup::suggesting(
                    format!(
                        "{} changed on disk since iamscope loaded it; save as (esc cancels):",
                        path.display()
                    ),
                    &suggestion.display().to_string(),
                    Ask::SaveAs { quit: then_quit },
                )));
            }
            Err(e) => self.status = Some(e.to_string()),
        }
        self.tell_problem();
        self.refresh_changes();
    }

    fn save_as(&mut self, path: &str, then_quit: bool) {
        let now = self.clock;
        let outer = match &mut self.learning.run {
            Some(run) if then_quit => &mut run.stash,
            _ => &mut self.session,
        };
        match outer.save_as(std::path::Path::new(path), now) {
            Ok(saved) => {
                self.status = Some(saved.message);
                if then_quit {
                    self.quit_now(false);
                }
            }
            Err(e) => self.status = Some(e.to_string()),
        }
        self.tell_problem();
        self.refresh_changes();
    }

    fn refresh_changes(&mut self) {
        for view in &mut self.views {
            if let View::Changes(c) = view {
                c.refresh(self.session.changes());
            }
        }
    }

    // ---- ways out ----

    /// What quitting (or opening another account) would lose, in words,
    /// and how it could be saved.
    fn at_risk(&self) -> Option<(String, SaveBy)> {
        let outer = self.outer_session();
        let mut parts = Vec::new();
        if outer.unsaved() {
            parts.push(changes_in_words(outer.changes().unsaved_count()));
        }
        if self.learning.run.is_some() && self.session.unsaved() {
            parts.push("lesson changes that could not be kept with your progress".to_owned());
        }
        if self.editor.as_ref().is_some_and(Editor::is_modified) {
            parts.push("text typed in the editor".to_owned());
        }
        if parts.is_empty() {
            return None;
        }
        let save = match outer.origin() {
            Origin::Files(files) if files.len() == 1 => SaveBy::InPlace,
            _ => SaveBy::Copy,
        };
        Some((parts.join(" and "), save))
    }

    /// `q`, `ctrl-c`, `:q`: quit, asking first when work would be lost.
    fn ask_quit(&mut self) {
        match self.at_risk() {
            Some((what, save)) => self.popups.push(Box::new(QuitPopup::new(what, save))),
            None => self.quit_now(false),
        }
    }

    fn quit_now(&mut self, discard: bool) {
        if self.learning.run.is_some() {
            let _ = self.learning.record(&self.session);
        }
        if let Some(run) = &mut self.learning.run {
            run.stash.close(discard);
        }
        self.session.close(discard);
        self.quit = true;
    }

    /// `:open`: another account, asking first when work would be left.
    fn ask_open(&mut self, files: Vec<String>) {
        match self.at_risk() {
            Some((what, _)) => {
                let kept = if self.outer_session().journal_path().is_some() {
                    "it stays in the journal and is offered when this account is opened again"
                } else {
                    "it is lost"
                };
                self.popups.push(Box::new(ConfirmPopup::new(
                    format!("Open {} and leave {what} ({kept})? (y/n)", files.join(", ")),
                    Action::OpenFilesNow(files),
                )));
            }
            None => self.open_files(&files),
        }
    }

    fn open_files(&mut self, files: &[String]) {
        let paths: Vec<std::path::PathBuf> = files.iter().map(std::path::PathBuf::from).collect();
        let options = self.outer_session().options().clone();
        let session = match Session::open(&paths, None, options, self.clock) {
            Ok(session) => session,
            Err(e) => {
                self.status = Some(visible(&e.to_string()).replace('\n', " "));
                return;
            }
        };
        if self.learning.run.is_some() {
            self.leave_lesson();
        }
        self.editor = None;
        // the work left behind stays in its journal
        self.session.close(false);
        self.session = session;
        // another account: its questions are asked at the time it opened
        self.now = self.clock;
        self.views.clear();
        self.focus = Focus::List;
        self.inspector = Inspector::default();
        self.list = ListPane::new(self.session.model());
        self.account_changed();
        self.selection_changed();
        self.status = Some(format!("opened {}", files.join(", ")));
        self.session_opened();
    }

    fn recover(&mut self, journal: &std::path::Path, recover: bool) {
        let Some(found) = self.session.recoverable().into_iter().find(|f| f.path == journal) else {
            self.status = Some(format!("the journal {} is gone", journal.display()));
            return;
        };
        if !recover {
            self.status = Some(match self.session.discard(&found) {
                Ok(()) if found.running => "that journal belongs to a running iamscope: it stays".to_owned(),
                Ok(()) => "that unsaved work was thrown away".to_owned(),
                Err(e) => format!("cannot remove {}: {e}", found.path.display()),
            });
            return;
        }
        match self.session.recover(&found, self.clock) {
            Ok(recovered) => {
                let mut status = if recovered.replaced {
                    "recovered the edited account".to_owned()
                } else {
                    format!(
                        "recovered {} unsaved change{}",
                        recovered.applied,
                        if recovered.applied == 1 { "" } else { "s" }
                    )
                };
                if !recovered.failed.is_empty() {
                    status.push_str(&format!(
                        "; {} could not be applied: {}",
                        recovered.failed.len(),
                        recovered.failed.join("; ")
                    ));
                }
                // the demo (or several files) cannot be saved over: a copy is
                status.push_str(match self.outer_session().origin() {
                    Origin::Files(files) if files.len() == 1 => "; save them with ctrl-s",
                    _ => "; save them as a workspace file with :saveas FILE",
                });
                if let Some(draft) = &recovered.draft {
                    self.editor = Some(Editor::from_draft(draft));
                    status.push_str(" (the editor has the text you were typing)");
                }
                self.status = Some(status);
                self.account_changed();
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    // ---- lessons ----

    fn start_lesson(&mut self, index: usize) {
        let (lesson_session, step, replayed) = match self.learning.begin(index, self.clock) {
            Ok(begun) => begun,
            Err(e) => {
                self.status = Some(e);
                return;
            }
        };
        self.give_back_inspector();
        if self.learning.run.is_some() {
            let _ = self.learning.record(&self.session);
        }
        let stash = match self.learning.run.take() {
            // switching lessons: the account from before the first one stays aside
            Some(run) => {
                self.session = lesson_session;
                run.stash
            }
            None => std::mem::replace(&mut self.session, lesson_session),
        };
        self.learning.run = Some(LessonRun {
            index,
            step,
            revealed: None,
            checks: Vec::new(),
            stash,
        });
        let title = self.learning.lesson().map(|l| (l.title.clone(), l.concept.clone()));
        self.editor = None;
        self.views.clear();
        self.focus = Focus::List;
        self.list = ListPane::new(self.session.model());
        self.account_changed();
        let entry = self.learning.enter(self.session.model(), self.now);
        self.apply_entry(entry);
        if let Some((title, concept)) = title {
            // the concept first
            self.popups.push(Box::new(TextPopup::new(
                format!("Lesson: {title}"),
                concept_lines(&concept),
            )));
        }
        self.status = Some(if replayed > 0 {
            format!(
                "resumed at step {} with your {replayed} change(s); ] next step, [ back, H hint",
                step + 1
            )
        } else {
            "] next step, [ back, H hint, :lesson quit leaves the lesson".to_owned()
        });
    }

    fn leave_lesson(&mut self) {
        let _ = self.learning.record(&self.session);
        let Some(run) = self.learning.run.take() else {
            return;
        };
        self.give_back_inspector();
        self.session = run.stash;
        self.editor = None;
        self.views.clear();
        self.focus = Focus::List;
        self.list = ListPane::new(self.session.model());
        self.account_changed();
        self.selection_changed();
        self.status = Some("left the lesson; your progress is kept (:lessons)".to_owned());
    }

    /// The lesson is done with the inspector it borrowed.
    fn give_back_inspector(&mut self) {
        if !self.inspector.is_lent() {
            return;
        }
        self.inspector.give_back(self.session.model(), self.now);
        if std::mem::take(&mut self.lesson_opened_inspector) {
            self.views.retain(|v| !matches!(v, View::Inspector));
        }
    }

    /// What entering a step asks: where to look, the question of an answered prediction.
    fn apply_entry(&mut self, entry: StepEntry) {
        self.give_back_inspector();
        if let Some((section, target)) = entry.look {
            self.reveal(section, target.as_ref());
        }
        if let Some(spec) = entry.ask {
            self.lend_inspector(&spec);
        }
    }

    fn lend_inspector(&mut self, spec: &crate::eval::RequestSpec) {
        if !self.inspector.is_lent() {
            self.lesson_opened_inspector = !self.views.iter().any(|v| matches!(v, View::Inspector));
        }
        self.inspector.lend(spec, self.session.model(), self.now);
        self.push_inspector();
    }

    fn keep_progress(&mut self) {
        match self.learning.record(&self.session) {
            Ok(true) => self.session.mark_kept(self.clock),
            Ok(false) => {}
            Err(e) => self.status = Some(format!("cannot keep lesson progress: {e}")),
        }
    }

    fn lesson_account_changed(&mut self) {
        let was_done = self.learning.step_done();
        self.learning.check(self.session.model(), self.now);
        self.keep_progress();
        if !was_done && self.learning.step_done() {
            self.status = Some("✓ task done — the engine agrees. ] goes on".to_owned());
        }
    }

    fn lesson_next(&mut self) {
        match self.learning.next(self.session.model(), self.now) {
            Err(e) => self.status = Some(e),
            Ok(Next::Predict { title, items, pick }) => {
                self.popups.push(Box::new(PickerPopup::new(title, items, pick)));
            }
            Ok(Next::NotDone(failing)) => {
                self.status = Some(format!(
                    "not done yet: {failing} check{} to go (H shows a hint)",
                    if failing == 1 { "" } else { "s" }
                ))
            }
            Ok(Next::Entered(entry)) => {
                self.keep_progress();
                self.apply_entry(entry);
            }
            Ok(Next::Complete) => {
                self.keep_progress();
                self.status = Some("✓ lesson complete. :lessons for the next one, :lesson quit to leave".to_owned());
            }
        }
    }

    fn lesson_back(&mut self) {
        match self.learning.back(self.session.model(), self.now) {
            Err(e) => self.status = Some(e),
            Ok(None) => {}
            Ok(Some(entry)) => {
                self.keep_progress();
                self.apply_entry(entry);
            }
        }
    }

    fn lesson_hint(&mut self) {
        match self.learning.hint() {
            Err(e) => self.status = Some(e),
            Ok((n, total, text)) => {
                self.keep_progress();
                // the pane grows for it; it is said where it fits
                self.relayout();
                let height = self.layout.lesson.height;
                self.status = Some(if height > 0 && self.lesson_pane.hidden(height) == 0 {
                    format!("hint {n} of {total} shown in the lesson pane")
                } else {
                    format!("hint {n} of {total}: {text}")
                });
            }
        }
    }

    fn predicted(&mut self, answer: crate::lessons::Answer) {
        match self.learning.predicted(answer, self.session.model(), self.now) {
            Err(e) => self.status = Some(e),
            Ok((request, decision, right)) => {
                self.keep_progress();
                // the inspector shows why
                self.lend_inspector(&request);
                self.status = Some(format!(
                    "{}: AWS decides {}. The inspector shows why; ] goes on",
                    if right { "right" } else { "not this time" },
                    decision.as_str()
                ));
            }
        }
    }

    fn reset_lesson(&mut self, id: Option<String>) {
        if let Some(id) = &id
            && self.learning.position(id).is_none()
        {
            self.status = Some(format!("no lesson `{id}` (:lessons lists them)"));
            return;
        }
        self.learning.progress.reset(id.as_deref());
        if let Err(e) = self.learning.save() {
            self.status = Some(format!("cannot keep lesson progress: {e}"));
        } else {
            self.status = Some(match &id {
                Some(id) => format!("progress of {id} reset"),
                None => "progress of every lesson reset".to_owned(),
            });
        }
        // the open lesson starts over too
        let open = self.learning.run.as_ref().map(|r| r.index);
        if let Some(index) = open
            && id.as_deref().is_none_or(|id| self.learning.lessons[index].id == id)
            && let Ok((session, _, _)) = self.learning.begin(index, self.clock)
        {
            self.give_back_inspector();
            self.session = session;
            if let Some(run) = &mut self.learning.run {
                run.step = 0;
            }
            self.views.clear();
            self.account_changed();
            let entry = self.learning.enter(self.session.model(), self.now);
            self.apply_entry(entry);
        }
    }

    // ---- the mouse ----

    fn mouse(&mut self, mouse: &MouseEvent) {
        if !self.popups.is_empty() || self.editor.is_some() {
            return;
        }
        let (x, y) = (mouse.column, mouse.row);
        let layout = self.layout.clone();
        let selected = self.list.selection();
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if y == layout.tabs.y && layout.tabs.height > 0 {
                    if let Some(&(_, _, section)) = layout.tab_spans.iter().find(|(a, b, _)| x >= *a && x < *b) {
                        self.show_section(section);
                    }
                } else if inside(layout.list, x, y) {
                    self.focus = Focus::List;
                    self.list.click(y);
                } else if inside(layout.right, x, y) {
                    self.focus = Focus::Right;
                    let row = y.saturating_sub(layout.right.y + 1) as usize;
                    match self.views.last_mut() {
                        None => self.live.click(row),
                        Some(View::Detail(d)) => d.click(row),
                        Some(View::Inspector) => self.inspector.click(row),
                        Some(View::WhoCan(w)) => w.click(row),
                        Some(View::Findings(f)) => f.click(row),
                        Some(View::Lessons(l)) => l.click(row),
                        Some(View::Trail(t)) => t.click(row),
                        Some(View::Changes(_)) => {}
                    }
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let action = if mouse.kind == MouseEventKind::ScrollDown {
                    Action::Down
                } else {
                    Action::Up
                };
                let focus = if inside(layout.list, x, y) {
                    Focus::List
                } else if inside(layout.right, x, y) {
                    Focus::Right
                } else {
                    return;
                };
                let before = self.focus;
                self.focus = focus;
                for _ in 0..3 {
                    self.route(action.clone());
                }
                self.focus = before;
                self.drain();
            }
            _ => {}
        }
        if self.list.selection() != selected {
            self.selection_changed();
        }
    }

    // ---- drawing, which changes nothing ----

    pub fn draw(&self, frame: &mut Frame<'_>) {
        let layout = &self.layout;
        if layout.too_small || layout.size != frame.area() {
            let area = frame.area();
            let message = format!(
                "iamscope needs at least {}×{} characters; this terminal is {}×{}. Enlarge the window (q quits).",
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT,
                area.width,
                area.height
            );
            let lines: Vec<Line> = pages::wrap(&message, (area.width.max(10) as usize).saturating_sub(2))
                .into_iter()
                .map(Line::from)
                .collect();
            if layout.too_small {
                frame.render_widget(Paragraph::new(lines), area);
            }
            return;
        }
        let paint = Paint {
            theme: &self.theme,
            keys: &self.settings.keys,
            model: self.session.model(),
            focused: true,
        };
        self.draw_header(frame);
        self.draw_tabs(frame);
        if layout.lesson.height > 0 {
            self.lesson_pane.draw(frame, layout.lesson, &paint.with_focus(false));
        }
        if let Some(editor) = &self.editor {
            editor.draw(frame, layout.main, &paint);
        } else {
            if layout.list.width > 0 {
                self.list
                    .draw(frame, layout.list, &paint.with_focus(self.focus == Focus::List));
            }
            if layout.right.width > 0 {
                let right = paint.with_focus(self.focus == Focus::Right);
                let area = layout.right;
                match self.views.last() {
                    None => self.live.draw(frame, area, &right),
                    Some(View::Inspector) => self.inspector.draw(frame, area, &right),
                    Some(View::Detail(d)) => d.draw(frame, area, &right),
                    Some(View::WhoCan(w)) => w.draw(frame, area, &right),
                    Some(View::Changes(c)) => c.draw(frame, area, &right),
                    Some(View::Findings(f)) => f.draw(frame, area, &right),
                    Some(View::Lessons(l)) => l.draw(frame, area, &right),
                    Some(View::Trail(t)) => t.draw(frame, area, &right),
                }
            }
        }
        self.draw_footer(frame);
        for popup in &self.popups {
            popup.draw(frame, layout.main, &paint);
        }
    }

    fn breadcrumbs(&self) -> String {
        let model = self.session.model();
        let mut crumbs = vec![self.list.section().title().to_owned()];
        // who-can and the lists of things are not about the list's selection
        let about_selection = !matches!(
            self.views.first(),
            Some(View::WhoCan(_) | View::Findings(_) | View::Changes(_) | View::Lessons(_) | View::Trail(_))
        );
        // the inspector names its own principal, which need not be the selection's
        let inspector_first = matches!(self.views.first(), Some(View::Inspector));
        if let (true, false, Some(target)) = (about_selection, inspector_first, self.list.selection()) {
            crumbs.push(target.label(model));
        }
        crumbs.extend(self.views.iter().map(|v| match v {
            View::Inspector => format!("inspector: {}", self.inspector.field(Field::Principal)),
            v => v.crumb(model),
        }));
        // long trails keep their first step and their last two
        if crumbs.len() > 4 {
            let tail = crumbs.split_off(crumbs.len() - 2);
            crumbs.truncate(1);
            crumbs.push("…".to_owned());
            crumbs.extend(tail);
        }
        crumbs.join(" › ")
    }

    fn draw_header(&self, frame: &mut Frame<'_>) {
        let area = self.layout.header;
        let account = self.session.model().account();
        let name = account.alias.clone().unwrap_or_else(|| account.id.clone());
        let left = format!(" iamscope · {}  ›  {}", visible(&name), visible(&self.breadcrumbs()));
        let mut flags = String::new();
        if self.readonly() {
            flags.push_str("READ-ONLY  ");
        }
        let unsaved = self.session.changes().unsaved_count();
        if unsaved > 0 {
            flags.push_str(&format!("● {unsaved} unsaved  "));
        }
        // a long path is named by its file: the trail on the left matters more
        let file = self.session.name();
        let file = match std::path::Path::new(file).file_name().and_then(|f| f.to_str()) {
            Some(short) if width(file) > 30 => short,
            _ => file,
        };
        let right = format!("{flags}{}  ? help ", visible(file));
        let room = (area.width as usize).saturating_sub(width(&right) + 1);
        let line = Line::from(vec![
            Span::styled(pad(&left, room), self.theme.title),
            Span::raw(" "),
            Span::styled(right, self.theme.dim),
        ]);
        frame.render_widget(Paragraph::new(line), area);
    }

    fn draw_tabs(&self, frame: &mut Frame<'_>) {
        let mut spans = Vec::new();
        for (i, section) in Section::ALL.iter().enumerate() {
            let label = format!(" {} {} ", i + 1, tab_title(*section, self.layout.tab_tier));
            let style = if *section == self.list.section() {
                self.theme.tab_active
            } else {
                self.theme.tab
            };
            spans.push(Span::styled(label, style));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), self.layout.tabs);
    }

    fn draw_footer(&self, frame: &mut Frame<'_>) {
        let theme = &self.theme;
        let keys = &self.settings.keys;
        let line = if let Some(input) = &self.command {
            input_line(theme, ":", input, "Tab completes; enter runs")
        } else if let Some(input) = self.list.filtering() {
            list::filter_line(theme, input)
        } else if let Some(line) = self.inspector.typing_line(theme).filter(|_| self.popups.is_empty()) {
            line
        } else if let Some(editor) = &self.editor {
            match editor.message() {
                Some(m) => Line::from(Span::styled(format!(" {}", visible(m)), theme.warning)),
                None => {
                    // the way out first: what does not fit is left off the end
                    let key = |a: &Action| keys.first(Mode::Editor, a);
                    let hints = [
                        format!("{} leave", key(&Action::Cancel)),
                        format!("{} save (shows what changes)", key(&Action::Save)),
                        format!("{} undo", key(&Action::Undo)),
                        format!("{} redo", key(&Action::Redo)),
                        format!("{} complete", key(&Action::Complete)),
                        format!("{} new statement", key(&Action::Snippet)),
                        format!("{} format", key(&Action::Format)),
                        format!("{} next problem", key(&Action::NextProblem)),
                    ];
                    Line::from(Span::styled(
                        fit_hints(&hints, self.layout.footer.width as usize),
                        theme.dim,
                    ))
                }
            }
        } else if let Some(status) = &self.status {
            Line::from(Span::styled(format!(" {}", visible(status)), theme.warning))
        } else {
            let hints: &[(Action, &str)] = if self.learning.run.is_some() {
                &[
                    (Action::LessonNext, "next step"),
                    (Action::LessonBack, "back"),
                    (Action::LessonHint, "hint"),
                    (Action::Help, "help"),
                    (Action::Command, "command (:lesson quit leaves)"),
                ]
            } else {
                &[
                    (Action::Help, "help"),
                    (Action::Command, "command"),
                    (Action::Filter, "filter"),
                    (Action::Inspect, "inspect"),
                    (Action::WhoCan, "who can"),
                    (Action::RawJson, "json"),
                    (Action::Quit, "quit"),
                ]
            };
            let mut hints: Vec<String> = hints
                .iter()
                .map(|(a, label)| format!("{} {label}", keys.label(Mode::Normal, a)))
                .collect();
            // a learner's way in, from the first screen on
            if self.learning.run.is_none() && !self.learning.lessons.is_empty() {
                hints.insert(1, ":lessons learn IAM here".to_owned());
            }
            // the way out stays whatever else is left off
            let room = self.layout.footer.width as usize;
            let last = hints.pop().unwrap_or_default();
            let mut line = fit_hints(&hints, room.saturating_sub(width(&last) + 2));
            line.push_str(&format!(" {last} "));
            Line::from(Span::styled(line, theme.dim))
        };
        frame.render_widget(Paragraph::new(line), self.layout.footer);
    }
}

/// As many hints as fit in `room` columns, whole, in order.
fn fit_hints(hints: &[String], room: usize) -> String {
    let mut line = String::new();
    for hint in hints {
        if width(&line) + width(hint) + 2 > room {
            break;
        }
        line.push(' ');
        line.push_str(hint);
        line.push(' ');
    }
    line
}

/// `2 unsaved changes`.
fn changes_in_words(n: usize) -> String {
    format!("{n} unsaved change{}", if n == 1 { "" } else { "s" })
}
