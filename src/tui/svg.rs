//! A screen as a picture: turns a ratatui [`Buffer`] into an SVG file, one
//! `<rect>` per stretch of equal background and one `<text>` per stretch of
//! equally styled characters, on a dark page. Used by `iamscope screenshots`
//! so the README shows what the program really draws.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// One character cell, in pixels.
const CELL_WIDTH: f32 = 9.0;
const CELL_HEIGHT: f32 = 18.0;
const FONT_SIZE: f32 = 15.0;
/// The page's margin around the cells.
const MARGIN: f32 = 12.0;
/// What `Color::Reset` means on this page.
const PAGE: &str = "#16191e";
const INK: &str = "#d5d8dc";
const FONTS: &str = "ui-monospace, 'SF Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace";

/// The sixteen named colours, in ANSI order, as this page paints them.
const NAMED: [&str; 16] = [
    "#2b2f36", "#e5615b", "#5cb85c", "#d9b443", "#4d8fe0", "#c071cf", "#3db5c6", "#b3b8bf", // normal
    "#6a717b", "#ff8c84", "#8fe08f", "#f4df7a", "#86b7f5", "#e49cf1", "#80e3ef", "#f5f7fa", // bright
];

fn hex(color: Color, default: &str) -> String {
    let named = |i: usize| NAMED[i].to_owned();
    match color {
        Color::Reset => default.to_owned(),
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => named(8),
        Color::LightRed => named(9),
        Color::LightGreen => named(10),
        Color::LightYellow => named(11),
        Color::LightBlue => named(12),
        Color::LightMagenta => named(13),
        Color::LightCyan => named(14),
        Color::White => named(15),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => {
            let (r, g, b) = match i {
                0..=15 => return named(i as usize),
                // the 6×6×6 cube, then 24 greys
                16..=231 => {
                    let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
                    let n = i - 16;
                    (level(n / 36), level(n / 6 % 6), level(n % 6))
                }
                _ => {
                    let v = 8 + 10 * (i - 232);
                    (v, v, v)
                }
            };
            format!("#{r:02x}{g:02x}{b:02x}")
        }
    }
}

/// How a cell is painted once reverse video is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Paint {
    fg: String,
    bg: String,
    bold: bool,
    italic: bool,
    underline: bool,
    dim: bool,
}

impl Paint {
    fn of(fg: Color, bg: Color, modifier: Modifier) -> Paint {
        let (mut fg, mut bg) = (hex(fg, INK), hex(bg, PAGE));
        if modifier.contains(Modifier::REVERSED) {
            std::mem::swap(&mut fg, &mut bg);
        }
        Paint {
            fg,
            bg,
            bold: modifier.contains(Modifier::BOLD),
            italic: modifier.contains(Modifier::ITALIC),
            underline: modifier.contains(Modifier::UNDERLINED),
            dim: modifier.contains(Modifier::DIM),
        }
    }
}

/// A stretch of one row: first column, width in columns, text, paint.
struct Run {
    x: u16,
    columns: u16,
    text: String,
    paint: Paint,
}

