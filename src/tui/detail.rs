//! The detail pane: one page of the account (a user, a policy at a line,
//! what a principal can do), with a cursor on its lines; Enter follows the
//! link under the cursor. The page is made when the pane opens and again
//! when the account changes, never while drawing.
//!
//! Prose and fields wrap to the pane's width; the cursor stops only on
//! lines something can be done on (links, lines of a policy), and the text
//! between them scrolls into view as it moves. A page with nothing to act
//! on scrolls.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::pages::{self, Doc, DocLine};
use super::paint::{block, fit_spans, wrap_spans_under};
use super::sections::Target;
use super::text::visible;
use crate::model::Model;

/// What a page says when what it shows is gone.
const GONE: &str = "(not found: the account may have changed)";

/// What the next resize keeps in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Follow {
    /// The view stays where it is.
    View,
    /// The cursor moved: it comes into view.
    Cursor,
}

#[derive(Debug, Clone)]
pub struct DetailPane {
    target: Option<Target>,
    doc: Option<Doc>,
    /// A line the cursor may stop on (when the page has any).
    cursor: usize,
    /// The first line shown.
    offset: usize,
    /// Rows of the pane's body, and the columns of its text.
    height: usize,
    width: usize,
    /// The rows each line takes at that width.
    rows: Vec<usize>,
    follow: Follow,
    /// The first line to show once the height is known (opened at a line).
    anchor: Option<usize>,
}

impl DetailPane {
    /// A page of `target`, the cursor on its first line one can act on.
    pub fn new(model: &Model, target: Target, now: Timestamp) -> DetailPane {
        let doc = pages::doc(model, &target, now);
        let cursor = doc.lines.iter().position(|l| l.stop).unwrap_or(0);
        DetailPane {
            target: Some(target),
            doc: Some(doc),
            cursor,
            offset: 0,
            height: 10,
            width: 0,
            rows: Vec::new(),
            follow: Follow::View,
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
            width: 0,
            rows: Vec::new(),
            follow: Follow::View,
            anchor: None,
        }
    }

    /// Show another target (the live page of the list's selection).
    pub fn show(&mut self, model: &Model, target: Option<Target>, now: Timestamp) {
        let (height, width) = (self.height, self.width);
        *self = match target {
            Some(target) => DetailPane::new(model, target, now),
            None => DetailPane::empty(),
        };
        self.height = height;
        self.set_width(width);
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
        if let Some(first) = self
            .doc
            .as_ref()
            .and_then(|d| d.lines.iter().position(|l| l.link.is_some()))
            && self.lines().iter().take(self.cursor).all(|l| !l.stop)
        {
            self.cursor = first;
            self.follow = Follow::Cursor;
        }
    }

