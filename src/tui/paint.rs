//! Drawing helpers the panes and popups share: bordered blocks, centred
//! boxes, toned spans cut to a width, the line of a text input, scrolling.
//! Selections are reverse video with a marker, so they show without colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use super::input::LineInput;
use super::pages::Tone;
use super::text::{fit, visible, width};
use super::theme::Theme;

pub fn tone(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Text => theme.text,
        Tone::Dim => theme.dim,
        Tone::Heading => theme.title,
        Tone::Link => theme.link,
        Tone::Good => theme.allow,
        Tone::Bad => theme.explicit_deny,
        Tone::Warn => theme.warning,
        Tone::JsonKey => theme.json_key,
        Tone::JsonString => theme.json_string,
        Tone::JsonNumber => theme.json_number,
        Tone::JsonPunct => theme.json_punct,
    }
}

/// A bordered block with a title; the focused one stands out.
pub fn block<'a>(theme: &Theme, title: String, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.border_focus } else { theme.border })
        .title(Span::styled(title, if focused { theme.title } else { theme.text }))
}

/// Where a centred box of `w`×`h` goes in `main` (clamped to it).
pub fn centred(main: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(main.width.saturating_sub(2)).max(10.min(main.width));
    let h = h.min(main.height).max(3.min(main.height));
    Rect {
        x: main.x + (main.width - w) / 2,
        y: main.y + (main.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clear a box's area before drawing it.
pub fn clear(frame: &mut Frame<'_>, area: Rect) {
    frame.render_widget(Clear, area);
}

/// The first row to show so that `cursor` is in view.
pub fn scrolled(cursor: usize, offset: usize, height: usize) -> usize {
    if cursor < offset {
        cursor
    } else if height > 0 && cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

/// Toned spans cut to `room` columns, ending in `…` when cut; a selected
/// row is padded so its highlight spans the pane.
pub fn fit_spans(theme: &Theme, spans: &[(String, Tone)], room: usize, selected: bool) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len() + 1);
    let mut used = 0;
    for (text, t) in spans {
        let w = width(text);
        if used + w > room {
            out.push(Span::styled(fit(text, room.saturating_sub(used)), tone(theme, *t)));
            used = room;
            break;
        }
        out.push(Span::styled(text.clone(), tone(theme, *t)));
        used += w;
    }
    if selected && used < room {
        out.push(Span::raw(" ".repeat(room - used)));
    }
    out
}

/// A text input on one line: the prompt, the text with the cursor in
/// reverse video, and a hint. A suggested text shows selected (typing
/// replaces it).
pub fn input_line<'a>(theme: &Theme, prompt: &str, input: &LineInput, hint: &str) -> Line<'a> {
    if input.suggested {
        return Line::from(vec![
            Span::styled(prompt.to_owned(), theme.title),
            Span::styled(visible(&input.text), theme.selection),
            Span::styled(format!("   {hint}"), theme.dim),
        ]);
    }
    let before: String = input.text.chars().take(input.cursor).collect();
    let at: String = input
        .text
        .chars()
        .nth(input.cursor)
        .map_or(" ".to_owned(), |c| c.to_string());
    let after: String = input.text.chars().skip(input.cursor + 1).collect();
    Line::from(vec![
        Span::styled(prompt.to_owned(), theme.title),
        Span::styled(visible(&before), theme.text),
        Span::styled(visible(&at), theme.selection),
        Span::styled(visible(&after), theme.text),
        Span::styled(format!("   {hint}"), theme.dim),
    ])
}
