//! Actions — the one vocabulary between keys and the app — and the key
//! bindings: defaults, merged with the user's config file, checked for keys
//! bound twice. The help overlay is generated from the live keymap.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::{Deserialize, Serialize};

/// Everything a key (or a mouse click, or a command) can ask the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PreviousPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Drill down: open the selection or follow the link under the cursor.
    Open,
    /// Go back one step.
    Back,
    Filter,
    Command,
    RawJson,
    CopyArn,
    /// Ask the inspector about the selected principal.
    Inspect,
    /// Who can do the inspector's action on its resource?
    WhoCan,
    /// From a statement in an explanation, open its policy at its line.
    JumpToStatement,
    Users,
    Groups,
    Roles,
    Policies,
    RootUser,
    IdentityPools,
    UserPools,
    ResourcePolicies,
    OrganizationPolicies,
    /// Edit the policy under the cursor (or selected).
    Edit,
    /// Create a user, group, role or policy (by the list shown).
    New,
    Delete,
    Rename,
    CloneUser,
    Attach,
    Detach,
    /// Add the selected user to groups, or remove it.
    Membership,
    Boundary,
    AccessKeys,
    Undo,
    Redo,
    Save,
    /// The versions of a customer managed policy.
    Versions,
    /// The linter's findings over the account.
    Findings,
    LessonNext,
    LessonBack,
    LessonHint,
    /// What the selected principal can do (and its escalation paths).
    WhatCan,
}

impl Action {
    pub const ALL: [Action; 47] = [
        Action::Quit,
        Action::Help,
        Action::NextPane,
        Action::PreviousPane,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::Filter,
        Action::Command,
        Action::RawJson,
        Action::CopyArn,
        Action::Inspect,
        Action::WhoCan,
        Action::JumpToStatement,
        Action::Users,
        Action::Groups,
        Action::Roles,
        Action::Policies,
        Action::RootUser,
        Action::IdentityPools,
        Action::UserPools,
        Action::ResourcePolicies,
        Action::OrganizationPolicies,
        Action::Edit,
        Action::New,
        Action::Delete,
        Action::Rename,
        Action::CloneUser,
        Action::Attach,
        Action::Detach,
        Action::Membership,
        Action::Boundary,
        Action::AccessKeys,
        Action::Undo,
        Action::Redo,
        Action::Save,
        Action::Versions,
        Action::Findings,
        Action::LessonNext,
        Action::LessonBack,
        Action::LessonHint,
        Action::WhatCan,
    ];

    /// What the action does, for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show or hide this help",
            Action::NextPane => "next pane",
            Action::PreviousPane => "previous pane",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::Open => "open the selection / follow the link / expand",
            Action::Back => "go back",
            Action::Filter => "filter the list (fuzzy; start with ! to invert)",
            Action::Command => "command mode (:users, :explain …, :who-can …, :open FILE)",
            Action::RawJson => "raw JSON of the selection",
            Action::CopyArn => "copy the selection's ARN to the clipboard",
            Action::Inspect => "inspector: may the selected principal do an action?",
            Action::WhoCan => "who can do the inspector's action on its resource",
            Action::JumpToStatement => "open the policy at the statement under the cursor",
            Action::Users => "users",
            Action::Groups => "groups",
            Action::Roles => "roles",
            Action::Policies => "managed policies",
            Action::RootUser => "the root user",
            Action::IdentityPools => "Cognito identity pools",
            Action::UserPools => "Cognito user pools",
            Action::ResourcePolicies => "resource-based policies",
            Action::OrganizationPolicies => "SCPs and RCPs",
            Action::Edit => "edit the policy under the cursor (AWS managed ones: copy first)",
            Action::New => "new user, group, role (from a template) or policy",
            Action::Delete => "delete the selection",
            Action::Rename => "rename a user or group",
            Action::CloneUser => "clone a user (same groups, same attached policies)",
            Action::Attach => "attach a managed policy (every AWS managed policy is offered)",
            Action::Detach => "detach a managed policy",
            Action::Membership => "add the user to groups, or remove it",
            Action::Boundary => "set or clear a permissions boundary",
            Action::AccessKeys => "deactivate or delete an access key",
            Action::Undo => "undo the last change",
            Action::Redo => "redo",
            Action::Save => "save the account (:saveas FILE for another file)",
            Action::WhatCan => "what the selected principal can do, by service and access level; escalation paths",
            Action::LessonNext => "lesson: the next step (or answer the prediction)",
            Action::LessonBack => "lesson: the step before",
            Action::LessonHint => "lesson: one more hint for the task",
            Action::Findings => "findings: what the linter says about every policy",
            Action::Versions => "versions of a managed policy: compare one with the default, make it the default",
        }
    }

    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// A key with its modifiers, as written in the config file: `q`, `ctrl-c`,