/// The runs of one row. A wide character's second cell belongs to it.
fn runs(buffer: &Buffer, y: u16) -> Vec<Run> {
    let area = buffer.area;
    let mut out: Vec<Run> = Vec::new();
    let mut covered = 0u16;
    for x in area.left()..area.right() {
        let cell = &buffer[(x, y)];
        if covered > 0 {
            covered -= 1;
            if let Some(run) = out.last_mut() {
                run.columns += 1;
            }
            continue;
        }
        let symbol = cell.symbol();
        covered = (symbol.width() as u16).saturating_sub(1);
        let paint = Paint::of(cell.fg, cell.bg, cell.modifier);
        match out.last_mut() {
            Some(run) if run.paint == paint => {
                run.columns += 1;
                run.text.push_str(symbol);
            }
            _ => out.push(Run {
                x,
                columns: 1,
                text: symbol.to_owned(),
                paint,
            }),
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The whole buffer as an SVG document.
pub fn render(buffer: &Buffer) -> String {
    let area = buffer.area;
    let width = MARGIN * 2.0 + CELL_WIDTH * f32::from(area.width);
    let height = MARGIN * 2.0 + CELL_HEIGHT * f32::from(area.height);
    let mut backgrounds = String::new();
    let mut texts = String::new();
    for y in area.top()..area.bottom() {
        let top = MARGIN + CELL_HEIGHT * f32::from(y - area.top());
        for run in runs(buffer, y) {
            let left = MARGIN + CELL_WIDTH * f32::from(run.x - area.left());
            if run.paint.bg != PAGE {
                let _ = writeln!(
                    backgrounds,
                    r#"<rect x="{left:.1}" y="{top:.1}" width="{:.1}" height="{CELL_HEIGHT:.1}" fill="{}"/>"#,
                    CELL_WIDTH * f32::from(run.columns),
                    run.paint.bg
                );
            }
            // Blank ends are left to the background; the rest keeps its columns.
            let leading = run.text.chars().take_while(|c| *c == ' ').count() as u16;
            let trimmed = run.text.trim_matches(' ');
            if trimmed.is_empty() && !run.paint.underline {
                continue;
            }
            let (text, skip, columns) = if run.paint.underline {
                (run.text.as_str(), 0, run.columns)
            } else {
                let trailing = run.text.chars().rev().take_while(|c| *c == ' ').count() as u16;
                (trimmed, leading, run.columns - leading - trailing)
            };
            let mut attributes = format!(r#" fill="{}""#, run.paint.fg);
            if run.paint.bold {
                attributes.push_str(r#" font-weight="bold""#);
            }
            if run.paint.italic {
                attributes.push_str(r#" font-style="italic""#);
            }
            if run.paint.underline {
                attributes.push_str(r#" text-decoration="underline""#);
            }
            if run.paint.dim {
                attributes.push_str(r#" fill-opacity="0.6""#);
            }
            let _ = writeln!(
                texts,
                r#"<text x="{:.1}" y="{:.1}" textLength="{:.1}" lengthAdjust="spacingAndGlyphs"{attributes}>{}</text>"#,
                left + CELL_WIDTH * f32::from(skip),
                top + CELL_HEIGHT * 0.75,
                CELL_WIDTH * f32::from(columns),
                escape(text)
            );
        }
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}">"#,
            "\n",
            r#"<rect width="100%" height="100%" rx="8" fill="{page}"/>"#,
            "\n{backgrounds}",
            r#"<g font-family="{fonts}" font-size="{size:.0}" xml:space="preserve" style="white-space:pre">"#,
            "\n{texts}</g>\n</svg>\n"
        ),
        w = width,
        h = height,
        page = PAGE,
        backgrounds = backgrounds,
        fonts = FONTS,
        size = FONT_SIZE,
        texts = texts,
    )
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    fn texts(svg: &str) -> Vec<&str> {
        svg.lines().filter(|l| l.starts_with("<text")).collect()
    }

    #[test]
    fn equally_styled_cells_share_one_text_and_styles_are_kept() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 12, 1));
        buffer.set_string(0, 0, "ab", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD));
        buffer.set_string(2, 0, "cd", Style::new().fg(Color::Rgb(1, 2, 3)));
        let svg = render(&buffer);
        let texts = texts(&svg);
        assert_eq!(texts.len(), 2, "{svg}");
        assert!(texts[0].contains(">ab<") && texts[0].contains(r#"font-weight="bold""#));
        assert!(texts[0].contains(&format!(r#"fill="{}""#, NAMED[1])));
        assert!(texts[1].contains(">cd<") && texts[1].contains(r##"fill="#010203""##));
        assert!(!texts[1].contains("bold"));
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn reverse_video_swaps_ink_and_paper() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 2));
        buffer.set_string(1, 1, "sel", Style::new().add_modifier(Modifier::REVERSED));
        let svg = render(&buffer);
        let rects: Vec<&str> = svg.lines().filter(|l| l.starts_with("<rect x=")).collect();
        assert_eq!(rects.len(), 1, "{svg}");
        assert!(rects[0].contains(&format!(r#"fill="{INK}""#)));
        assert!(rects[0].contains(r#"y="30.0""#), "second row: {}", rects[0]);
        let texts = texts(&svg);
        assert_eq!(texts.len(), 1);
        assert!(texts[0].contains(&format!(r#"fill="{PAGE}""#)) && texts[0].contains(">sel<"));
    }

    #[test]
    fn markup_is_escaped_and_blank_ends_keep_the_columns() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 10, 1));
        buffer.set_string(0, 0, "  <a&b>", Style::new());
        let svg = render(&buffer);
        let texts = texts(&svg);
        assert_eq!(texts.len(), 1);
        assert!(texts[0].contains(">&lt;a&amp;b&gt;<"), "{}", texts[0]);
        // starts two cells in, and spans the five characters only
        assert!(texts[0].contains(&format!(r#"x="{:.1}""#, MARGIN + 2.0 * CELL_WIDTH)));
        assert!(texts[0].contains(&format!(r#"textLength="{:.1}""#, 5.0 * CELL_WIDTH)));
    }

    #[test]
    fn a_wide_character_takes_two_columns() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        buffer.set_string(0, 0, "語x", Style::new());
        let svg = render(&buffer);
        let texts = texts(&svg);
        assert_eq!(texts.len(), 1);
        assert!(texts[0].contains(">語x<"), "{}", texts[0]);
        assert!(texts[0].contains(&format!(r#"textLength="{:.1}""#, 3.0 * CELL_WIDTH)));
    }

    #[test]
    fn palette_colours_have_their_own_values() {
        assert_eq!(hex(Color::Indexed(16), INK), "#000000");
        assert_eq!(hex(Color::Indexed(231), INK), "#ffffff");
        assert_eq!(hex(Color::Indexed(232), INK), "#080808");
        assert_eq!(hex(Color::Indexed(9), INK), hex(Color::LightRed, INK));
        assert_eq!(hex(Color::Reset, PAGE), PAGE);
    }
}
