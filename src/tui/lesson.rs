//! Lessons in the explorer, apart from drawing: the lessons and the
//! learner's progress, the lesson being followed (its step, the revealed
//! answer of a prediction, the task's checks), and what each step asks of
//! the explorer — where to look, which question the inspector shows.
//!
//! A lesson runs on its own account (a session of its own); the account
//! that was open is put aside, untouched, and comes back when the lesson is
//! left. The lesson's changes are kept in the progress file as they happen.

use std::path::PathBuf;

use jiff::Timestamp;

use super::ask::{Pick, PickItem, PickValue};
use super::sections::{Section, Target};
use crate::eval::{Decision, RequestSpec};
use crate::lessons::{Answer, Lesson, Look, Progress, Step};
use crate::model::{EntityRef, Model};
use crate::session::Session;

/// The lesson being followed.
pub struct LessonRun {
    /// Position in the lessons.
    pub index: usize,
    pub step: usize,
    /// The engine's answer to the current predict step, once the learner guessed.
    pub revealed: Option<Decision>,
    /// The current do step's checks on the account as it is: passed,
    /// failed, or why not evaluable.
    pub checks: Vec<Result<bool, String>>,
    /// The account that was open before the lesson, as it was.
    pub stash: Session,
}

/// What entering a step asks of the explorer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepEntry {
    /// The list to show and the row to select.
    pub look: Option<(Section, Option<Target>)>,
    /// An answered prediction: its question, for the inspector.
    pub ask: Option<RequestSpec>,
}

/// What `]` does.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// The prediction is to be made first: the picker.
    Predict {
        title: String,
        items: Vec<PickItem>,
        pick: Pick,
    },
    /// The task is not done: how many checks fail.
    NotDone(usize),
    /// On to the next step.
    Entered(StepEntry),
    /// That was the last step.
    Complete,
}

/// A line of the lesson pane and how it is shown (never colour alone:
/// each has a word or a mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonTone {
    Text,
    Dim,
    Pass,
    Fail,
}

/// What the lesson pane shows, before it is wrapped to its width.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonView {
    pub title: String,
    /// The step's text.
    pub text: String,
    /// What matters most, kept whole when the pane is short: where to
    /// look, the answer, the checks, the hints. Each is a paragraph with a
    /// lead (`✓ done   `, `hint 1: `) that its wrapped lines hang under.
    pub tail: Vec<(String, String, LessonTone)>,
}

/// The lessons, the learner's progress and the lesson being followed.
pub struct Learning {
    pub lessons: Vec<Lesson>,
    pub progress: Progress,
    pub path: Option<PathBuf>,
    pub run: Option<LessonRun>,
}

impl Default for Learning {
    fn default() -> Learning {
        Learning {
            lessons: Lesson::embedded(),
            progress: Progress::default(),
            path: None,
            run: None,
        }
    }
}

impl Learning {
    /// Lessons, and where progress is kept; a progress file that cannot be
    /// read is said, and the lessons start afresh.
    pub fn new(lessons: Vec<Lesson>, path: Option<PathBuf>) -> (Learning, Option<String>) {
        let mut problem = None;
        let progress = match &path {
            Some(path) => Progress::load(path).unwrap_or_else(|e| {
                problem = Some(format!("lesson progress: {e}"));
                Progress::default()
            }),
            None => Progress::default(),
        };
        (
            Learning {
                lessons,
                progress,
                path,
                run: None,
            },
            problem,
        )
    }

