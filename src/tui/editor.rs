//! The policy editor: ratatui-textarea keeps the text, the cursor and the
//! undo history; this module adds what a policy author needs — diagnostics
//! while typing (JSON, grammar, actions and condition keys the catalogue does
//! not know), completion of actions, operators and condition keys, a format
//! command, a statement snippet — and says which change saving would make.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use crate::analysis::lint::{self, PolicyKind};
use crate::model::Holder;
use crate::model::change::{Change, OrgKind};
use crate::policy::{BaseOperator, Diagnostic, Severity};

/// What is being edited, and so which change saving makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditTarget {
    Inline {
        holder: Holder,
        name: String,
    },
    /// A customer managed policy: saving makes a new default version.
    Managed {
        arn: String,
        name: String,
    },
    /// A new customer managed policy.
    NewManaged {
        name: String,
    },
    Trust {
        role: String,
    },
    Resource {
        arn: String,
    },
    Org {
        kind: OrgKind,
        name: String,
    },
}

impl EditTarget {
    pub fn title(&self) -> String {
        match self {
            EditTarget::Inline { holder, name } => format!("inline policy {name} of {}", holder.describe()),
            EditTarget::Managed { name, .. } => format!("{name} (saving makes a new default version)"),
            EditTarget::NewManaged { name } => format!("new managed policy {name}"),
            EditTarget::Trust { role } => format!("trust policy of role {role}"),
            EditTarget::Resource { arn } => format!("policy of {arn}"),
            EditTarget::Org {
                kind: OrgKind::Scp,
                name,
            } => format!("SCP {name}"),
            EditTarget::Org {
                kind: OrgKind::Rcp,
                name,
            } => format!("RCP {name}"),
        }
    }

    pub fn change(&self, document: String) -> Change {
        match self {
            EditTarget::Inline { holder, name } => Change::PutInlinePolicy {
                holder: holder.clone(),
                name: name.clone(),
                document,
            },
            EditTarget::Managed { arn, .. } => Change::CreatePolicyVersion {
                arn: arn.clone(),
                document,
            },
            EditTarget::NewManaged { name } => Change::CreatePolicy {
                name: name.clone(),
                path: "/".to_owned(),
                document,
            },
            EditTarget::Trust { role } => Change::UpdateTrustPolicy {
                role: role.clone(),
                document,
            },
            EditTarget::Resource { arn } => Change::PutResourcePolicy {
                resource_arn: arn.clone(),
                document,
            },
            EditTarget::Org { kind, name } => Change::UpdateOrgPolicy {
                kind: *kind,
                name: name.clone(),
                document,
            },
        }
    }

    /// The kind of policy, which decides the rules it is checked against.
    pub fn kind(&self) -> PolicyKind {
        match self {
            EditTarget::Inline { .. } | EditTarget::Managed { .. } | EditTarget::NewManaged { .. } => {
                PolicyKind::Identity
            }
            EditTarget::Trust { .. } => PolicyKind::Trust,
            // a role's ARN as the resource: its trust policy
            EditTarget::Resource { arn } if arn.contains(":iam::") && arn.contains(":role/") => PolicyKind::Trust,
            EditTarget::Resource { .. } => PolicyKind::Resource,
            EditTarget::Org { kind: OrgKind::Scp, .. } => PolicyKind::Scp,
            EditTarget::Org { kind: OrgKind::Rcp, .. } => PolicyKind::Rcp,
        }
    }
}

/// A completion offered at the cursor.
#[derive(Debug, Clone)]
pub struct Completion {
    pub items: Vec<String>,
    pub choice: usize,
    /// The token being completed: its line and its character range.
    line: usize,
    start: usize,
    end: usize,
}

pub struct Editor {
    pub target: EditTarget,
    pub area: TextArea<'static>,
    pub original: String,
    pub diagnostics: Vec<Diagnostic>,
    pub completion: Option<Completion>,
    /// First line and column shown.
    pub scroll: (usize, usize),
    pub message: Option<String>,
}

/// What a key asks of the app (the editor handles the rest itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorRequest {
    None,
    /// Preview the change saving would make.
    Save,
    /// Leave the editor (the app asks first when there are unsaved edits).
    Leave,
}

/// Findings that come from the action catalogue alone.
const CATALOGUE_ONLY: [&str; 3] = ["unknown-action", "unknown-service", "unknown-condition-key"];

