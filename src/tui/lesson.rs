//! Lessons in the explorer: the list with the learner's progress, a lesson
//! pane under the panes it talks about, steps that point at things in the
//! account, predictions the inspector then explains, tasks checked by the
//! engine after every change, hints one at a time, and the glossary.
//!
//! A lesson runs on its own account; the account that was open is put
//! aside, untouched, and comes back when the lesson is left.

use std::path::PathBuf;
use std::sync::Arc;

use super::app::{App, Focus, Overlay, View};
use super::edit::{Pick, PickItem, PickValue};
use super::sections::{Section, Target};
use crate::eval::Decision;
use crate::io::save::{Fingerprint, Journal};
use crate::lessons::{Answer, Glossary, Lesson, Look, Progress, Step};
use crate::model::Model;
use crate::model::change::History;

/// The account that was open before a lesson, kept aside as it was.
pub struct Stash {
    model: Arc<Model>,
    history: History,
    saved_at: usize,
    files: Vec<PathBuf>,
    fingerprints: Vec<Fingerprint>,
    source: String,
    journal: Option<Journal>,
    journal_path: Option<PathBuf>,
}

/// The lesson being followed.
pub struct LessonSession {
    /// Position in `App::lessons`.
    pub index: usize,
    pub step: usize,
    /// The engine's answer to the current predict step, once the learner guessed.
    pub revealed: Option<Decision>,
    /// The current do step's checks on the account as it is: passed, failed, or why not evaluable.
    pub checks: Vec<Result<bool, String>>,
    stash: Stash,
}

impl App {
    /// Lessons and where progress is kept (the CLI sets them up).
    pub fn set_lessons(&mut self, lessons: Vec<Lesson>, progress_path: Option<PathBuf>) {
        self.lessons = lessons;
        self.progress = match &progress_path {
            Some(path) => Progress::load(path).unwrap_or_else(|e| {
                self.status = Some(format!("lesson progress: {e}"));
                Progress::default()
            }),
            None => Progress::default(),
        };
        self.progress_path = progress_path;
    }

    fn save_progress(&mut self) {
        if let Some(path) = &self.progress_path
            && let Err(e) = self.progress.save(path)
        {
            self.status = Some(format!("cannot keep lesson progress: {e}"));
        }
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        self.lesson_session.as_ref().and_then(|s| self.lessons.get(s.index))
    }

    /// `:lessons`: the list, with progress.
    pub fn show_lessons(&mut self) {
        self.stack.retain(|v| !matches!(v, View::Lessons { .. }));
        let current = self.lesson_session.as_ref().map_or(0, |s| s.index);
        self.stack.push(View::Lessons {
            cursor: current,
            offset: 0,
        });
        self.focus = Focus::Right;
    }

    /// A line about the learner's progress in a lesson.
    pub fn progress_line(&self, lesson: &Lesson) -> String {
        let p = self.progress.of(&lesson.id);
        if p.finished {
            "✓ done".to_owned()
        } else if p.started() {
            format!("step {} of {}", p.step + 1, lesson.steps.len())
        } else {
            "not started".to_owned()
        }
    }

    /// Begin (or resume) a lesson: its account replaces the open one until it is left.
    pub fn start_lesson(&mut self, index: usize) {
        let Some(lesson) = self.lessons.get(index).cloned() else {
            return;
        };
        let model = match lesson.start_model(self.now) {
            Ok(m) => m,
            Err(e) => {
                self.status = Some(format!("lesson {}: {e}", lesson.id));
                return;
            }
        };
        let stash = match self.lesson_session.take() {
            // switching lessons: keep the account from before the first one
            Some(session) => {
                self.record_lesson_progress_of(&session);
                session.stash
            }
            None => Stash {
                model: Arc::clone(&self.model),
                history: std::mem::take(&mut self.history),
                saved_at: self.saved_at,
                files: std::mem::take(&mut self.files),
                fingerprints: std::mem::take(&mut self.fingerprints),
                source: self.source.clone(),
                journal: self.journal.take(),
                journal_path: self.journal_path.take(),
            },
        };
        self.history = History::default();
        self.saved_at = 0;
        self.source = format!("lesson: {}", lesson.title);
        // replay the learner's own changes from last time
        let progress = self.progress.of(&lesson.id);
        let mut model = model;
        let mut replayed = 0;
        for change in &progress.changes {
            if self.history.apply(&mut model, change.clone(), self.now).is_err() {
                break;
            }
            replayed += 1;
        }
        self.model = Arc::new(model);
        let step = progress.step.min(lesson.steps.len().saturating_sub(1));
        self.lesson_session = Some(LessonSession {
            index,
            step,
            revealed: None,
            checks: Vec::new(),
            stash,
        });
        self.reset_views();
        self.stack.clear();
        self.focus = Focus::List;
        self.enter_step();
        // the concept first
        self.overlay = Some(Overlay::Text {
            title: format!("Lesson: {}", lesson.title),
            lines: concept_lines(&lesson.concept),
            offset: 0,
        });
        self.status = Some(if replayed > 0 {
            format!(
                "resumed at step {} with your {replayed} change(s); ] next step, [ back, H hint",
                step + 1
            )
        } else {
            "] next step, [ back, H hint, :lesson quit leaves the lesson".to_owned()
        });
    }

