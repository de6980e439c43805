//! The list pane: one section of the account at a time, its rows filtered
//! (fuzzy, best match first; `!` inverts) and the selection kept in view.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Mode};
use super::component::{Component, Ctx, Handled, Paint};
use super::input::{Edit, Fuzzy, LineInput};
use super::paint::{block, input_line};
use super::sections::{self, Row, Section, Target};
use super::text::{fit_middle, pad, visible, width};
use crate::model::Model;

#[derive(Debug, Clone, Default)]
struct ListState {
    selected: usize,
    offset: usize,
    filter: String,
    /// Positions in the section's rows, after filtering.
    visible: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct ListPane {
    section: Section,
    states: HashMap<Section, ListState>,
    /// Rows of the sections seen, for the account as it is.
    rows: HashMap<Section, Vec<Row>>,
    /// The columns each section's cells need, over all its rows.
    natural: HashMap<Section, Vec<usize>>,
    /// The filter being typed.
    filtering: Option<LineInput>,
    fuzzy: Fuzzy,
    /// Rows of the body, from the last resize.
    height: usize,
    area: Rect,
}

impl ListPane {
    pub fn new(model: &Model) -> ListPane {
        let mut list = ListPane::default();
        list.refresh(model, Section::Users);
        list
    }

    pub fn section(&self) -> Section {
        self.section
    }

    fn state(&self) -> Option<&ListState> {
        self.states.get(&self.section)
    }

    pub fn filter(&self) -> &str {
        self.state().map_or("", |s| s.filter.as_str())
    }

    pub fn filtering(&self) -> Option<&LineInput> {
        self.filtering.as_ref()
    }

    /// How many rows are shown, and how many the section has.
    pub fn counts(&self) -> (usize, usize) {
        let total = self.rows.get(&self.section).map_or(0, Vec::len);
        (self.state().map_or(0, |s| s.visible.len()), total)
    }

    /// The target of the selected row.
    pub fn selection(&self) -> Option<Target> {
        let state = self.state()?;
        let row = *state.visible.get(state.selected)?;
        self.rows.get(&self.section)?.get(row).map(|r| r.target.clone())
    }

    /// The rows and filter of `section`, for the account as it is.
    fn refresh(&mut self, model: &Model, section: Section) {
        let rows = self
            .rows
            .entry(section)
            .or_insert_with(|| sections::rows(model, section));
        self.natural
            .entry(section)
            .or_insert_with(|| natural_widths(section.columns(), rows));
        let state = self.states.entry(section).or_default();
        let (invert, query) = match state.filter.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, state.filter.as_str()),
        };
        // best match first (as fzf does); an inverted filter keeps the order
        state.visible = if invert || query.trim().is_empty() {
            self.fuzzy.filter(query, invert, rows.iter().map(|r| r.search.as_str()))
        } else {
            self.fuzzy.rank_named(
                query,
                rows.iter()
                    .map(|r| (r.cells.first().map_or("", String::as_str), r.search.as_str())),
            )
        };
        state.selected = state.selected.min(state.visible.len().saturating_sub(1));
    }

    /// Switch to a section.
    pub fn show(&mut self, model: &Model, section: Section) {
        self.section = section;
        self.filtering = None;
        self.refresh(model, section);
    }

    /// The account changed: rows are made again.
    pub fn account_changed(&mut self, model: &Model) {
        self.rows.clear();
        self.natural.clear();
        let seen: Vec<Section> = self.states.keys().copied().collect();
        for section in seen {
            self.refresh(model, section);
        }
        self.refresh(model, self.section);
    }

    /// Show `section`, its filter cleared, with `target` selected.
    pub fn reveal(&mut self, model: &Model, section: Section, target: Option<&Target>) {
        self.states.entry(section).or_default().filter.clear();
        self.show(model, section);
        if let Some(target) = target {
            let row = self
                .rows
                .get(&section)
                .and_then(|rows| rows.iter().position(|r| &r.target == target));
            if let Some(state) = self.states.get_mut(&section)
                && let Some(i) = row.and_then(|row| state.visible.iter().position(|&v| v == row))
            {
                state.selected = i;
            }
        }
    }

    /// A new filter: the best match is selected; a filter cleared keeps
    /// the row that was selected.
    fn set_filter(&mut self, model: &Model, filter: String) {
        let kept = self.selection().filter(|_| filter.is_empty());
        let state = self.states.entry(self.section).or_default();
        state.filter = filter;
        state.selected = 0;
        self.refresh(model, self.section);
        if let Some(target) = kept {
            let row = self
                .rows
                .get(&self.section)
                .and_then(|rows| rows.iter().position(|r| r.target == target));
            if let Some(state) = self.states.get_mut(&self.section)
                && let Some(i) = row.and_then(|row| state.visible.iter().position(|&v| v == row))
            {
                state.selected = i;
            }
        }
    }

    pub fn select(&mut self, index: usize) {
        if let Some(state) = self.states.get_mut(&self.section) {
            state.selected = index.min(state.visible.len().saturating_sub(1));
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        if let Some(state) = self.states.get(&self.section) {
            let last = state.visible.len().saturating_sub(1) as isize;
            let target = (state.selected as isize).saturating_add(delta).clamp(0, last.max(0));
            self.select(target as usize);
        }
    }

    /// A click on a row of the screen (the row under the header).
    pub fn click(&mut self, y: u16) {
        let first = self.area.y + 2;
        if y >= first {
            let offset = self.state().map_or(0, |s| s.offset);
            let index = offset + (y - first) as usize;
            if index < self.counts().0 {
                self.select(index);
            }
        }
    }

    pub fn area(&self) -> Rect {
        self.area
    }

    /// The columns the list would like: its names whole (up to 64) and
    /// every other column, with the border and the marker.
    pub fn wanted_width(&self) -> u16 {
        let widths = self.natural.get(&self.section).map_or(&[][..], Vec::as_slice);
        with_frame(widths.iter().copied())
    }

    /// What the list shows on a screen too narrow for two panes (an
    /// 80-column terminal): a wider screen is not to show it with fewer
    /// columns.
    pub fn needed_width(&self) -> u16 {
        self.wanted_width().min(NARROW_LIST)
    }
}