const SNIPPET: &str = r#"{
    "Sid": "NewStatement",
    "Effect": "Allow",
    "Action": "service:Action",
    "Resource": "*"
},"#;

impl Editor {
    pub fn new(target: EditTarget, text: &str) -> Editor {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut area = TextArea::new(if lines.is_empty() { vec![String::new()] } else { lines });
        area.set_tab_length(4);
        area.set_max_histories(500);
        let mut editor = Editor {
            target,
            area,
            original: text.to_owned(),
            diagnostics: Vec::new(),
            completion: None,
            scroll: (0, 0),
            message: None,
        };
        editor.check();
        editor
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_modified(&self) -> bool {
        self.text().trim_end() != self.original.trim_end()
    }

    /// Errors AWS would refuse the policy for. What only the action
    /// catalogue says (an unknown action, service or condition key) is shown
    /// as an error but does not block: the catalogue can lag behind AWS.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && !CATALOGUE_ONLY.contains(&d.code))
            .count()
    }

    /// Diagnostics while typing: the linter's findings for this kind of
    /// policy (the parser's own diagnostics come first among them).
    pub fn check(&mut self) {
        self.diagnostics = lint::lint_text(&self.text(), self.target.kind());
    }

    /// Move the cursor to the next diagnostic after it (wrapping around).
    pub fn next_diagnostic(&mut self) {
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        let here = (row + 1, col + 1);
        let next = self
            .diagnostics
            .iter()
            .find(|d| (d.line, d.column) > here)
            .or_else(|| self.diagnostics.first());
        if let Some(d) = next {
            self.area.move_cursor(CursorMove::Jump(
                d.line.saturating_sub(1).min(u16::MAX as usize) as u16,
                d.column.saturating_sub(1).min(u16::MAX as usize) as u16,
            ));
            self.message = Some(format!("{}:{} {}", d.line, d.column, d.message));
        }
    }

    /// Reformat as four-space indented JSON.
    pub fn format(&mut self) {
        match serde_json::from_str::<serde_json::Value>(&self.text()) {
            Ok(value) => {
                let pretty = crate::policy::pretty_json(&value);
                let ratatui_textarea::DataCursor(row, _) = self.area.cursor();
                self.replace_all(&pretty);
                self.area
                    .move_cursor(CursorMove::Jump(row.min(u16::MAX as usize) as u16, 0));
                self.message = Some("formatted".to_owned());
            }
            Err(e) => {
                self.message = Some(format!(
                    "cannot format: the JSON breaks at {}:{} ({e})",
                    e.line(),
                    e.column()
                ));
            }
        }
    }

    fn replace_all(&mut self, text: &str) {
        self.area.select_all();
        self.area.cut();
        self.area.insert_str(text);
        self.check();
    }

    pub fn insert_snippet(&mut self) {
        self.area.insert_str(SNIPPET);
        self.check();
        self.message = Some("a new statement: fill in Sid, Action and Resource".to_owned());
    }

