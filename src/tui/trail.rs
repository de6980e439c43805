//! The CloudTrail view (`--cloudtrail FILE`, `T`, `:cloudtrail`): the
//! events AWS denied, grouped by principal and action with their counts, as
//! `iamscope why FILE` lists them ([`crate::evidence::group`] and
//! [`crate::evidence::report::group`]); a key lists the allowed events too.
//! Enter explains the group's first event: the answer in a box, the request
//! in the inspector. The groups are worked out again when the account
//! changes, so an edit shows at once whether an event would now pass.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Mode};
use super::component::{Component, Ctx, Handled, Paint};
use super::inspector::tone;
use super::pages::Tone;
use super::paint::{block, fit_spans, scrolled, wrap_spans};
use super::text::visible;
use crate::evidence::cloudtrail::TrailShape;
use crate::evidence::{self, Grouped, Trail};
use crate::model::Model;

/// Events a person gave the explorer: where from, and what they are.
#[derive(Debug, Clone)]
pub struct LoadedTrail {
    /// The file's name (or `pasted events`).
    pub source: String,
    pub trail: Trail,
}

pub struct TrailPane {
    loaded: Arc<LoadedTrail>,
    /// Whether the events AWS allowed are listed too.
    all: bool,
    grouped: Grouped,
    /// The selected group.
    cursor: usize,
    /// The first row shown.
    offset: usize,
    height: usize,
    /// Columns a row may take, from the last resize.
    room: usize,
}

impl TrailPane {
    pub fn new(loaded: Arc<LoadedTrail>, model: &Model) -> TrailPane {
        let grouped = evidence::group(model, &loaded.trail, false);
        TrailPane {
            loaded,
            all: false,
            grouped,
            cursor: 0,
            offset: 0,
            height: 10,
            room: 70,
        }
    }

    pub fn grouped(&self) -> &Grouped {
        &self.grouped
    }

    pub fn lists_allowed(&self) -> bool {
        self.all
    }

    /// The file's name (its folder is in the way on a narrow pane).
    fn name(&self) -> String {
        let source = &self.loaded.source;
        let name = std::path::Path::new(source)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(source);
        visible(name)
    }

