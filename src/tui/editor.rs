//! The policy editor: ratatui-textarea keeps the text, the cursor and the
//! undo history; this pane adds what a policy author needs — diagnostics
//! while typing (JSON, grammar, actions and condition keys the catalogue
//! does not know), completion of actions, operators and condition keys, a
//! format command, a statement snippet — and says which change keeping the
//! text makes. Every key reaches it as an action of the editor's key map; a
//! paste is one insertion and one check, however long.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::{CursorMove, DataCursor, TextArea};

use super::action::{Action, Mode};
use super::component::{Component, Ctx, Handled, Paint};
use super::pages::highlight_spans;
use super::paint::{block, clear, tone};
use super::text::{fit, visible, width};
use crate::analysis::lint;
use crate::policy::{BaseOperator, Diagnostic, Severity};
use crate::session::{Draft, EditTarget};

/// A JSON string at the cursor, for completion.
struct StringAt {
    row: usize,
    /// The char range of its content on its line.
    start: usize,
    end: usize,
    is_key: bool,
    /// Its closing quote is not typed yet.
    open: bool,
}

/// Whether the innermost bracket open at the end of `text` is a list.
fn in_list(text: &str) -> bool {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (true, ..) => {}
            (false, _, '"') => in_string = true,
            (false, _, '{' | '[') => stack.push(c),
            (false, _, '}' | ']') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last() == Some(&'[')
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
    area: TextArea<'static>,
    original: String,
    diagnostics: Vec<Diagnostic>,
    completion: Option<Completion>,
    /// First line and column shown.
    scroll: (usize, usize),
    message: Option<String>,
    /// Rows of text shown, from the last resize.
    page: usize,
}

/// Findings that come from the action catalogue alone.
const CATALOGUE_ONLY: [&str; 3] = ["unknown-action", "unknown-service", "unknown-condition-key"];

/// A new statement, its lines after the first indented by the caller.
fn snippet(sid: &str) -> String {
    format!(
        "{{\n    \"Sid\": \"{sid}\",\n    \"Effect\": \"Allow\",\n    \"Action\": \"service:Action\",\n    \"Resource\": \"*\"\n}}"
    )
}

/// `block` with `indent` before every line but the first.
fn indent_after_first(block: &str, indent: &str) -> String {
    block.replace('\n', &format!("\n{indent}"))
}

/// The spaces a line starts with, for the line holding byte `offset`.
fn indent_of_line(text: &str, offset: usize) -> String {
    let start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    text[start..].chars().take_while(|c| *c == ' ').collect()
}

