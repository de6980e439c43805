//! The inspector: a principal, an action, a resource and context keys, the
//! engine's answer as a badge, and its explanation as a tree — stages,
//! policies, statements — with deciding statements marked and misses
//! collapsed until opened.

use std::collections::HashMap;

use super::detail::Tone;
use crate::eval::{self, Context, Decision, Explanation, MissInfo, PolicySource, PrincipalSpec, Request};
use crate::model::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Principal,
    Action,
    Resource,
    Context,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Principal, Field::Action, Field::Resource, Field::Context];

    pub fn label(self) -> &'static str {
        match self {
            Field::Principal => "Principal",
            Field::Action => "Action",
            Field::Resource => "Resource",
            Field::Context => "Context",
        }
    }
}

/// One line of the explanation tree.
#[derive(Debug, Clone)]
pub struct TreeRow {
    pub depth: usize,
    pub key: String,
    pub spans: Vec<(String, Tone)>,
    /// Some(open?) when the row can be opened and closed.
    pub toggle: Option<bool>,
    /// A statement row: its policy and the statement's line in it.
    pub jump: Option<(PolicySource, usize)>,
    /// A glossary row: the term Enter opens.
    pub term: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Inspector {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// `key=value, key=value`.
    pub context: String,
    /// The principal follows the list's selection until the user types one.
    pub follow_selection: bool,
    pub result: Option<Result<Explanation, String>>,
    /// Rows the user opened or closed, by key.
    pub toggled: HashMap<String, bool>,
    /// 0..4 are the fields, then the tree's rows.
    pub cursor: usize,
    pub offset: usize,
}

impl Default for Inspector {
    fn default() -> Inspector {
        Inspector {
            principal: String::new(),
            action: "s3:GetObject".to_owned(),
            resource: String::new(),
            context: String::new(),
            follow_selection: true,
            result: None,
            toggled: HashMap::new(),
            cursor: 1,
            offset: 0,
        }
    }
}

impl Inspector {
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Principal => &self.principal,
            Field::Action => &self.action,
            Field::Resource => &self.resource,
            Field::Context => &self.context,
        }
    }

    pub fn set_field(&mut self, field: Field, value: String) {
        match field {
            Field::Principal => {
                self.principal = value;
                self.follow_selection = false;
            }
            Field::Action => self.action = value,
            Field::Resource => self.resource = value,
            Field::Context => self.context = value,
        }
    }

    pub fn focused_field(&self) -> Option<Field> {
        Field::ALL.get(self.cursor).copied()
    }

    /// Parse the context field: `k=v, k=v` (a key twice gives two values).
    pub fn context(&self) -> Result<Context, String> {
        let mut context = Context::new();
        for part in self.context.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            context.add_assignment(part)?;
        }
        Ok(context)
    }

    /// Ask the engine again with the current fields.
    pub fn evaluate(&mut self, model: &Model, now: jiff::Timestamp) {
        if self.principal.is_empty() || self.action.is_empty() {
            self.result = None;
            return;
        }
        let result = (|| {
            let principal = PrincipalSpec::parse(&self.principal)?;
            let resource = if self.resource.trim().is_empty() {
                "*".to_owned()
            } else {
                self.resource.trim().to_owned()
            };
            let mut request = Request::new(principal, self.action.trim(), resource);
            request.context = self.context()?;
            request.time = Some(now);
            eval::evaluate(model, &request).map_err(|e| e.to_string())
        })();
        self.result = Some(result);
        let rows = self.rows().len();
        self.cursor = self.cursor.min(Field::ALL.len() + rows.saturating_sub(1));
    }

    pub fn is_open(&self, key: &str, default: bool) -> bool {
        self.toggled.get(key).copied().unwrap_or(default)
    }

    /// The rows of the explanation tree, as currently opened.
    pub fn rows(&self) -> Vec<TreeRow> {
        let mut rows = Vec::new();
        match &self.result {
            None => rows.push(TreeRow {
                depth: 0,
                key: "empty".to_owned(),
                spans: vec![("Choose a principal, an action and a resource.".to_owned(), Tone::Dim)],
                toggle: None,
                jump: None,
                term: None,
            }),
            Some(Err(message)) => rows.push(TreeRow {
                depth: 0,
                key: "error".to_owned(),
                spans: vec![(message.clone(), Tone::Bad)],
                toggle: None,
                jump: None,
                term: None,
            }),
            Some(Ok(explanation)) => {
                self.explanation_rows(explanation, "", 0, &mut rows);
                glossary_rows(explanation, &mut rows);
            }
        }
        rows
    }

    fn explanation_rows(&self, e: &Explanation, prefix: &str, depth: usize, rows: &mut Vec<TreeRow>) {
        let push = |rows: &mut Vec<TreeRow>, depth, key: String, spans, toggle, jump| {
            rows.push(TreeRow {
                depth,
                key,
                spans,
                toggle,
                jump,
                term: None,
            })
        };
        for (i, hop) in e.hops.iter().enumerate() {
            let key = format!("{prefix}hop{i}");
            let open = self.is_open(&key, false);
            push(
                rows,
                depth,
                key.clone(),
                vec![
                    (format!("Step {}: ", i + 1), Tone::Heading),
                    (decision_word(hop.decision).to_owned(), decision_tone(hop.decision)),
                    (format!("  {} {}", hop.action, hop.resource), Tone::Text),
                ],
                Some(open),
                None,
            );
            if open {
                self.explanation_rows(hop, &format!("{key}/"), depth + 1, rows);
            }
        }
        if depth > 0 || !e.hops.is_empty() {
            push(
                rows,
                depth,
                format!("{prefix}summary"),
                vec![(super::text::visible(&e.summary), Tone::Text)],
                None,
                None,
            );
        }
        for stage in &e.stages {
            let key = format!("{prefix}stage/{}", stage.title);
            let open = self.is_open(&key, true);
            push(
                rows,
                depth,
                key.clone(),
                vec![
                    (stage.title.to_owned(), Tone::Heading),
                    (format!(" — {}", stage.verdict), Tone::Dim),
                ],
                Some(open),
                None,
            );
            if !open {
                continue;
            }
            for policy in &stage.policies {
                let key = format!("{key}/{}", policy.label());
                let closest = e.closest.as_ref().is_some_and(|c| c.source == policy.source);
                let relevant = closest || policy.statements.iter().any(|s| s.matched || s.deciding);
                let open = self.is_open(&key, relevant);
                let summary = if policy.statements.iter().any(|s| s.matched || s.deciding) {
                    String::new()
                } else {
                    format!(
                        "  ({} statement{}, none applies)",
                        policy.statements.len(),
                        if policy.statements.len() == 1 { "" } else { "s" }
                    )
                };
                push(
                    rows,
                    depth + 1,
                    key.clone(),
                    vec![
                        (super::text::visible(&policy.label()), Tone::Text),
                        (summary, Tone::Dim),
                    ],
                    Some(open),
                    None,
                );
                if !open {
                    continue;
                }
                for s in &policy.statements {
                    let skey = format!("{key}/{}", s.index);
                    let (mark, tone) = match (s.deciding, s.matched) {
                        (true, _) => (
                            "▶ decides ",
                            if s.effect == crate::policy::Effect::Deny {
                                Tone::Bad
                            } else {
                                Tone::Good
                            },
                        ),
                        (false, true) => ("✓ applies ", Tone::Text),
                        (false, false) => ("· no      ", Tone::Dim),
                    };
                    let reason = s
                        .miss
                        .as_ref()
                        .map(|m| format!(" — {}", short_reason(m)))
                        .unwrap_or_default();
                    let open = s.miss.is_some() && self.is_open(&skey, false);
                    push(
                        rows,
                        depth + 2,
                        skey.clone(),
                        vec![
                            (mark.to_owned(), tone),
                            (
                                format!("{} {}", s.effect.as_str(), super::text::visible(&s.label)),
                                tone,
                            ),
                            (reason, Tone::Dim),
                            (format!("  line {}", s.line), Tone::Dim),
                        ],
                        s.miss.as_ref().map(|_| open),
                        Some((policy.source.clone(), s.line)),
                    );
                    if open && let Some(miss) = &s.miss {
                        for line in super::detail::wrap(&miss.describe(), 70) {
                            push(
                                rows,
                                depth + 3,
                                format!("{skey}/why"),
                                vec![(line, Tone::Warn)],
                                None,
                                None,
                            );
                        }
                    }
                }
            }
        }
        if !e.missing_context.is_empty() {
            push(
                rows,
                depth,
                format!("{prefix}missing"),
                vec![
                    ("Missing context keys: ".to_owned(), Tone::Warn),
                    (e.missing_context.join(", "), Tone::Warn),
                ],
                None,
                None,
            );
        }
        if !e.assumptions.is_empty() {
            let key = format!("{prefix}assumed");
            let open = self.is_open(&key, false);
            push(
                rows,
                depth,
                key.clone(),
                vec![
                    ("Assumed".to_owned(), Tone::Heading),
                    (format!(" ({})", e.assumptions.len()), Tone::Dim),
                ],
                Some(open),
                None,
            );
            if open {
                for a in &e.assumptions {
                    for line in super::detail::wrap(a, 70) {
                        push(rows, depth + 1, format!("{key}/a"), vec![(line, Tone::Dim)], None, None);
                    }
                }
            }
        }
    }
}

