//! Key bindings: one map per mode, the defaults with the user's bindings
//! from `config.toml` merged over them, each checked for a key bound to two
//! actions. The help overlay is generated from the live maps.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Mode, bindable};

/// A key with its modifiers, as written in the config file: `q`, `ctrl-c`,
/// `shift-tab`, `enter`, `pgdown`, `G`, `?`, `ctrl-left`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeyCombo {
    pub fn parse(text: &str) -> Result<KeyCombo, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdown" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => {
                return Err(format!(
                    "`{text}` is not a key (write a character, or enter, esc, tab, shift-tab, backspace, delete, up, down, left, right, pgup, pgdown, home, end, space, f1…f12, with ctrl- or alt- in front)"
                ));
            }
        };
        Ok(KeyCombo { code, ctrl, alt })
    }

    /// Shift is part of the character for printable keys (`G` is shift-g).
    /// With ctrl or alt, a terminal reports shift-z as `z` plus shift:
    /// that is `Z` here, so `ctrl-Z` means ctrl-shift-z.
    pub fn from_event(event: &KeyEvent) -> KeyCombo {
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::Char(c.to_ascii_uppercase()),
            code => code,
        };
        KeyCombo {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// The key event this combination stands for (for scripted keys).
    pub fn to_event(self) -> KeyEvent {
        let mut modifiers = KeyModifiers::NONE;
        if self.ctrl {
            modifiers |= KeyModifiers::CONTROL;
        }
        if self.alt {
            modifiers |= KeyModifiers::ALT;
        }
        if matches!(self.code, KeyCode::Char(c) if c.is_uppercase()) || self.code == KeyCode::BackTab {
            modifiers |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(self.code, modifiers)
    }
}

impl fmt::Display for KeyCombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdown"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => f.write_str("?"),
        }
    }
}

/// The keys of one mode.
#[derive(Debug, Clone)]
pub struct Keymap {
    mode: Mode,
    bindings: Vec<(KeyCombo, Action)>,
}

