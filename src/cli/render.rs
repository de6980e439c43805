//! Text for terminals and pipes: an explanation as a readable tree, with
//! colour only when writing to a terminal and NO_COLOR is unset. Meaning
//! never rests on colour alone: every line also carries a word or a mark.

use std::io::IsTerminal;

use crate::analysis::who_can::WhoCan;
use crate::eval::{Decision, Explanation};

#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    /// Colour when stdout is a terminal and NO_COLOR is not set (no-color.org).
    pub fn for_stdout() -> Paint {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Paint {
            enabled: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn wrap(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
    pub fn green(&self, text: &str) -> String {
        self.wrap("1;32", text)
    }
    pub fn red(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    pub fn yellow(&self, text: &str) -> String {
        self.wrap("1;33", text)
    }

    pub fn decision(&self, decision: Decision) -> String {
        let text = decision.as_str();
        match decision {
            Decision::Allow => self.green(text),
            Decision::ExplicitDeny => self.red(text),
            Decision::ImplicitDeny => self.yellow(text),
        }
    }
}

/// Control characters from names or policies are shown, never sent raw.
pub fn visible(text: &str) -> String {
    let hidden = |c: char| c.is_control() && c != '\t';
    // Almost every text has none: copy it as it is (whole-account commands
    // print millions of these).
    if !text.chars().any(hidden) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn explanation(e: &Explanation, p: Paint) -> String {
    let mut out = String::new();
    render(e, p, &mut out, 0);
    out
}

fn render(e: &Explanation, p: Paint, out: &mut String, depth: usize) {
    let pad = "  ".repeat(depth);
    for (i, hop) in e.hops.iter().enumerate() {
        out.push_str(&format!(
            "{pad}{}\n",
            p.bold(&format!("Step {}: {} {}", i + 1, hop.action, hop.resource))
        ));
        render(hop, p, out, depth + 1);
        out.push('\n');
    }
    out.push_str(&format!(
        "{pad}{}  {}  {}  {}\n",
        p.decision(e.decision),
        visible(&e.principal),
        visible(&e.action),
        visible(&e.resource)
    ));
    out.push_str(&format!("{pad}{}\n", visible(&e.summary)));
    for stage in &e.stages {
        out.push_str(&format!("\n{pad}{} — {}\n", p.bold(stage.title), stage.verdict));
        for policy in &stage.policies {
            out.push_str(&format!("{pad}  {}\n", visible(&policy.label())));
            if policy.statements.is_empty() {
                out.push_str(&format!("{pad}    {}\n", p.dim("(no statements)")));
            }
            for s in &policy.statements {
                let mark = match (s.deciding, s.matched) {
                    (true, _) => p.bold("▶ decides"),
                    (false, true) => "✓ applies".to_owned(),
                    (false, false) => p.dim("· no"),
                };
                let why = match &s.miss {
                    Some(miss) => format!(" — {}", miss.describe()),
                    None => String::new(),
                };
                let line = format!(
                    "{} {} {}{why}  (line {})",
                    mark,
                    s.effect.as_str(),
                    visible(&s.label),
                    s.line
                );
                out.push_str(&format!("{pad}    {}\n", if s.matched { line } else { p.dim(&line) }));
            }
        }
    }
    if !e.missing_context.is_empty() {
        out.push_str(&format!(
            "\n{pad}{} {}\n",
            p.bold("Missing context keys:"),
            e.missing_context.join(", ")
        ));
    }
    if !e.assumptions.is_empty() {
        out.push_str(&format!("\n{pad}{}\n", p.bold("Assumed:")));
        for a in &e.assumptions {
            out.push_str(&format!("{pad}  - {}\n", visible(a)));
        }
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

pub fn who_can(w: &WhoCan, p: Paint) -> String {
    let mut out = format!(
        "{} of {} principals may {} on {}\n",
        w.allowed.len(),
        w.evaluated,
        visible(&w.action),
        visible(&w.resource)
    );
    let width = w.allowed.iter().map(|a| a.principal.chars().count()).max().unwrap_or(0);
    for a in &w.allowed {
        let because = because(a.deciding.as_ref(), a.rule);
        out.push_str(&format!(
            "  {}  {because}\n",
            p.green(&format!("{:<width$}", visible(&a.principal)))
        ));
    }
    out
}