/// The width of the list on an 80-column screen, where it is alone.
const NARROW_LIST: u16 = 80;

/// Cells of these widths, two columns apart, in the border with the marker.
fn with_frame(widths: impl Iterator<Item = usize>) -> u16 {
    let (mut total, mut n) = (0usize, 0usize);
    for w in widths {
        total += w;
        n += 1;
    }
    let cells = total + n.saturating_sub(1) * 2;
    (cells + 4).min(u16::MAX as usize) as u16
}

/// The widths of a section's columns over all its rows: the name up to 64
/// columns, the others up to 40.
fn natural_widths(columns: &[&str], rows: &[Row]) -> Vec<usize> {
    let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
    for row in rows {
        for (i, cell) in row.cells.iter().enumerate().take(widths.len()) {
            let most = if i == 0 { 64 } else { 40 };
            widths[i] = widths[i].max(width(cell).min(most));
        }
    }
    widths
}

impl Component for ListPane {
    fn mode(&self) -> Mode {
        if self.filtering.is_some() {
            Mode::Input
        } else {
            Mode::Normal
        }
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        if let Some(mut input) = self.filtering.take() {
            match input.apply(action) {
                Edit::Submit => {}
                Edit::Cancel => self.set_filter(ctx.model, String::new()),
                Edit::Changed => {
                    self.set_filter(ctx.model, input.text.clone());
                    self.filtering = Some(input);
                }
                Edit::Moved => self.filtering = Some(input),
                Edit::Other => {
                    self.filtering = Some(input);
                    return if matches!(action, Action::Quit) {
                        Handled::Ignored
                    } else {
                        Handled::Consumed
                    };
                }
            }
            return Handled::Consumed;
        }
        let page = self.height.max(1) as isize;
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Filter => self.filtering = Some(LineInput::new(self.filter())),
            Action::Back if !self.filter().is_empty() => self.set_filter(ctx.model, String::new()),
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.area = area;
        // the border, then the header row
        self.height = area.height.saturating_sub(3) as usize;
        let height = self.height;
        if let Some(state) = self.states.get_mut(&self.section) {
            state.offset = super::paint::scrolled(state.selected, state.offset, height);
        }
    }

