//! A choice among items, filtered by typing (fuzzy); its choice goes back
//! as [`Action::Picked`] with what it was for. The title wraps, so a long
//! question (a prediction's request) is shown whole.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::{Action, Mode};
use crate::tui::ask::{Pick, PickItem};
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::input::{Edit, Fuzzy, LineInput};
use crate::tui::pages::wrap;
use crate::tui::paint::{block, centred, clear, input_line, scrolled};
use crate::tui::text::{fit, visible};

const WIDTH: u16 = 90;

pub struct PickerPopup {
    title: String,
    items: Vec<PickItem>,
    /// Positions of the items the filter keeps, best first.
    shown: Vec<usize>,
    filter: LineInput,
    cursor: usize,
    offset: usize,
    body: usize,
    pick: Pick,
    /// Why Enter did not take anything.
    refused: Option<String>,
}

impl PickerPopup {
    pub fn new(title: impl Into<String>, items: Vec<PickItem>, pick: Pick) -> PickerPopup {
        PickerPopup {
            title: title.into(),
            shown: (0..items.len()).collect(),
            items,
            filter: LineInput::default(),
            cursor: 0,
            offset: 0,
            body: 10,
            pick,
            refused: None,
        }
    }

    pub fn items(&self) -> &[PickItem] {
        &self.items
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    fn title_lines(&self, area: Rect) -> Vec<String> {
        let w = WIDTH.min(area.width.saturating_sub(2)).saturating_sub(2) as usize;
        wrap(&visible(&self.title), w.max(20))
    }

    fn rect(&self, area: Rect) -> Rect {
        let head = self.title_lines(area).len() as u16 + 1 + u16::from(self.refused.is_some());
        let wanted = (self.items.len() as u16 + head + 2).clamp(8, area.height.saturating_sub(2).max(8));
        centred(area, WIDTH, wanted)
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.shown.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
    }
}

impl Component for PickerPopup {
    fn mode(&self) -> Mode {
        Mode::Input
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let page = self.body.max(1) as isize;
        self.refused = None;
        let empty = self.filter.text.is_empty();
        match action {
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            // while nothing is typed, j and k move as in every list, and the
            // lesson keys are not typed by a second press
            Action::Insert('j') if empty => self.move_by(1),
            Action::Insert('k') if empty => self.move_by(-1),
            Action::Insert(c @ ('[' | ']')) if empty => {
                self.refused = Some(format!(
                    "{c} is not a choice: ↑↓ or j/k choose, enter takes, esc cancels"
                ));
            }
            Action::PageDown => self.move_by(page),
            Action::PageUp => self.move_by(-page),
            _ => match self.filter.apply(action) {
                Edit::Submit => {
                    let Some(item) = self.shown.get(self.cursor).and_then(|&i| self.items.get(i)) else {
                        // nothing taken: the box stays and says why
                        self.refused = Some(format!(
                            "nothing matches `{}`: backspace changes the filter, esc cancels",
                            visible(&self.filter.text)
                        ));
                        return Handled::Consumed;
                    };
                    ctx.queue.push(Action::Picked {
                        pick: self.pick.clone(),
                        value: item.value.clone(),
                    });
                    return Handled::Close;
                }
                Edit::Cancel => return Handled::Close,
                Edit::Changed => {
                    let labels: Vec<&str> = self.items.iter().map(|i| i.label.as_str()).collect();
                    self.shown = Fuzzy::default().rank(&self.filter.text, labels.into_iter());
                    self.cursor = 0;
                }
                Edit::Other if matches!(action, Action::Quit) => return Handled::Ignored,
                _ => {}
            },
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        let rect = self.rect(area);
        let head = self.title_lines(area).len() + 1 + usize::from(self.refused.is_some());
        self.body = (rect.height as usize).saturating_sub(head + 2).max(1);
        self.offset = scrolled(self.cursor, self.offset, self.body);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let rect = self.rect(area);
        clear(frame, rect);
        let mut lines: Vec<Line> = self
            .title_lines(area)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.title)))
            .collect();
        lines.push(input_line(
            theme,
            "filter › ",
            &self.filter,
            "type to filter; ↑↓ (j/k before typing) choose, enter takes, esc cancels",
        ));
        if let Some(refused) = &self.refused {
            lines.push(Line::from(Span::styled(
                fit(refused, (rect.width as usize).saturating_sub(2)),
                theme.warning,
            )));
        }
        for (row, &i) in self.shown.iter().enumerate().skip(self.offset).take(self.body) {
            let selected = row == self.cursor;
            let label = self.items.get(i).map_or("", |item| item.label.as_str());
            lines.push(Line::from(Span::styled(
                format!(
                    "{} {}",
                    if selected { "▶" } else { " " },
                    fit(&visible(label), (rect.width as usize).saturating_sub(4))
                ),
                if selected { theme.selection } else { theme.text },
            )));
        }
        if self.shown.is_empty() {
            lines.push(Line::from(Span::styled("  nothing matches", theme.dim)));
        }
        let count = if self.shown.len() == self.items.len() {
            format!(" Choose one ({}) ", self.items.len())
        } else {
            format!(" Choose one ({} of {} match) ", self.shown.len(), self.items.len())
        };
        frame.render_widget(Paragraph::new(lines).block(block(theme, count, true)), rect);
    }
}
