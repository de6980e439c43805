//! The lesson pane, under the panes it talks about: the step's text, then
//! what matters most — the answer, the checks, the hints — which are kept
//! whole (wrapped, never cut) while the text above them is cut when the
//! pane is short.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::lesson::{LessonTone, LessonView};
use super::pages::wrap;
use super::paint::block;
use super::text::{fit, visible, width};

#[derive(Debug, Clone, Default)]
pub struct LessonPane {
    view: LessonView,
    /// The step's text and the tail, wrapped to the pane's width.
    head: Vec<String>,
    tail: Vec<(String, LessonTone)>,
    width: usize,
}

impl LessonPane {
    /// What the pane shows, as the lesson is now.
    pub fn set(&mut self, view: LessonView) {
        if self.view != view {
            self.view = view;
            self.wrap(self.width);
        }
    }

    fn wrap(&mut self, width: usize) {
        self.width = width;
        let width = width.max(20);
        self.head = wrap(&self.view.text, width);
        self.tail.clear();
        for (lead, text, tone) in &self.view.tail {
            let indent = super::text::width(lead);
            for (i, line) in wrap(text, width.saturating_sub(indent).max(10)).into_iter().enumerate() {
                let line = if i == 0 {
                    format!("{lead}{line}")
                } else {
                    format!("{}{line}", " ".repeat(indent))
                };
                self.tail.push((line, *tone));
            }
        }
    }

    /// The rows the pane wants for a width: its text and its tail, in a
    /// border. The tail is never to be cut when there is room for it.
    pub fn wanted(&mut self, width: u16) -> (u16, u16) {
        self.wrap(width.saturating_sub(2) as usize);
        let tail = self.tail.len() as u16 + 2;
        (self.head.len() as u16 + tail, tail)
    }

    /// Rows of the tail that do not fit in `height` (the last shown first).
    pub fn hidden(&self, height: u16) -> usize {
        self.tail.len().saturating_sub(height.saturating_sub(2) as usize)
    }
}

impl Component for LessonPane {
    fn handle(&mut self, _action: &Action, _ctx: &mut Ctx<'_>) -> Handled {
        Handled::Ignored
    }

    fn resize(&mut self, area: Rect) {
        let width = area.width.saturating_sub(2) as usize;
        if width != self.width {
            self.wrap(width);
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let block = block(
            theme,
            fit(&self.view.title, area.width.saturating_sub(2) as usize),
            false,
        );
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = inner.height as usize;
        // the tail whole when it fits (its end when it does not); the text above it cut
        let tail_shown = self.tail.len().min(height);
        let tail = &self.tail[self.tail.len() - tail_shown..];
        let room = height - tail_shown;
        let mut head: Vec<String> = self.head.iter().take(room).cloned().collect();
        if self.head.len() > room
            && let Some(last) = head.last_mut()
        {
            let note = " … (:lesson text)";
            *last = format!(
                "{}{note}",
                fit(last, (inner.width as usize).saturating_sub(width(note)))
            );
        }
        let lines: Vec<Line> = head
            .into_iter()
            .map(|text| (text, LessonTone::Text))
            .chain(tail.iter().cloned())
            .map(|(text, tone)| {
                let style = match tone {
                    LessonTone::Text => theme.text,
                    LessonTone::Dim => theme.dim,
                    LessonTone::Pass => theme.allow,
                    LessonTone::Fail => theme.warning,
                };
                Line::from(Span::styled(fit(&visible(&text), inner.width as usize), style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