/// The first clause of a miss, for the collapsed row.
fn short_reason(miss: &MissInfo) -> &'static str {
    match miss {
        MissInfo::Action { negated: false, .. } => "action not matched",
        MissInfo::Action { negated: true, .. } => "action excluded by NotAction",
        MissInfo::Resource { negated: false, .. } => "resource not matched",
        MissInfo::Resource { negated: true, .. } => "resource excluded by NotResource",
        MissInfo::Principal { .. } => "principal not named",
        MissInfo::Condition {
            request_values: None, ..
        } => "condition key missing",
        MissInfo::Condition { .. } => "condition false",
        MissInfo::Invalid => "invalid statement",
    }
}

pub fn decision_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "ALLOW",
        Decision::ExplicitDeny => "EXPLICIT DENY",
        Decision::ImplicitDeny => "IMPLICIT DENY",
    }
}

pub fn decision_tone(decision: Decision) -> Tone {
    match decision {
        Decision::Allow => Tone::Good,
        Decision::ExplicitDeny => Tone::Bad,
        Decision::ImplicitDeny => Tone::Warn,
    }
}

/// The glossary's terms the explanation's sentences use, each a row that
/// Enter opens in the glossary.
fn glossary_rows(e: &Explanation, rows: &mut Vec<TreeRow>) {
    let mut text = e.summary.clone();
    for stage in &e.stages {
        text.push(' ');
        text.push_str(stage.title);
        text.push(' ');
        text.push_str(&stage.verdict);
    }
    let terms = crate::lessons::Glossary::embedded().terms_in(&text);
    if terms.is_empty() {
        return;
    }
    rows.push(TreeRow {
        depth: 0,
        key: "terms".to_owned(),
        spans: vec![("Terms used here (enter opens the glossary)".to_owned(), Tone::Heading)],
        toggle: None,
        jump: None,
        term: None,
    });
    for term in terms {
        rows.push(TreeRow {
            depth: 1,
            key: format!("term/{}", term.name),
            spans: vec![(format!("↗ {}", term.name), Tone::Text)],
            toggle: None,
            jump: None,
            term: Some(term.name.clone()),
        });
    }
}
