//! The changes pane: the session's changes, oldest first, each saved or not.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::paint::{block, scrolled};
use super::text::{fit, visible};
use crate::session::Changes;

#[derive(Debug, Clone, Default)]
pub struct ChangesPane {
    /// Each change in words, and whether the file holds it.
    entries: Vec<(String, bool)>,
    unsaved: usize,
    cursor: usize,
    offset: usize,
    height: usize,
}

impl ChangesPane {
    pub fn new(changes: &Changes) -> ChangesPane {
        let mut pane = ChangesPane::default();
        pane.refresh(changes);
        pane
    }

    /// The changes as they are now.
    pub fn refresh(&mut self, changes: &Changes) {
        self.entries = changes
            .entries()
            .map(|(_, applied, saved)| (crate::model::change::describe(&applied.change), saved))
            .collect();
        self.unsaved = changes.unsaved_count();
        self.cursor = self.cursor.min(self.entries.len().saturating_sub(1));
    }
}

impl Component for ChangesPane {
    fn handle(&mut self, action: &Action, _ctx: &mut Ctx<'_>) -> Handled {
        let last = self.entries.len().saturating_sub(1) as isize;
        let page = self.height.max(1) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return Handled::Ignored,
        };
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.height = area.height.saturating_sub(2) as usize;
        self.offset = scrolled(self.cursor, self.offset, self.height);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let title = format!(
            " Changes this session ({}, {} unsaved) ",
            self.entries.len(),
            self.unsaved
        );
        let block = block(theme, title, paint.focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines: Vec<Line> = Vec::new();
        if self.entries.is_empty() {
            lines.push(Line::from(Span::styled(
                "No change yet. u undoes, ctrl-r redoes, :export script FILE writes them as AWS CLI commands.",
                theme.dim,
            )));
        }
        for (i, (text, saved)) in self
            .entries
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(inner.height as usize)
        {
            let selected = paint.focused && i == self.cursor;
            let line = format!(
                "{} {:>3}. {}  {text}",
                if selected { "▶" } else { " " },
                i + 1,
                if *saved { "saved  " } else { "unsaved" },
            );
            lines.push(Line::from(Span::styled(
                fit(&visible(&line), inner.width as usize),
                if selected { theme.selection } else { theme.text },
            )));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