    /// The line (0-based, in the document) of the policy text under the
    /// cursor, when the page shows a policy document and the cursor is in it.
    pub fn document_line(&self) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let start = pages::document_offset(doc);
        (start > 0 && self.cursor >= start && self.has_stops()).then(|| self.cursor - start)
    }

    fn lines(&self) -> &[DocLine] {
        self.doc.as_ref().map_or(&[][..], |d| d.lines.as_slice())
    }

    fn link(&self) -> Option<Target> {
        if !self.shown(self.cursor) {
            return None;
        }
        self.lines().get(self.cursor)?.link.clone()
    }

    fn len(&self) -> usize {
        self.lines().len()
    }

    fn has_stops(&self) -> bool {
        self.lines().iter().any(|l| l.stop)
    }

    /// The rows line `i` takes.
    fn rows_of(&self, i: usize) -> usize {
        self.rows.get(i).copied().unwrap_or(1)
    }

    /// The rows lines `from..=to` take (none when `to < from`).
    fn rows_between(&self, from: usize, to: usize) -> usize {
        (from..=to).map(|i| self.rows_of(i)).sum()
    }

    /// The last line shown whole from `offset`.
    fn bottom(&self) -> usize {
        let mut used = 0;
        let mut last = self.offset;
        for i in self.offset..self.len() {
            used += self.rows_of(i);
            if used > self.height {
                break;
            }
            last = i;
        }
        last
    }

    fn shown(&self, i: usize) -> bool {
        i >= self.offset && i <= self.bottom()
    }

    /// The first line to show with the page's end at the pane's bottom.
    fn last_offset(&self) -> usize {
        let mut used = 0;
        for i in (0..self.len()).rev() {
            used += self.rows_of(i);
            if used > self.height {
                return i + 1;
            }
        }
        0
    }

    /// The lines a page of rows holds, from `from` down (or up).
    fn page_lines(&self, from: usize, down: bool) -> usize {
        let mut used = 0;
        let mut n = 0;
        let lines: Box<dyn Iterator<Item = usize>> = if down {
            Box::new(from..self.len())
        } else {
            Box::new((0..=from.min(self.len().saturating_sub(1))).rev())
        };
        for i in lines {
            used += self.rows_of(i);
            if used > self.height.saturating_sub(1).max(1) {
                break;
            }
            n += 1;
        }
        n.max(1)
    }

    fn set_width(&mut self, width: usize) {
        self.width = width;
        let rows: Vec<usize> = self.lines().iter().map(|l| rows_at(l, width).len()).collect();
        self.rows = rows;
    }

    /// One step down (`down`) or up: to the next line one can act on when
    /// the text before it fits in view with it; else the text scrolls.
    fn step(&mut self, down: bool) {
        let len = self.len();
        if len == 0 {
            return;
        }
        if !self.has_stops() {
            self.offset = if down {
                (self.offset + 1).min(self.last_offset())
            } else {
                self.offset.saturating_sub(1)
            };
            self.follow = Follow::View;
            return;
        }
        let (top, bottom) = (self.offset, self.bottom());
        let lines = self.lines();
        let next = if down {
            // from the cursor, or from the view when the cursor is out of it
            let from = if self.shown(self.cursor) { self.cursor + 1 } else { top };
            (from..len).find(|&i| lines[i].stop && (i > self.cursor || !self.shown(self.cursor)))
        } else {
            let to = if self.shown(self.cursor) {
                self.cursor
            } else {
                bottom + 1
            };
            (0..to.min(len)).rev().find(|&i| lines[i].stop)
        };
        let Some(next) = next else {
            // no more: the rest of the page comes into view
            self.offset = if down { self.last_offset() } else { 0 };
            self.follow = Follow::View;
            return;
        };
        let unseen = if down {
            self.rows_between(bottom + 1, next.saturating_sub(1))
        } else if next + 1 < top {
            self.rows_between(next + 1, top - 1)
        } else {
            0
        };
        if unseen + self.rows_of(next) <= self.height {
            self.cursor = next;
            self.follow = Follow::Cursor;
        } else if down {
            self.offset = (self.offset + self.page_lines(self.offset, true)).min(self.last_offset());
            self.follow = Follow::View;
        } else {
            self.offset = self
                .offset
                .saturating_sub(self.page_lines(self.offset.saturating_sub(1), false));
            self.follow = Follow::View;
        }
    }

    /// A page down or up: the text moves a page; the cursor goes to the
    /// first line one can act on in view.
    fn turn_page(&mut self, down: bool) {
        self.offset = if down {
            (self.offset + self.page_lines(self.offset, true)).min(self.last_offset())
        } else {
            self.offset
                .saturating_sub(self.page_lines(self.offset.saturating_sub(1), false))
        };
        let (top, bottom) = (self.offset, self.bottom());
        if let Some(stop) = (top..=bottom.min(self.len().saturating_sub(1))).find(|&i| self.lines()[i].stop) {
            self.cursor = stop;
        }
        self.follow = Follow::View;
    }

    /// The top or the end of the page, the cursor on its first or last stop.
    fn ends(&mut self, top: bool) {
        let lines = self.lines();
        let stop = if top {
            lines.iter().position(|l| l.stop)
        } else {
            lines.iter().rposition(|l| l.stop)
        };
        if let Some(stop) = stop {
            self.cursor = stop;
        }
        self.offset = if top { 0 } else { self.last_offset() };
        self.follow = Follow::View;
    }

    /// Move the cursor by `delta` lines one can act on (negative: up).
    pub fn move_by(&mut self, delta: isize) {
        for _ in 0..delta.unsigned_abs().min(self.len()) {
            self.step(delta > 0);
        }
    }

    /// A click on a row of the pane's body.
    pub fn click(&mut self, row: usize) {
        let mut used = 0;
        for i in self.offset..self.len() {
            used += self.rows_of(i);
            if row < used {
                if self.lines()[i].stop {
                    self.cursor = i;
                    self.follow = Follow::Cursor;
                }
                return;
            }
        }
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
        // still on a line one can act on: the nearest one above, else below
        let lines = self.lines();
        if !lines.get(self.cursor).is_some_and(|l| l.stop)
            && let Some(stop) = (0..self.cursor)
                .rev()
                .find(|&i| lines[i].stop)
                .or_else(|| (self.cursor..lines.len()).find(|&i| lines[i].stop))
        {
            self.cursor = stop;
        }
        self.set_width(self.width);
        if self.is_gone() && !matches!(target, Target::Permissions(_)) {
            Handled::Close
        } else {
            Handled::Consumed
        }
    }
}