    /// Write the progress; whether it is kept (no data folder: it is not).
    pub fn save(&self) -> Result<bool, String> {
        match &self.path {
            Some(path) => self.progress.save(path).map(|()| true),
            None => Ok(false),
        }
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        self.lessons.get(self.run.as_ref()?.index)
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.lessons.iter().position(|l| l.id == id)
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

    fn current(&self) -> Option<(&Lesson, usize, &Step)> {
        let run = self.run.as_ref()?;
        let lesson = self.lessons.get(run.index)?;
        Some((lesson, run.step, lesson.steps.get(run.step)?))
    }

    /// The lesson's account to start from, with the learner's changes of
    /// last time replayed, and the step to resume at.
    pub fn begin(&self, index: usize, now: Timestamp) -> Result<(Session, usize, usize), String> {
        let lesson = self.lessons.get(index).ok_or("no such lesson")?;
        let model = lesson
            .start_model(now)
            .map_err(|e| format!("lesson {}: {e}", lesson.id))?;
        let mut session = Session::lesson(model, &lesson.id, &lesson.title, now);
        let progress = self.progress.of(&lesson.id);
        let mut replayed = 0;
        for change in &progress.changes {
            if session.apply(change.clone(), now).is_err() {
                break;
            }
            replayed += 1;
        }
        session.mark_kept(now);
        let step = progress.step.min(lesson.steps.len().saturating_sub(1));
        Ok((session, step, replayed))
    }

    /// Keep the lesson's step and changes in the progress file.
    pub fn record(&mut self, session: &Session) -> Result<bool, String> {
        let Some(run) = &self.run else {
            return Ok(false);
        };
        let Some(lesson) = self.lessons.get(run.index) else {
            return Ok(false);
        };
        let entry = self.progress.lessons.entry(lesson.id.clone()).or_default();
        entry.step = run.step;
        entry.changes = session.changes().done().iter().map(|a| a.change.clone()).collect();
        self.save()
    }

    /// Whether the current step lets the learner go on.
    pub fn step_done(&self) -> bool {
        let Some(run) = &self.run else {
            return false;
        };
        match self.current() {
            Some((_, _, Step::Read { .. })) => true,
            Some((_, _, Step::Predict { .. })) => run.revealed.is_some(),
            Some((_, _, Step::Do { .. })) => !run.checks.is_empty() && run.checks.iter().all(|c| matches!(c, Ok(true))),
            None => false,
        }
    }

    /// The task's checks on the account as it is now.
    pub fn check(&mut self, model: &Model, now: Timestamp) {
        let checks = match self.current() {
            Some((_, _, Step::Do { checks, .. })) => checks.iter().map(|c| c.evaluate(model, now)).collect(),
            _ => Vec::new(),
        };
        if let Some(run) = &mut self.run {
            run.checks = checks;
        }
    }

    /// Enter the current step: its checks, a prediction made before, where
    /// it points.
    pub fn enter(&mut self, model: &Model, now: Timestamp) -> StepEntry {
        let Some((lesson, step, current)) = self.current() else {
            return StepEntry::default();
        };
        let earlier = self.progress.of(&lesson.id).predictions.get(&step).copied();
        let look = current.look().and_then(|l| look_at(model, l));
        let request = match current {
            Step::Predict { request, .. } => Some(request.clone()),
            _ => None,
        };
        // a prediction made before stays made, and its question is asked again
        let answered = earlier.and(request);
        let revealed = answered
            .as_ref()
            .and_then(|r| crate::lessons::check::decide(r, model, now).ok());
        if let Some(run) = &mut self.run {
            run.revealed = revealed;
        }
        self.check(model, now);
        StepEntry {
            look,
            ask: answered.filter(|_| revealed.is_some()),
        }
    }

    /// `]`: the prediction first, the task done first, then the next step.
    pub fn next(&mut self, model: &Model, now: Timestamp) -> Result<Next, String> {
        let Some((lesson, step, current)) = self.current() else {
            return Err("no lesson is open: :lessons lists them".to_owned());
        };
        let (id, steps) = (lesson.id.clone(), lesson.steps.len());
        match current {
            Step::Predict { request, .. } if !self.step_done() => {
                return Ok(Next::Predict {
                    title: format!("Predict: will AWS allow {}?", request.describe()),
                    items: vec![
                        PickItem::new("Allow", PickValue::Prediction(Answer::Allow)),
                        PickItem::new("Deny", PickValue::Prediction(Answer::Deny)),
                    ],
                    pick: Pick::Prediction,
                });
            }
            Step::Do { .. } if !self.step_done() => {
                let failing = self
                    .run
                    .as_ref()
                    .map_or(0, |r| r.checks.iter().filter(|c| !matches!(c, Ok(true))).count());
                return Ok(Next::NotDone(failing));
            }
            _ => {}
        }
        let progress = self.progress.lessons.entry(id).or_default();
        progress.completed.insert(step);
        if step + 1 >= steps {
            progress.finished = true;
            return Ok(Next::Complete);
        }
        if let Some(run) = &mut self.run {
            run.step += 1;
        }
        Ok(Next::Entered(self.enter(model, now)))
    }

    /// `[`: back a step, to read it again.
    pub fn back(&mut self, model: &Model, now: Timestamp) -> Result<Option<StepEntry>, String> {
        match &mut self.run {
            Some(run) if run.step > 0 => run.step -= 1,
            Some(_) => return Ok(None),
            None => return Err("no lesson is open: :lessons lists them".to_owned()),
        }
        Ok(Some(self.enter(model, now)))
    }

    /// `H`: one more hint; which one, of how many, and its text.
    pub fn hint(&mut self) -> Result<(usize, usize, String), String> {
        let Some((lesson, step, current)) = self.current() else {
            return Err("no lesson is open: :lessons lists them".to_owned());
        };
        let Step::Do { hints, .. } = current else {
            return Err("hints come with tasks; this step has none".to_owned());
        };
        let hints = hints.clone();
        let id = lesson.id.clone();
        let shown = self
            .progress
            .lessons
            .entry(id)
            .or_default()
            .hints
            .entry(step)
            .or_default();
        if *shown >= hints.len() {
            return Err("no more hints: every check in the lesson pane says what is missing".to_owned());
        }
        *shown += 1;
        Ok((*shown, hints.len(), hints[*shown - 1].trim().to_owned()))
    }

    /// The learner's guess: recorded, and the engine's answer revealed.
    /// The request and whether the guess was right.
    pub fn predicted(
        &mut self,
        answer: Answer,
        model: &Model,
        now: Timestamp,
    ) -> Result<(RequestSpec, Decision, bool), String> {
        let Some((lesson, step, Step::Predict { request, .. })) = self.current() else {
            return Err("this step asks for no prediction".to_owned());
        };
        let (id, request) = (lesson.id.clone(), request.clone());
        let decision = crate::lessons::check::decide(&request, model, now)
            .map_err(|e| format!("the engine cannot answer {}: {e}", request.describe()))?;
        let progress = self.progress.lessons.entry(id).or_default();
        progress.predictions.insert(step, answer);
        progress.completed.insert(step);
        if let Some(run) = &mut self.run {
            run.revealed = Some(decision);
        }
        Ok((request, decision, Answer::of(decision) == answer))
    }

    /// What the lesson pane shows for the current step.
    pub fn view(&self) -> Option<LessonView> {
        let (lesson, step, current) = self.current()?;
        let run = self.run.as_ref()?;
        let title = format!(
            " Step {}/{} {} · {} (lesson {} of {}) ",
            step + 1,
            lesson.steps.len(),
            current.kind(),
            lesson.title,
            run.index + 1,
            self.lessons.len(),
        );
        let mut tail = Vec::new();
        let mut push = |lead: &str, text: String, tone| tail.push((lead.to_owned(), text, tone));
        if let Some(look) = current.look() {
            push("look at: ", look.to_owned(), LessonTone::Dim);
        }
        match current {
            Step::Read { .. } => push("", "] when you have read it".to_owned(), LessonTone::Dim),
            Step::Predict { because, .. } => match run.revealed {
                None => push("", "] to give your answer: Allow or Deny".to_owned(), LessonTone::Dim),
                Some(decision) => {
                    let said = self.progress.of(&lesson.id).predictions.get(&step).copied();
                    let right = said == Some(Answer::of(decision));
                    push(
                        if right { "✓ " } else { "✗ " },
                        format!(
                            "You said {}; AWS decides {}.",
                            said.map_or("—", Answer::as_str),
                            decision.as_str()
                        ),
                        if right { LessonTone::Pass } else { LessonTone::Fail },
                    );
                    if let Some(because) = because {
                        push("", because.trim().replace('\n', " "), LessonTone::Text);
                    }
                }
            },
            Step::Do { checks, hints, .. } => {
                for (check, result) in checks.iter().zip(&run.checks) {
                    let (lead, tone) = match result {
                        Ok(true) => ("✓ done    ", LessonTone::Pass),
                        _ => ("✗ not yet ", LessonTone::Fail),
                    };
                    push(lead, check.describe(), tone);
                }
                let shown = self.progress.of(&lesson.id).hints.get(&step).copied().unwrap_or(0);
                for (i, hint) in hints.iter().take(shown).enumerate() {
                    push(
                        &format!("hint {}: ", i + 1),
                        hint.trim().replace('\n', " "),
                        LessonTone::Dim,
                    );
                }
            }
        }
        Some(LessonView {
            title,
            text: current.text().trim().replace('\n', " "),
            tail,
        })
    }

    /// `:lesson text`: the step whole — its text, then the rest of the pane.
    pub fn step_text(&self) -> Option<(String, Vec<String>)> {
        let (_, step, current) = self.current()?;
        let view = self.view()?;
        let mut lines = super::pages::wrap(&view.text, 76);
        lines.push(String::new());
        for (lead, text, _) in &view.tail {
            let indent = " ".repeat(super::text::width(lead));
            for (i, line) in super::pages::wrap(text, 76 - indent.len()).into_iter().enumerate() {
                lines.push(if i == 0 {
                    format!("{lead}{line}")
                } else {
                    format!("{indent}{line}")
                });
            }
        }
        Some((format!("Step {} ({})", step + 1, current.kind()), lines))
    }
}

/// Where a step's `look` points: the list, and the row.
fn look_at(model: &Model, look: &str) -> Option<(Section, Option<Target>)> {
    let a = model.account();
    let look = Look::parse(look).ok()?;
    let entity = match look {
        Look::Root => EntityRef::Root,
        Look::User(n) => EntityRef::user(n),
        Look::Group(n) => EntityRef::group(n),
        Look::Role(n) => EntityRef::role(n),
        Look::Policy(name) => match a.policies.iter().find(|p| p.name == name) {
            Some(p) => EntityRef::managed_policy(p.arn.to_string()),
            None => return Some((Section::Policies, None)),
        },
        Look::IdentityPool(n) => match a.identity_pools.iter().find(|p| p.name == n || p.id == n) {
            Some(p) => EntityRef::IdentityPool { id: p.id.clone() },
            None => return Some((Section::IdentityPools, None)),
        },
        Look::UserPool(n) => match a.user_pools.iter().find(|p| p.name == n || p.id == n) {
            Some(p) => EntityRef::UserPool { id: p.id.clone() },
            None => return Some((Section::UserPools, None)),
        },
        Look::Resource(arn) => EntityRef::ResourcePolicy { resource_arn: arn },
        Look::Section(name) => return Section::named(&name).map(|s| (s, None)),
    };
    Some((Section::of(&entity)?, Some(Target::Entity(entity))))
}

/// The concept of a lesson, in paragraphs, for the text box.
pub fn concept_lines(concept: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in concept.trim().split("\n\n") {
        lines.extend(super::pages::wrap(&paragraph.replace('\n', " "), 76));
        lines.push(String::new());
    }
    lines.push("Esc closes this; :lesson concept shows it again.".to_owned());
    lines
}
