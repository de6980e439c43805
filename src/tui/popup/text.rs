//! A text to read in a box: raw JSON, a lesson's concept, the glossary,
//! what the loader noticed. It scrolls; Esc or Enter closes it; `q` is
//! still the way out of the program (which asks first when work is unsaved).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::Scroll;
use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};

pub struct TextPopup {
    title: String,
    scroll: Scroll,
}

impl TextPopup {
    pub fn new(title: impl Into<String>, lines: Vec<String>) -> TextPopup {
        TextPopup::at(title, lines, 0)
    }

    /// The text, scrolled to a line.
    pub fn at(title: impl Into<String>, lines: Vec<String>, offset: usize) -> TextPopup {
        TextPopup {
            title: title.into(),
            scroll: Scroll::new(lines, offset),
        }
    }
}

impl Component for TextPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, _ctx: &mut Ctx<'_>) -> Handled {
        if self.scroll.scroll(action) {
            return Handled::Consumed;
        }
        match action {
            Action::Accept | Action::Cancel | Action::Help | Action::No => Handled::Close,
            _ => Handled::Ignored,
        }
    }

    fn resize(&mut self, area: Rect) {
        self.scroll.resize(area);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let hint = format!("{} closes", paint.keys.first(Mode::Popup, &Action::Cancel));
        self.scroll.draw(frame, area, paint, &self.title, &hint);
    }
}