    /// The JSON string around the cursor on its line: (start, end) char
    /// positions of its content, and whether it is an object key.
    fn string_at_cursor(&self) -> Option<(usize, usize, usize, bool)> {
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        let line: Vec<char> = self.area.lines().get(row)?.chars().collect();
        // Find the quotes around the cursor.
        let mut quotes = Vec::new();
        let mut escaped = false;
        for (i, c) in line.iter().enumerate() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quotes.push(i),
                _ => {}
            }
        }
        let pair = quotes.chunks(2).find(|p| p.len() == 2 && p[0] < col && col <= p[1])?;
        let (open, close) = (pair[0], pair[1]);
        let is_key = line[close + 1..].iter().find(|c| !c.is_whitespace()) == Some(&':');
        Some((row, open + 1, close, is_key))
    }

    /// Offer completions for the string at the cursor.
    pub fn complete(&mut self) {
        if let Some(c) = &mut self.completion {
            // Tab again: the next choice.
            c.choice = (c.choice + 1) % c.items.len().max(1);
            self.apply_completion();
            return;
        }
        let Some((row, start, end, is_key)) = self.string_at_cursor() else {
            self.area.insert_str("    ");
            return;
        };
        let line: Vec<char> = self.area.lines()[row].chars().collect();
        let token: String = line[start..end].iter().collect();
        let items = completions(&token, is_key, &self.text(), row);
        if items.is_empty() {
            self.message = Some(format!("nothing completes `{token}`"));
            return;
        }
        self.completion = Some(Completion {
            items,
            choice: 0,
            line: row,
            start,
            end,
        });
        self.apply_completion();
    }

    fn apply_completion(&mut self) {
        let Some(c) = &mut self.completion else {
            return;
        };
        let Some(choice) = c.items.get(c.choice).cloned() else {
            return;
        };
        let line: Vec<char> = self.area.lines()[c.line].chars().collect();
        let new: String = line[..c.start]
            .iter()
            .chain(choice.chars().collect::<Vec<_>>().iter())
            .chain(line[c.end..].iter())
            .collect();
        let row = c.line;
        c.end = c.start + choice.chars().count();
        let column = c.end;
        self.area
            .move_cursor(CursorMove::Jump(row.min(u16::MAX as usize) as u16, 0));
        self.area.delete_line_by_end();
        self.area.insert_str(&new);
        self.area.move_cursor(CursorMove::Jump(
            row.min(u16::MAX as usize) as u16,
            column.min(u16::MAX as usize) as u16,
        ));
        self.check();
    }

    /// A key: edits the text, or asks the app for something.
    /// Enter keeps the line's indentation, one level deeper after `{` or `[`.
    fn newline_indented(&mut self) {
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        let line = self.area.lines().get(row).cloned().unwrap_or_default();
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let before: String = line.chars().take(col).collect();
        let opens = matches!(before.trim_end().chars().last(), Some('{' | '['));
        self.area.insert_newline();
        self.area
            .insert_str(if opens { format!("{indent}    ") } else { indent });
    }

    /// Put the cursor on a line (1-based) at its first non-blank character.
    pub fn go_to_line(&mut self, line: usize) {
        let row = line.saturating_sub(1).min(self.area.lines().len().saturating_sub(1));
        let col = self.area.lines()[row].chars().take_while(|c| c.is_whitespace()).count();
        self.area.move_cursor(CursorMove::Jump(
            row.min(u16::MAX as usize) as u16,
            col.min(u16::MAX as usize) as u16,
        ));
    }

    pub fn handle(&mut self, key: &KeyEvent) -> EditorRequest {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        self.message = None;
        let completing = self.completion.is_some();
        if key.code != KeyCode::Tab {
            self.completion = None;
        }
        match key.code {
            // Esc first closes the completion list, then leaves.
            KeyCode::Esc if completing => {}
            KeyCode::Esc => return EditorRequest::Leave,
            KeyCode::Enter if key.modifiers.is_empty() => {
                self.newline_indented();
                self.check();
            }
            KeyCode::Char('s') if ctrl => return EditorRequest::Save,
            KeyCode::Char('f') if ctrl => self.format(),
            KeyCode::Char('n') if ctrl => self.insert_snippet(),
            KeyCode::Char('g') if ctrl => self.next_diagnostic(),
            KeyCode::F(8) => self.next_diagnostic(),
            KeyCode::Tab => self.complete(),
            _ => {
                if self.area.input(*key) {
                    self.check();
                }
            }
        }
        EditorRequest::None
    }
}

