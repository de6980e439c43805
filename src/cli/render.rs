//! Text for terminals and pipes, and the one boundary every byte the
//! command line prints passes through.
//!
//! Colour is written as private marks ([`Paint`]) that only [`SafeOut`]
//! turns into terminal codes — when the output is a terminal and NO_COLOR
//! is unset — and every control character that reached the text from a
//! file (an escape sequence in a policy's Sid, a bell in a user name) is
//! shown as `\u001b`, never sent raw: a name cannot retitle the terminal,
//! clear the screen or reach the clipboard. Meaning never rests on colour
//! alone: every line also carries a word or a mark.

use std::io::{IsTerminal, Write};

use crate::analysis::who_can::WhoCan;
use crate::eval::outline::{self, Audience, Node, Tone};
use crate::eval::{Decision, Explanation};

/// The private marks colour is written with (Unicode private use area).
const RESET: char = '\u{E000}';
const STYLES: [(char, &str); 5] = [
    ('\u{E001}', "1"),
    ('\u{E002}', "2"),
    ('\u{E003}', "1;32"),
    ('\u{E004}', "1;31"),
    ('\u{E005}', "1;33"),
];

#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    /// Colour when stdout is a terminal and NO_COLOR is not set (no-color.org).
    pub fn for_stdout() -> Paint {
        Paint {
            enabled: colour_wanted(std::io::stdout().is_terminal()),
        }
    }

    fn wrap(&self, style: usize, text: &str) -> String {
        if self.enabled {
            let mut out = String::with_capacity(text.len() + 6);
            out.push(STYLES[style].0);
            out.push_str(text);
            out.push(RESET);
            out
        } else {
            text.to_owned()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.wrap(0, text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.wrap(1, text)
    }
    pub fn green(&self, text: &str) -> String {
        self.wrap(2, text)
    }
    pub fn red(&self, text: &str) -> String {
        self.wrap(3, text)
    }
    pub fn yellow(&self, text: &str) -> String {
        self.wrap(4, text)
    }

    pub fn decision(&self, decision: Decision) -> String {
        let text = decision.as_str();
        match decision {
            Decision::Allow => self.green(text),
            Decision::ExplicitDeny => self.red(text),
            Decision::ImplicitDeny => self.yellow(text),
        }
    }

    pub fn tone(&self, tone: Tone, text: &str) -> String {
        match tone {
            Tone::Text => text.to_owned(),
            Tone::Heading => self.bold(text),
            Tone::Dim => self.dim(text),
            Tone::Good => self.green(text),
            Tone::Bad => self.red(text),
            Tone::Warn => self.yellow(text),
        }
    }
}

fn colour_wanted(terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && terminal
}

/// A character that must not reach a terminal raw: C0 and C1 controls but
/// newline and tab, DEL, and the invisible marks that reorder or hide text
/// (bidirectional overrides and isolates, zero-width characters).
fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Escape one character as JSON does (`\u001b`), which reads the same in
/// text and keeps JSON output valid.
fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{:04x}", c as u32);
}

