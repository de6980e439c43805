//! The impact preview: which decisions a change flips, for every principal
//! the change reaches, before it is kept.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::analysis::impact::Flip;
use crate::eval::RequestSpec;
use crate::model::change::{self, Change};
use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::paint::{block, centred, clear};
use crate::tui::text::{fit, visible, width};

pub struct PreviewPopup {
    change: Change,
    flips: Vec<Flip>,
    checked: usize,
    cursor: usize,
    from_editor: bool,
    body: usize,
}

impl PreviewPopup {
    pub fn new(change: Change, flips: Vec<Flip>, checked: usize, from_editor: bool) -> PreviewPopup {
        PreviewPopup {
            change,
            flips,
            checked,
            cursor: 0,
            from_editor,
            body: 10,
        }
    }

    pub fn flips(&self) -> &[Flip] {
        &self.flips
    }

    fn keep(&self, ctx: &mut Ctx<'_>) {
        ctx.queue.push(Action::Keep {
            change: self.change.clone(),
            from_editor: self.from_editor,
        });
    }
}

impl Component for PreviewPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let last = self.flips.len().saturating_sub(1);
        match action {
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::PageDown => self.cursor = (self.cursor + self.body).min(last),
            Action::PageUp => self.cursor = self.cursor.saturating_sub(self.body),
            Action::Top => self.cursor = 0,
            Action::Bottom => self.cursor = last,
            Action::Accept | Action::Yes => {
                self.keep(ctx);
                return Handled::Close;
            }
            Action::InspectFlip => {
                // keep the change, then ask the inspector about this request
                self.keep(ctx);
                if let Some(flip) = self.flips.get(self.cursor) {
                    ctx.queue.push(Action::Explain(RequestSpec::new(
                        flip.principal.clone(),
                        flip.action.clone(),
                        flip.resource.clone(),
                    )));
                }
                return Handled::Close;
            }
            Action::Cancel | Action::No => return Handled::Close,
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.body = (area.height as usize).saturating_sub(8).max(1);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let mut lines = vec![
            change::describe(&self.change),
            if self.flips.is_empty() {
                format!("No decision changes among the {} requests checked.", self.checked)
            } else {
                format!("{} of the {} requests checked change:", self.flips.len(), self.checked)
            },
            String::new(),
        ];
        let offset = self.cursor.saturating_sub(self.body.saturating_sub(1));
        for (i, flip) in self.flips.iter().enumerate().skip(offset).take(self.body) {
            // the decisions first: a long resource is what gets cut, not them
            lines.push(format!(
                "{} {} → {}  {}  {}  {}",
                if i == self.cursor { "▶" } else { " " },
                flip.before.as_str(),
                flip.after.as_str(),
                flip.principal,
                flip.action,
                flip.resource
            ));
        }
        lines.push(String::new());
        let key = |a: &Action| paint.keys.first(Mode::Popup, a);
        lines.push(format!(
            "{} keeps the change, {} keeps it and inspects the selected request, {} goes back",
            key(&Action::Accept),
            key(&Action::InspectFlip),
            key(&Action::Cancel)
        ));
        let w = (lines.iter().map(|l| width(l)).max().unwrap_or(40) as u16 + 4).min(area.width.saturating_sub(2));
        let rect = centred(area, w, lines.len() as u16 + 2);
        clear(frame, rect);
        let styled: Vec<Line> = lines
            .iter()
            .enumerate()
            .map(|(row, l)| {
                let style = if row == 0 {
                    theme.title
                } else if l.starts_with('▶') {
                    theme.selection
                } else if l.contains("→ Allow") {
                    theme.allow
                } else if l.contains("→ ExplicitDeny") || l.contains("→ ImplicitDeny") {
                    theme.implicit_deny
                } else {
                    theme.text
                };
                Line::from(Span::styled(
                    fit(&visible(l), (rect.width as usize).saturating_sub(2)),
                    style,
                ))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(styled).block(block(theme, " impact of the change ".to_owned(), true)),
            rect,
        );
    }
}