    /// `9 events, 7 denied by AWS, 1 skipped: enter explains a group`.
    pub fn summary(&self) -> String {
        let g = &self.grouped;
        let skipped = if g.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", g.skipped.len())
        };
        format!(
            "{}: {} events, {} denied by AWS{skipped}, in {} groups; enter explains a group",
            self.name(),
            g.events,
            g.denied,
            g.groups.len()
        )
    }

    pub fn account_changed(&mut self, model: &Model) {
        self.grouped = evidence::group(model, &self.loaded.trail, self.all);
        self.cursor = self.cursor.min(self.grouped.groups.len().saturating_sub(1));
    }

    fn toggle_all(&mut self, ctx: &mut Ctx<'_>) {
        self.all = !self.all;
        self.account_changed(ctx.model);
        ctx.queue.status(if self.all {
            "every event that gave a request: would the ones AWS allowed still be allowed?"
        } else {
            "the events AWS denied only"
        });
    }

    /// The rows of the pane, each line wrapped to the pane: a heading, then
    /// each group and a blank row; with the row each group starts at.
    fn rows(&self, keys: &dyn Fn(&Action) -> String) -> (Vec<Vec<(String, Tone)>>, Vec<usize>) {
        let (lines, line_starts) = self.lines(keys);
        let mut rows = Vec::new();
        let mut starts = Vec::new();
        let mut next_start = line_starts.iter().peekable();
        for (i, line) in lines.into_iter().enumerate() {
            if next_start.peek() == Some(&&i) {
                next_start.next();
                starts.push(rows.len());
            }
            rows.extend(wrap_spans(line, self.room));
        }
        (rows, starts)
    }

    /// The pane's lines as the listing writes them, unwrapped.
    fn lines(&self, keys: &dyn Fn(&Action) -> String) -> (Vec<Vec<(String, Tone)>>, Vec<usize>) {
        let g = &self.grouped;
        let shape = match self.loaded.trail.shape {
            TrailShape::LogFile => "CloudTrail log file",
            TrailShape::LookupEvents => "lookup-events output",
            TrailShape::List => "CloudTrail events",
        };
        let mut rows = vec![vec![(
            format!(
                "{}: {shape}, {} events, {} denied by AWS{}",
                self.name(),
                g.events,
                g.denied,
                if g.skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} skipped", g.skipped.len())
                }
            ),
            Tone::Text,
        )]];
        let toggle = keys(&Action::AllEvents);
        rows.push(vec![(
            match (g.groups.is_empty(), self.all) {
                (true, false) => format!("No event was denied ({toggle} lists the allowed ones too)."),
                (true, true) => "No event gave a request to evaluate.".to_owned(),
                (false, false) => format!(
                    "Denied events by principal and action, most first ({toggle} lists allowed ones too; enter explains):"
                ),
                (false, true) => {
                    format!("Events by principal and action, most first ({toggle}: denied only; enter explains):")
                }
            },
            Tone::Heading,
        )]);
        let mut starts = Vec::new();
        for group in &g.groups {
            rows.push(Vec::new());
            starts.push(rows.len());
            for line in evidence::report::group(group) {
                rows.push(line.iter().map(|s| (visible(&s.text), tone(s.tone))).collect());
            }
        }
        if !g.skipped.is_empty() {
            rows.push(Vec::new());
            rows.push(vec![("Skipped".to_owned(), Tone::Heading)]);
            for s in &g.skipped {
                let line = if s.why.starts_with(&format!("event {}", s.event)) {
                    format!("  {}", s.why)
                } else {
                    format!("  event {}: {}", s.event, s.why)
                };
                rows.push(vec![(visible(&line), Tone::Dim)]);
            }
        }
        (rows, starts)
    }

    /// A click on a row of the pane's body selects the group there.
    pub fn click(&mut self, row: usize) {
        let (_, starts) = self.rows(&|_| String::new());
        let row = self.offset + row;
        if let Some(i) = starts.iter().rposition(|start| *start <= row) {
            self.cursor = i;
        }
    }

    fn explain(&self, ctx: &mut Ctx<'_>) {
        match self.grouped.groups.get(self.cursor) {
            Some(group) => ctx.queue.push(Action::ExplainEvent {
                number: group.events[0],
                group: group.number,
            }),
            None => ctx.queue.status("no group to explain"),
        }
    }

    /// The loaded events, for the explorer to find one by its number.
    pub fn loaded(&self) -> &Arc<LoadedTrail> {
        &self.loaded
    }
}

impl Component for TrailPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let last = self.grouped.groups.len().saturating_sub(1) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -((self.height / 6).max(1) as isize),
            Action::PageDown => (self.height / 6).max(1) as isize,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Open => {
                self.explain(ctx);
                return Handled::Consumed;
            }
            Action::AllEvents => {
                self.toggle_all(ctx);
                return Handled::Consumed;
            }
            _ => return Handled::Ignored,
        };
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.height = area.height.saturating_sub(2) as usize;
        // the border and the selection's marker
        self.room = (area.width as usize).saturating_sub(4).max(20);
        let (rows, starts) = self.rows(&|_| String::new());
        let Some(start) = starts.get(self.cursor).copied() else {
            self.offset = 0;
            return;
        };
        // the whole group in view, its blank row above when there is room
        let end = starts.get(self.cursor + 1).map_or(rows.len(), |s| s - 1);
        self.offset = scrolled(end.saturating_sub(1), self.offset, self.height);
        self.offset = scrolled(start.saturating_sub(1), self.offset, self.height);
        if self.cursor == 0 {
            self.offset = 0;
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let title = format!(" CloudTrail ({} groups) ", self.grouped.groups.len());
        let block = block(theme, title, paint.focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let keys = |a: &Action| paint.keys.first(Mode::Normal, a);
        let (rows, starts) = self.rows(&keys);
        let selected = starts.get(self.cursor).map(|start| {
            let end = starts.get(self.cursor + 1).map_or(rows.len(), |s| s - 1);
            *start..end
        });
        let room = (inner.width as usize).saturating_sub(2);
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(inner.height as usize)
            .map(|(i, row)| {
                let here = paint.focused && selected.as_ref().is_some_and(|r| r.contains(&i));
                let first = selected.as_ref().is_some_and(|r| r.start == i);
                let mut spans = vec![if here && first {
                    Span::styled("▶ ", theme.selection)
                } else {
                    Span::raw("  ")
                }];
                spans.extend(fit_spans(theme, row, room, here));
                let line = Line::from(spans);
                if here { line.style(theme.highlight_line) } else { line }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