/// Where a new statement goes in a policy document, and what is inserted:
/// insertions (byte offset, text), and the byte offset of the new Sid's
/// value in the text that results. A statement belongs in the Statement
/// list: after the statement the cursor is in (or before the first, when
/// the cursor is above it), else at the end of the list. IAM wants each
/// Sid unique within a policy ("IAM JSON policy elements: Sid"), so the
/// name is numbered when `NewStatement` is taken.
pub fn place_statement(text: &str, cursor: usize) -> Result<(Vec<(usize, String)>, usize), String> {
    use jsonc_parser::ast::Value;
    use jsonc_parser::common::Ranged;
    let sid = (1..)
        .map(|n| {
            if n == 1 {
                "NewStatement".to_owned()
            } else {
                format!("NewStatement{n}")
            }
        })
        .find(|sid| !text.contains(&format!("\"{sid}\"")))
        .unwrap_or_default();
    let block = snippet(&sid);
    let result = |edits: Vec<(usize, String)>, at: usize| {
        // the Sid's place once every insertion is made
        let (offset, inserted) = &edits[at];
        let before: usize = edits.iter().filter(|(o, _)| o < offset).map(|(_, t)| t.len()).sum();
        let sid_at = inserted.find(&sid).unwrap_or(0);
        Ok((edits.clone(), offset + before + sid_at))
    };
    if text.trim().is_empty() {
        let document = format!(
            "{{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {}\n    ]\n}}",
            indent_after_first(&block, "        ")
        );
        return result(vec![(0, document)], 0);
    }
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default()).map_err(|e| {
        let at = crate::json::Location::of(text.as_bytes(), e.range().start);
        format!(
            "the JSON breaks at {at} ({}): fix it first, then a new statement goes in the Statement list",
            e.kind()
        )
    })?;
    let Some(Value::Object(top)) = parsed.value else {
        return Err(
            "a policy is a JSON object with Version and Statement; a new statement goes in its Statement list"
                .to_owned(),
        );
    };
    let top_indent = indent_of_line(text, top.range.start);
    let inner = format!("{top_indent}    ");
    match top.get("Statement").map(|p| (&p.value, p.range.start)) {
        Some((Value::Array(list), prop_start)) => {
            let list_indent = indent_of_line(text, prop_start);
            let Some(first) = list.elements.first() else {
                // an empty list: the statement on its own lines inside it
                let element_indent = format!("{list_indent}    ");
                let between = &text[list.range.start + 1..list.range.end - 1];
                let mut insert = format!("\n{element_indent}{}", indent_after_first(&block, &element_indent));
                if !between.contains('\n') {
                    insert.push_str(&format!("\n{list_indent}"));
                }
                return result(vec![(list.range.start + 1, insert)], 0);
            };
            let first_start = first.range().start;
            let element_indent = if text[..first_start].ends_with(&indent_of_line(text, first_start))
                && text[..first_start].trim_end_matches(' ').ends_with('\n')
            {
                indent_of_line(text, first_start)
            } else {
                format!("{list_indent}    ")
            };
            let inside = cursor > list.range.start && cursor < list.range.end;
            if inside && cursor <= first_start {
                let insert = format!("{},\n{element_indent}", indent_after_first(&block, &element_indent));
                return result(vec![(first_start, insert)], 0);
            }
            let after = if inside {
                list.elements
                    .iter()
                    .rev()
                    .find(|e| e.range().start < cursor)
                    .unwrap_or(first)
            } else {
                list.elements.last().unwrap_or(first)
            };
            let insert = format!(",\n{element_indent}{}", indent_after_first(&block, &element_indent));
            result(vec![(after.range().end, insert)], 0)
        }
        Some((Value::Object(statement), prop_start)) => {
            // one statement on its own: it becomes a list of two
            let list_indent = indent_of_line(text, prop_start);
            let element_indent = format!("{list_indent}    ");
            let edits = vec![
                (statement.range.start, format!("[\n{element_indent}")),
                (
                    statement.range.end,
                    format!(
                        ",\n{element_indent}{}\n{list_indent}]",
                        indent_after_first(&block, &element_indent)
                    ),
                ),
            ];
            result(edits, 1)
        }
        Some(_) => Err("Statement is neither a list nor a statement: fix it first".to_owned()),
        None => {
            let list = format!(
                "\"Statement\": [\n{inner}    {}\n{inner}]",
                indent_after_first(&block, &format!("{inner}    "))
            );
            match top.properties.last() {
                Some(last) => result(vec![(last.range.end, format!(",\n{inner}{list}"))], 0),
                None => result(vec![(top.range.start + 1, format!("\n{inner}{list}\n{top_indent}"))], 0),
            }
        }
    }
}

/// The (row, column in characters) of a byte offset.
fn row_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let row = before.matches('\n').count();
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count();
    (row, col)
}

/// The byte offset of a (row, column in characters).
fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let line_start: usize = text.split('\n').take(row).map(|l| l.len() + 1).sum();
    let line = text[line_start.min(text.len())..].split('\n').next().unwrap_or("");
    line_start + line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

