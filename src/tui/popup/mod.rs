//! The boxes drawn on top of the panes, each answered with keys of the
//! popup or input key map: a prompt, a picker, a confirmation, the quit
//! question, the impact preview, recovery of journals, a version compared
//! with the default, a text to read, the keys.

pub mod confirm;
pub mod help;
pub mod picker;
pub mod preview;
pub mod prompt;
pub mod quit;
pub mod recovery;
pub mod text;
pub mod versions;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Mode};
use super::component::Paint;
use super::paint::{block, centred, clear};
use super::text::{fit, width};

/// Lines that scroll in a box: the text popups share this.
#[derive(Debug, Clone, Default)]
pub struct Scroll {
    pub lines: Vec<String>,
    pub offset: usize,
    /// Rows of text the box shows, from the last resize.
    pub body: usize,
}

impl Scroll {
    pub fn new(lines: Vec<String>, offset: usize) -> Scroll {
        Scroll {
            lines,
            offset,
            body: 10,
        }
    }

    /// Move for a scrolling action; whether it was one.
    pub fn scroll(&mut self, action: &Action) -> bool {
        let page = self.body.max(1);
        match action {
            Action::Down => self.offset += 1,
            Action::Up => self.offset = self.offset.saturating_sub(1),
            Action::PageDown => self.offset += page,
            Action::PageUp => self.offset = self.offset.saturating_sub(page),
            Action::Top => self.offset = 0,
            Action::Bottom => self.offset = usize::MAX / 2,
            _ => return false,
        }
        self.offset = self.offset.min(self.lines.len().saturating_sub(self.body));
        true
    }

    fn area(&self, main: Rect) -> Rect {
        let w = (self.lines.iter().map(|l| width(l)).max().unwrap_or(20).max(40) as u16 + 4)
            .min(main.width.saturating_sub(4));
        centred(main, w, self.lines.len().min(u16::MAX as usize - 2) as u16 + 2)
    }

    pub fn resize(&mut self, main: Rect) {
        self.body = self.area(main).height.saturating_sub(2) as usize;
        self.offset = self.offset.min(self.lines.len().saturating_sub(self.body));
    }

    /// Draw the box; `hint` says how it closes.
    pub fn draw(&self, frame: &mut Frame<'_>, main: Rect, paint: &Paint<'_>, title: &str, hint: &str) {
        let theme = paint.theme;
        let area = self.area(main);
        clear(frame, area);
        let body = area.height.saturating_sub(2) as usize;
        let shown: Vec<Line> = self
            .lines
            .iter()
            .skip(self.offset)
            .take(body)
            .map(|l| Line::from(Span::styled(fit(l, area.width as usize - 2), theme.text)))
            .collect();
        let first = |action: &Action| paint.keys.first(Mode::Popup, action);
        let scroll_keys = format!("{}/{} scroll", first(&Action::Down), first(&Action::Up));
        let title = if self.lines.len() > body {
            format!(
                " {title} — {}/{} ({scroll_keys}, {hint}) ",
                self.offset + body.min(self.lines.len()),
                self.lines.len()
            )
        } else {
            format!(" {title} ({hint}) ")
        };
        frame.render_widget(Paragraph::new(shown).block(block(theme, title, true)), area);
    }
}