fn defaults(mode: Mode) -> &'static [(Action, &'static [&'static str])] {
    use Action::*;
    match mode {
        Mode::Normal => &[
            (Quit, &["q", "ctrl-c"]),
            (Help, &["?"]),
            (NextPane, &["tab"]),
            (PreviousPane, &["shift-tab"]),
            (Up, &["k", "up"]),
            (Down, &["j", "down"]),
            (PageUp, &["pgup", "ctrl-b"]),
            (PageDown, &["pgdown", "ctrl-f"]),
            (Top, &["g", "home"]),
            (Bottom, &["G", "end"]),
            (Open, &["enter", "l", "right"]),
            (Back, &["esc", "h", "left"]),
            (Filter, &["/"]),
            (Command, &[":"]),
            (RawJson, &["y"]),
            (CopyArn, &["c"]),
            (Inspect, &["i"]),
            (WhoCan, &["w"]),
            (JumpToStatement, &["o"]),
            (ToggleAssume, &["A"]),
            (Users, &["1"]),
            (Groups, &["2"]),
            (Roles, &["3"]),
            (Policies, &["4"]),
            (RootUser, &["5"]),
            (IdentityPools, &["6"]),
            (UserPools, &["7"]),
            (ResourcePolicies, &["8"]),
            (OrganizationPolicies, &["9"]),
            (Edit, &["e"]),
            (New, &["n"]),
            (Delete, &["d"]),
            (Rename, &["r"]),
            (CloneUser, &["C"]),
            (Attach, &["a"]),
            (Detach, &["x"]),
            (Membership, &["m"]),
            (Boundary, &["b"]),
            (AccessKeys, &["K"]),
            (Undo, &["u"]),
            (Redo, &["ctrl-r"]),
            (Save, &["ctrl-s"]),
            (Versions, &["v"]),
            (Findings, &["f"]),
            (LessonNext, &["]"]),
            (LessonBack, &["["]),
            (LessonHint, &["H"]),
            (WhatCan, &["p"]),
            (CloudTrail, &["T"]),
            (AllEvents, &["s"]),
        ],
        Mode::Popup => &[
            (Accept, &["enter"]),
            (Cancel, &["esc"]),
            (Yes, &["y"]),
            (No, &["n"]),
            (Up, &["k", "up"]),
            (Down, &["j", "down"]),
            (PageUp, &["pgup", "ctrl-b"]),
            (PageDown, &["pgdown", "ctrl-f", "space"]),
            (Top, &["g", "home"]),
            (Bottom, &["G", "end"]),
            (InspectFlip, &["i"]),
            (MakeDefault, &["d"]),
            (Save, &["w", "ctrl-s"]),
            (Help, &["?"]),
            (Quit, &["q", "ctrl-c"]),
        ],
        Mode::Input => &[
            (Submit, &["enter"]),
            (Cancel, &["esc"]),
            (Complete, &["tab"]),
            (Up, &["up"]),
            (Down, &["down"]),
            (PageUp, &["pgup"]),
            (PageDown, &["pgdown"]),
            (Left, &["left"]),
            (Right, &["right"]),
            (Home, &["home", "ctrl-a"]),
            (End, &["end", "ctrl-e"]),
            (DeleteBack, &["backspace", "ctrl-h"]),
            (DeleteForward, &["delete", "ctrl-d"]),
            (DeleteWord, &["ctrl-w"]),
            (ClearLine, &["ctrl-u"]),
            (Quit, &["ctrl-c"]),
        ],
        Mode::Editor => &[
            (Save, &["ctrl-s"]),
            (Cancel, &["esc"]),
            (Complete, &["tab"]),
            (Format, &["ctrl-f"]),
            (Snippet, &["ctrl-n"]),
            (NextProblem, &["ctrl-g", "f8"]),
            (Newline, &["enter"]),
            (Up, &["up", "ctrl-p"]),
            (Down, &["down"]),
            (Left, &["left"]),
            (Right, &["right"]),
            (WordLeft, &["ctrl-left", "alt-b"]),
            (WordRight, &["ctrl-right", "alt-f"]),
            (Home, &["home", "ctrl-a"]),
            (End, &["end", "ctrl-e"]),
            (Top, &["ctrl-home", "alt-<"]),
            (Bottom, &["ctrl-end", "alt->"]),
            (PageUp, &["pgup", "alt-v"]),
            (PageDown, &["pgdown", "ctrl-v"]),
            (DeleteBack, &["backspace", "ctrl-h"]),
            (DeleteForward, &["delete", "ctrl-d"]),
            (DeleteWord, &["ctrl-w", "alt-backspace"]),
            (DeleteToEnd, &["ctrl-k"]),
            (Undo, &["ctrl-z", "ctrl-u"]),
            (Redo, &["ctrl-y", "ctrl-Z", "ctrl-r"]),
            (Quit, &["ctrl-c"]),
        ],
    }
}

impl Keymap {
    pub fn default_for(mode: Mode) -> Keymap {
        let mut bindings = Vec::new();
        for (action, keys) in defaults(mode) {
            for key in *keys {
                bindings.push((KeyCombo::parse(key).expect("default keys parse"), action.clone()));
            }
        }
        Keymap { mode, bindings }
    }