/// Text from a file, made safe to print: control characters escaped, colour
/// marks dropped.
pub fn visible(text: &str) -> String {
    // Almost every text has none: copy it as it is (whole-account commands
    // print millions of these).
    if !text
        .chars()
        .any(|c| is_hidden_control(c) || c == RESET || STYLES.iter().any(|(m, _)| *m == c))
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden_control(c) || c == RESET || STYLES.iter().any(|(m, _)| *m == c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// The widest a padded column gets: a longer cell (a name taken from a file
/// can be any length) runs past its column instead of pushing every row out.
pub const MAX_COLUMN: usize = 48;

/// The width of a column holding these cells, as they will be shown, at most
/// [`MAX_COLUMN`].
pub fn column_width<'a>(cells: impl IntoIterator<Item = &'a str>) -> usize {
    cells
        .into_iter()
        .map(|c| unicode_width::UnicodeWidthStr::width(visible(c).as_str()))
        .max()
        .unwrap_or(0)
        .min(MAX_COLUMN)
}

/// A cell made visible and padded with spaces to `width` columns (clamped to
/// [`MAX_COLUMN`]); never a formatting width taken from the data.
pub fn column(text: &str, width: usize) -> String {
    let mut shown = visible(text);
    let used = unicode_width::UnicodeWidthStr::width(shown.as_str());
    let pad = width.min(MAX_COLUMN).saturating_sub(used);
    shown.extend(std::iter::repeat_n(' ', pad));
    shown
}

/// The boundary: a writer that turns colour marks into terminal codes (or
/// drops them) and escapes every control character. Everything the command
/// line prints goes through one of these.
pub struct SafeOut<W: Write> {
    inner: W,
    colour: bool,
    /// The start of a character split across two writes.
    pending: Vec<u8>,
    buffer: String,
}

impl<W: Write> SafeOut<W> {
    pub fn new(inner: W, colour: bool) -> SafeOut<W> {
        SafeOut {
            inner,
            colour,
            pending: Vec::new(),
            buffer: String::new(),
        }
    }

    fn convert(&mut self, text: &str) {
        self.buffer.clear();
        // Runs of ordinary characters are copied whole; only the marks and
        // controls between them are looked at one by one.
        let mut plain_from = 0;
        for (at, c) in text.char_indices() {
            if !needs_care(c) {
                continue;
            }
            self.buffer.push_str(&text[plain_from..at]);
            plain_from = at + c.len_utf8();
            if c == RESET {
                if self.colour {
                    self.buffer.push_str("\x1b[0m");
                }
            } else if let Some((_, code)) = STYLES.iter().find(|(m, _)| *m == c) {
                if self.colour {
                    self.buffer.push_str("\x1b[");
                    self.buffer.push_str(code);
                    self.buffer.push('m');
                }
            } else {
                push_escaped(&mut self.buffer, c);
            }
        }
        self.buffer.push_str(&text[plain_from..]);
    }
}

/// A colour mark or a control character: what the boundary rewrites.
fn needs_care(c: char) -> bool {
    c == RESET || STYLES.iter().any(|(m, _)| *m == c) || is_hidden_control(c)
}

/// Standard output, in blocks when it goes to a file or a pipe (whole-account
/// commands write gigabytes, one line at a time), line by line on a terminal.
pub enum StdoutSink {
    Terminal(std::io::Stdout),
    Piped(std::io::BufWriter<std::io::Stdout>),
}

impl Write for StdoutSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            StdoutSink::Terminal(out) => out.write(bytes),
            StdoutSink::Piped(out) => out.write(bytes),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            StdoutSink::Terminal(out) => out.write_all(bytes),
            StdoutSink::Piped(out) => out.write_all(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            StdoutSink::Terminal(out) => out.flush(),
            StdoutSink::Piped(out) => out.flush(),
        }
    }
}

/// Standard output through the boundary, coloured when it is a terminal
/// and NO_COLOR is unset.
pub fn safe_stdout() -> SafeOut<StdoutSink> {
    let terminal = std::io::stdout().is_terminal();
    let colour = colour_wanted(terminal);
    // Not locked: the explorer, started from the same call, writes to the
    // terminal itself.
    let sink = if terminal {
        StdoutSink::Terminal(std::io::stdout())
    } else {
        StdoutSink::Piped(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()))
    };
    SafeOut::new(sink, colour)
}

/// Bytes that need no look: printable ASCII, newline and tab.
fn plain_ascii(bytes: &[u8]) -> bool {
    // Without an early exit inside a block, so the compiler can look at
    // many bytes at once (the batch writes megabytes through here).
    bytes.chunks(64).all(|block| {
        block.iter().fold(true, |plain, &b| {
            plain & (((0x20..0x7f).contains(&b)) | (b == b'\n') | (b == b'\t'))
        })
    })
}

impl<W: Write> Write for SafeOut<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() && plain_ascii(bytes) {
            self.inner.write_all(bytes)?;
            return Ok(bytes.len());
        }
        // Whole characters, none to rewrite (arrows and names in other
        // scripts are common): as they are.
        if self.pending.is_empty()
            && let Ok(text) = std::str::from_utf8(bytes)
            && !text.chars().any(needs_care)
        {
            self.inner.write_all(bytes)?;
            return Ok(bytes.len());
        }
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(bytes);
        let mut rest: &[u8] = &data;
        let mut text = String::with_capacity(data.len());
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    text.push_str(valid);
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        // Cut off mid-character: wait for the rest.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(n) => {
                            text.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[n..];
                        }
                    }
                }
            }
        }
        self.convert(&text);
        self.inner.write_all(self.buffer.as_bytes())?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.convert(&String::from_utf8_lossy(&pending));
            self.inner.write_all(self.buffer.as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeOut<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// An explanation as text: the answer, its sentence, then the whole outline.
pub fn explanation(e: &Explanation, p: Paint) -> String {
    explanation_as_written(e, None, p)
}

/// The same, saying so when the request as written (nothing filled in)
/// was decided otherwise.
pub fn explanation_as_written(e: &Explanation, as_written: Option<crate::eval::Decision>, p: Paint) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{}  {}  {}  {}\n",
        p.decision(e.decision),
        e.principal,
        e.action,
        e.resource
    ));
    out.push_str(&e.summary);
    out.push('\n');
    let mut nodes = outline::outline(e, Audience::CommandLine);
    if let Some(without) = as_written {
        outline::assumptions_decided(&mut nodes, e.decision, without);
    }
    for (i, node) in nodes.iter().enumerate() {
        // A blank line before each stage-level block, as paragraphs.
        let top_block = !node.children.is_empty() || node.key.ends_with("missing");
        if top_block || i == 0 {
            out.push('\n');
        }
        print_node(node, 0, p, &mut out);
    }
    out
}