fn jump(row: usize, col: usize) -> CursorMove {
    CursorMove::Jump(row.min(u16::MAX as usize) as u16, col.min(u16::MAX as usize) as u16)
}

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
            page: 10,
        };
        editor.check();
        editor
    }

    /// The editor again on a draft a crashed session left.
    pub fn from_draft(draft: &Draft) -> Editor {
        let mut editor = Editor::new(draft.target.clone(), &draft.text);
        editor.original = draft.original.clone();
        editor.message = Some("the text you typed before, recovered; ctrl-s keeps it".to_owned());
        editor
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_modified(&self) -> bool {
        self.text().trim_end() != self.original.trim_end()
    }

    /// The text typed and not yet kept, for the journal.
    pub fn draft(&self) -> Option<Draft> {
        self.is_modified().then(|| Draft {
            target: self.target.clone(),
            text: self.text(),
            original: self.original.clone(),
        })
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    pub fn say(&mut self, message: String) {
        self.message = Some(message);
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
    fn check(&mut self) {
        self.diagnostics = lint::lint_text(&self.text(), self.target.kind());
    }

    /// Move the cursor to the next diagnostic after it (wrapping around).
    fn next_diagnostic(&mut self) {
        let DataCursor(row, col) = self.area.cursor();
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
    fn format(&mut self) {
        match serde_json::from_str::<serde_json::Value>(&self.text()) {
            Ok(value) => {
                let pretty = crate::policy::pretty_json(&value);
                let DataCursor(row, _) = self.area.cursor();
                self.area.select_all();
                self.area.cut();
                self.area.insert_str(&pretty);
                self.area
                    .move_cursor(CursorMove::Jump(row.min(u16::MAX as usize) as u16, 0));
                self.check();
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

    fn insert_snippet(&mut self) {
        let text = self.text();
        let DataCursor(row, col) = self.area.cursor();
        match place_statement(&text, offset_of(&text, row, col)) {
            Ok((mut edits, sid)) => {
                // the last first, so the earlier offsets still hold
                edits.sort_by_key(|(offset, _)| std::cmp::Reverse(*offset));
                for (offset, insert) in &edits {
                    let (r, c) = row_col(&text, *offset);
                    self.area.move_cursor(jump(r, c));
                    self.area.insert_str(insert);
                }
                let (r, c) = row_col(&self.text(), sid);
                self.area.move_cursor(jump(r, c));
                self.check();
                self.message =
                    Some("a new statement in the Statement list: fill in Sid, Action and Resource".to_owned());
            }
            Err(why) => self.message = Some(format!("no new statement: {why}")),
        }
    }

    /// Pasted text: one insertion, one check.
    fn paste(&mut self, text: &str) {
        // Terminals (tmux among them) send a pasted line break as a lone
        // carriage return: a line break too, not a character to drop.
        let clean: String = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', "    ")
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .collect();
        if self.area.insert_str(&clean) {
            self.check();
        }
    }

    /// The JSON string around the cursor on its line: its row, the char
    /// range of its content, whether it is an object key, and whether its
    /// closing quote is still to be typed (the string then ends at the cursor).
    fn string_at_cursor(&self) -> Option<StringAt> {
        let DataCursor(row, col) = self.area.cursor();
        let line: Vec<char> = self.area.lines().get(row)?.chars().collect();
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
        if let Some(pair) = quotes.chunks(2).find(|p| p.len() == 2 && p[0] < col && col <= p[1]) {
            let (open, close) = (pair[0], pair[1]);
            let is_key = line[close + 1..].iter().find(|c| !c.is_whitespace()) == Some(&':');
            return Some(StringAt {
                row,
                start: open + 1,
                end: close,
                is_key,
                open: false,
            });
        }
        // a string still open: its last quote has no partner and is before the cursor
        let open = *quotes.last().filter(|_| quotes.len() % 2 == 1)?;
        if open >= col
            || line[open + 1..col]
                .iter()
                .any(|c| matches!(c, ',' | ' ' | '{' | '}' | '[' | ']'))
        {
            return None;
        }
        // a key follows `{` or `,` and a value follows `:` or `[`; at the
        // start of a line, the line above says which
        let before: String = self.area.lines()[..row]
            .iter()
            .map(String::as_str)
            .chain([line[..open].iter().collect::<String>().as_str()])
            .collect::<Vec<&str>>()
            .join("\n");
        let is_key = matches!(before.trim_end().chars().last(), Some('{'))
            || (matches!(before.trim_end().chars().last(), Some(',')) && !in_list(&before));
        Some(StringAt {
            row,
            start: open + 1,
            end: col,
            is_key,
            open: true,
        })
    }

    /// Offer completions for the string at the cursor; Tab again takes the next.
    fn complete(&mut self) {
        if let Some(c) = &mut self.completion {
            c.choice = (c.choice + 1) % c.items.len().max(1);
            self.apply_completion();
            return;
        }
        let Some(at) = self.string_at_cursor() else {
            self.area.insert_str("    ");
            return;
        };
        let line: Vec<char> = self.area.lines()[at.row].chars().collect();
        let token: String = line[at.start..at.end].iter().collect();
        let mut items = completions(&token, at.is_key, &self.text(), at.row);
        if items.is_empty() && at.open {
            // the guess of key or value may be wrong while the string is open
            items = completions(&token, !at.is_key, &self.text(), at.row);
        }
        if items.is_empty() {
            self.message = Some(format!("nothing completes `{token}`"));
            return;
        }
        if at.open {
            // the closing quote, after what is completed
            self.area.move_cursor(jump(at.row, at.end));
            self.area.insert_char('"');
        }
        self.completion = Some(Completion {
            items,
            choice: 0,
            line: at.row,
            start: at.start,
            end: at.end,
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

    /// Enter keeps the line's indentation, one level deeper after `{` or `[`.
    fn newline_indented(&mut self) {
        let DataCursor(row, col) = self.area.cursor();
        let line = self.area.lines().get(row).cloned().unwrap_or_default();
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let before: String = line.chars().take(col).collect();
        let opens = matches!(before.trim_end().chars().last(), Some('{' | '['));
        self.area.insert_newline();
        self.area
            .insert_str(if opens { format!("{indent}    ") } else { indent });
        self.check();
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

    fn move_lines(&mut self, down: bool, lines: usize) {
        for _ in 0..lines {
            self.area
                .move_cursor(if down { CursorMove::Down } else { CursorMove::Up });
        }
    }

    /// The rows and columns of text shown in `area` (inside the border,
    /// beside the gutter, above the problems).
    fn text_size(&self, area: Rect) -> (usize, usize) {
        let inner_height = area.height.saturating_sub(2) as usize;
        let problems = self.diagnostics.len().min(5) + 1;
        let gutter = self.area.lines().len().to_string().len() + 3;
        (
            inner_height.saturating_sub(problems).max(1),
            (area.width.saturating_sub(2) as usize).saturating_sub(gutter).max(1),
        )
    }
}

impl Component for Editor {
    fn mode(&self) -> Mode {
        Mode::Editor
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        self.message = None;
        let completing = self.completion.is_some();
        if !matches!(action, Action::Complete) {
            self.completion = None;
        }
        let edited = match action {
            // Esc first closes the completion list, then leaves
            Action::Cancel if completing => false,
            Action::Cancel => {
                if self.is_modified() {
                    ctx.queue.push(Action::Confirm {
                        message: "Leave the editor and lose what you typed? (y leaves, n stays)".to_owned(),
                        yes: Box::new(Action::CloseEditor),
                    });
                } else {
                    ctx.queue.push(Action::CloseEditor);
                }
                false
            }
            Action::Save => {
                if self.errors() > 0 {
                    self.message = Some(format!(
                        "{} error{} first (ctrl-g jumps to the next); AWS would refuse this policy",
                        self.errors(),
                        if self.errors() == 1 { "" } else { "s" }
                    ));
                } else {
                    ctx.queue.push(Action::Propose {
                        change: self.target.change(self.text()),
                        from_editor: true,
                    });
                }
                false
            }
            Action::Quit => return Handled::Ignored,
            Action::Format => {
                self.format();
                false
            }
            Action::Snippet => {
                self.insert_snippet();
                false
            }
            Action::NextProblem => {
                self.next_diagnostic();
                false
            }
            Action::Complete => {
                self.complete();
                false
            }
            Action::Newline => {
                self.newline_indented();
                false
            }
            Action::Insert(c) => {
                self.area.insert_char(*c);
                true
            }
            Action::Paste(text) => {
                self.paste(text);
                false
            }
            Action::DeleteBack => self.area.delete_char(),
            Action::DeleteForward => self.area.delete_next_char(),
            Action::DeleteWord => self.area.delete_word(),
            Action::DeleteToEnd => self.area.delete_line_by_end(),
            Action::Undo => self.area.undo(),
            Action::Redo => self.area.redo(),
            Action::Up => {
                self.area.move_cursor(CursorMove::Up);
                false
            }
            Action::Down => {
                self.area.move_cursor(CursorMove::Down);
                false
            }
            Action::Left => {
                self.area.move_cursor(CursorMove::Back);
                false
            }
            Action::Right => {
                self.area.move_cursor(CursorMove::Forward);
                false
            }
            Action::WordLeft => {
                self.area.move_cursor(CursorMove::WordBack);
                false
            }
            Action::WordRight => {
                self.area.move_cursor(CursorMove::WordForward);
                false
            }
            Action::Home => {
                self.area.move_cursor(CursorMove::Head);
                false
            }
            Action::End => {
                self.area.move_cursor(CursorMove::End);
                false
            }
            Action::Top => {
                self.area.move_cursor(CursorMove::Top);
                false
            }
            Action::Bottom => {
                self.area.move_cursor(CursorMove::Bottom);
                false
            }
            Action::PageUp => {
                self.move_lines(false, self.page);
                false
            }
            Action::PageDown => {
                self.move_lines(true, self.page);
                false
            }
            _ => return Handled::Ignored,
        };
        if edited {
            self.check();
        }
        Handled::Consumed
    }

    /// Keep the cursor in view.
    fn resize(&mut self, area: Rect) {
        let (height, text_width) = self.text_size(area);
        self.page = height.saturating_sub(1).max(1);
        let DataCursor(row, col) = self.area.cursor();
        let (mut top, mut left) = self.scroll;
        if row < top {
            top = row;
        } else if row >= top + height {
            top = row + 1 - height;
        }
        if col < left {
            left = col;
        } else if col >= left + text_width {
            left = col + 1 - text_width;
        }
        self.scroll = (top, left);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let modified = if self.is_modified() { " ● modified" } else { "" };
        let title = format!(" Edit {}{modified} ", visible(&self.target.title()));
        let border = block(theme, title, true);
        let inner = border.inner(area);
        frame.render_widget(border, area);
        let problems = self.diagnostics.len().min(5) as u16;
        let [text_area, list_area] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(problems + 1)]).areas(inner);
        let lines = self.area.lines();
        let DataCursor(row, col) = self.area.cursor();
        let gutter = lines.len().to_string().len() + 3;
        let height = text_area.height as usize;
        let text_width = (text_area.width as usize).saturating_sub(gutter).max(1);
        let (top, left) = self.scroll;
        let mut out: Vec<Line> = Vec::new();
        for (i, line) in lines.iter().enumerate().skip(top).take(height) {
            let mark = match self
                .diagnostics
                .iter()
                .filter(|d| d.line == i + 1)
                .map(|d| d.severity)
                .max()
            {
                Some(Severity::Error) => Span::styled("E", theme.explicit_deny),
                Some(Severity::Warning) => Span::styled("W", theme.warning),
                Some(Severity::Info) => Span::styled("i", theme.dim),
                None => Span::raw(" "),
            };
            let mut spans = vec![mark, Span::styled(format!("{:>w$} ", i + 1, w = gutter - 2), theme.dim)];
            // highlighted, scrolled horizontally; the cursor cell in reverse video
            let shown: String = line.chars().skip(left).take(text_width).collect();
            let mut col_at = left;
            for (text, t) in highlight_spans(&shown) {
                let style = tone(theme, t);
                let count = text.chars().count();
                if i == row && col >= col_at && col < col_at + count {
                    let k = col - col_at;
                    let before: String = text.chars().take(k).collect();
                    let at: String = text.chars().nth(k).map(String::from).unwrap_or_default();
                    let after: String = text.chars().skip(k + 1).collect();
                    spans.push(Span::styled(before, style));
                    spans.push(Span::styled(at, theme.selection));
                    spans.push(Span::styled(after, style));
                } else {
                    spans.push(Span::styled(text, style));
                }
                col_at += count;
            }
            if i == row && col >= col_at {
                spans.push(Span::styled(" ", theme.selection));
            }
            out.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(out), text_area);
        // the problems
        let mut list: Vec<Line> = vec![Line::from(Span::styled(
            match self.diagnostics.len() {
                0 => "no problems".to_owned(),
                n => format!(
                    "{n} problem{} ({} jumps to the next):",
                    if n == 1 { "" } else { "s" },
                    paint.keys.first(Mode::Editor, &Action::NextProblem)
                ),
            },
            theme.dim,
        ))];
        for d in self.diagnostics.iter().take(5) {
            let style = match d.severity {
                Severity::Error => theme.explicit_deny,
                _ => theme.warning,
            };
            let help = d.help.as_deref().map(|h| format!(" — {h}")).unwrap_or_default();
            list.push(Line::from(Span::styled(
                fit(
                    &format!("{}:{} {}{help}", d.line, d.column, visible(&d.message)),
                    list_area.width as usize,
                ),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(list), list_area);
        // completion choices, under the cursor line
        if let Some(completion) = &self.completion
            && row >= top
        {
            let y = text_area.y + (row - top) as u16 + 1;
            let bottom = text_area.y + text_area.height;
            let h = (completion.items.len() as u16 + 2).min(bottom.saturating_sub(y));
            if h >= 3 {
                let w = completion.items.iter().map(|i| width(i)).max().unwrap_or(10) as u16 + 4;
                let x = (text_area.x + gutter as u16 + (col.saturating_sub(left)) as u16)
                    .min(text_area.x + text_area.width.saturating_sub(w));
                let rect = Rect {
                    x,
                    y,
                    width: w.min(text_area.width),
                    height: h,
                };
                clear(frame, rect);
                let items: Vec<Line> = completion
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        Line::from(Span::styled(
                            item.clone(),
                            if i == completion.choice {
                                theme.selection
                            } else {
                                theme.text
                            },
                        ))
                    })
                    .collect();
                frame.render_widget(
                    Paragraph::new(items).block(block(theme, " Tab: next ".to_owned(), true)),
                    rect,
                );
            }
        }
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
    use crate::model::Holder;

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
    fn format_and_snippet() {
        let mut e = editor(r#"{"Version":"2012-10-17","Statement":[]}"#);
        e.format();
        assert!(e.text().starts_with("{\n    \"Version\": \"2012-10-17\","));
        let mut broken = editor("{\"Version\": }");
        broken.format();
        assert!(broken.message.as_deref().unwrap().contains("cannot format"));
        assert!(broken.errors() > 0);
    }

    #[test]
    fn a_paste_is_one_insertion_with_its_lines_and_one_undo() {
        let mut e = editor("");
        e.paste("{\r\n\t\"Version\": \"2012-10-17\"\u{7}\n}");
        assert_eq!(e.text(), "{\n    \"Version\": \"2012-10-17\"\n}");
        assert!(e.is_modified());
        e.area.undo();
        assert_eq!(e.text(), "", "the paste is undone as one");
        // Line breaks as tmux pastes them: lone carriage returns.
        e.paste("{\r    \"Version\": \"2012-10-17\"\r}");
        assert_eq!(e.text(), "{\n    \"Version\": \"2012-10-17\"\n}");
    }

    /// The text with a new statement placed as ctrl-n places it, and the
    /// statements it then has.
    fn with_statement(text: &str, cursor: usize) -> (String, Vec<serde_json::Value>) {
        let (mut edits, sid) = place_statement(text, cursor).unwrap();
        edits.sort_by_key(|(o, _)| std::cmp::Reverse(*o));
        let mut out = text.to_owned();
        for (offset, insert) in edits {
            out.insert_str(offset, &insert);
        }
        assert!(out[sid..].starts_with("NewStatement"), "{out}");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let statements = value["Statement"].as_array().cloned().unwrap_or_default();
        (out, statements)
    }

    const TWO: &str = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"A\",\n            \"Effect\": \"Allow\",\n            \"Action\": \"s3:GetObject\",\n            \"Resource\": \"*\"\n        },\n        {\n            \"Sid\": \"B\",\n            \"Effect\": \"Deny\",\n            \"Action\": \"s3:PutObject\",\n            \"Resource\": \"*\"\n        }\n    ]\n}";

    fn sids(statements: &[serde_json::Value]) -> Vec<&str> {
        statements.iter().map(|s| s["Sid"].as_str().unwrap_or("")).collect()
    }

    #[test]
    fn a_new_statement_goes_in_the_statement_list_with_its_comma() {
        // the cursor above the document: at the end of the list
        let (out, statements) = with_statement(TWO, 0);
        assert_eq!(sids(&statements), ["A", "B", "NewStatement"]);
        assert!(
            out.contains("        },\n        {\n            \"Sid\": \"NewStatement\""),
            "{out}"
        );
        // the cursor in the first statement: after it
        let in_a = TWO.find("\"A\"").unwrap();
        assert_eq!(sids(&with_statement(TWO, in_a).1), ["A", "NewStatement", "B"]);
        // the cursor on the `[` line, before the first statement: before it
        let before_a = TWO.find('[').unwrap() + 1;
        assert_eq!(sids(&with_statement(TWO, before_a).1), ["NewStatement", "A", "B"]);
        // the name is taken: the next one
        let (again, statements) = with_statement(&out, 0);
        assert_eq!(
            sids(&statements),
            ["A", "B", "NewStatement", "NewStatement2"],
            "{again}"
        );
    }

    #[test]
    fn a_new_statement_fits_an_empty_list_a_lone_statement_no_list_and_no_text() {
        for (text, want) in [
            ("{\"Version\":\"2012-10-17\",\"Statement\":[]}", vec!["NewStatement"]),
            ("{\n    \"Statement\": [\n    ]\n}", vec!["NewStatement"]),
            (
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
                vec!["A", "NewStatement"],
            ),
            ("{\"Version\":\"2012-10-17\"}", vec!["NewStatement"]),
            ("{}", vec!["NewStatement"]),
            ("", vec!["NewStatement"]),
        ] {
            let (out, statements) = with_statement(text, 0);
            assert_eq!(sids(&statements), want, "{out}");
        }
        let (out, _) = with_statement("{\n    \"Statement\": [\n    ]\n}", 0);
        assert_eq!(
            out,
            "{\n    \"Statement\": [\n        {\n            \"Sid\": \"NewStatement\",\n            \"Effect\": \"Allow\",\n            \"Action\": \"service:Action\",\n            \"Resource\": \"*\"\n        }\n    ]\n}"
        );
    }

    #[test]
    fn no_new_statement_in_broken_json_and_the_text_is_left_alone() {
        let err = place_statement("{\"Statement\": [", 0).unwrap_err();
        assert!(err.contains("the JSON breaks at 1:"), "{err}");
        assert!(place_statement("[1]", 0).unwrap_err().contains("JSON object"));
        let mut e = editor("{\"Statement\": [");
        e.insert_snippet();
        assert_eq!(e.text(), "{\"Statement\": [");
        assert!(e.message().unwrap().starts_with("no new statement"));
    }

    #[test]
    fn tab_completes_a_string_whose_closing_quote_is_not_typed() {
        let mut e = editor("{\n    \"Action\": \"s3:GetObje");
        e.area.move_cursor(CursorMove::Bottom);
        e.area.move_cursor(CursorMove::End);
        e.complete();
        assert_eq!(e.text().lines().nth(1).unwrap(), "    \"Action\": \"s3:GetObject\"");
        // in a list, after a comma, it is a value too
        let mut e = editor("{\n    \"Action\": [\n        \"s3:PutObject\",\n        \"s3:ListBu");
        e.area.move_cursor(CursorMove::Bottom);
        e.area.move_cursor(CursorMove::End);
        e.complete();
        assert!(e.text().ends_with("\"s3:ListBucket\""), "{}", e.text());
        // a key after `{`
        let mut e = editor("{\n    \"Eff");
        e.area.move_cursor(CursorMove::Bottom);
        e.area.move_cursor(CursorMove::End);
        e.complete();
        assert_eq!(e.text(), "{\n    \"Effect\"");
        // nothing open: Tab indents
        let mut e = editor("");
        e.complete();
        assert_eq!(e.text(), "    ");
    }
}
