//! Drawing helpers the panes and popups share: bordered blocks, centred
//! boxes, toned spans cut to a width or wrapped, the line of a text input,
//! scrolling.
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

/// A line of toned pieces broken at spaces into rows of `room` columns,
/// the rows after the first starting at column `hang`; a word longer than
/// a row (an ARN) is broken where the row ends, nothing is cut.
pub fn wrap_spans_under(line: &[(String, Tone)], room: usize, hang: usize) -> Vec<Vec<(String, Tone)>> {
    let total: usize = line.iter().map(|(t, _)| width(t)).sum();
    if total <= room || room == 0 {
        return vec![line.to_vec()];
    }
    // a row keeps some room for the text after its hanging indent
    let hang = hang.min(room.saturating_sub(16).max(room / 2));
    let mut rows: Vec<Vec<(String, Tone)>> = vec![Vec::new()];
    let mut used = 0;
    let put = |rows: &mut Vec<Vec<(String, Tone)>>, piece: &str, tone: Tone, used: &mut usize| {
        *used += width(piece);
        if let Some(row) = rows.last_mut() {
            match row.last_mut() {
                Some((t, last)) if *last == tone => t.push_str(piece),
                _ => row.push((piece.to_owned(), tone)),
            }
        }
    };
    for (text, tone) in line {
        for word in text.split_inclusive(' ') {
            let bare = width(word.trim_end());
            if used > hang && used + bare > room {
                rows.push(vec![(" ".repeat(hang), Tone::Text)]);
                used = hang;
                if word.trim().is_empty() {
                    continue;
                }
            }
            // a word longer than what is left of an empty row: broken
            let mut rest: &str = word;
            while used + width(rest.trim_end()) > room {
                let take = room - used;
                let split = rest.char_indices().nth(take).map_or(rest.len(), |(i, _)| i);
                let (head, tail) = rest.split_at(split);
                put(&mut rows, head, *tone, &mut used);
                rows.push(vec![(" ".repeat(hang), Tone::Text)]);
                used = hang;
                rest = tail;
            }
            let piece = if used + width(rest) <= room {
                rest
            } else {
                rest.trim_end()
            };
            if !piece.is_empty() {
                put(&mut rows, piece, *tone, &mut used);
            }
        }
    }
    // no row ends in the space its break left
    for row in &mut rows {
        if let Some((text, _)) = row.last_mut() {
            text.truncate(text.trim_end().len());
        }
    }
    rows
}

/// A line of toned pieces broken at spaces into rows of `room` columns;
/// the rows after the first hang two columns under the line's indentation.
/// A word longer than a row is cut.
pub fn wrap_spans(line: Vec<(String, Tone)>, room: usize) -> Vec<Vec<(String, Tone)>> {
    let total: usize = line.iter().map(|(t, _)| width(t)).sum();
    if total <= room {
        return vec![line];
    }
    let indent = line
        .first()
        .map_or(0, |(t, _)| t.chars().take_while(|c| *c == ' ').count())
        + 2;
    let indent = indent.min(room / 2);
    let mut rows: Vec<Vec<(String, Tone)>> = vec![Vec::new()];
    let mut used = 0;
    for (text, tone) in line {
        for word in text.split_inclusive(' ') {
            let w = width(word);
            let bare = width(word.trim_end());
            if used > indent && used + bare > room {
                rows.push(vec![(" ".repeat(indent), Tone::Text)]);
                used = indent;
                if word.trim().is_empty() {
                    continue;
                }
            }
            let piece = if used + w <= room {
                word.to_owned()
            } else if used + bare <= room {
                // the space at the end of the row goes
                word.trim_end().to_owned()
            } else {
                fit(word, room - used)
            };
            used += width(&piece);
            if let Some(row) = rows.last_mut() {
                match row.last_mut() {
                    Some((t, last)) if *last == tone => t.push_str(&piece),
                    _ => row.push((piece, tone)),
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_wraps_under_its_value_and_a_long_word_is_broken_not_cut() {
        let line = vec![
            ("  ARN               ".to_owned(), Tone::Dim),
            (
                "arn:aws:iam::111122223333:user/a-rather-long-name".to_owned(),
                Tone::Text,
            ),
        ];
        let rows = wrap_spans_under(&line, 40, 20);
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert_eq!(
            text,
            [
                "  ARN               arn:aws:iam::1111222",
                "                    23333:user/a-rather-",
                "                    long-name",
            ]
        );
        let words = vec![("  one two three four five six".to_owned(), Tone::Text)];
        let rows = wrap_spans_under(&words, 14, 2);
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert_eq!(text, ["  one two", "  three four", "  five six"]);
    }

    #[test]
    fn a_long_line_wraps_under_its_indentation_and_keeps_its_tones() {
        let line = vec![
            ("    cross-check: ".to_owned(), Tone::Text),
            ("differs in why".to_owned(), Tone::Warn),
            (": the workspace has no bucket policy for photos".to_owned(), Tone::Text),
        ];
        let rows = wrap_spans(line.clone(), 40);
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert!(text.iter().all(|t| width(t) <= 40), "{text:?}");
        assert_eq!(text[0], "    cross-check: differs in why: the ");
        assert!(text[1].starts_with("      workspace"), "{text:?}");
        assert_eq!(
            text.concat().split_whitespace().collect::<Vec<_>>(),
            "cross-check: differs in why: the workspace has no bucket policy for photos"
                .split_whitespace()
                .collect::<Vec<_>>()
        );
        assert!(
            rows[0]
                .iter()
                .any(|(t, tone)| t == "differs in why" && *tone == Tone::Warn)
        );
        assert_eq!(wrap_spans(line.clone(), 200), vec![line]);
    }
}