fn print_node(node: &Node, depth: usize, p: Paint, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    for span in &node.spans {
        out.push_str(&p.tone(span.tone, &span.text));
    }
    out.push('\n');
    for child in &node.children {
        print_node(child, depth + 1, p, out);
    }
}

/// Why a principal is allowed, for who-can listings: the deciding statement,
/// or the rule when no statement decided (the root user, say).
pub fn because(deciding: Option<&crate::eval::explain::StatementInfo>, rule: &str) -> String {
    match deciding {
        Some(s) => format!(
            "statement {} in {} (line {})",
            visible(&s.statement),
            visible(&s.policy),
            s.line
        ),
        None => rule.replace('-', " "),
    }
}

/// The federated users that can assume a role of a who-can or reach
/// listing, one line each (`analysis::federation`).
pub fn assumed_by(model: &crate::model::Model, principal: &str, pad: &str) -> String {
    let mut out = String::new();
    let Some(role) = principal.strip_prefix("role/").and_then(|n| model.index().role(n)) else {
        return out;
    };
    for trust in crate::analysis::federation::role_populations(model, role) {
        out.push_str(&format!(
            "{pad}↳ assumable by {} ({}, trust statement {})\n",
            visible(&trust.population),
            visible(&trust.principal),
            visible(&trust.statement)
        ));
    }
    out
}

/// Each allowed role of a who-can answer gets `assumed_by`: the federated
/// populations its trust policy admits.
pub fn with_assumed_by(model: &crate::model::Model, mut answer: serde_json::Value) -> serde_json::Value {
    if let Some(allowed) = answer.get_mut("allowed").and_then(serde_json::Value::as_array_mut) {
        for entry in allowed {
            let role = entry
                .get("principal")
                .and_then(serde_json::Value::as_str)
                .and_then(|p| p.strip_prefix("role/"))
                .and_then(|n| model.index().role(n));
            let Some(role) = role else { continue };
            let trusts = crate::analysis::federation::role_populations(model, role);
            if !trusts.is_empty() {
                entry["assumed_by"] = serde_json::to_value(trusts).unwrap_or_default();
            }
        }
    }
    answer
}

pub fn who_can(w: &WhoCan, p: Paint) -> String {
    who_can_in(w, None, p)
}

/// The who-can listing, with the federated users that can assume each
/// allowed role of `model` under its line.
pub fn who_can_in(w: &WhoCan, model: Option<&crate::model::Model>, p: Paint) -> String {
    let mut out = format!(
        "{} of {} principals may {} on {}\n",
        w.allowed.len(),
        w.evaluated,
        visible(&w.action),
        visible(&w.resource)
    );
    let width = column_width(w.allowed.iter().map(|a| a.principal.as_str()));
    for a in &w.allowed {
        let because = because(a.deciding.as_ref(), a.rule);
        out.push_str(&format!("  {}  {because}\n", p.green(&column(&a.principal, width))));
        let pad = format!("  {:width$}  ", "");
        if !a.needs.is_empty() {
            out.push_str(&format!(
                "{pad}in a request it shapes itself: {} ({})\n",
                visible(&a.needs.join("; ")),
                visible(&a.context.join(", "))
            ));
        }
        for assumption in &a.assumptions {
            out.push_str(&format!("{pad}assumes: {}\n", visible(assumption)));
        }
        if let Some(model) = model {
            out.push_str(&assumed_by(model, &a.principal, &format!("  {:width$}  ", "")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::who_can::Allowed;

    #[test]
    fn a_principal_name_of_any_length_is_listed_without_a_panic() {
        // 64 KB of name once panicked: a formatting width taken from the data.
        let long = format!("user/{}", "n".repeat(64 * 1024));
        let w = WhoCan {
            action: "s3:GetObject".into(),
            resource: "*".into(),
            evaluated: 2,
            allowed: [long.as_str(), "user/bob"]
                .into_iter()
                .map(|p| Allowed {
                    principal: p.to_owned(),
                    arn: None,
                    rule: "identity-policy-allows",
                    deciding: None,
                    context: Vec::new(),
                    needs: Vec::new(),
                    assumptions: Vec::new(),
                })
                .collect(),
        };
        let text = who_can(&w, Paint { enabled: false });
        assert!(text.contains(&long), "the whole name is shown");
        let bob = text.lines().find(|l| l.contains("user/bob")).unwrap();
        assert_eq!(bob.find("identity"), Some(2 + MAX_COLUMN + 2), "{bob}");
    }

    #[test]
    fn columns_count_what_is_shown() {
        assert_eq!(column("a\u{1b}", 0), "a\\u001b");
        assert_eq!(column("ab", 4), "ab  ");
        assert_eq!(column("日本", 6), "日本  ", "wide characters take two columns");
        assert_eq!(column_width(["x".repeat(500).as_str()]), MAX_COLUMN);
    }
}
