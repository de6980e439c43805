//! The explorer's settings file (`config.toml` in the config directory that
//! `iamscope info` prints): theme, mouse, key bindings for every mode.
//! Everything is optional; what the file sets is merged over the defaults.
//!
//! ```toml
//! theme = "high-contrast"   # dark | light | high-contrast | colour-blind
//! mouse = false             # keep the terminal's own text selection
//! [keys]                    # browsing
//! quit = ["q", "ctrl-c"]    # replaces the default keys of that action
//! [keys.popup]              # confirmations, the impact preview, texts
//! accept = ["enter", "o"]
//! [keys.input]              # typing a line: filter, command, prompt
//! clear-line = "ctrl-u"
//! [keys.editor]             # the policy editor
//! format = "alt-f"
//! ```
//!
//! The help overlay (`?`) lists every action of every mode with its name here.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::action::{Action, Mode};
use super::keymap::{Bindings, Keymaps};
use super::theme::ThemeName;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    theme: Option<String>,
    mouse: Option<bool>,
    #[serde(default)]
    keys: BTreeMap<String, KeyEntry>,
}

/// In `[keys]`: an action's keys, or a mode's table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum KeyEntry {
    One(String),
    Many(Vec<String>),
    Table(BTreeMap<String, KeyList>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    fn keys(self) -> Vec<String> {
        match self {
            KeyList::One(k) => vec![k],
            KeyList::Many(ks) => ks,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: ThemeName,
    pub mouse: bool,
    pub keys: Keymaps,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            theme: ThemeName::Dark,
            mouse: true,
            keys: Keymaps::default(),
        }
    }
}

fn binding(mode: Mode, name: &str, keys: Vec<String>) -> Result<(Action, Vec<String>), String> {
    let action = Keymaps::named(mode, name).ok_or_else(|| {
        format!(
            "[{}] `{name}` is not an action of this mode; the help overlay (?) lists each mode's actions by name",
            mode.table()
        )
    })?;
    Ok((action, keys))
}

impl Settings {
    /// Read the settings file if it exists. A broken file is an error that
    /// names the file and the place, never a silent fallback.
    pub fn load(path: Option<&Path>) -> Result<Settings, String> {
        let Some(path) = path else {
            return Ok(Settings::default());
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Settings::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Settings, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
        let theme = match file.theme.as_deref() {
            None => ThemeName::Dark,
            Some(name) => ThemeName::parse(name).ok_or_else(|| {
                let names: Vec<&str> = ThemeName::ALL.iter().map(|t| t.as_str()).collect();
                format!("theme `{name}` does not exist; choose one of {}", names.join(", "))
            })?,
        };
        let mut overrides: Vec<(Mode, Bindings)> = Mode::ALL.iter().map(|m| (*m, Vec::new())).collect();
        let mut add = |mode: Mode, entry: (Action, Vec<String>)| {
            if let Some((_, list)) = overrides.iter_mut().find(|(m, _)| *m == mode) {
                list.push(entry);
            }
        };
        for (name, entry) in file.keys {
            match entry {
                KeyEntry::One(k) => add(Mode::Normal, binding(Mode::Normal, &name, vec![k])?),
                KeyEntry::Many(ks) => add(Mode::Normal, binding(Mode::Normal, &name, ks)?),
                KeyEntry::Table(table) => {
                    let mode = Mode::ALL
                        .into_iter()
                        .find(|m| m.table() == format!("keys.{name}"))
                        .filter(|m| *m != Mode::Normal)
                        .ok_or_else(|| {
                            format!("[keys.{name}] is not a mode; the modes are [keys.popup], [keys.input] and [keys.editor]")
                        })?;
                    for (action, keys) in table {
                        add(mode, binding(mode, &action, keys.keys())?);
                    }
                }
            }
        }
        Ok(Settings {
            theme,
            mouse: file.mouse.unwrap_or(true),
            keys: Keymaps::with_overrides(&overrides)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let s = Settings::parse("").unwrap();
        assert_eq!(s.theme, ThemeName::Dark);
        assert!(s.mouse);
    }

    #[test]
    fn settings_merge_over_the_defaults_in_every_mode() {
        let s = Settings::parse(
            "theme = \"high-contrast\"\nmouse = false\n[keys]\nquit = \"Z\"\n\
             [keys.popup]\naccept = [\"enter\", \"o\"]\n[keys.editor]\nformat = \"alt-f\"\nword-right = \"ctrl-right\"\n",
        )
        .unwrap();
        assert_eq!(s.theme, ThemeName::HighContrast);
        assert!(!s.mouse);
        assert_eq!(s.keys.label(Mode::Normal, &Action::Quit), "Z");
        assert_eq!(
            s.keys.label(Mode::Normal, &Action::Down),
            "j/↓",
            "other actions keep their keys"
        );
        assert_eq!(s.keys.label(Mode::Popup, &Action::Accept), "enter/o");
        assert_eq!(s.keys.label(Mode::Editor, &Action::Format), "alt-f");
    }

    #[test]
    fn mistakes_are_named() {
        let err = Settings::parse("theme = \"neon\"").unwrap_err();
        assert!(err.contains("theme `neon` does not exist"), "{err}");
        let err = Settings::parse("[keys]\nfly = \"f\"").unwrap_err();
        assert!(err.contains("`fly` is not an action"), "{err}");
        let err = Settings::parse("[keys]\nquit = \"j\"").unwrap_err();
        assert!(err.contains("bound to both"), "{err}");
        let err = Settings::parse("[keys.popup]\nformat = \"f\"").unwrap_err();
        assert!(
            err.contains("[keys.popup] `format` is not an action of this mode"),
            "{err}"
        );
        let err = Settings::parse("[keys.lists]\nquit = \"f\"").unwrap_err();
        assert!(err.contains("[keys.lists] is not a mode"), "{err}");
        let err = Settings::parse("colour = 3").unwrap_err();
        assert!(err.contains("colour"), "{err}");
        let err = Settings::parse("theme = ").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }
}