    /// `:lesson quit`: back to the account that was open, as it was.
    pub fn leave_lesson(&mut self) {
        let Some(session) = self.lesson_session.take() else {
            self.status = Some("no lesson is open (:lessons lists them)".to_owned());
            return;
        };
        self.record_lesson_progress_of(&session);
        let stash = session.stash;
        self.model = stash.model;
        self.history = stash.history;
        self.saved_at = stash.saved_at;
        self.files = stash.files;
        self.fingerprints = stash.fingerprints;
        self.source = stash.source;
        self.journal = stash.journal;
        self.journal_path = stash.journal_path;
        self.reset_views();
        self.stack.clear();
        self.focus = Focus::List;
        self.status = Some("left the lesson; your progress is kept (:lessons)".to_owned());
    }

    fn record_lesson_progress_of(&mut self, session: &LessonSession) {
        let Some(lesson) = self.lessons.get(session.index) else {
            return;
        };
        let id = lesson.id.clone();
        let entry = self.progress.lessons.entry(id).or_default();
        entry.step = session.step;
        entry.changes = self.history.done().iter().map(|a| a.change.clone()).collect();
        self.save_progress();
    }

    fn record_lesson_progress(&mut self) {
        if let Some(session) = self.lesson_session.take() {
            self.record_lesson_progress_of(&session);
            self.lesson_session = Some(session);
        }
    }

    /// After the lesson's account changed: check the task again, keep progress.
    pub(super) fn lesson_model_changed(&mut self) {
        if self.lesson_session.is_none() {
            return;
        }
        let was_done = self.step_done();
        self.evaluate_checks();
        self.record_lesson_progress();
        if !was_done && self.step_done() {
            self.status = Some("✓ task done — the engine agrees. ] goes on".to_owned());
        }
    }

    fn current_step(&self) -> Option<(&Lesson, usize, &Step)> {
        let session = self.lesson_session.as_ref()?;
        let lesson = self.lessons.get(session.index)?;
        Some((lesson, session.step, lesson.steps.get(session.step)?))
    }

    fn evaluate_checks(&mut self) {
        let checks = match self.current_step() {
            Some((_, _, Step::Do { checks, .. })) => checks.iter().map(|c| c.evaluate(&self.model, self.now)).collect(),
            _ => Vec::new(),
        };
        if let Some(session) = &mut self.lesson_session {
            session.checks = checks;
        }
    }

    /// Whether the current step lets the learner go on.
    pub fn step_done(&self) -> bool {
        let Some(session) = &self.lesson_session else {
            return false;
        };
        match self.current_step() {
            Some((_, _, Step::Read { .. })) => true,
            Some((_, _, Step::Predict { .. })) => session.revealed.is_some(),
            Some((_, _, Step::Do { .. })) => {
                !session.checks.is_empty() && session.checks.iter().all(|c| matches!(c, Ok(true)))
            }
            None => false,
        }
    }

