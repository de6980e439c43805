//! The lessons pane: every lesson with the learner's progress; Enter starts
//! or resumes one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::lesson::Learning;
use super::pages::wrap;
use super::paint::block;
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
    /// The first lesson shown.
    offset: usize,
    /// Rows of the pane's body, and its width, from the last resize.
    height: usize,
    width: usize,
}

/// Where a lesson's summary starts, under its title.
const INDENT: usize = 6;

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

    /// A lesson's rows at `w` columns: its number, title and progress (the
    /// title wraps when it does not fit beside the progress), then its
    /// summary wrapped under it; nothing is cut.
    fn rows(&self, i: usize, w: usize) -> (Vec<String>, Vec<String>) {
        let entry = &self.entries[i];
        let mark = if entry.open { " (open)" } else { "" };
        // the first title row leaves room for the progress on its right
        let room = w.saturating_sub(INDENT + width(&entry.progress) + 1).max(20);
        let title = wrap(&format!("{}{mark}", entry.title), room)
            .into_iter()
            .enumerate()
            .map(|(n, row)| match n {
                0 => format!("{:>2}. {row}", i + 1),
                _ => format!("    {row}"),
            })
            .collect();
        let summary = wrap(&entry.summary, w.saturating_sub(INDENT).max(20))
            .into_iter()
            .map(|row| format!("{}{row}", " ".repeat(INDENT)))
            .collect();
        (title, summary)
    }

    fn height_of(&self, i: usize) -> usize {
        let (title, summary) = self.rows(i, self.width);
        title.len() + summary.len()
    }

    /// A click on a row of the pane's body.
    pub fn click(&mut self, row: usize) {
        let mut top = 0;
        for i in self.offset..self.entries.len() {
            top += self.height_of(i);
            if row < top {
                self.cursor = i;
                return;
            }
        }
    }
}

impl Component for LessonsPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let last = self.entries.len().saturating_sub(1) as isize;
        // a page is about as many lessons as a screen shows (three rows each)
        let page = (self.height / 3).max(1) as isize;
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
        self.height = area.height.saturating_sub(2) as usize;
        self.width = area.width.saturating_sub(2) as usize;
        // the cursor's lesson shown whole: scroll down until it fits
        self.offset = self.offset.min(self.cursor);
        while self.offset < self.cursor
            && (self.offset..=self.cursor).map(|i| self.height_of(i)).sum::<usize>() > self.height
        {
            self.offset += 1;
        }
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
        for i in self.offset..self.entries.len() {
            let (title, summary) = self.rows(i, w);
            if !lines.is_empty() && lines.len() + title.len() + summary.len() > height {
                break;
            }
            let entry = &self.entries[i];
            let selected = paint.focused && i == self.cursor;
            let style = if selected { theme.selection } else { theme.text };
            for (n, row) in title.into_iter().enumerate() {
                let row = format!("{} {row}", if selected && n == 0 { "▶" } else { " " });
                if n == 0 {
                    let head = fit(&row, w.saturating_sub(width(&entry.progress) + 1));
                    let pad = w.saturating_sub(width(&head) + width(&entry.progress));
                    lines.push(Line::from(vec![
                        Span::styled(head, style),
                        Span::raw(" ".repeat(pad)),
                        Span::styled(entry.progress.clone(), theme.dim),
                    ]));
                } else {
                    lines.push(Line::from(Span::styled(fit(&row, w), style)));
                }
            }
            for row in summary {
                lines.push(Line::from(Span::styled(fit(&row, w), theme.dim)));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