    /// The defaults with the user's bindings merged over them: an action the
    /// user binds keeps only the user's keys. Two actions on one key is an error.
    pub fn with_overrides(mode: Mode, overrides: &[(Action, Vec<String>)]) -> Result<Keymap, String> {
        let mut keymap = Keymap::default_for(mode);
        let table = mode.table();
        for (action, keys) in overrides {
            let name = action.name().unwrap_or_default();
            keymap.bindings.retain(|(_, a)| a != action);
            for key in keys {
                let combo = KeyCombo::parse(key).map_err(|e| format!("[{table}] {name}: {e}"))?;
                keymap.bindings.push((combo, action.clone()));
            }
        }
        let mut problems = Vec::new();
        for (i, (key, action)) in keymap.bindings.iter().enumerate() {
            if let Some((_, other)) = keymap.bindings[..i].iter().find(|(k, a)| k == key && a != action) {
                problems.push(format!(
                    "`{key}` is bound to both {} and {} in [{table}]",
                    other.name().unwrap_or_default(),
                    action.name().unwrap_or_default()
                ));
            }
        }
        if problems.is_empty() {
            Ok(keymap)
        } else {
            Err(format!(
                "{}; give one of them another key in [{table}]",
                problems.join("; ")
            ))
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The action of a key; in modes that take text, an unbound character
    /// is typed.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        let combo = KeyCombo::from_event(event);
        if let Some((_, action)) = self.bindings.iter().find(|(k, _)| *k == combo) {
            return Some(action.clone());
        }
        match combo {
            KeyCombo {
                code: KeyCode::Char(c),
                ctrl: false,
                alt: false,
            } if self.mode.takes_text() => Some(Action::Insert(c)),
            _ => None,
        }
    }

    /// The keys of an action, as shown in help and hints.
    pub fn keys(&self, action: &Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, a)| a == action)
            .map(|(k, _)| k.to_string())
            .collect()
    }

    /// `keys` joined, or a note that the action has no key.
    pub fn label(&self, action: &Action) -> String {
        let keys = self.keys(action);
        if keys.is_empty() {
            "unbound".to_owned()
        } else {
            keys.join("/")
        }
    }
}

/// The user's bindings of one mode: each action with its keys.
pub type Bindings = Vec<(Action, Vec<String>)>;

/// The key maps of every mode.
#[derive(Debug, Clone)]
pub struct Keymaps {
    maps: Vec<Keymap>,
}

impl Default for Keymaps {
    fn default() -> Keymaps {
        Keymaps {
            maps: Mode::ALL.iter().map(|m| Keymap::default_for(*m)).collect(),
        }
    }
}

impl Keymaps {
    /// The user's bindings, mode by mode, merged over the defaults.
    pub fn with_overrides(overrides: &[(Mode, Bindings)]) -> Result<Keymaps, String> {
        let mut maps = Vec::new();
        for mode in Mode::ALL {
            let mine: &[(Action, Vec<String>)] = overrides
                .iter()
                .find(|(m, _)| *m == mode)
                .map_or(&[], |(_, o)| o.as_slice());
            maps.push(Keymap::with_overrides(mode, mine)?);
        }
        Ok(Keymaps { maps })
    }

    pub fn get(&self, mode: Mode) -> &Keymap {
        self.maps.iter().find(|m| m.mode == mode).expect("a map for every mode")
    }

    pub fn action(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        self.get(mode).action(event)
    }

    pub fn label(&self, mode: Mode, action: &Action) -> String {
        self.get(mode).label(action)
    }

    /// The first key of an action, for hints where one is enough.
    pub fn first(&self, mode: Mode, action: &Action) -> String {
        self.get(mode)
            .keys(action)
            .into_iter()
            .next()
            .unwrap_or_else(|| "unbound".to_owned())
    }