    /// Show what a step is about: its `look`, its checks, a prediction made before.
    fn enter_step(&mut self) {
        let Some((lesson, step, current)) = self.current_step() else {
            return;
        };
        let look = current.look().map(str::to_owned);
        let earlier = self.progress.of(&lesson.id).predictions.get(&step).copied();
        let request = match current {
            Step::Predict { request, .. } => Some(request.clone()),
            _ => None,
        };
        if let Some(session) = &mut self.lesson_session {
            session.revealed = None;
        }
        // a prediction made before stays made
        if let (Some(_), Some(request)) = (earlier, &request) {
            let decision = crate::lessons::check::decide(request, &self.model, self.now).ok();
            if let Some(session) = &mut self.lesson_session {
                session.revealed = decision;
            }
        }
        self.evaluate_checks();
        if let Some(look) = look {
            self.look_at(&look);
        }
    }

    /// Point the explorer at what a step names.
    fn look_at(&mut self, look: &str) {
        let Ok(look) = Look::parse(look) else {
            return;
        };
        let a = self.model.account();
        let (section, target) = match look {
            Look::Root => (Section::Root, Some(Target::Root)),
            Look::User(n) => (Section::Users, Some(Target::User(n))),
            Look::Group(n) => (Section::Groups, Some(Target::Group(n))),
            Look::Role(n) => (Section::Roles, Some(Target::Role(n))),
            Look::Policy(name) => (
                Section::Policies,
                a.policies
                    .iter()
                    .find(|p| p.name == name)
                    .map(|p| Target::Policy(p.arn.to_string())),
            ),
            Look::IdentityPool(n) => (
                Section::IdentityPools,
                a.identity_pools
                    .iter()
                    .find(|p| p.name == n || p.id == n)
                    .map(|p| Target::IdentityPool(p.id.clone())),
            ),
            Look::UserPool(n) => (
                Section::UserPools,
                a.user_pools
                    .iter()
                    .find(|p| p.name == n || p.id == n)
                    .map(|p| Target::UserPool(p.id.clone())),
            ),
            Look::Resource(arn) => (
                Section::ResourcePolicies,
                a.resource_policies
                    .iter()
                    .position(|p| p.resource_arn == arn)
                    .map(Target::ResourcePolicy),
            ),
            Look::Section(name) => match section_named(&name) {
                Some(s) => (s, None),
                None => return,
            },
        };
        self.reveal(section, target);
    }

    /// Show a section, its filter cleared, with `target` selected.
    pub(super) fn reveal(&mut self, section: Section, target: Option<Target>) {
        self.lists.entry(section).or_default().filter.clear();
        self.show_section(section);
        if let Some(target) = target {
            let position = self
                .rows(section)
                .iter()
                .position(|r| r.target == target)
                .and_then(|row| self.list().visible.iter().position(|&v| v == row));
            if let Some(i) = position {
                self.select(i);
            }
        }
    }

    /// `]`: on to the next step, when this one is done.
    pub fn lesson_next(&mut self) {
        let Some((lesson, step, current)) = self.current_step() else {
            self.status = Some("no lesson is open: :lessons lists them".to_owned());
            return;
        };
        let (id, steps) = (lesson.id.clone(), lesson.steps.len());
        match current {
            Step::Predict { request, .. } if !self.step_done() => {
                let title = format!("Predict: will AWS allow {}?", request.describe());
                let items = vec![
                    PickItem {
                        label: "Allow".to_owned(),
                        value: PickValue::Prediction(Answer::Allow),
                    },
                    PickItem {
                        label: "Deny".to_owned(),
                        value: PickValue::Prediction(Answer::Deny),
                    },
                ];
                self.overlay = Some(Overlay::Picker {
                    title,
                    shown: vec![0, 1],
                    items,
                    filter: super::input::LineInput::default(),
                    cursor: 0,
                    pick: Pick::Prediction,
                });
                return;
            }
            Step::Do { .. } if !self.step_done() => {
                let failing = self
                    .lesson_session
                    .as_ref()
                    .map_or(0, |s| s.checks.iter().filter(|c| !matches!(c, Ok(true))).count());
                self.status = Some(format!(
                    "not done yet: {failing} check{} to go (H shows a hint)",
                    if failing == 1 { "" } else { "s" }
                ));
                return;
            }
            _ => {}
        }
        let progress = self.progress.lessons.entry(id).or_default();
        progress.completed.insert(step);
        if step + 1 >= steps {
            progress.finished = true;
            self.save_progress();
            self.status = Some("✓ lesson complete. :lessons for the next one, :lesson quit to leave".to_owned());
            return;
        }
        if let Some(session) = &mut self.lesson_session {
            session.step += 1;
        }
        self.enter_step();
        self.record_lesson_progress();
    }

