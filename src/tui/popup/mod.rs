//! The boxes drawn on top of the panes, each answered with keys of the
//! popup or input key map: a prompt, a picker, a confirmation, the quit
//! question, the impact preview, recovery of journals, a version compared
//! with the default, a text to read, the keys, `:why`'s paste and answer.

pub mod confirm;
pub mod help;
pub mod picker;
pub mod preview;
pub mod prompt;
pub mod quit;
pub mod recovery;
pub mod text;
pub mod versions;
pub mod why;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Mode};
use super::component::Paint;
use super::paint::{block, centred, clear};
use super::text::{fit, width};

/// Lines that scroll in a box: the text popups share this. A line too
/// long for the box wraps under its own indentation.
#[derive(Debug, Clone, Default)]
pub struct Scroll {
    /// The text as given.
    pub source: Vec<String>,
    /// The text wrapped to the box.
    pub lines: Vec<String>,
    pub offset: usize,
    /// Rows of text the box shows, from the last resize.
    pub body: usize,
    width: u16,
}

/// One line broken to `room` columns, its spacing kept; continuations
/// hang under the last column of the first line.
fn wrap_hanging(line: &str, room: usize) -> Vec<String> {
    if width(line) <= room || room < 20 {
        return vec![line.to_owned()];
    }
    let chars: Vec<char> = line.chars().collect();
    let leading = chars.iter().take_while(|c| **c == ' ').count();
    let bullet = chars.get(leading).is_some_and(|c| matches!(c, '•' | '-' | '+' | '▶'));
    // the column of the text: after the last two spaces, when not too far in
    let column = (leading..chars.len().min(room).saturating_sub(1))
        .rev()
        .find(|&i| i > leading && chars[i] == ' ' && chars[i - 1] == ' ')
        .map(|i| i + 1)
        .filter(|&c| c < room * 2 / 3)
        .unwrap_or(if bullet { leading + 2 } else { leading });
    let mut out = Vec::new();
    let mut rest: &[char] = &chars;
    let mut indent = 0;
    while indent + rest.len() > room {
        let room_here = room - indent;
        let cut = (1..room_here)
            .rev()
            .find(|&i| rest[i] == ' ' && (indent > 0 || i > column))
            .unwrap_or(room_here);
        let piece: String = rest[..cut].iter().collect();
        out.push(format!("{}{}", " ".repeat(indent), piece.trim_end()));
        rest = &rest[cut..];
        while rest.first() == Some(&' ') {
            rest = &rest[1..];
        }
        indent = column;
    }
    if !rest.is_empty() {
        out.push(format!("{}{}", " ".repeat(indent), rest.iter().collect::<String>()));
    }
    out
}

impl Scroll {
    pub fn new(lines: Vec<String>, offset: usize) -> Scroll {
        Scroll {
            lines: lines.clone(),
            source: lines,
            offset,
            body: 10,
            width: 0,
        }
    }

    /// Other text (the offset kept as far as it goes).
    pub fn set(&mut self, lines: Vec<String>) {
        *self = Scroll::new(lines, self.offset);
    }

    /// Lines longer than `room` break at a space; what follows hangs under
    /// the line's last column (after its last two spaces), or its bullet.
    fn wrap(&mut self, room: usize) {
        self.lines.clear();
        for line in &self.source {
            self.lines.extend(wrap_hanging(line, room));
        }
    }

    /// Move for a scrolling action; whether it was one.
    pub fn scroll(&mut self, action: &Action) -> bool {
        scroll_offset(&mut self.offset, self.body, self.lines.len(), action)
    }

    fn box_width(&self, main: Rect) -> u16 {
        (self.source.iter().map(|l| width(l)).max().unwrap_or(20).max(40) as u16 + 4).min(main.width.saturating_sub(4))
    }

    fn area(&self, main: Rect) -> Rect {
        centred(
            main,
            self.box_width(main),
            self.lines.len().min(u16::MAX as usize - 2) as u16 + 2,
        )
    }

    pub fn resize(&mut self, main: Rect) {
        let w = self.box_width(main);
        if w != self.width {
            self.width = w;
            self.wrap(w.saturating_sub(2) as usize);
        }
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

/// Scroll a box of `body` visible rows over `len` rows by a scrolling
/// action (line, page, top, bottom), keeping the last page full; whether
/// `action` was one.
pub(crate) fn scroll_offset(offset: &mut usize, body: usize, len: usize, action: &Action) -> bool {
    let page = body.max(1);
    match action {
        Action::Down => *offset += 1,
        Action::Up => *offset = offset.saturating_sub(1),
        Action::PageDown => *offset += page,
        Action::PageUp => *offset = offset.saturating_sub(page),
        Action::Top => *offset = 0,
        Action::Bottom => *offset = usize::MAX / 2,
        _ => return false,
    }
    *offset = (*offset).min(len.saturating_sub(body));
    true
}