    /// An action by the name `config.toml` gives it, among a mode's actions.
    pub fn named(mode: Mode, name: &str) -> Option<Action> {
        bindable(mode)
            .iter()
            .find(|a| a.name().as_deref() == Some(name))
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_map_the_k9s_keys() {
        let k = Keymaps::default();
        let normal = |code, m| k.action(Mode::Normal, &key(code, m));
        assert_eq!(normal(KeyCode::Char('j'), KeyModifiers::NONE), Some(Action::Down));
        assert_eq!(normal(KeyCode::Char('G'), KeyModifiers::SHIFT), Some(Action::Bottom));
        assert_eq!(normal(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Action::Quit));
        assert_eq!(
            normal(KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Action::PreviousPane)
        );
        assert_eq!(normal(KeyCode::Char('3'), KeyModifiers::NONE), Some(Action::Roles));
        assert_eq!(normal(KeyCode::Char('z'), KeyModifiers::NONE), None);
    }

    #[test]
    fn modes_that_take_text_type_unbound_characters() {
        let k = Keymaps::default();
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(k.action(Mode::Input, &j), Some(Action::Insert('j')));
        assert_eq!(k.action(Mode::Editor, &j), Some(Action::Insert('j')));
        assert_eq!(k.action(Mode::Popup, &j), Some(Action::Down));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in Mode::ALL {
            assert_eq!(
                k.action(mode, &ctrl_c),
                Some(Action::Quit),
                "{mode:?}: ctrl-c is a way out everywhere"
            );
        }
    }

    #[test]
    fn user_bindings_replace_the_defaults_of_their_action_in_their_mode() {
        let k = Keymaps::with_overrides(&[
            (Mode::Normal, vec![(Action::Quit, vec!["Z".into()])]),
            (Mode::Popup, vec![(Action::Accept, vec!["o".into()])]),
        ])
        .unwrap();
        let z = key(KeyCode::Char('Z'), KeyModifiers::NONE);
        assert_eq!(k.action(Mode::Normal, &z), Some(Action::Quit));
        assert_eq!(
            k.action(Mode::Normal, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(k.label(Mode::Normal, &Action::Quit), "Z");
        assert_eq!(
            k.label(Mode::Popup, &Action::Quit),
            "q/ctrl-c",
            "other modes keep theirs"
        );
        assert_eq!(
            k.action(Mode::Popup, &key(KeyCode::Char('o'), KeyModifiers::NONE)),
            Some(Action::Accept)
        );
        assert_eq!(k.action(Mode::Popup, &key(KeyCode::Enter, KeyModifiers::NONE)), None);
    }

    #[test]
    fn a_key_bound_to_two_actions_in_one_mode_is_an_error_naming_both() {
        let err = Keymaps::with_overrides(&[(Mode::Normal, vec![(Action::Quit, vec!["j".into()])])]).unwrap_err();
        assert!(err.contains("`j` is bound to both"), "{err}");
        assert!(err.contains("quit") && err.contains("down"), "{err}");
        // space is page-down in boxes: accept cannot have it too
        let err = Keymaps::with_overrides(&[(Mode::Popup, vec![(Action::Accept, vec!["space".into()])])]).unwrap_err();
        assert!(err.contains("[keys.popup]"), "{err}");
        let err = Keymaps::with_overrides(&[(Mode::Editor, vec![(Action::Format, vec!["ctrl-nonsense".into()])])])
            .unwrap_err();
        assert!(
            err.contains("is not a key") && err.contains("[keys.editor] format"),
            "{err}"
        );
    }

    #[test]
    fn keys_print_as_they_are_written() {
        for text in [
            "q",
            "ctrl-c",
            "shift-tab",
            "enter",
            "pgdown",
            "G",
            "f5",
            "ctrl-z",
            "alt-b",
            "delete",
        ] {
            assert_eq!(KeyCombo::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(KeyCombo::parse("ctrl--").unwrap().code, KeyCode::Char('-'));
    }
}

#[cfg(test)]
mod readme {
    /// Issue 17: the README documents `config.toml`, every binding name of
    /// every mode with its default keys; a new action must be added there.
    #[test]
    fn the_readme_lists_every_binding_name_of_every_mode_with_its_keys() {
        let readme = include_str!("../../README.md");
        let start = readme.find("## Settings").expect("a Settings section in the README");
        let section = &readme[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
        for mode in super::Mode::ALL {
            let table = format!("[{}]", mode.table());
            let at = section
                .find(&format!("`{table}`"))
                .unwrap_or_else(|| panic!("{table} is not in the README"));
            let lines: Vec<&str> = section[at..]
                .lines()
                .skip(1)
                .take_while(|l| !l.contains("`[keys"))
                .collect();
            for (action, keys) in super::defaults(mode) {
                let name = action.name().unwrap_or_default();
                let row = format!(
                    "`{name}` ({})",
                    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                );
                assert!(
                    lines.iter().any(|l| l.contains(&row)),
                    "README's {table} list lacks {row}"
                );
            }
        }
    }
}