    /// `[`: back a step, to read it again.
    pub fn lesson_back(&mut self) {
        match &mut self.lesson_session {
            Some(session) if session.step > 0 => session.step -= 1,
            Some(_) => return,
            None => {
                self.status = Some("no lesson is open: :lessons lists them".to_owned());
                return;
            }
        }
        self.enter_step();
        self.record_lesson_progress();
    }

    /// `H`: one more hint for the current task.
    pub fn lesson_hint(&mut self) {
        let Some((lesson, step, current)) = self.current_step() else {
            self.status = Some("no lesson is open: :lessons lists them".to_owned());
            return;
        };
        let Step::Do { hints, .. } = current else {
            self.status = Some("hints come with tasks; this step has none".to_owned());
            return;
        };
        let total = hints.len();
        let id = lesson.id.clone();
        let shown = self
            .progress
            .lessons
            .entry(id)
            .or_default()
            .hints
            .entry(step)
            .or_default();
        if *shown < total {
            *shown += 1;
            let n = *shown;
            self.status = Some(format!("hint {n} of {total} shown in the lesson pane"));
        } else {
            self.status = Some("no more hints: every check in the lesson pane says what is missing".to_owned());
        }
        self.save_progress();
    }

    /// The learner's guess: record it, reveal the engine's answer, explain it.
    pub(super) fn predicted(&mut self, answer: Answer) {
        let Some((lesson, step, Step::Predict { request, .. })) = self.current_step() else {
            return;
        };
        let (id, request) = (lesson.id.clone(), request.clone());
        let decision = match crate::lessons::check::decide(&request, &self.model, self.now) {
            Ok(d) => d,
            Err(e) => {
                self.status = Some(format!("the engine cannot answer {}: {e}", request.describe()));
                return;
            }
        };
        let progress = self.progress.lessons.entry(id).or_default();
        progress.predictions.insert(step, answer);
        progress.completed.insert(step);
        self.save_progress();
        if let Some(session) = &mut self.lesson_session {
            session.revealed = Some(decision);
        }
        // the inspector shows why
        self.explain_spec(&request);
        self.status = Some(if Answer::of(decision) == answer {
            format!(
                "right: AWS decides {}. The inspector shows why; ] goes on",
                decision.as_str()
            )
        } else {
            format!(
                "not this time: AWS decides {}. The inspector shows why; ] goes on",
                decision.as_str()
            )
        });
    }

    /// `:lesson reset [ID]`: forget progress (of one lesson, or all).
    pub fn reset_lesson_progress(&mut self, id: Option<&str>) {
        if let Some(id) = id
            && !self.lessons.iter().any(|l| l.id == id)
        {
            self.status = Some(format!("no lesson `{id}` (:lessons lists them)"));
            return;
        }
        self.progress.reset(id);
        self.save_progress();
        self.status = Some(match id {
            Some(id) => format!("progress of {id} reset"),
            None => "progress of every lesson reset".to_owned(),
        });
        // the open lesson starts over too
        if let Some(index) = self.lesson_session.as_ref().map(|s| s.index)
            && id.is_none_or(|id| self.lessons[index].id == id)
        {
            self.history = History::default();
            if let Some(session) = &mut self.lesson_session {
                session.step = 0;
            }
            if let Ok(model) = self.lessons[index].start_model(self.now) {
                self.model = Arc::new(model);
                self.reset_views();
            }
            self.enter_step();
        }
    }