/// A line as the rows it takes at `room` columns.
fn rows_at(line: &DocLine, room: usize) -> Vec<Vec<(String, pages::Tone)>> {
    let spans: Vec<(String, pages::Tone)> = line.spans.iter().map(|(t, tone)| (visible(t), *tone)).collect();
    match line.hang {
        Some(hang) if room > 0 => wrap_spans_under(&spans, room, hang),
        _ => vec![spans],
    }
}

impl Component for DetailPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        match action {
            Action::Up => self.step(false),
            Action::Down => self.step(true),
            Action::PageUp => self.turn_page(false),
            Action::PageDown => self.turn_page(true),
            Action::Top => self.ends(true),
            Action::Bottom => self.ends(false),
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
        // the text's columns: the border, and the cursor's mark
        let width = area.width.saturating_sub(3) as usize;
        if width != self.width || self.rows.len() != self.len() {
            self.set_width(width);
        }
        self.cursor = self.cursor.min(self.len().saturating_sub(1));
        // opened at a line: the top stays when the line is on the first
        // screen; else the line's statement shows from its beginning
        if let Some(anchor) = self.anchor.take() {
            self.offset = if self.rows_between(0, self.cursor) <= self.height {
                0
            } else {
                anchor.min(self.cursor)
            };
            self.follow = Follow::Cursor;
        }
        if self.follow == Follow::Cursor && self.has_stops() {
            if self.cursor < self.offset {
                self.offset = self.cursor;
            }
            while self.offset < self.cursor && self.rows_between(self.offset, self.cursor) > self.height {
                self.offset += 1;
            }
        }
        // never scrolled past the end: a page that fits is shown whole
        self.offset = self.offset.min(self.last_offset());
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
        let room = inner.width.saturating_sub(1) as usize;
        let height = inner.height as usize;
        let marked = paint.focused && self.has_stops();
        let mut lines: Vec<Line> = Vec::new();
        for (i, line) in doc.lines.iter().enumerate().skip(self.offset) {
            if lines.len() >= height {
                break;
            }
            let selected = marked && i == self.cursor;
            for (n, row) in rows_at(line, room).into_iter().enumerate() {
                let mut spans = vec![if selected && n == 0 {
                    Span::styled("▶", theme.selection)
                } else {
                    Span::raw(" ")
                }];
                spans.extend(fit_spans(theme, &row, room, selected));
                let row = Line::from(spans);
                lines.push(if selected { row.style(theme.highlight_line) } else { row });
            }
        }
        lines.truncate(height);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
