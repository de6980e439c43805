//! The inspector: a principal, an action, a resource and context keys, the
//! engine's answer as a badge, and its explanation as a tree — stages,
//! policies, statements — with deciding statements marked and misses
//! collapsed until opened.

use std::collections::HashMap;

use super::detail::Tone;
use crate::eval::outline::{self, Audience, Link, Node};
use crate::eval::{self, Context, ContextSpec, Decision, Explanation, PolicySource, RequestSpec};
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
    /// A federated principal's claims and role, when a lesson or another
    /// view handed over a request that has them (no field types them yet).
    pub claims: ContextSpec,
    pub role: Option<String>,
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
            claims: ContextSpec::default(),
            role: None,
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
                // Claims and a role belong to the principal they came with.
                self.claims = ContextSpec::default();
                self.role = None;
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

    /// `claims sub=…, aud=… · role NAME`, when the request has them.
    pub fn federation_line(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.claims.is_empty() {
            parts.push(format!("claims {}", self.claims.to_line()));
        }
        if let Some(role) = &self.role {
            parts.push(format!("role {role}"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// Parse the context field: `k=v, k=[a, b]` (a key twice gives two values).
    pub fn context(&self) -> Result<Context, String> {
        Ok(ContextSpec::parse_line(&self.context)?.to_context())
    }

    /// The fields as a written request.
    pub fn spec(&self) -> Result<RequestSpec, String> {
        let resource = if self.resource.trim().is_empty() {
            "*".to_owned()
        } else {
            self.resource.trim().to_owned()
        };
        let mut spec = RequestSpec::new(self.principal.trim(), self.action.trim(), resource);
        spec.context = ContextSpec::from(&self.context()?);
        spec.claims = self.claims.clone();
        spec.role = self.role.clone();
        Ok(spec)
    }

    /// Ask the engine again with the current fields.
    pub fn evaluate(&mut self, model: &Model, now: jiff::Timestamp) {
        if self.principal.is_empty() || self.action.is_empty() {
            self.result = None;
            return;
        }
        let result = (|| {
            let request = self.spec()?.to_request(now).map_err(|e| e.to_string())?;
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

    fn explanation_rows(&self, e: &Explanation, _prefix: &str, depth: usize, rows: &mut Vec<TreeRow>) {
        for node in outline::outline(e, Audience::Explorer) {
            self.node_rows(&node, depth, rows);
        }
    }

    /// One outline node and, when open, what is under it.
    fn node_rows(&self, node: &Node, depth: usize, rows: &mut Vec<TreeRow>) {
        let open = node.children.is_empty() || self.is_open(&node.key, node.open);
        let jump = node
            .link
            .as_ref()
            .map(|Link::Statement { source, line, .. }| (source.clone(), *line));
        // Long prose (a miss's reason, an assumption) wraps; rows stay one line.
        let prose = node.children.is_empty() && node.spans.len() == 1 && node.link.is_none() && depth > 0;
        if prose {
            let span = &node.spans[0];
            for line in super::detail::wrap(&super::text::visible(&span.text), 70) {
                rows.push(TreeRow {
                    depth,
                    key: node.key.clone(),
                    spans: vec![(line, tone(span.tone))],
                    toggle: None,
                    jump: None,
                    term: None,
                });
            }
        } else {
            rows.push(TreeRow {
                depth,
                key: node.key.clone(),
                spans: node
                    .spans
                    .iter()
                    .map(|s| (super::text::visible(&s.text), tone(s.tone)))
                    .collect(),
                toggle: (!node.children.is_empty()).then_some(open),
                jump,
                term: None,
            });
        }
        if open {
            for child in &node.children {
                self.node_rows(child, depth + 1, rows);
            }
        }
    }
}

fn tone(tone: outline::Tone) -> Tone {
    match tone {
        outline::Tone::Text => Tone::Text,
        outline::Tone::Heading => Tone::Heading,
        outline::Tone::Dim => Tone::Dim,
        outline::Tone::Good => Tone::Good,
        outline::Tone::Bad => Tone::Bad,
        outline::Tone::Warn => Tone::Warn,
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
