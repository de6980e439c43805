//! The detail pane: one page of the account (a user, a policy at a line,
//! what a principal can do), with a cursor on its lines; Enter follows the
//! link under the cursor. The page is made when the pane opens and again
//! when the account changes, never while drawing.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::pages::{self, Doc};
use super::paint::{block, fit_spans, scrolled};
use super::sections::Target;
use super::text::visible;
use crate::model::Model;

/// What a page says when what it shows is gone.
const GONE: &str = "(not found: the account may have changed)";

#[derive(Debug, Clone)]
pub struct DetailPane {
    target: Option<Target>,
    doc: Option<Doc>,
    cursor: usize,
    offset: usize,
    height: usize,
    /// The first row to show once the height is known (opened at a line).
    anchor: Option<usize>,
}

impl DetailPane {
    /// A page of `target`, the cursor on its first line.
    pub fn new(model: &Model, target: Target, now: Timestamp) -> DetailPane {
        let doc = pages::doc(model, &target, now);
        DetailPane {
            target: Some(target),
            doc: Some(doc),
            cursor: 0,
            offset: 0,
            height: 10,
            anchor: None,
        }
    }

    /// The page of `target` with the cursor on a line of its policy document (1-based).
    pub fn at_line(model: &Model, target: Target, line: usize, now: Timestamp) -> DetailPane {
        let mut pane = DetailPane::new(model, target, now);
        if let Some(doc) = &pane.doc {
            let start = pages::document_offset(doc);
            pane.cursor = start + line.saturating_sub(1);
            pane.cursor = pane.cursor.min(doc.lines.len().saturating_sub(1));
            // the statement from its first line (and the one before, for
            // context), once the pane's height is known
            let statement = doc.statement_start(line).unwrap_or(line);
            pane.anchor = Some((start + statement.saturating_sub(1)).saturating_sub(1));
        }
        pane
    }

    /// A pane with nothing to show (no selection).
    pub fn empty() -> DetailPane {
        DetailPane {
            target: None,
            doc: None,
            cursor: 0,
            offset: 0,
            height: 10,
            anchor: None,
        }
    }

    /// Show another target (the live page of the list's selection).
    pub fn show(&mut self, model: &Model, target: Option<Target>, now: Timestamp) {
        *self = match target {
            Some(target) => DetailPane::new(model, target, now),
            None => DetailPane::empty(),
        };
    }

    pub fn page(&self) -> Option<&Target> {
        self.target.as_ref()
    }

    pub fn doc(&self) -> Option<&Doc> {
        self.doc.as_ref()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether what the page shows is gone from the account.
    pub fn is_gone(&self) -> bool {
        self.doc
            .as_ref()
            .is_some_and(|d| d.lines.iter().any(|l| l.plain().contains(GONE)))
    }

    /// Entering a page from the list: the cursor goes to its first link.
    pub fn to_first_link(&mut self) {
        if self.cursor != 0 {
            return;
        }
        if let Some(first) = self
            .doc
            .as_ref()
            .and_then(|d| d.lines.iter().position(|l| l.link.is_some()))
        {
            self.cursor = first;
        }
    }

    /// The line (0-based, in the document) of the policy text under the
    /// cursor, when the page shows a policy document and the cursor is in it.
    pub fn document_line(&self) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let start = pages::document_offset(doc);
        (start > 0 && self.cursor >= start).then(|| self.cursor - start)
    }

    fn link(&self) -> Option<Target> {
        self.doc.as_ref()?.lines.get(self.cursor)?.link.clone()
    }

    fn len(&self) -> usize {
        self.doc.as_ref().map_or(0, |d| d.lines.len())
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
    }

    /// A click on a row of the pane's body.
    pub fn click(&mut self, row: usize) {
        self.cursor = (self.offset + row).min(self.len().saturating_sub(1));
    }

    /// The account changed: the page is made again (`Close` when what it
    /// shows is gone).
    pub fn account_changed(&mut self, model: &Model, now: Timestamp) -> Handled {
        let Some(target) = self.target.clone() else {
            return Handled::Consumed;
        };
        let doc = pages::doc(model, &target, now);
        self.cursor = self.cursor.min(doc.lines.len().saturating_sub(1));
        self.doc = Some(doc);
        if self.is_gone() && !matches!(target, Target::Permissions(_)) {
            Handled::Close
        } else {
            Handled::Consumed
        }
    }
}

impl Component for DetailPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let page = self.height.saturating_sub(1).max(1) as isize;
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Open => match self.link() {
                Some(target) => ctx.queue.push(Action::Show(target)),
                None => return Handled::Ignored,
            },
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.height = area.height.saturating_sub(2) as usize;
        self.cursor = self.cursor.min(self.len().saturating_sub(1));
        // opened at a line: the top stays when the line is on the first
        // screen; else the line's statement shows from its beginning
        if let Some(anchor) = self.anchor.take() {
            self.offset = if self.cursor < self.height {
                0
            } else {
                anchor.clamp((self.cursor + 1).saturating_sub(self.height), self.cursor)
            };
        }
        // never scrolled past the end: a page that fits is shown whole
        self.offset = scrolled(self.cursor, self.offset, self.height).min(self.len().saturating_sub(self.height));
    }

    /// The link under the cursor, or the page itself.
    fn target(&self) -> Option<Target> {
        self.link().or_else(|| self.target.clone())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let Some(doc) = &self.doc else {
            let block = block(theme, " Detail ".to_owned(), paint.focused);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(Paragraph::new(Span::styled("Nothing selected.", theme.dim)), inner);
            return;
        };
        let block = block(theme, format!(" {} ", visible(&doc.title)), paint.focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let room = inner.width as usize;
        let lines: Vec<Line> = doc
            .lines
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(inner.height as usize)
            .map(|(i, line)| {
                let selected = paint.focused && i == self.cursor;
                let mut spans = vec![if selected {
                    Span::styled("▶", theme.selection)
                } else {
                    Span::raw(" ")
                }];
                spans.extend(fit_spans(theme, &line.spans, room.saturating_sub(1), selected));
                let line = Line::from(spans);
                if selected {
                    line.style(theme.highlight_line)
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
