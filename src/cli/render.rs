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
    text.chars()
        .flat_map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
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
    let width = column_width(w.allowed.iter().map(|a| a.principal.as_str()));
    for a in &w.allowed {
        let because = because(a.deciding.as_ref(), a.rule);
        out.push_str(&format!("  {}  {because}\n", p.green(&column(&a.principal, width))));
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
        assert_eq!(column("a\u{1b}", 0), "a\\u{1b}");
        assert_eq!(column("ab", 4), "ab  ");
        assert_eq!(column("日本", 6), "日本  ", "wide characters take two columns");
        assert_eq!(column_width(["x".repeat(500).as_str()]), MAX_COLUMN);
    }
}
