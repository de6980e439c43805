//! A yes-or-no question; yes does the action it was given.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::pages::wrap;
use crate::tui::paint::{block, centred, clear};
use crate::tui::text::{visible, width};

pub struct ConfirmPopup {
    message: String,
    yes: Action,
}

impl ConfirmPopup {
    pub fn new(message: impl Into<String>, yes: Action) -> ConfirmPopup {
        ConfirmPopup {
            message: message.into(),
            yes,
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Component for ConfirmPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        match action {
            Action::Yes | Action::Accept => {
                ctx.queue.push(self.yes.clone());
                Handled::Close
            }
            Action::No | Action::Cancel => Handled::Close,
            _ => Handled::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let w = (width(&self.message) as u16 + 6).min(area.width.saturating_sub(2));
        let rows = wrap(&self.message, w.saturating_sub(4).max(10) as usize).len() as u16;
        let rect = centred(area, w, rows + 2);
        clear(frame, rect);
        frame.render_widget(
            Paragraph::new(Span::styled(visible(&self.message), paint.theme.warning))
                .wrap(Wrap { trim: true })
                .block(block(paint.theme, " confirm ".to_owned(), true)),
            rect,
        );
    }
}