/// What can stand in a string of a policy, by what is typed so far.
fn completions(token: &str, is_key: bool, text: &str, row: usize) -> Vec<String> {
    const LIMIT: usize = 12;
    let lower = token.to_ascii_lowercase();
    let in_condition = text.lines().take(row + 1).any(|l| l.contains("\"Condition\""));
    if is_key {
        // Statement elements, condition operators, or condition keys.
        const ELEMENTS: [&str; 10] = [
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
            "Version",
        ];
        if token.contains(':') && !token.starts_with("ForAllValues:") && !token.starts_with("ForAnyValue:") {
            return condition_keys(&lower, LIMIT);
        }
        let mut out: Vec<String> = Vec::new();
        if in_condition {
            for op in BaseOperator::ALL {
                for form in [op.name().to_owned(), format!("{}IfExists", op.name())] {
                    for prefix in ["", "ForAllValues:", "ForAnyValue:"] {
                        let candidate = format!("{prefix}{form}");
                        if candidate.to_ascii_lowercase().starts_with(&lower)
                            && !(op == BaseOperator::Null && form.ends_with("IfExists"))
                        {
                            out.push(candidate);
                        }
                    }
                }
            }
            out.sort_by_key(|c| c.len());
            out.truncate(LIMIT);
        }
        out.extend(
            ELEMENTS
                .iter()
                .filter(|e| e.to_ascii_lowercase().starts_with(&lower))
                .map(|e| e.to_string()),
        );
        if token.is_empty() || out.is_empty() {
            out.extend(condition_keys(&lower, LIMIT - out.len().min(LIMIT)));
        }
        return out;
    }
    if token.starts_with("arn:") {
        return Vec::new();
    }
    if token.contains(':') {
        let catalog = crate::catalog::catalog();
        let (service, name) = token.split_once(':').unwrap_or((token, ""));
        if let Some(svc) = catalog.service(service) {
            let name = name.to_ascii_lowercase();
            return svc
                .actions()
                .iter()
                .map(|a| a.full_name())
                .filter(|a| {
                    a.split(':')
                        .nth(1)
                        .is_some_and(|n| n.to_ascii_lowercase().starts_with(&name))
                })
                .take(LIMIT)
                .collect();
        }
    }
    // A service prefix on its own.
    let catalog = crate::catalog::catalog();
    catalog
        .services()
        .map(|s| format!("{}:", s.prefix()))
        .filter(|p| p.starts_with(&lower))
        .take(LIMIT)
        .collect()
}

fn condition_keys(lower: &str, limit: usize) -> Vec<String> {
    let catalog = crate::catalog::catalog();
    let service = lower.split(':').next().unwrap_or("");
    let mut keys: Vec<String> = catalog
        .global_condition_keys()
        .iter()
        .map(|k| k.name().to_owned())
        .collect();
    if let Some(svc) = catalog.service(service) {
        keys.extend(svc.condition_keys().iter().map(|k| k.name().to_owned()));
    }
    keys.retain(|k| k.to_ascii_lowercase().starts_with(lower));
    keys.sort();
    keys.dedup();
    keys.truncate(limit);
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(text: &str) -> Editor {
        Editor::new(
            EditTarget::Inline {
                holder: Holder::User("bob".into()),
                name: "p".into(),
            },
            text,
        )
    }

    #[test]
    fn unknown_actions_are_flagged_with_a_suggestion_and_principals_refused() {
        let e = editor(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObjects","Resource":"*"}]}"#,
        );
        let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"unknown-action"), "{codes:?}");
        assert!(codes.contains(&"principal-not-allowed"), "{codes:?}");
        let unknown = e.diagnostics.iter().find(|d| d.code == "unknown-action").unwrap();
        assert!(unknown.help.as_deref().unwrap().contains("s3:GetObject"));
    }

    #[test]
    fn completion_knows_actions_operators_and_keys() {
        assert!(completions("s3:GetObj", false, "", 0).contains(&"s3:GetObject".to_owned()));
        let text = "{\n \"Condition\": {\n  \"StringLi";
        assert!(completions("StringLi", true, text, 2).contains(&"StringLike".to_owned()));
        assert!(
            completions("ForAnyValue:StringEq", true, text, 2)
                .iter()
                .any(|c| c == "ForAnyValue:StringEquals")
        );
        assert!(completions("aws:SourceI", true, text, 2).contains(&"aws:SourceIp".to_owned()));
        assert!(completions("Eff", true, "", 0).contains(&"Effect".to_owned()));
        assert!(completions("arn:aws:s3:::x", false, "", 0).is_empty());
    }

    #[test]
    fn tab_completes_the_action_under_the_cursor() {
        let mut e = editor("{\"Action\": \"s3:GetObj\"}");
        e.area.move_cursor(CursorMove::Jump(0, 20));
        e.handle(&KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        assert_eq!(e.text(), "{\"Action\": \"s3:GetObject\"}");
    }

    #[test]
    fn format_and_snippet() {
        let mut e = editor(r#"{"Version":"2012-10-17","Statement":[]}"#);
        e.format();
        assert!(e.text().starts_with("{\n    \"Version\": \"2012-10-17\","));
        let mut broken = editor("{\"Version\": }");
        broken.format();
        assert!(broken.message.as_deref().unwrap().contains("cannot format"));
        assert!(broken.errors() > 0);
    }
}