    /// `:glossary [TERM]`.
    pub fn show_glossary(&mut self, term: Option<&str>) {
        let glossary = Glossary::embedded();
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
            lines.extend(super::detail::wrap(&t.text, 76).into_iter().map(|l| format!("    {l}")));
            lines.push(String::new());
        }
        self.overlay = Some(Overlay::Text {
            title: "Glossary".to_owned(),
            lines,
            offset,
        });
    }

    /// The lesson pane's text for a width: the step's text, then what
    /// matters most (the answer, the checks, the hints), which a short pane
    /// keeps whole while the text above it is cut.
    pub fn lesson_lines(&self, width: usize) -> (PaneLines, PaneLines) {
        let Some((lesson, step, current)) = self.current_step() else {
            return (Vec::new(), Vec::new());
        };
        let session = self.lesson_session.as_ref().expect("a step has a session");
        let head: Vec<(String, LessonTone)> = super::detail::wrap(&current.text().trim().replace('\n', " "), width)
            .into_iter()
            .map(|l| (l, LessonTone::Text))
            .collect();
        let mut out = Vec::new();
        if let Some(look) = current.look() {
            out.push((format!("look at: {look}"), LessonTone::Dim));
        }
        match current {
            Step::Read { .. } => out.push(("] when you have read it".to_owned(), LessonTone::Dim)),
            Step::Predict { because, .. } => match session.revealed {
                None => out.push(("] to give your answer: Allow or Deny".to_owned(), LessonTone::Dim)),
                Some(decision) => {
                    let said = self.progress.of(&lesson.id).predictions.get(&step).copied();
                    let right = said == Some(Answer::of(decision));
                    out.push((
                        format!(
                            "{} You said {}; AWS decides {}.",
                            if right { "✓" } else { "✗" },
                            said.map_or("—", Answer::as_str),
                            decision.as_str()
                        ),
                        if right { LessonTone::Pass } else { LessonTone::Fail },
                    ));
                    if let Some(because) = because {
                        for l in super::detail::wrap(&because.trim().replace('\n', " "), width) {
                            out.push((l, LessonTone::Text));
                        }
                    }
                }
            },
            Step::Do { checks, hints, .. } => {
                for (check, result) in checks.iter().zip(&session.checks) {
                    let (mark, tone) = match result {
                        Ok(true) => ("✓ done   ", LessonTone::Pass),
                        Ok(false) => ("✗ not yet", LessonTone::Fail),
                        Err(_) => ("✗ not yet", LessonTone::Fail),
                    };
                    out.push((format!("{mark} {}", check.describe()), tone));
                }
                let shown = self.progress.of(&lesson.id).hints.get(&step).copied().unwrap_or(0);
                for (i, hint) in hints.iter().take(shown).enumerate() {
                    for (j, l) in super::detail::wrap(hint.trim(), width.saturating_sub(8))
                        .into_iter()
                        .enumerate()
                    {
                        let prefix = if j == 0 {
                            format!("hint {}: ", i + 1)
                        } else {
                            "        ".to_owned()
                        };
                        out.push((format!("{prefix}{l}"), LessonTone::Dim));
                    }
                }
            }
        }
        (head, out)
    }

    /// `:lesson text`: the current step's whole text.
    pub fn show_step_text(&mut self) {
        let Some((_, step, current)) = self.current_step() else {
            self.status = Some("no lesson is open: :lessons lists them".to_owned());
            return;
        };
        let title = format!("Step {} ({})", step + 1, current.kind());
        let lines = super::detail::wrap(&current.text().trim().replace('\n', " "), 76);
        self.overlay = Some(Overlay::Text {
            title,
            lines,
            offset: 0,
        });
    }
}

/// Lines of the lesson pane with how each is shown.
pub type PaneLines = Vec<(String, LessonTone)>;

/// How a line of the lesson pane is shown (never colour alone: each has a mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonTone {
    Text,
    Dim,
    Pass,
    Fail,
}

fn concept_lines(concept: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in concept.trim().split("\n\n") {
        lines.extend(super::detail::wrap(&paragraph.replace('\n', " "), 76));
        lines.push(String::new());
    }
    lines.push("Esc closes this; :lesson concept shows it again.".to_owned());
    lines
}

fn section_named(name: &str) -> Option<Section> {
    Some(match name {
        "users" => Section::Users,
        "groups" => Section::Groups,
        "roles" => Section::Roles,
        "policies" => Section::Policies,
        "root" => Section::Root,
        "pools" => Section::IdentityPools,
        "userpools" => Section::UserPools,
        "resources" => Section::ResourcePolicies,
        "org" => Section::OrgPolicies,
        _ => return None,
    })
}

impl App {
    /// `:lesson concept`: the current lesson's concept again.
    pub fn show_concept(&mut self) {
        match self.lesson().cloned() {
            Some(lesson) => {
                self.overlay = Some(Overlay::Text {
                    title: format!("Lesson: {}", lesson.title),
                    lines: concept_lines(&lesson.concept),
                    offset: 0,
                })
            }
            None => self.status = Some("no lesson is open: :lessons lists them".to_owned()),
        }
    }
}