    fn target(&self) -> Option<Target> {
        self.selection()
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let section = self.section;
        let (shown_count, total) = self.counts();
        let filter = if self.filter().is_empty() {
            String::new()
        } else {
            format!(" /{}", visible(self.filter()))
        };
        let title = format!(
            " {} ({}{}){filter} ",
            section.title(),
            shown_count,
            if shown_count == total {
                String::new()
            } else {
                format!(" of {total}")
            }
        );
        let mut block = block(theme, title, paint.focused);
        let inner = block.inner(area);
        if inner.height < 2 {
            frame.render_widget(block, area);
            return;
        }
        let Some(state) = self.state() else {
            frame.render_widget(block, area);
            return;
        };
        let rows = self.rows.get(&section).map_or(&[][..], Vec::as_slice);
        let columns = section.columns();
        let body_height = (inner.height - 1) as usize;
        let offset = state.offset;
        let shown: Vec<&Row> = state
            .visible
            .iter()
            .skip(offset)
            .take(body_height)
            .filter_map(|&i| rows.get(i))
            .collect();
        // column widths from what is visible, the first column flexible
        let available = inner.width.saturating_sub(2) as usize;
        let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
        for row in &shown {
            for (i, cell) in row.cells.iter().enumerate().take(widths.len()) {
                widths[i] = widths[i].max(width(&visible(cell)).min(if i == 0 { 64 } else { 40 }));
            }
        }
        let name_needs = widths.first().copied().unwrap_or(0);
        fit_columns(&mut widths, available);
        // room left over goes to a cut name first, then to the last column
        let spacing = widths.len().saturating_sub(1) * 2;
        let mut spare = available.saturating_sub(widths.iter().sum::<usize>() + spacing);
        if let Some(name) = widths.first_mut() {
            let more = spare.min(name_needs.saturating_sub(*name));
            *name += more;
            spare -= more;
        }
        if let Some(last) = widths.last_mut() {
            *last += spare;
        }
        // the selected row's whole name under the list, when its row cuts it
        let selected_name = state
            .visible
            .get(state.selected)
            .and_then(|&i| rows.get(i))
            .and_then(|row| row.cells.first())
            .map(|name| visible(name));
        if let (Some(name), Some(&room)) = (selected_name, widths.first())
            && width(&name) > room
        {
            let most = (area.width as usize).saturating_sub(4);
            block = block.title_bottom(Line::from(Span::styled(
                format!(" {} ", fit_middle(&name, most.saturating_sub(2))),
                theme.title,
            )));
        }
        frame.render_widget(block, area);
        let render_cells = |cells: &[String]| -> String {
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let cell = visible(cells.get(i).map_or("", String::as_str));
                    // names are cut in the middle: their ends tell them apart
                    if i == 0 {
                        pad(&fit_middle(&cell, *w), *w)
                    } else {
                        pad(&cell, *w)
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        let header_cells: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let mut lines = vec![Line::from(Span::styled(
            format!("  {}", render_cells(&header_cells)),
            theme.header,
        ))];
        for (i, row) in shown.iter().enumerate() {
            let text = render_cells(&row.cells);
            if offset + i == state.selected {
                let style = if paint.focused {
                    theme.selection
                } else {
                    theme.text.add_modifier(Modifier::BOLD)
                };
                lines.push(Line::from(Span::styled(format!("▶ {text}"), style)));
            } else {
                lines.push(Line::from(Span::styled(format!("  {text}"), theme.text)));
            }
        }
        if shown.is_empty() {
            let empty = if total == 0 {
                "nothing of this kind in the account"
            } else {
                "no row matches the filter (esc clears it)"
            };
            lines.push(Line::from(Span::styled(format!("  {empty}"), theme.dim)));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The footer line while a filter is typed.
pub fn filter_line<'a>(theme: &super::theme::Theme, input: &LineInput) -> Line<'a> {
    input_line(
        theme,
        "/",
        input,
        "fuzzy; start with ! to invert; enter keeps, esc clears",
    )
}

/// Make column widths fit. Long columns other than the name shrink to 12
/// first; the name keeps 32 columns (cut in the middle, both ends still
/// tell look-alike names apart) while the least important columns (on the
/// right) are dropped; only then does the name shrink further.
fn fit_columns(widths: &mut Vec<usize>, available: usize) {
    const SHORTEST: usize = 12;
    const NAME: usize = 32;
    loop {
        let spacing = widths.len().saturating_sub(1) * 2;
        let total: usize = widths.iter().sum::<usize>() + spacing;
        if total <= available {
            return;
        }
        let excess = total - available;
        let widest_other = (1..widths.len())
            .filter(|&i| widths[i] > SHORTEST)
            .max_by_key(|&i| widths[i]);
        if let Some(i) = widest_other {
            widths[i] = widths[i].saturating_sub(excess).max(SHORTEST);
        } else if widths.first().is_some_and(|&w| w > NAME) {
            widths[0] = widths[0].saturating_sub(excess).max(NAME);
        } else if widths.len() > 2 {
            widths.pop();
        } else if widths.first().is_some_and(|&w| w > SHORTEST) {
            widths[0] = widths[0].saturating_sub(excess).max(SHORTEST);
        } else if widths.len() > 1 {
            widths.pop();
        } else {
            if let Some(first) = widths.first_mut() {
                *first = available;
            }
            return;
        }
    }
}
