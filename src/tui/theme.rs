//! Themes: dark, light, high-contrast (for projectors) and colour-blind-safe
//! (blue/orange instead of green/red). With NO_COLOR set, no colour at all:
//! meaning is carried by words, marks, bold and reverse video.

use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    HighContrast,
    #[serde(alias = "colour-blind", alias = "color-blind")]
    ColourBlind,
}

impl ThemeName {
    pub const ALL: [ThemeName; 4] = [
        ThemeName::Dark,
        ThemeName::Light,
        ThemeName::HighContrast,
        ThemeName::ColourBlind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
            ThemeName::ColourBlind => "colour-blind",
        }
    }

    pub fn parse(text: &str) -> Option<ThemeName> {
        match text {
            "dark" => Some(ThemeName::Dark),
            "light" => Some(ThemeName::Light),
            "high-contrast" => Some(ThemeName::HighContrast),
            "colour-blind" | "color-blind" | "colourblind" => Some(ThemeName::ColourBlind),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: ThemeName,
    pub colour: bool,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    /// The selected row: reverse video, so it shows without colour too.
    pub selection: Style,
    pub header: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub link: Style,
    pub allow: Style,
    pub explicit_deny: Style,
    pub implicit_deny: Style,
    pub warning: Style,
    pub json_key: Style,
    pub json_string: Style,
    pub json_number: Style,
    pub json_punct: Style,
    pub highlight_line: Style,
    pub status: Style,
}

impl Theme {
    pub fn new(name: ThemeName, colour: bool) -> Theme {
        let fg = |c: Color| if colour { Style::new().fg(c) } else { Style::new() };
        let bold = Modifier::BOLD;
        let (text, dim, accent, allow, deny, implicit, warn, key, string, number) = match name {
            ThemeName::Dark => (
                Color::Reset,
                Color::DarkGray,
                Color::Cyan,
                Color::Green,
                Color::Red,
                Color::Yellow,
                Color::Yellow,
                Color::LightBlue,
                Color::LightGreen,
                Color::LightMagenta,
            ),
            ThemeName::Light => (
                Color::Black,
                Color::Gray,
                Color::Blue,
                Color::Green,
                Color::Red,
                Color::Rgb(160, 100, 0),
                Color::Rgb(160, 100, 0),
                Color::Blue,
                Color::Rgb(0, 110, 0),
                Color::Magenta,
            ),
            ThemeName::HighContrast => (
                Color::White,
                Color::Gray,
                Color::LightCyan,
                Color::LightGreen,
                Color::LightRed,
                Color::LightYellow,
                Color::LightYellow,
                Color::LightCyan,
                Color::White,
                Color::LightYellow,
            ),
            // Blue for allow and orange for deny stay apart for red-green colour blindness.
            ThemeName::ColourBlind => (
                Color::Reset,
                Color::DarkGray,
                Color::Cyan,
                Color::Rgb(80, 150, 255),
                Color::Rgb(255, 140, 0),
                Color::Rgb(220, 200, 80),
                Color::Rgb(220, 200, 80),
                Color::Rgb(80, 150, 255),
                Color::Rgb(200, 200, 200),
                Color::Rgb(255, 140, 0),
            ),
        };
        let strong = name == ThemeName::HighContrast;
        let base = |c: Color| if strong { fg(c).add_modifier(bold) } else { fg(c) };
        Theme {
            name,
            colour,
            text: base(text),
            dim: if colour {
                fg(dim)
            } else {
                Style::new().add_modifier(Modifier::DIM)
            },
            title: fg(accent).add_modifier(bold),
            border: if strong { fg(Color::White) } else { fg(dim) },
            border_focus: fg(accent).add_modifier(bold),
            selection: Style::new().add_modifier(Modifier::REVERSED | bold),
            header: base(accent).add_modifier(bold),
            tab: base(text),
            tab_active: fg(accent).add_modifier(bold | Modifier::REVERSED),
            link: base(accent).add_modifier(Modifier::UNDERLINED),
            allow: fg(allow).add_modifier(bold),
            explicit_deny: fg(deny).add_modifier(bold),
            implicit_deny: fg(implicit).add_modifier(bold),
            warning: fg(warn),
            json_key: base(key),
            json_string: base(string),
            json_number: base(number),
            json_punct: if strong { fg(Color::White) } else { fg(dim) },
            highlight_line: Style::new().add_modifier(Modifier::REVERSED),
            status: base(text),
        }
    }

    /// The theme the settings ask for; no colour when NO_COLOR is set (no-color.org).
    pub fn from_settings(name: ThemeName) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(name, !no_color)
    }
}
