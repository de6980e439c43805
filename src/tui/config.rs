//! The explorer's settings file (`config.toml` in the config directory that
//! `iamscope info` prints): theme, mouse, key bindings. Everything is
//! optional; what the file sets is merged over the defaults.
//!
//! ```toml
//! theme = "high-contrast"   # dark | light | high-contrast | colour-blind
//! mouse = false             # keep the terminal's own text selection
//! [keys]
//! quit = ["q", "ctrl-c"]    # replaces the default keys of that action
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::keymap::{Action, Keymap};
use super::theme::ThemeName;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    theme: Option<String>,
    mouse: Option<bool>,
    #[serde(default)]
    keys: BTreeMap<String, KeyList>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: ThemeName,
    pub mouse: bool,
    pub keymap: Keymap,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            theme: ThemeName::Dark,
            mouse: true,
            keymap: Keymap::default(),
        }
    }
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
        let mut overrides = Vec::new();
        for (name, keys) in file.keys {
            let action = Action::ALL.into_iter().find(|a| a.name() == name).ok_or_else(|| {
                format!("[keys] `{name}` is not an action; the actions are listed in the help overlay (?)")
            })?;
            let keys = match keys {
                KeyList::One(k) => vec![k],
                KeyList::Many(ks) => ks,
            };
            overrides.push((action, keys));
        }
        Ok(Settings {
            theme,
            mouse: file.mouse.unwrap_or(true),
            keymap: Keymap::with_overrides(&overrides)?,
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
    fn settings_merge_over_the_defaults() {
        let s = Settings::parse("theme = \"high-contrast\"\nmouse = false\n[keys]\nquit = \"Z\"\n").unwrap();
        assert_eq!(s.theme, ThemeName::HighContrast);
        assert!(!s.mouse);
        assert_eq!(s.keymap.label(Action::Quit), "Z");
        assert_eq!(s.keymap.label(Action::Down), "j/↓", "other actions keep their keys");
    }

    #[test]
    fn mistakes_are_named() {
        let err = Settings::parse("theme = \"neon\"").unwrap_err();
        assert!(err.contains("theme `neon` does not exist"), "{err}");
        let err = Settings::parse("[keys]\nfly = \"f\"").unwrap_err();
        assert!(err.contains("`fly` is not an action"), "{err}");
        let err = Settings::parse("[keys]\nquit = \"j\"").unwrap_err();
        assert!(err.contains("bound to both"), "{err}");
        let err = Settings::parse("colour = 3").unwrap_err();
        assert!(err.contains("colour"), "{err}");
        let err = Settings::parse("theme = ").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }
}
