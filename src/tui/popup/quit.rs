//! The question before quitting with unsaved work: save (in place, or as a
//! copy when the account cannot be written back, the demo's case), quit and
//! lose it, or stay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::pages::wrap;
use crate::tui::paint::{block, centred, clear};
use crate::tui::text::width;

/// How the work can be saved before quitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveBy {
    /// Back to the file it came from.
    InPlace,
    /// As a new file (the demo, several files, a file changed on disk).
    Copy,
}

pub struct QuitPopup {
    /// What would be lost, in words: `2 unsaved changes`.
    what: String,
    save: SaveBy,
}

impl QuitPopup {
    pub fn new(what: String, save: SaveBy) -> QuitPopup {
        QuitPopup { what, save }
    }

    fn message(&self, paint: &Paint<'_>) -> String {
        let key = |a: &Action| paint.keys.first(Mode::Popup, a);
        let save = match self.save {
            SaveBy::InPlace => format!("{} saves and quits", key(&Action::Save)),
            SaveBy::Copy => format!("{} saves a copy (asks for a file name) and quits", key(&Action::Save)),
        };
        format!(
            "{}: {save}, {} quits and loses it, {} stays",
            self.what,
            key(&Action::Quit),
            key(&Action::Cancel)
        )
    }
}

impl Component for QuitPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        match action {
            Action::Save => {
                ctx.queue.push(match self.save {
                    SaveBy::InPlace => Action::SaveThenQuit,
                    SaveBy::Copy => Action::SaveAs { path: None, quit: true },
                });
                Handled::Close
            }
            Action::Quit | Action::Yes => {
                ctx.queue.push(Action::QuitNow { discard: true });
                Handled::Close
            }
            Action::Cancel | Action::No => Handled::Close,
            _ => Handled::Consumed,
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let message = self.message(paint);
        let w = (width(&message) as u16 + 6).min(area.width.saturating_sub(2));
        let rows = wrap(&message, w.saturating_sub(4).max(10) as usize).len() as u16;
        let rect = centred(area, w, rows + 2);
        clear(frame, rect);
        frame.render_widget(
            Paragraph::new(Span::styled(message, paint.theme.warning))
                .wrap(Wrap { trim: true })
                .block(block(paint.theme, " quit ".to_owned(), true)),
            rect,
        );
    }
}