/// `shift-tab`, `enter`, `pgdown`, `G`, `?`.
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
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
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
                    "`{text}` is not a key (write a character, or enter, esc, tab, shift-tab, up, down, pgup, pgdown, home, end, space, f1…f12, with ctrl- or alt- in front)"
                ));
            }
        };
        Ok(KeyCombo { code, ctrl, alt })
    }

    /// Shift is part of the character for printable keys (`G` is shift-g).
    pub fn from_event(event: &KeyEvent) -> KeyCombo {
        KeyCombo {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
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

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(KeyCombo, Action)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        let defaults: &[(Action, &[&str])] = &[
            (Action::Quit, &["q", "ctrl-c"]),
            (Action::Help, &["?"]),
            (Action::NextPane, &["tab"]),
            (Action::PreviousPane, &["shift-tab"]),
            (Action::Up, &["k", "up"]),
            (Action::Down, &["j", "down"]),
            (Action::PageUp, &["pgup", "ctrl-b"]),
            (Action::PageDown, &["pgdown", "ctrl-f"]),
            (Action::Top, &["g", "home"]),
            (Action::Bottom, &["G", "end"]),
            (Action::Open, &["enter", "l", "right"]),
            (Action::Back, &["esc", "h", "left"]),
            (Action::Filter, &["/"]),
            (Action::Command, &[":"]),
            (Action::RawJson, &["y"]),
            (Action::CopyArn, &["c"]),
            (Action::Inspect, &["i"]),
            (Action::WhoCan, &["w"]),
            (Action::JumpToStatement, &["o"]),
            (Action::Users, &["1"]),
            (Action::Groups, &["2"]),
            (Action::Roles, &["3"]),
            (Action::Policies, &["4"]),
            (Action::RootUser, &["5"]),
            (Action::IdentityPools, &["6"]),
            (Action::UserPools, &["7"]),
            (Action::ResourcePolicies, &["8"]),
            (Action::OrganizationPolicies, &["9"]),
            (Action::Edit, &["e"]),
            (Action::New, &["n"]),
            (Action::Delete, &["d"]),
            (Action::Rename, &["r"]),
            (Action::CloneUser, &["C"]),
            (Action::Attach, &["a"]),
            (Action::Detach, &["x"]),
            (Action::Membership, &["m"]),
            (Action::Boundary, &["b"]),
            (Action::AccessKeys, &["K"]),
            (Action::Undo, &["u"]),
            (Action::Redo, &["ctrl-r"]),
            (Action::Save, &["ctrl-s"]),
            (Action::Versions, &["v"]),
            (Action::Findings, &["f"]),
            (Action::LessonNext, &["]"]),
            (Action::LessonBack, &["["]),
            (Action::LessonHint, &["H"]),
            (Action::WhatCan, &["p"]),
        ];
        let mut bindings = Vec::new();
        for (action, keys) in defaults {
            for key in *keys {
                bindings.push((KeyCombo::parse(key).expect("default keys parse"), *action));
            }
        }
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the user's bindings merged over them: an action the
    /// user binds keeps only the user's keys. Two actions on one key is an error.
    pub fn with_overrides(overrides: &[(Action, Vec<String>)]) -> Result<Keymap, String> {
        let mut keymap = Keymap::default();
        for (action, keys) in overrides {
            keymap.bindings.retain(|(_, a)| a != action);
            for key in keys {
                let combo = KeyCombo::parse(key).map_err(|e| format!("[keys] {}: {e}", action.name()))?;
                keymap.bindings.push((combo, *action));
            }
        }
        let mut problems = Vec::new();
        for (i, (key, action)) in keymap.bindings.iter().enumerate() {
            if let Some((_, other)) = keymap.bindings[..i].iter().find(|(k, a)| k == key && a != action) {
                problems.push(format!(
                    "`{key}` is bound to both {} and {}",
                    other.name(),
                    action.name()
                ));
            }
        }
        if problems.is_empty() {
            Ok(keymap)
        } else {
            Err(format!(
                "{}; give one of them another key in [keys]",
                problems.join("; ")
            ))
        }
    }

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        let combo = KeyCombo::from_event(event);
        self.bindings.iter().find(|(k, _)| *k == combo).map(|(_, a)| *a)
    }

    /// The keys of an action, as shown in help and hints.
    pub fn keys(&self, action: Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k.to_string())
            .collect()
    }

    /// `keys` joined, or a note that the action has no key.
    pub fn label(&self, action: Action) -> String {
        let keys = self.keys(action);
        if keys.is_empty() {
            "unbound".to_owned()
        } else {
            keys.join("/")
        }
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
        let k = Keymap::default();
        assert_eq!(
            k.action(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.action(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PreviousPane)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('3'), KeyModifiers::NONE)),
            Some(Action::Roles)
        );
    }

    #[test]
    fn user_bindings_replace_the_defaults_of_their_action() {
        let k = Keymap::with_overrides(&[(Action::Quit, vec!["Z".into()])]).unwrap();
        assert_eq!(
            k.action(&key(KeyCode::Char('Z'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(k.action(&key(KeyCode::Char('q'), KeyModifiers::NONE)), None);
        assert_eq!(k.label(Action::Quit), "Z");
    }

    #[test]
    fn a_key_bound_to_two_actions_is_an_error_naming_both() {
        let err = Keymap::with_overrides(&[(Action::Quit, vec!["j".into()])]).unwrap_err();
        assert!(err.contains("`j` is bound to both"), "{err}");
        assert!(err.contains("quit") && err.contains("down"), "{err}");
        let err = Keymap::with_overrides(&[(Action::Quit, vec!["ctrl-nonsense".into()])]).unwrap_err();
        assert!(err.contains("is not a key"), "{err}");
    }

    #[test]
    fn keys_print_as_they_are_written() {
        for text in ["q", "ctrl-c", "shift-tab", "enter", "pgdown", "G", "f5"] {
            assert_eq!(KeyCombo::parse(text).unwrap().to_string(), text);
        }
    }
}
