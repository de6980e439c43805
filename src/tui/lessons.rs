//! The lessons pane: every lesson with the learner's progress; Enter starts
//! or resumes one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::lesson::Learning;
use super::paint::{block, scrolled};
use super::text::{fit, width};

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    id: String,
    title: String,
    summary: String,
    progress: String,
    open: bool,
}

#[derive(Debug, Clone, Default)]
pub struct LessonsPane {
    entries: Vec<Entry>,
    cursor: usize,
    offset: usize,
    height: usize,
}

impl LessonsPane {
    /// The list, the cursor on the open lesson.
    pub fn new(learning: &Learning) -> LessonsPane {
        let mut pane = LessonsPane::default();
        pane.refresh(learning);
        pane.cursor = learning.run.as_ref().map_or(0, |r| r.index);
        pane
    }

    /// Progress as it is now.
    pub fn refresh(&mut self, learning: &Learning) {
        let open = learning.run.as_ref().map(|r| r.index);
        self.entries = learning
            .lessons
            .iter()
            .enumerate()
            .map(|(i, lesson)| Entry {
                id: lesson.id.clone(),
                title: lesson.title.clone(),
                summary: lesson.summary.clone(),
                progress: learning.progress_line(lesson),
                open: open == Some(i),
            })
            .collect();
        self.cursor = self.cursor.min(self.entries.len().saturating_sub(1));
    }

    /// A click on a row of the pane's body (two rows a lesson).
    pub fn click(&mut self, row: usize) {
        self.cursor = (self.offset + row / 2).min(self.entries.len().saturating_sub(1));
    }
}

impl Component for LessonsPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let last = self.entries.len().saturating_sub(1) as isize;
        let page = self.height.max(1) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Open => {
                if let Some(entry) = self.entries.get(self.cursor) {
                    ctx.queue.push(Action::StartLesson(entry.id.clone()));
                }
                return Handled::Consumed;
            }
            _ => return Handled::Ignored,
        };
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        // two rows a lesson
        self.height = (area.height.saturating_sub(2) / 2) as usize;
        self.offset = scrolled(self.cursor, self.offset, self.height);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let title = format!(" Lessons ({}; enter starts or resumes one) ", self.entries.len());
        let block = block(theme, title, paint.focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = inner.height as usize;
        let w = inner.width as usize;
        let mut lines: Vec<Line> = Vec::new();
        for (i, entry) in self.entries.iter().enumerate().skip(self.offset) {
            if lines.len() + 2 > height {
                break;
            }
            let selected = paint.focused && i == self.cursor;
            let mark = if entry.open { " (open)" } else { "" };
            let head = format!(
                "{} {:>2}. {}{mark}",
                if selected { "▶" } else { " " },
                i + 1,
                entry.title
            );
            let head = fit(&head, w.saturating_sub(width(&entry.progress) + 1));
            let pad = w.saturating_sub(width(&head) + width(&entry.progress));
            lines.push(Line::from(vec![
                Span::styled(head, if selected { theme.selection } else { theme.text }),
                Span::raw(" ".repeat(pad)),
                Span::styled(entry.progress.clone(), theme.dim),
            ]));
            lines.push(Line::from(Span::styled(
                fit(&format!("      {}", entry.summary), w),
                theme.dim,
            )));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
